// SPDX-License-Identifier: MIT
#include "chatrequestbuilder.h"

#include "json/jsonwriter.h"

#include <QtCore/QStringBuilder>

#include <algorithm>
#include <deque>

namespace Switchboard::Core {

namespace {

QByteArray joinText(const std::vector<TextBlock> &blocks, QByteArrayView separator)
{
    QByteArray joined;
    for (const auto &block : blocks) {
        if (!joined.isEmpty()) {
            joined.append(separator.data(), separator.size());
        }
        joined.append(block.text);
    }
    return joined;
}

// Claude Code starts its system prompt with an attribution line whose `cch=` value changes on every
// request; a local server would re-process the whole prompt each time (llama.cpp PR #20623).
bool normalizeAttribution(QByteArray &system)
{
    static constexpr QByteArrayView Header = "x-anthropic-billing-header:";
    if (!system.startsWith(Header)) {
        return false;
    }
    const qsizetype lineEnd = system.indexOf('\n');
    const qsizetype key = system.indexOf("cch=");
    if (key < 0 || (lineEnd >= 0 && key > lineEnd)) {
        return false;
    }
    qsizetype valueEnd = key + 4;
    while (valueEnd < system.size() && system[valueEnd] != ';' && system[valueEnd] != ' ' && system[valueEnd] != '\n') {
        ++valueEnd;
    }
    system.replace(key + 4, valueEnd - key - 4, "00000");
    return true;
}

QByteArray dataUri(const MediaSource &source)
{
    return "data:" + source.mediaType + ";base64," + source.data;
}

// One OpenAI user-message part, or the reason the block cannot become one.
struct Part
{
    enum class Kind
    {
        Text,
        ImageUrl,
    };
    Kind kind = Kind::Text;
    QByteArray value;
};

// One upstream turn before it is written: the blocks of one client message (or of several joined
// ones), or a `role: system` message sent with the system or developer role.
struct Turn
{
    enum class Kind
    {
        User,
        Assistant,
        System,
    };
    Kind kind = Kind::User;
    std::vector<const ContentBlock *> blocks;
    std::vector<QByteArray> paths;
    QByteArray systemText;
    int clientMessages = 1;
};

bool hasToolUse(const Message &message)
{
    return std::any_of(message.content.begin(), message.content.end(),
                       [](const ContentBlock &block) { return block.is<ToolUseBlock>(); });
}

QByteArray messagePath(std::size_t clientIndex, std::size_t block)
{
    return "messages." + QByteArray::number(qulonglong(clientIndex)) + ".content." +
           QByteArray::number(qulonglong(block));
}

class Translator
{
public:
    Translator(const MessagesRequest &request, const ChatRequestOptions &options)
        : m_request(request)
        , m_options(options)
        , m_json(m_body)
    {}

    Result<ChatRequest> run();

private:
    std::optional<ApiError> collectParts(const ContentBlock &block, std::vector<Part> &parts, const QByteArray &path);
    std::optional<ApiError> writeUserTurn(const std::vector<const ContentBlock *> &blocks,
                                          const std::vector<QByteArray> &paths);
    void writeAssistantTurn(const std::vector<const ContentBlock *> &blocks);
    void writeToolResult(const ToolResultBlock &result, std::vector<Part> &images);
    void writeParts(const std::vector<Part> &parts);
    void writeTools();
    void writeToolChoice();
    void writeThinking();
    std::vector<Turn> turnsInOrder();
    Turn systemTurn(const SystemMessage &system);
    std::vector<Turn> mergedTurns(std::vector<Turn> turns);
    std::optional<ApiError> writeTurn(const Turn &turn);
    void note(QByteArray text) { m_notes.push_back(std::move(text)); }

