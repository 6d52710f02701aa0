// SPDX-License-Identifier: MIT
#include "sessionkey.h"

#include "json/jsonparser.h"
#include "promptjson.h"

namespace Switchboard::Core {

namespace {

constexpr QByteArrayView SessionHeader = "x-claude-code-session-id";
constexpr QByteArrayView LegacyMarker = "_session_";

QByteArray sessionFromUserId(const QByteArray &userId, SessionKey::Source &source)
{
    if (userId.startsWith('{')) {
        JsonParser parser;
        simdjson::dom::object object;
        if (parser.parse(userId).get_object().get(object) == simdjson::SUCCESS) {
            source = SessionKey::Source::MetadataJson;
            return Json::stringAt(object, "session_id");
        }
        return {};
    }
    const qsizetype marker = userId.lastIndexOf(LegacyMarker);
    if (marker < 0) {
        return {};
    }
    source = SessionKey::Source::MetadataLegacy;
    return userId.mid(marker + LegacyMarker.size());
}

} // namespace

SessionKey SessionKey::fromRequest(const HttpHeaders &headers, QByteArrayView body, QByteArrayView clientHost,
                                   QByteArrayView userAgent)
{
    if (const QByteArray header = headers.value(SessionHeader).trimmed(); !header.isEmpty()) {
        return {header, Source::Header};
    }
    JsonParser parser;
    simdjson::dom::object request;
    if (parser.parse(body).get_object().get(request) != simdjson::SUCCESS) {
        return {"client " + clientHost.toByteArray() + ' ' + userAgent.toByteArray(), Source::Client};
    }
    simdjson::dom::object metadata;
    if (request.at_key("metadata").get_object().get(metadata) == simdjson::SUCCESS) {
        Source source = Source::Client;
        const QByteArray session = sessionFromUserId(Json::stringAt(metadata, "user_id"), source);
        if (!session.isEmpty()) {
            return {session, source};
        }
    }
    // No name for the session: the same client talking to the same model with the same
    // instructions is taken for one conversation.
    simdjson::dom::element system;
    const QByteArray systemDigest =
        request.at_key("system").get(system) == simdjson::SUCCESS
            ? PromptJson::digest(PromptJson::canonicalContent(system, PromptJson::ClientRequest))
            : QByteArray("none");
    return {"client " + clientHost.toByteArray() + ' ' + userAgent.toByteArray() + ' ' +
                Json::stringAt(request, "model") + " system " + systemDigest,
            Source::Client};
}

} // namespace Switchboard::Core
