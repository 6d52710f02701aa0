// SPDX-License-Identifier: MIT
#include "prefixdoctor.h"

#include "json/jsonparser.h"
#include "promptjson.h"

#include <QtCore/QList>

#include <optional>

namespace Switchboard::Core::PrefixDoctor {

namespace {

using Element = simdjson::dom::element;
using Object = simdjson::dom::object;

// A request reduced to what the comparison needs, each part as canonical JSON.
struct PromptParts
{
    QByteArray tools;
    QByteArray system;
    QList<QByteArray> messages;
    QList<std::pair<QByteArray, QByteArray>> parameters; // every other top-level field
};

std::optional<PromptParts> split(const QByteArray &body, int options)
{
    JsonParser parser;
    Object object;
    if (body.isEmpty() || parser.parse(body).get_object().get(object) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    PromptParts parts;
    for (const auto field : object) {
        if (field.key == "messages") {
            simdjson::dom::array messages;
            if (field.value.get_array().get(messages) == simdjson::SUCCESS) {
                for (const Element message : messages) {
                    parts.messages.append(PromptJson::canonical(message, options));
                }
            }
        } else if (field.key == "tools") {
            parts.tools = PromptJson::canonical(field.value, options);
        } else if (field.key == "system") {
            parts.system = PromptJson::canonicalContent(field.value, options);
        } else {
            parts.parameters.append({Json::toBytes(field.key), PromptJson::canonical(field.value, options)});
        }
    }
    return parts;
}

qsizetype firstDifference(const QByteArray &a, const QByteArray &b)
{
    const qsizetype common = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < common; ++i) {
        if (a.at(i) != b.at(i)) {
            return i;
        }
    }
    return a.size() == b.size() ? -1 : common;
}

bool isContinuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool continuesAt(const QByteArray &text, qsizetype at)
{
    return at < text.size() && isContinuation(text.at(at));
}

// Bytes [from, to) of `text`, widened so that no UTF-8 sequence is cut in two.
QByteArray utf8Slice(const QByteArray &text, qsizetype from, qsizetype to)
{
    from = std::clamp<qsizetype>(from, 0, text.size());
    to = std::clamp<qsizetype>(to, from, text.size());
    while (from > 0 && isContinuation(text.at(from))) {
        --from;
    }
    while (to < text.size() && isContinuation(text.at(to))) {
        ++to;
    }
    return text.mid(from, to - from);
}

void describeDifference(PrefixDiagnosis &diagnosis, const QByteArray &previous, const QByteArray &current,
                        qsizetype offset)
{
    diagnosis.byteOffset = offset;
    // The context is common to both sides; widen its start and end the diff at a whole character.
    qsizetype start = std::max<qsizetype>(0, offset - ExcerptBytes);
    qsizetype at = offset;
    while (at > start && (continuesAt(previous, at) || continuesAt(current, at))) {
        --at; // the two differ inside a multi-byte character: show all of it on both sides
    }
    diagnosis.context = utf8Slice(previous, start, at);
    diagnosis.previousText = utf8Slice(previous, at, offset + ExcerptBytes);
    diagnosis.currentText = utf8Slice(current, at, offset + ExcerptBytes);
}

// The first place the current upstream prompt stops extending the previous one, in prompt order.
bool findUpstreamBreak(const PromptParts &previous, const PromptParts &current, PromptTurn::Dialect dialect,
                       PrefixDiagnosis &diagnosis)
{
    const auto compareSection = [&](QByteArrayView name, const QByteArray &a, const QByteArray &b) {
        const qsizetype offset = firstDifference(a, b);
        if (offset < 0) {
            return false;
        }
        diagnosis.section = name.toByteArray();
        describeDifference(diagnosis, a, b, offset);
        return true;
    };
    if (compareSection("tools", previous.tools, current.tools)) {
        return true;
    }
    if (dialect == PromptTurn::Dialect::Anthropic && compareSection("system", previous.system, current.system)) {
        return true;
    }
    for (qsizetype i = 0; i < previous.messages.size(); ++i) {
        const QByteArray &before = previous.messages.at(i);
        const QByteArray now = current.messages.value(i);
        const qsizetype offset = firstDifference(before, now);
        if (offset >= 0) {
            diagnosis.section = "messages";
            diagnosis.upstreamMessage = int(i);
            describeDifference(diagnosis, before, now, offset);
            return true;
        }
    }
    return false;
}

// Which change in the client's request explains a broken upstream prefix.
void findClientCause(const PromptParts &previous, const PromptParts &current, PrefixDiagnosis &diagnosis)
{
    using Cause = PrefixDiagnosis::Cause;
    if (previous.system != current.system) {
        diagnosis.cause = Cause::SystemChanged;
        return;
    }
    if (previous.tools != current.tools) {
        diagnosis.cause = Cause::ToolsChanged;
        return;
    }
    const qsizetype common = std::min(previous.messages.size(), current.messages.size());
    for (qsizetype i = 0; i < common; ++i) {
        if (previous.messages.at(i) != current.messages.at(i)) {
            diagnosis.cause = Cause::ClientRewroteMessage;
            diagnosis.clientMessage = int(i);
            return;
        }
    }
    if (current.messages.size() < previous.messages.size()) {
        diagnosis.cause = Cause::ClientDroppedMessages;
        diagnosis.clientMessage = int(current.messages.size());
        return;
    }
    // Fields that do not reach the prompt at all are not a cause worth naming.
    static const QByteArrayList ignored{"metadata", "stream", "max_tokens"};
    // Plain pairs, not structured bindings: clang 14 (the fuzz build) cannot capture those.
    for (const auto &field : current.parameters) {
        const QByteArray &name = field.first;
        if (ignored.contains(name)) {
            continue;
        }
        const auto before = std::find_if(previous.parameters.begin(), previous.parameters.end(),
                                         [&name](const auto &other) { return other.first == name; });
        if (before == previous.parameters.end() || before->second != field.second) {
            diagnosis.parameters.append(name);
        }
    }
    for (const auto &field : previous.parameters) {
        const QByteArray &name = field.first;
        const auto now = std::find_if(current.parameters.begin(), current.parameters.end(),
                                      [&name](const auto &other) { return other.first == name; });
        if (now == current.parameters.end() && !ignored.contains(name)) {
            diagnosis.parameters.append(name);
        }
    }
    diagnosis.cause = diagnosis.parameters.isEmpty() ? Cause::Translation : Cause::ParameterChanged;
}

} // namespace

PrefixDiagnosis diagnose(const PromptTurn &previous, const PromptTurn &current)
{
    PrefixDiagnosis diagnosis;
    // Chat Completions bodies compare as sent. An Anthropic prompt does not change when a cache
    // marker moves or a string becomes the text block it means.
    const int upstreamOptions =
        current.dialect == PromptTurn::Dialect::Anthropic ? PromptJson::ClientRequest : PromptJson::AsSent;
    const auto upstreamBefore = split(previous.upstreamBody, upstreamOptions);
    const auto upstreamNow = split(current.upstreamBody, upstreamOptions);
    if (!upstreamBefore || !upstreamNow) {
        return diagnosis;
    }
    if (!findUpstreamBreak(*upstreamBefore, *upstreamNow, current.dialect, diagnosis)) {
        diagnosis.verdict = PrefixDiagnosis::Verdict::Extends;
        return diagnosis;
    }
    diagnosis.verdict = PrefixDiagnosis::Verdict::Broken;
    const int clientOptions = PromptJson::ClientRequest;
    const auto clientBefore = split(previous.clientBody, clientOptions);
    const auto clientNow = split(current.clientBody, clientOptions);
    if (!clientBefore || !clientNow) {
        return diagnosis; // the location is known, the cause is not
    }
    findClientCause(*clientBefore, *clientNow, diagnosis);
    return diagnosis;
}

} // namespace Switchboard::Core::PrefixDoctor
