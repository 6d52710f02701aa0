// SPDX-License-Identifier: MIT
#include "simulatedreply.h"

#include <QtCore/QStringBuilder>

#include <array>

namespace Switchboard::Core {

namespace {

constexpr std::array<const char *, 16> Sentences = {
    "Every token of this answer was written by the simulator, so no model was loaded and nothing was billed.",
    "The same request always receives the same reply, which keeps tests repeatable.",
    "Streaming clients receive these words one token at a time, at the configured rate.",
    "Set max_tokens low to see the reply stop with stop_reason max_tokens.",
    "Stop sequences are honoured exactly, and the matched sequence is reported back.",
    "Usage figures count tokens the way Switchboard estimates them for count_tokens.",
    "Point a route at a real backend when you want real answers.",
    "The traffic inspector shows this exchange event by event.",
    "Switchboard speaks the Anthropic Messages API on both its JSON and streaming paths.",
    "Official SDKs work against this endpoint without changes beyond the base URL.",
    "A reply like this one is useful for checking retries, timeouts and rendering.",
    "Nothing in this text depends on the network, the clock or the machine.",
    "Multi-turn conversations are answered about their latest user message.",
    "System prompts are read, and the simulator says how long they were.",
    "The answer ends here unless max_tokens or a stop sequence ends it first.",
    "Tokens are split like a BPE vocabulary would split them, word by word.",
};

// FNV-1a: a stable hash, unlike qHash, which is seeded per process.
quint64 fnv1a(QByteArrayView bytes, quint64 hash = 14695981039346656037ull)
{
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    return hash;
}

QByteArray lastUserText(const MessagesRequest &request)
{
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
        if (it->role != Role::User) {
            continue;
        }
        QByteArray text;
        for (const auto &block : it->content) {
            if (const auto *textBlock = block.getIf<TextBlock>()) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(textBlock->text);
            }
        }
        return text;
    }
    return {};
}

QByteArray quoted(const QByteArray &text)
{
    // Quote at most ~80 bytes, cut on a character boundary, on one line.
    QByteArray line = text.simplified();
    if (line.size() <= 80) {
        return line;
    }
    qsizetype cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return line.left(cut) + "…";
}

} // namespace

QByteArray SimulatedReply::compose(const MessagesRequest &request)
{
    const QByteArray question = lastUserText(request);
    const QByteArray trimmed = question.trimmed();
    static constexpr QByteArrayView Directive = "say exactly:";
    if (trimmed.size() >= Directive.size() && trimmed.first(Directive.size()).toLower() == Directive) {
        return trimmed.sliced(Directive.size()).trimmed();
    }

    quint64 seed = fnv1a(request.model);
    for (const auto &block : request.system) {
        seed = fnv1a(block.text, seed);
    }
    for (const auto &message : request.messages) {
        for (const auto &block : message.content) {
            if (const auto *text = block.getIf<TextBlock>()) {
                seed = fnv1a(text->text, seed);
            }
        }
    }

    QByteArray reply = "This is Switchboard's offline simulator";
    if (!question.isEmpty()) {
        reply += ", answering \"" + quoted(question) + "\"";
    }
    reply += ".";
    if (!request.system.empty()) {
        qsizetype systemLength = 0;
        for (const auto &block : request.system) {
            systemLength += block.text.size();
        }
        reply += " It read a system prompt of " + QByteArray::number(systemLength) + " characters.";
    }
    // Two to five further sentences, picked and ordered by the request's hash.
    const int count = 2 + int(seed % 4);
    quint64 state = seed | 1;
    for (int i = 0; i < count; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        reply += ' ';
        reply += Sentences[state % Sentences.size()];
    }
    return reply;
}

} // namespace Switchboard::Core