    const MessagesRequest &m_request;
    const ChatRequestOptions &m_options;
    QByteArray m_body;
    JsonWriter m_json;
    std::vector<QByteArray> m_notes;
    std::deque<ContentBlock> m_madeBlocks; // blocks made here (reminders); a deque keeps them in place
};

std::optional<ApiError> Translator::collectParts(const ContentBlock &block, std::vector<Part> &parts,
                                                 const QByteArray &path)
{
    if (const auto *text = block.getIf<TextBlock>()) {
        parts.push_back({Part::Kind::Text, text->text});
        return {};
    }
    if (const auto *image = block.getIf<ImageBlock>()) {
        switch (image->source.kind) {
        case MediaSource::Kind::Base64:
            parts.push_back({Part::Kind::ImageUrl, dataUri(image->source)});
            return {};
        case MediaSource::Kind::Url:
            parts.push_back({Part::Kind::ImageUrl, image->source.url});
            return {};
        default:
            return ApiError::invalidRequest(
                path + ": images uploaded with the Files API (source type 'file') can only be sent to an "
                       "Anthropic-native backend; send the image as base64 instead");
        }
    }
    if (const auto *document = block.getIf<DocumentBlock>()) {
        const auto &source = document->source;
        QByteArray header = document->title.isEmpty() ? QByteArray() : document->title + "\n\n";
        if (source.kind == MediaSource::Kind::Text) {
            parts.push_back({Part::Kind::Text, header + source.data});
            return {};
        }
        if (source.kind == MediaSource::Kind::Content) {
            if (!header.isEmpty()) {
                parts.push_back({Part::Kind::Text, document->title});
            }
            for (std::size_t i = 0; i < source.content.size(); ++i) {
                if (auto error = collectParts(source.content[i], parts,
                                              path + ".source.content." + QByteArray::number(qulonglong(i)))) {
                    return error;
                }
            }
            return {};
        }
        return ApiError::invalidRequest(
            path + ": " + (source.mediaType.isEmpty() ? QByteArray("binary") : source.mediaType) +
            " documents (PDFs and other files) have no Chat Completions form; route this model to an "
            "Anthropic-native backend, or send the document's text as a text source");
    }
    if (const auto *other = block.getIf<OtherBlock>()) {
        note("dropped a `" + other->type + "` block that Chat Completions cannot carry");
        return {};
    }
    note("dropped a `" + blockTypeName(block) + "` block in a user turn");
    return {};
}

void Translator::writeParts(const std::vector<Part> &parts)
{
    // A lone text part stays a plain string: the most widely understood form.
    if (parts.size() == 1 && parts.front().kind == Part::Kind::Text) {
        m_json.field("content", parts.front().value);
        return;
    }
    m_json.key("content").beginArray();
    for (const Part &part : parts) {
        m_json.beginObject();
        if (part.kind == Part::Kind::Text) {
            m_json.field("type", "text");
            m_json.field("text", part.value);
        } else {
            m_json.field("type", "image_url");
            m_json.key("image_url").beginObject();
            m_json.field("url", part.value);
            m_json.endObject();
        }
        m_json.endObject();
    }
    m_json.endArray();
}

void Translator::writeToolResult(const ToolResultBlock &result, std::vector<Part> &images)
{
    QByteArray text;
    std::vector<Part> resultImages;
    int dropped = 0;
    for (const auto &block : result.content) {
        if (const auto *blockText = block.getIf<TextBlock>()) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(blockText->text);
        } else if (const auto *document = block.getIf<DocumentBlock>();
                   document && document->source.kind == MediaSource::Kind::Text) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(document->source.data);
        } else if (const auto *image = block.getIf<ImageBlock>();
                   image &&
                   (image->source.kind == MediaSource::Kind::Base64 || image->source.kind == MediaSource::Kind::Url)) {
            resultImages.push_back({Part::Kind::ImageUrl, image->source.kind == MediaSource::Kind::Base64
                                                              ? dataUri(image->source)
                                                              : image->source.url});
        } else {
            ++dropped;
        }
    }
    if (dropped > 0) {
        note("dropped " + QByteArray::number(dropped) +
             " block(s) of a tool_result that Chat Completions cannot carry");
    }
    if (!resultImages.empty()) {
        // Tool messages carry text only: the images follow in the user message right after, named so
        // the model can tell which call returned them (Claude Code's Read tool returns images).
        note("moved " + QByteArray::number(qulonglong(resultImages.size())) + " image(s) of tool_result " +
             result.toolUseId + " into the following user message");
        images.push_back({Part::Kind::Text, "Image(s) returned by tool call " + result.toolUseId + ":"});
        images.insert(images.end(), resultImages.begin(), resultImages.end());
        if (text.isEmpty()) {
            text = "(the result is the image(s) in the next message)";
        }
    }
    // OpenAI tool messages have no error flag; say it in the content.
    if (result.isError) {
        text = text.isEmpty() ? QByteArray("Error") : "Error: " + text;
    }
    m_json.beginObject();
    m_json.field("role", "tool");
    m_json.field("tool_call_id", result.toolUseId);
    m_json.field("content", text);
    m_json.endObject();
}

