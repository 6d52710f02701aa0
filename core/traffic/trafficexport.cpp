// SPDX-License-Identifier: MIT
#include "trafficexport.h"

#include "security/redactor.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QUrl>
#include <QtCore/QUrlQuery>

namespace Switchboard::Core::TrafficExport {

using namespace Qt::StringLiterals;

namespace {

QString text(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

QJsonArray headerArray(const HttpHeaders &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers.fields()) {
        array.append(QJsonObject{{u"name"_s, text(name)}, {u"value"_s, text(value)}});
    }
    return array;
}

// "POST /v1/messages HTTP/1.1" → its three words.
QStringList startLineParts(const QByteArray &line)
{
    return text(line).split(u' ');
}

QString urlOf(const CapturedMessage &request, const QString &fallbackHost)
{
    const QStringList parts = startLineParts(request.startLine);
    const QString target = parts.value(1);
    const QString host = request.headers.contains("host") ? text(request.headers.value("host")) : fallbackHost;
    return u"http://"_s + host + target;
}

QJsonObject harRequest(const CapturedMessage &request, const QString &url)
{
    const QStringList parts = startLineParts(request.startLine);
    QJsonArray query;
    for (const auto &[name, value] : QUrlQuery(QUrl(url)).queryItems(QUrl::FullyDecoded)) {
        query.append(QJsonObject{{u"name"_s, name}, {u"value"_s, value}});
    }
    QJsonObject object{{u"method"_s, parts.value(0)},
                       {u"url"_s, url},
                       {u"httpVersion"_s, parts.value(2)},
                       {u"headers"_s, headerArray(request.headers)},
                       {u"queryString"_s, query},
                       {u"cookies"_s, QJsonArray()},
                       {u"headersSize"_s, -1},
                       {u"bodySize"_s, request.body.size()}};
    if (!request.body.isEmpty()) {
        object[u"postData"_s] =
            QJsonObject{{u"mimeType"_s, text(request.headers.value("content-type"))}, {u"text"_s, text(request.body)}};
    }
    return object;
}

QJsonObject harResponse(const CapturedMessage &response)
{
    const QStringList parts = startLineParts(response.startLine);
    const int status = parts.value(1).toInt();
    return QJsonObject{
        {u"status"_s, status},
        {u"statusText"_s, parts.mid(2).join(u' ')},
        {u"httpVersion"_s, parts.value(0, u"HTTP/1.1"_s)},
        {u"headers"_s, headerArray(response.headers)},
        {u"cookies"_s, QJsonArray()},
        {u"content"_s, QJsonObject{{u"size"_s, response.body.size()},
                                   {u"mimeType"_s, text(response.headers.value("content-type"))},
                                   {u"text"_s, text(response.body)}}},
        {u"redirectURL"_s, QString()},
        {u"headersSize"_s, -1},
        {u"bodySize"_s, response.body.size()},
    };
}

double ms(qint64 us)
{
    return us < 0 ? -1.0 : us / 1000.0;
}

QJsonObject harEntry(const ExchangeRecord &record, const CapturedMessage &request, const CapturedMessage &response,
                     const QString &url, const QString &leg)
{
    const double total = std::max(0.0, ms(record.durationUs));
    const double wait = std::max(0.0, ms(record.timeToFirstByteUs));
    return QJsonObject{
        {u"startedDateTime"_s, record.started.toString(Qt::ISODateWithMs)},
        {u"time"_s, total},
        {u"request"_s, harRequest(request, url)},
        {u"response"_s, harResponse(response)},
        {u"cache"_s, QJsonObject()},
        {u"timings"_s, QJsonObject{{u"send"_s, 0}, {u"wait"_s, wait}, {u"receive"_s, std::max(0.0, total - wait)}}},
        {u"comment"_s, leg},
        {u"_requestId"_s, text(record.requestId)},
    };
}

QJsonArray eventArray(const QList<CapturedSseEvent> &events)
{
    QJsonArray array;
    for (const auto &event : events) {
        array.append(QJsonObject{
            {u"offset_ms"_s, event.offsetUs / 1000.0}, {u"event"_s, text(event.name)}, {u"data"_s, text(event.data)}});
    }
    return array;
}

QJsonObject messageObject(const CapturedMessage &message)
{
    if (!message.present) {
        return {};
    }
    QJsonObject object{{u"start_line"_s, text(message.startLine)},
                       {u"headers"_s, headerArray(message.headers)},
                       {u"body"_s, text(message.body)}};
    if (message.truncated) {
        object[u"body_truncated"_s] = true;
    }
    if (message.streaming) {
        object[u"events"_s] = eventArray(message.events);
    }
    return object;
}

QString stateName(ExchangeRecord::State state)
{
    switch (state) {
    case ExchangeRecord::State::Open:
        return u"open"_s;
    case ExchangeRecord::State::Complete:
        return u"complete"_s;
    case ExchangeRecord::State::Failed:
        return u"failed"_s;
    case ExchangeRecord::State::ClientGone:
        return u"client_gone"_s;
    }
    return {};
}

QString shellQuote(const QString &value)
{
    QString quoted = value;
    quoted.replace(u'\'', u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

} // namespace

QByteArray har(const QList<ExchangeRecord> &records)
{
    QJsonArray entries;
    for (const ExchangeRecord &record : records) {
        entries.append(harEntry(record, record.clientRequest, record.clientResponse,
                                urlOf(record.clientRequest, u"127.0.0.1"_s), u"client ↔ Switchboard"_s));
        if (record.upstreamRequest.present) {
            entries.append(harEntry(record, record.upstreamRequest, record.upstreamResponse, record.upstreamUrl,
                                    u"Switchboard ↔ backend "_s + text(record.backend)));
        }
    }
    const QJsonObject document{
        {u"log"_s, QJsonObject{{u"version"_s, u"1.2"_s},
                               {u"creator"_s, QJsonObject{{u"name"_s, u"Switchboard"_s},
                                                          {u"version"_s, QStringLiteral(SWITCHBOARD_VERSION)}}},
                               {u"entries"_s, entries}}}};
    return Redactor::text(QJsonDocument(document).toJson(QJsonDocument::Indented));
}

QByteArray jsonLines(const QList<ExchangeRecord> &records)
{
    QByteArray out;
    for (const ExchangeRecord &record : records) {
        const QJsonObject line{
            {u"request_id"_s, text(record.requestId)},
            {u"started"_s, record.started.toString(Qt::ISODateWithMs)},
            {u"client"_s, record.clientAddress},
            {u"method"_s, text(record.method)},
            {u"path"_s, text(record.path)},
            {u"model"_s, text(record.model)},
            {u"backend"_s, text(record.backend)},
            {u"status"_s, record.status},
            {u"state"_s, stateName(record.state)},
            {u"ttfb_ms"_s, ms(record.timeToFirstByteUs)},
            {u"ttft_ms"_s, ms(record.timeToFirstTokenUs)},
            {u"duration_ms"_s, ms(record.durationUs)},
            {u"input_tokens"_s, record.inputTokens},
            {u"output_tokens"_s, record.outputTokens},
            {u"client_request"_s, messageObject(record.clientRequest)},
            {u"client_response"_s, messageObject(record.clientResponse)},
            {u"upstream_url"_s, record.upstreamUrl},
            {u"upstream_error"_s, record.upstreamError},
            {u"upstream_request"_s, messageObject(record.upstreamRequest)},
            {u"upstream_response"_s, messageObject(record.upstreamResponse)},
        };
        out += QJsonDocument(line).toJson(QJsonDocument::Compact);
        out += '\n';
    }
    return Redactor::text(out);
}

QString curl(const ExchangeRecord &record, const QString &baseUrl)
{
    QString base = baseUrl;
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    QStringList lines{u"curl "_s + shellQuote(base + text(record.path))};
    if (record.method != "POST" || record.clientRequest.body.isEmpty()) {
        lines.first() = u"curl -X "_s + text(record.method) + u' ' + shellQuote(base + text(record.path));
    }
    bool streaming = false;
    for (const auto &[name, value] : record.clientRequest.headers.fields()) {
        const QByteArray lower = name.toLower();
        // Framing and connection headers are curl's business.
        if (lower == "host" || lower == "content-length" || lower == "connection" || lower == "accept-encoding" ||
            lower == "transfer-encoding" || lower == "expect") {
            continue;
        }
        QString shown = text(value);
        if (Redactor::isCredentialHeader(name)) {
            shown = lower == "authorization" ? u"Bearer $ANTHROPIC_API_KEY"_s : u"$ANTHROPIC_API_KEY"_s;
            lines << u"  -H \""_s + text(name) + u": "_s + shown + u'"';
            continue;
        }
        streaming = streaming || (lower == "accept" && value.contains("text/event-stream"));
        lines << u"  -H "_s + shellQuote(text(name) + u": "_s + shown);
    }
    if (!record.clientRequest.body.isEmpty()) {
        streaming = streaming || QJsonDocument::fromJson(record.clientRequest.body).object()[u"stream"_s].toBool();
        lines << u"  --data-binary "_s + shellQuote(text(record.clientRequest.body));
    }
    if (streaming) {
        lines.first().replace(0, 4, u"curl -N"_s);
    }
    // Headers and body were redacted on the way in; credentials are placeholders above.
    return lines.join(u" \\\n"_s);
}

} // namespace Switchboard::Core::TrafficExport
