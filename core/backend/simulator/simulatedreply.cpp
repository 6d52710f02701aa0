// SPDX-License-Identifier: MIT
#include "simulatedreply.h"

#include "api/imageinfo.h"
#include "schemaexample.h"

#include <QtCore/QByteArrayList>
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

constexpr QByteArrayView SayExactly = "say exactly:";

// FNV-1a: a stable hash, unlike qHash, which is seeded per process.
quint64 fnv1a(QByteArrayView bytes, quint64 hash = 14695981039346656037ull)
{
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    return hash;
}

QByteArray textOf(const Message &message)
{
    QByteArray text;
    for (const auto &block : message.content) {
        if (const auto *textBlock = block.getIf<TextBlock>()) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(textBlock->text);
        }
    }
    return text;
}

const Message *lastUserMessage(const MessagesRequest &request)
{
    for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it) {
        if (it->role == Role::User) {
            return &*it;
        }
    }
    return nullptr;
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

// The first "double-quoted" or `backticked` part of a message, to fill a tool's string field.
QByteArray quotedPart(const QByteArray &text)
{
    for (const char mark : {'"', '`'}) {
        const qsizetype open = text.indexOf(mark);
        const qsizetype close = open < 0 ? -1 : text.indexOf(mark, open + 1);
        if (close > open + 1) {
            return text.mid(open + 1, close - open - 1);
        }
    }
    return {};
}

bool mentions(const QByteArray &text, const QByteArray &toolName)
{
    const QByteArray haystack = text.toLower();
    QByteArray spaced = toolName.toLower();
    spaced.replace('_', ' ').replace('-', ' ');
    return haystack.contains(toolName.toLower()) || haystack.contains(spaced);
}

const ToolDefinition *toolToCall(const MessagesRequest &request, const QByteArray &userText)
{
    std::vector<const ToolDefinition *> clientTools;
    for (const auto &tool : request.tools) {
        if (tool.type.isEmpty() || tool.type == "custom") {
            clientTools.push_back(&tool);
        }
    }
    if (clientTools.empty()) {
        return nullptr;
    }
    const auto choice = request.toolChoice ? request.toolChoice->type : ToolChoice::Type::Auto;
    if (choice == ToolChoice::Type::None) {
        return nullptr;
    }
    if (choice == ToolChoice::Type::Tool) {
        for (const auto *tool : clientTools) {
            if (tool->name == request.toolChoice->name) {
                return tool;
            }
        }
        return nullptr;
    }
    for (const auto *tool : clientTools) {
        if (mentions(userText, tool->name)) {
            return tool;
        }
    }
    return choice == ToolChoice::Type::Any ? clientTools.front() : nullptr;
}

// What the tools of the previous assistant turn returned, one sentence each.
QByteArray reportToolResults(const MessagesRequest &request, const Message &user)
{
    QByteArray report;
    for (const auto &block : user.content) {
        const auto *result = block.getIf<ToolResultBlock>();
        if (!result) {
            continue;
        }
        QByteArray name = "a tool";
        for (const auto &message : request.messages) {
            for (const auto &candidate : message.content) {
                if (const auto *use = candidate.getIf<ToolUseBlock>(); use && use->id == result->toolUseId) {
                    name = "the " + use->name + " tool";
                }
            }
        }
        QByteArray content;
        int images = 0;
        for (const auto &part : result->content) {
            if (const auto *text = part.getIf<TextBlock>()) {
                content += (content.isEmpty() ? "" : " ") + text->text;
            } else if (part.is<ImageBlock>()) {
                ++images;
            }
        }
        if (images > 0) {
            content += (content.isEmpty() ? "" : " ") + QByteArray::number(images) + " image(s)";
        }
        if (!report.isEmpty()) {
            report += ' ';
        }
        report += "Calling " + name + (result->isError ? " failed: " : " returned: ");
        report += content.isEmpty() ? QByteArray("nothing") : quoted(content);
        report += '.';
    }
    return report;
}

QByteArray describeAttachments(const Message &user)
{
    QByteArrayList parts;
    for (const auto &block : user.content) {
        if (const auto *image = block.getIf<ImageBlock>()) {
            if (image->source.kind == MediaSource::Kind::Url) {
                parts.append("an image at " + image->source.url);
                continue;
            }
            const ImageInfo info = ImageInfo::of(image->source);
            QByteArray part =
                "an " + image->source.mediaType + " image of " + QByteArray::number(info.bytes) + " bytes";
            if (info.hasSize()) {
                part += " (" + QByteArray::number(info.width) + "x" + QByteArray::number(info.height) + " pixels)";
            }
            parts.append(part);
        } else if (const auto *document = block.getIf<DocumentBlock>()) {
            const QByteArray title = document->title.isEmpty() ? QByteArray() : " \"" + document->title + "\"";
            const QByteArray &source = document->source.data;
            if (document->source.kind == MediaSource::Kind::Text) {
                parts.append("a text document" + title + " of " + QByteArray::number(source.size()) + " characters");
            } else {
                parts.append("a " + document->source.mediaType + " document" + title);
            }
        }
    }
    if (parts.isEmpty()) {
        return {};
    }
    return " It received " + parts.join(", ") + ".";
}

QByteArray composeText(const MessagesRequest &request, const QByteArray &question, const Message *user)
{
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
    if (user) {
        reply += describeAttachments(*user);
    }

    quint64 seed = fnv1a(request.model);
    for (const auto &block : request.system) {
        seed = fnv1a(block.text, seed);
    }
    for (const auto &message : request.messages) {
        seed = fnv1a(textOf(message), seed);
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

} // namespace

SimulatedReply SimulatedReply::compose(const MessagesRequest &request)
{
    SimulatedReply reply;
    const Message *user = lastUserMessage(request);
    const bool answersUser = user && &request.messages.back() == user;
    const QByteArray question = user ? textOf(*user) : QByteArray();
    const QByteArray trimmed = question.trimmed();

    if (request.thinking && request.thinking->type != ThinkingConfig::Type::Disabled) {
        reply.thinking = "The user wrote \"" + quoted(question) +
                         "\". I am Switchboard's simulator, so I will answer deterministically, without real "
                         "reasoning.";
    }

    const QByteArray toolReport = answersUser ? reportToolResults(request, *user) : QByteArray();
    if (!toolReport.isEmpty()) {
        reply.text = toolReport;
        return reply;
    }
    if (trimmed.size() >= SayExactly.size() && trimmed.first(SayExactly.size()).toLower() == SayExactly) {
        reply.text = trimmed.sliced(SayExactly.size()).trimmed();
        return reply;
    }
    if (const ToolDefinition *tool = answersUser ? toolToCall(request, question) : nullptr) {
        reply.toolCall = ToolCall{tool->name, SchemaExample::forSchema(tool->inputSchema, quotedPart(question))};
        const bool forced = request.toolChoice && (request.toolChoice->type == ToolChoice::Type::Any ||
                                                   request.toolChoice->type == ToolChoice::Type::Tool);
        if (!forced) {
            reply.text = "I will call " + tool->name + ".";
        }
        return reply;
    }
    reply.text = composeText(request, question, user);
    return reply;
}

} // namespace Switchboard::Core
