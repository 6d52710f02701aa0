// SPDX-License-Identifier: MIT
#include "stopsequencematcher.h"

#include <algorithm>

namespace Switchboard::Core {

StopSequenceMatcher::StopSequenceMatcher(std::vector<QByteArray> sequences)
    : m_sequences(std::move(sequences))
{
    m_sequences.erase(std::remove_if(m_sequences.begin(), m_sequences.end(),
                                     [](const QByteArray &sequence) { return sequence.isEmpty(); }),
                      m_sequences.end());
}

StopSequenceMatcher::Step StopSequenceMatcher::feed(QByteArrayView text)
{
    if (m_matched) {
        return {};
    }
    if (m_sequences.empty()) {
        return {text.toByteArray(), -1};
    }
    m_pending.append(text.data(), text.size());

    // The match that a token-by-token generation would have completed first: the earliest end,
    // and on a tie the earliest start (the longest sequence).
    int best = -1;
    qsizetype bestStart = 0;
    qsizetype bestEnd = 0;
    for (std::size_t i = 0; i < m_sequences.size(); ++i) {
        const QByteArray &sequence = m_sequences[i];
        const qsizetype start = m_pending.indexOf(sequence);
        if (start < 0) {
            continue;
        }
        const qsizetype end = start + sequence.size();
        if (best < 0 || end < bestEnd || (end == bestEnd && start < bestStart)) {
            best = int(i);
            bestStart = start;
            bestEnd = end;
        }
    }
    if (best >= 0) {
        m_matched = true;
        Step step{m_pending.left(bestStart), best};
        m_pending.clear();
        return step;
    }

    const qsizetype held = heldSuffixLength();
    Step step{m_pending.left(m_pending.size() - held), -1};
    m_pending.remove(0, m_pending.size() - held);
    return step;
}

QByteArray StopSequenceMatcher::flush()
{
    return std::exchange(m_pending, QByteArray());
}

qsizetype StopSequenceMatcher::heldSuffixLength() const
{
    // The longest tail of the pending text that is a proper prefix of some sequence.
    qsizetype longest = 0;
    for (const QByteArray &sequence : m_sequences) {
        const qsizetype limit = qMin(sequence.size() - 1, m_pending.size());
        for (qsizetype length = limit; length > longest; --length) {
            if (QByteArrayView(m_pending).last(length) == QByteArrayView(sequence).first(length)) {
                longest = length;
                break;
            }
        }
    }
    return longest;
}

} // namespace Switchboard::Core
