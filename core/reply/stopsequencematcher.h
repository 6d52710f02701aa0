// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <vector>

namespace Switchboard::Core {

// Finds the first stop sequence in generated text that arrives in pieces. It holds back only the
// tail that could still grow into a sequence, so text flows with the least delay, and a match that
// spans two pieces is found. OpenAI-style backends cut `stop` strings out without saying which one
// matched, so Switchboard matches itself. Works on UTF-8 bytes; cuts fall on character boundaries
// because every sequence starts on one.
class StopSequenceMatcher
{
public:
    struct Step
    {
        QByteArray text;          // safe to emit now
        int matchedSequence = -1; // index into the sequences, or -1
    };

    StopSequenceMatcher() = default;
    explicit StopSequenceMatcher(std::vector<QByteArray> sequences);

    bool isActive() const { return !m_sequences.empty(); }
    const QByteArray &sequence(int index) const { return m_sequences[std::size_t(index)]; }

    // Adds text; on a match, `text` is what precedes it and nothing after it is ever returned.
    Step feed(QByteArrayView text);
    // The text held back so far (the generation ended or a different block starts).
    QByteArray flush();

private:
    qsizetype heldSuffixLength() const;

    std::vector<QByteArray> m_sequences;
    QByteArray m_pending;
    bool m_matched = false;
};

} // namespace Switchboard::Core