std::optional<ApiError> Translator::writeUserTurn(const std::vector<const ContentBlock *> &blocks,
                                                  const std::vector<QByteArray> &paths)
{
    // Tool results answer the previous assistant turn, so they must directly follow it.
    std::vector<Part> parts;
    bool answered = false;
    for (const ContentBlock *block : blocks) {
        if (const auto *result = block->getIf<ToolResultBlock>()) {
            writeToolResult(*result, parts);
            answered = true;
        }
    }
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (blocks[i]->is<ToolResultBlock>()) {
            continue;
        }
        if (auto error = collectParts(*blocks[i], parts, paths[i])) {
            return error;
        }
    }
    if (parts.empty()) {
        if (!answered && !blocks.empty()) {
            // Sending nothing would leave the model answering a turn nobody asked.
            const QByteArray path = paths.front().left(paths.front().lastIndexOf(".content.") + 8);
            return ApiError::invalidRequest(path + ": none of this turn's blocks (" + blockTypeName(*blocks.front()) +
                                            ", ...) can be sent to a Chat Completions backend");
        }
        return {};
    }
    m_json.beginObject();
    m_json.field("role", "user");
    writeParts(parts);
    m_json.endObject();
    return {};
}

void Translator::writeAssistantTurn(const std::vector<const ContentBlock *> &blocks)
{
    QByteArray text;
    QByteArray reasoning;
    std::vector<const ToolUseBlock *> toolUses;
    for (const ContentBlock *block : blocks) {
        if (const auto *blockText = block->getIf<TextBlock>()) {
            text.append(blockText->text);
        } else if (const auto *thinking = block->getIf<ThinkingBlock>()) {
            reasoning.append(thinking->thinking);
        } else if (const auto *toolUse = block->getIf<ToolUseBlock>()) {
            toolUses.push_back(toolUse);
        } else if (block->is<RedactedThinkingBlock>()) {
            note("dropped a redacted_thinking block: only Anthropic can read it");
        } else {
            note("dropped a `" + blockTypeName(*block) + "` block in an assistant turn");
        }
    }
    m_json.beginObject();
    m_json.field("role", "assistant");
    if (text.isEmpty() && !toolUses.empty()) {
        m_json.key("content").null();
    } else {
        m_json.field("content", text);
    }
    if (!reasoning.isEmpty()) {
        m_json.field("reasoning_content", reasoning);
    }
    if (!toolUses.empty()) {
        m_json.key("tool_calls").beginArray();
        for (const ToolUseBlock *toolUse : toolUses) {
            m_json.beginObject();
            m_json.field("id", toolUse->id);
            m_json.field("type", "function");
            m_json.key("function").beginObject();
            m_json.field("name", toolUse->name);
            m_json.field("arguments", toolUse->input);
            m_json.endObject();
            m_json.endObject();
        }
        m_json.endArray();
    }
    m_json.endObject();
}

void Translator::writeTools()
{
    bool any = false;
    for (const auto &tool : m_request.tools) {
        if (!tool.type.isEmpty() && tool.type != "custom") {
            note("dropped server tool '" + tool.name + "' (" + tool.type + "): it runs only on Anthropic's servers");
            continue;
        }
        if (!any) {
            m_json.key("tools").beginArray();
            any = true;
        }
        m_json.beginObject();
        m_json.field("type", "function");
        m_json.key("function").beginObject();
        m_json.field("name", tool.name);
        if (!tool.description.isEmpty()) {
            m_json.field("description", tool.description);
        }
        m_json.key("parameters").raw(tool.inputSchema);
        m_json.endObject();
        m_json.endObject();
    }
    if (any) {
        m_json.endArray();
        writeToolChoice();
    }
}

