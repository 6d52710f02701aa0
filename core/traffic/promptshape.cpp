// SPDX-License-Identifier: MIT
#include "promptshape.h"

#include "json/jsonparser.h"
#include "promptjson.h"

namespace Switchboard::Core {

namespace {

constexpr qsizetype ExcerptChars = 80;

// Claude Code's first system block is a billing header that says nothing about the agent.
QString systemText(simdjson::dom::element system)
{
    std::string_view text;
    if (system.get_string().get(text) == simdjson::SUCCESS) {
        return QString::fromUtf8(text.data(), qsizetype(text.size()));
    }
    simdjson::dom::array blocks;
    if (system.get_array().get(blocks) != simdjson::SUCCESS) {
        return {};
    }
    QString joined;
    for (const auto block : blocks) {
        if (block["text"].get_string().get(text) != simdjson::SUCCESS ||
            text.starts_with("x-anthropic-billing-header")) {
            continue;
        }
        joined += QString::fromUtf8(text.data(), qsizetype(text.size())).trimmed() + u' ';
        if (joined.size() > ExcerptChars) {
            break;
        }
    }
    return joined;
}

} // namespace

PromptShape PromptShape::fromClientBody(QByteArrayView body)
{
    PromptShape shape;
    JsonParser parser;
    simdjson::dom::object request;
    if (parser.parse(body).get_object().get(request) != simdjson::SUCCESS) {
        return shape;
    }
    constexpr int options = PromptJson::ClientRequest;
    simdjson::dom::element system;
    if (request.at_key("system").get(system) == simdjson::SUCCESS) {
        shape.system = PromptJson::digest(PromptJson::canonicalContent(system, options));
        shape.systemExcerpt = systemText(system).simplified().left(ExcerptChars);
    }
    simdjson::dom::array messages;
    if (request.at_key("messages").get_array().get(messages) == simdjson::SUCCESS && messages.size() > 0) {
        shape.messageCount = int(messages.size());
        shape.firstMessage = PromptJson::digest(PromptJson::canonical(messages.at(0).value_unsafe(), options));
    }
    return shape;
}

} // namespace Switchboard::Core
