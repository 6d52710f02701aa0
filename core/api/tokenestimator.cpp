// SPDX-License-Identifier: MIT
#include "tokenestimator.h"

#include "imageinfo.h"

namespace Switchboard::Core {

namespace {

enum class CharClass
{
    Letter,
    Digit,
    Space,
    Newline,
    Ideograph,
    Symbol,
};

// Decodes one UTF-8 character at `pos`; returns its byte length (1 for invalid bytes).
int decode(QByteArrayView text, qsizetype pos, char32_t &codepoint)
{
    const auto lead = static_cast<unsigned char>(text[pos]);
    int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (lead >= 0x80 && lead < 0xC0) {
        length = 1;
    }
    if (pos + length > text.size()) {
        length = 1;
    }
    codepoint = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (int i = 1; i < length; ++i) {
        codepoint = (codepoint << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    }
    return length;
}

CharClass classify(char32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        return CharClass::Letter;
    }
    if (c >= '0' && c <= '9') {
        return CharClass::Digit;
    }
    if (c == '\n' || c == '\r') {
        return CharClass::Newline;
    }
    if (c == ' ' || c == '\t') {
        return CharClass::Space;
    }
    if (c >= 0x2E80) {
        return CharClass::Ideograph; // CJK and beyond: about one token per character
    }
    if (c >= 0x80) {
        return CharClass::Letter; // accented and other alphabetic scripts
    }
    return CharClass::Symbol;
}

int countBlocks(const std::vector<ContentBlock> &blocks);

int countBlock(const ContentBlock &block)
{
    if (const auto *text = block.getIf<TextBlock>()) {
        return TokenEstimator::countText(text->text);
    }
    if (const auto *image = block.getIf<ImageBlock>()) {
        return ImageInfo::of(image->source).estimatedTokens();
    }
    if (const auto *document = block.getIf<DocumentBlock>()) {
        const auto &source = document->source;
        int tokens = TokenEstimator::countText(document->title) + TokenEstimator::countText(document->context);
        switch (source.kind) {
        case MediaSource::Kind::Text:
            return tokens + TokenEstimator::countText(source.data);
        case MediaSource::Kind::Content:
            return tokens + countBlocks(source.content);
        case MediaSource::Kind::Base64:
            // A PDF page costs roughly 1,500-3,000 tokens; pages average about 3 KB of base64-free bytes.
            return tokens + int(qMin<qint64>(source.data.size() * 3 / 4 / 2, 10'000'000));
        default:
            return tokens + 1500;
        }
    }
    if (const auto *toolUse = block.getIf<ToolUseBlock>()) {
        return 4 + TokenEstimator::countText(toolUse->name) + TokenEstimator::countText(toolUse->input);
    }
    if (const auto *result = block.getIf<ToolResultBlock>()) {
        return 4 + countBlocks(result->content);
    }
    if (const auto *thinking = block.getIf<ThinkingBlock>()) {
        return TokenEstimator::countText(thinking->thinking);
    }
    if (const auto *redacted = block.getIf<RedactedThinkingBlock>()) {
        return int(redacted->data.size() / 4);
    }
    if (const auto *other = block.getIf<OtherBlock>()) {
        return TokenEstimator::countText(other->json);
    }
    return 0;
}

int countBlocks(const std::vector<ContentBlock> &blocks)
{
    int tokens = 0;
    for (const auto &block : blocks) {
        tokens += countBlock(block);
    }
    return tokens;
}

} // namespace

std::vector<QByteArrayView> TokenEstimator::split(QByteArrayView text)
{
    std::vector<QByteArrayView> pieces;
    pieces.reserve(std::size_t(text.size() / 4 + 1));
    qsizetype pos = 0;
    while (pos < text.size()) {
        const qsizetype start = pos;
        char32_t c = 0;
        int length = decode(text, pos, c);
        CharClass kind = classify(c);
        // A single space belongs to the word after it, as in BPE vocabularies.
        if (kind == CharClass::Space && c == ' ' && pos + 1 < text.size()) {
            char32_t next = 0;
            decode(text, pos + 1, next);
            const CharClass nextKind = classify(next);
            if (nextKind == CharClass::Letter || nextKind == CharClass::Digit) {
                pos += 1;
                length = decode(text, pos, c);
                kind = nextKind;
            }
        }
        pos += length;
        int runChars = 1;
        const int maxChars = kind == CharClass::Letter      ? 0
                             : kind == CharClass::Digit     ? 3
                             : kind == CharClass::Symbol    ? 2
                             : kind == CharClass::Ideograph ? 1
                                                            : 0; // spaces, newlines: the whole run
        while (pos < text.size() && (maxChars == 0 || runChars < maxChars)) {
            char32_t nextChar = 0;
            const int nextLength = decode(text, pos, nextChar);
            if (classify(nextChar) != kind) {
                break;
            }
            pos += nextLength;
            ++runChars;
        }
        if (kind != CharClass::Letter) {
            pieces.push_back(text.sliced(start, pos - start));
            continue;
        }
        // Long words: one more token per six letters, cut into even pieces.
        const int tokens = 1 + (runChars - 1) / 6;
        if (tokens == 1) {
            pieces.push_back(text.sliced(start, pos - start));
            continue;
        }
        const int perPiece = (runChars + tokens - 1) / tokens;
        qsizetype pieceStart = start;
        qsizetype cursor = start;
        int inPiece = 0;
        while (cursor < pos) {
            char32_t ignored = 0;
            const int step = decode(text, cursor, ignored);
            if (cursor != start || text[start] != ' ') {
                ++inPiece;
            }
            cursor += step;
            if (inPiece == perPiece && cursor < pos) {
                pieces.push_back(text.sliced(pieceStart, cursor - pieceStart));
                pieceStart = cursor;
                inPiece = 0;
            }
        }
        pieces.push_back(text.sliced(pieceStart, pos - pieceStart));
    }
    return pieces;
}

int TokenEstimator::countText(QByteArrayView text)
{
    return int(split(text).size());
}

int TokenEstimator::countRequest(const MessagesRequest &request)
{
    constexpr int PerMessage = 4; // role markers and separators of a chat template
    constexpr int PerTool = 8;
    int tokens = 3; // the assistant turn's opening
    for (const auto &block : request.system) {
        tokens += countText(block.text);
    }
    if (!request.system.empty()) {
        tokens += PerMessage;
    }
    for (const auto &message : request.messages) {
        tokens += PerMessage + countBlocks(message.content);
    }
    for (const auto &system : request.systemMessages) {
        tokens += PerMessage;
        for (const auto &block : system.content) {
            tokens += countText(block.text);
        }
    }
    for (const auto &tool : request.tools) {
        tokens += PerTool + countText(tool.name) + countText(tool.description) +
                  countText(tool.inputSchema.isEmpty() ? tool.json : tool.inputSchema);
    }
    return tokens;
}

} // namespace Switchboard::Core