void Translator::writeToolChoice()
{
    if (!m_request.toolChoice) {
        return;
    }
    const ToolChoice &choice = *m_request.toolChoice;
    switch (choice.type) {
    case ToolChoice::Type::Auto:
        m_json.field("tool_choice", "auto");
        break;
    case ToolChoice::Type::Any:
        m_json.field("tool_choice", "required");
        break;
    case ToolChoice::Type::None:
        m_json.field("tool_choice", "none");
        break;
    case ToolChoice::Type::Tool:
        m_json.key("tool_choice").beginObject();
        m_json.field("type", "function");
        m_json.key("function").beginObject();
        m_json.field("name", choice.name);
        m_json.endObject();
        m_json.endObject();
        break;
    }
    if (choice.disableParallelToolUse && choice.type != ToolChoice::Type::None) {
        m_json.field("parallel_tool_calls", false);
    }
}

void Translator::writeThinking()
{
    if (!m_request.thinking || m_options.thinkingStyle == ThinkingStyle::None) {
        return;
    }
    const ThinkingConfig &thinking = *m_request.thinking;
    const bool enabled = thinking.type != ThinkingConfig::Type::Disabled;
    const bool kwargs =
        m_options.thinkingStyle == ThinkingStyle::ChatTemplateKwargs || m_options.thinkingStyle == ThinkingStyle::Both;
    const bool effort =
        m_options.thinkingStyle == ThinkingStyle::ReasoningEffort || m_options.thinkingStyle == ThinkingStyle::Both;
    if (kwargs) {
        m_json.key("chat_template_kwargs").beginObject();
        m_json.field("enable_thinking", enabled);
        m_json.endObject();
    }
    if (effort && enabled) {
        // Budget buckets as the gateways use them; an explicit output_config.effort wins.
        QByteArray level = m_request.outputEffort;
        if (level.isEmpty() || level == "xhigh" || level == "max") {
            level = level.isEmpty() ? QByteArray("medium") : QByteArray("high");
            if (thinking.type == ThinkingConfig::Type::Enabled) {
                level = thinking.budgetTokens <= 2048   ? QByteArray("low")
                        : thinking.budgetTokens <= 8192 ? QByteArray("medium")
                                                        : QByteArray("high");
            }
        }
        m_json.field("reasoning_effort", level);
    }
}

Turn Translator::systemTurn(const SystemMessage &system)
{
    Turn turn;
    const QByteArray text = joinText(system.content, "\n\n");
    if (m_options.systemMessageRole != SystemMessageRole::User) {
        turn.kind = Turn::Kind::System;
        turn.systemText = text;
        return turn;
    }
    m_madeBlocks.emplace_back(TextBlock{"<system-reminder>\n" + text + "\n</system-reminder>"});
    turn.blocks.push_back(&m_madeBlocks.back());
    turn.paths.push_back("messages");
    return turn;
}

// The client's turns and system messages in the client's order. One exception keeps the tool
// protocol intact: system messages between an assistant's tool calls and the user turn that answers
// them follow the answers (`tool` messages must directly follow their call). Both arrive in the same
// request, as the answer must be in the turn right after the calls, so the order never changes later.
std::vector<Turn> Translator::turnsInOrder()
{
    const auto &messages = m_request.messages;
    const auto &systems = m_request.systemMessages;
    std::vector<Turn> turns;
    std::size_t nextSystem = 0;
    std::size_t clientIndex = 0; // position in the client's `messages`, system entries included
    for (std::size_t i = 0; i <= messages.size(); ++i) {
        std::vector<Turn> before;
        for (; nextSystem < systems.size() && systems[nextSystem].beforeMessage == i; ++nextSystem, ++clientIndex) {
            before.push_back(systemTurn(systems[nextSystem]));
        }
        if (i == messages.size()) {
            turns.insert(turns.end(), before.begin(), before.end());
            break;
        }
        const Message &message = messages[i];
        Turn turn;
        turn.kind = message.role == Role::User ? Turn::Kind::User : Turn::Kind::Assistant;
        Turn answers; // the tool_result blocks that must precede `before`
        const bool answersCalls = !before.empty() && message.role == Role::User && i > 0 && hasToolUse(messages[i - 1]);
        for (std::size_t b = 0; b < message.content.size(); ++b) {
            Turn &target = answersCalls && message.content[b].is<ToolResultBlock>() ? answers : turn;
            target.blocks.push_back(&message.content[b]);
            target.paths.push_back(messagePath(clientIndex, b));
        }
        ++clientIndex;
        if (!answers.blocks.empty()) {
            turns.push_back(std::move(answers));
            turn.clientMessages = 0; // the same client message as `answers`
        }
        turns.insert(turns.end(), before.begin(), before.end());
        turns.push_back(std::move(turn));
    }
    return turns;
}

// Joins runs of user turns (reminders included) and of assistant turns, for strict templates.
std::vector<Turn> Translator::mergedTurns(std::vector<Turn> turns)
{
    std::vector<Turn> merged;
    for (Turn &turn : turns) {
        if (!merged.empty() && turn.kind != Turn::Kind::System && merged.back().kind == turn.kind) {
            Turn &into = merged.back();
            into.blocks.insert(into.blocks.end(), turn.blocks.begin(), turn.blocks.end());
            into.paths.insert(into.paths.end(), turn.paths.begin(), turn.paths.end());
            into.clientMessages += turn.clientMessages;
            continue;
        }
        merged.push_back(std::move(turn));
    }
    for (const Turn &turn : merged) {
        if (turn.clientMessages > 1) {
            note("merged " + QByteArray::number(turn.clientMessages) + " consecutive " +
                 (turn.kind == Turn::Kind::User ? "user" : "assistant") + " messages into one turn");
        }
    }
    return merged;
}

std::optional<ApiError> Translator::writeTurn(const Turn &turn)
{
    switch (turn.kind) {
    case Turn::Kind::User:
        return writeUserTurn(turn.blocks, turn.paths);
    case Turn::Kind::Assistant:
        writeAssistantTurn(turn.blocks);
        return {};
    case Turn::Kind::System:
        m_json.beginObject();
        m_json.field("role", m_options.systemMessageRole == SystemMessageRole::Developer ? "developer" : "system");
        m_json.field("content", turn.systemText);
        m_json.endObject();
        return {};
    }
    return {};
}

Result<ChatRequest> Translator::run()
{
    m_body.reserve(1024);
    m_json.beginObject();
    m_json.field("model", m_options.upstreamModel);
    m_json.key("messages").beginArray();

    if (!m_request.system.empty()) {
        QByteArray system = joinText(m_request.system, "\n\n");
        if (normalizeAttribution(system)) {
            note("normalised Claude Code's per-request cch= attribution value, which would defeat the backend's "
                 "prompt cache");
        }
        m_json.beginObject();
        m_json.field("role", "system");
        m_json.field("content", system);
        m_json.endObject();
    }
    if (!m_request.systemMessages.empty()) {
        static constexpr const char *RoleNames[] = {"user messages marked <system-reminder>", "system messages",
                                                    "developer messages"};
        note("sent " + QByteArray::number(qulonglong(m_request.systemMessages.size())) +
             " `role: system` message(s) in place, as " + RoleNames[int(m_options.systemMessageRole)]);
    }
    std::vector<Turn> turns = turnsInOrder();
    if (m_options.mergeConsecutiveTurns) {
        turns = mergedTurns(std::move(turns));
    }
    for (const Turn &turn : turns) {
        if (auto error = writeTurn(turn)) {
            return *error;
        }
    }
    m_json.endArray();

    m_json.field("max_tokens", m_request.maxTokens);
    if (m_request.temperature) {
        m_json.field("temperature", *m_request.temperature);
    }
    if (m_request.topP) {
        m_json.field("top_p", *m_request.topP);
    }
    if (m_request.topK) {
        m_json.field("top_k", *m_request.topK);
    }
    if (!m_request.stopSequences.empty()) {
        note("stop_sequences are matched by Switchboard, not sent as `stop` (servers cut the match out "
             "without saying which sequence fired)");
    }
    writeTools();
    writeThinking();
    if (m_options.stream) {
        m_json.field("stream", true);
        m_json.key("stream_options").beginObject();
        m_json.field("include_usage", true);
        m_json.endObject();
    }
    m_json.endObject();
    return ChatRequest{std::move(m_body), std::move(m_notes)};
}

} // namespace

Result<ChatRequest> buildChatRequest(const MessagesRequest &request, const ChatRequestOptions &options)
{
    Translator translator(request, options);
    return translator.run();
}

} // namespace Switchboard::Core
