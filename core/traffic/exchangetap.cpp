// SPDX-License-Identifier: MIT
#include "exchangetap.h"

#include "http/httprequest.h"
#include "http/httpresponseparser.h"
#include "http/httpstatus.h"
#include "security/redactor.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QUrl>

namespace Switchboard::Core {

namespace {

QByteArray statusLine(int status, QByteArrayView reason)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' +
           (reason.isEmpty() ? HttpStatus::reasonPhrase(status) : reason.toByteArray());
}

bool isEventStream(const HttpHeaders &headers)
{
    return headers.value("content-type").startsWith("text/event-stream");
}

int intOr(const QJsonValue &value, int fallback)
{
    return value.isDouble() ? value.toInt() : fallback;
}

// message_start's output count is a placeholder; the real one comes with message_delta.
void recordUsage(const QJsonObject &usage, ExchangeSummary &record, bool withOutput = true)
{
    record.inputTokens = intOr(usage[u"input_tokens"_qs], record.inputTokens);
    if (withOutput) {
        record.outputTokens = intOr(usage[u"output_tokens"_qs], record.outputTokens);
    }
    record.cacheReadTokens = intOr(usage[u"cache_read_input_tokens"_qs], record.cacheReadTokens);
    record.cacheCreationTokens = intOr(usage[u"cache_creation_input_tokens"_qs], record.cacheCreationTokens);
}

} // namespace

ExchangeTap::ExchangeTap(quint64 id, const QByteArray &requestId, const HttpRequest &request,
                         std::function<void(quint64)> changed)
    : m_id(id)
    , m_changed(std::move(changed))
    , m_clientEvents(CapturedMessage::BodyLimit)
    , m_upstreamEvents(CapturedMessage::BodyLimit)
{
    m_clock.start();
    m_record.id = id;
    m_record.requestId = requestId;
    m_record.started = QDateTime::currentDateTime();
    const QHostAddress peer = request.peerAddress;
    const QString host =
        peer.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + peer.toString() + u']' : peer.toString();
    m_record.clientAddress = host + u':' + QString::number(request.peerPort);
    m_record.userAgent = Redactor::text(request.header("user-agent"));
    m_record.method = request.method;
    m_record.path = Redactor::url(request.target);
    CapturedMessage &captured = m_record.clientRequest;
    captured.present = true;
    captured.startLine = request.method + ' ' + m_record.path + " HTTP/1." + QByteArray::number(request.minorVersion);
    captured.headers = Redactor::headers(request.headers);
    // Request bodies are redacted whole: a client may paste a key into a prompt or a tool definition.
    appendBody(captured, Redactor::text(request.body));
}

ExchangeRecord ExchangeTap::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_record;
}

ExchangeSummary ExchangeTap::summary() const
{
    QMutexLocker lock(&m_mutex);
    return m_record; // sliced on purpose: the figures without the messages
}

void ExchangeTap::setRoute(QByteArrayView model, QByteArrayView backend)
{
    {
        QMutexLocker lock(&m_mutex);
        m_record.model = Redactor::escapeControls(model);
        m_record.backend = backend.toByteArray();
    }
    m_changed(m_id);
}

void ExchangeTap::appendBody(CapturedMessage &message, QByteArrayView bytes)
{
    const qsizetype room = CapturedMessage::BodyLimit - message.body.size();
    if (bytes.size() > room) {
        message.truncated = true;
        bytes = bytes.first(std::max<qsizetype>(room, 0));
    }
    message.body.append(bytes);
}

void ExchangeTap::appendEvent(CapturedMessage &message, const SseEvent &event, qint64 offsetUs)
{
    if (message.events.size() >= CapturedMessage::EventLimit) {
        message.eventsTruncated = true;
        return;
    }
    // A frame without an event: line is a "message" (WHATWG), as OpenAI-style streams send them.
    message.events.append({offsetUs, event.name.isEmpty() ? QByteArray("message") : event.name, event.data});
}

void ExchangeTap::responseHead(int status, const HttpHeaders &headers, bool streaming)
{
    {
        QMutexLocker lock(&m_mutex);
        CapturedMessage &captured = m_record.clientResponse;
        captured.present = true;
        captured.startLine = statusLine(status, {});
        captured.headers = Redactor::headers(headers);
        captured.streaming = streaming && isEventStream(headers);
        m_record.status = status;
        m_record.timeToFirstByteUs = elapsedUs();
    }
    m_changed(m_id);
}

void ExchangeTap::responseBody(QByteArrayView bytes)
{
    {
        QMutexLocker lock(&m_mutex);
        CapturedMessage &captured = m_record.clientResponse;
        appendBody(captured, bytes);
        if (captured.streaming) {
            const qint64 offset = elapsedUs();
            m_clientEvents.feed(bytes, [this, offset](const SseEvent &event) { recordClientEvent(event, offset); });
        }
    }
    m_changed(m_id);
}

void ExchangeTap::recordClientEvent(const SseEvent &event, qint64 offsetUs)
{
    appendEvent(m_record.clientResponse, event, offsetUs);
    if (event.name == "content_block_delta") {
        if (m_record.timeToFirstTokenUs < 0) {
            m_record.timeToFirstTokenUs = offsetUs;
        }
        return;
    }
    // Token counts come from the two events that carry usage; parsing only those keeps this cheap.
    if (event.name == "message_start") {
        recordUsage(QJsonDocument::fromJson(event.data).object()[u"message"_qs][u"usage"_qs].toObject(), m_record,
                    false);
    } else if (event.name == "message_delta") {
        recordUsage(QJsonDocument::fromJson(event.data).object()[u"usage"_qs].toObject(), m_record);
    } else if (event.name == "error") {
        m_record.state = ExchangeRecord::State::Failed;
    }
}

void ExchangeTap::recordJsonUsage(QByteArrayView json)
{
    recordUsage(QJsonDocument::fromJson(json.toByteArray()).object()[u"usage"_qs].toObject(), m_record);
}

void ExchangeTap::responseEnd(bool complete)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_record.state != ExchangeRecord::State::Open && m_record.durationUs >= 0) {
            return;
        }
        if (!m_record.clientResponse.streaming && m_record.status == 200) {
            recordJsonUsage(m_record.clientResponse.body);
        }
        const bool failed = !complete || m_record.status >= 400 || m_record.state == ExchangeRecord::State::Failed;
        finish(failed ? ExchangeRecord::State::Failed : ExchangeRecord::State::Complete);
    }
    m_changed(m_id);
}

void ExchangeTap::clientGone()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_record.durationUs >= 0) {
            return;
        }
        finish(ExchangeRecord::State::ClientGone);
    }
    m_changed(m_id);
}

void ExchangeTap::finish(ExchangeRecord::State state)
{
    m_record.state = state;
    m_record.durationUs = elapsedUs();
}

void ExchangeTap::upstreamRequest(QByteArrayView method, const QUrl &url, const HttpHeaders &headers,
                                  QByteArrayView body)
{
    {
        QMutexLocker lock(&m_mutex);
        // A retry replaces the attempt before it: the inspector shows the one that answered.
        m_record.upstreamAttempts += 1;
        m_record.upstreamUrl = QString::fromUtf8(Redactor::url(url.toString(QUrl::FullyEncoded).toUtf8()));
        m_record.upstreamError.clear();
        m_record.upstreamResponse = {};
        m_upstreamEvents.reset();
        CapturedMessage &captured = m_record.upstreamRequest;
        captured = {};
        captured.present = true;
        QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
        if (url.hasQuery()) {
            target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
        }
        captured.startLine = method.toByteArray() + ' ' + Redactor::url(target) + " HTTP/1.1";
        HttpHeaders redacted = Redactor::headers(headers);
        redacted.set("Host", url.authority(QUrl::FullyEncoded).toUtf8());
        captured.headers = std::move(redacted);
        appendBody(captured, Redactor::text(body));
    }
    m_changed(m_id);
}

void ExchangeTap::upstreamHead(const HttpResponseHead &head)
{
    {
        QMutexLocker lock(&m_mutex);
        CapturedMessage &captured = m_record.upstreamResponse;
        captured.present = true;
        captured.startLine = statusLine(head.status, head.reason);
        captured.headers = Redactor::headers(head.headers);
        captured.streaming = isEventStream(head.headers);
    }
    m_changed(m_id);
}

void ExchangeTap::upstreamBody(QByteArrayView bytes)
{
    {
        QMutexLocker lock(&m_mutex);
        CapturedMessage &captured = m_record.upstreamResponse;
        appendBody(captured, bytes);
        if (captured.streaming) {
            const qint64 offset = elapsedUs();
            m_upstreamEvents.feed(bytes,
                                  [&captured, offset](const SseEvent &event) { appendEvent(captured, event, offset); });
        }
    }
    m_changed(m_id);
}

void ExchangeTap::upstreamEnd(const QString &error)
{
    {
        QMutexLocker lock(&m_mutex);
        m_record.upstreamError = QString::fromUtf8(Redactor::text(error.toUtf8()));
    }
    m_changed(m_id);
}

void ExchangeTap::upstreamCancelled()
{
    {
        QMutexLocker lock(&m_mutex);
        // A backend that keeps its connection open after the last event is closed once the reply is
        // whole; that is the normal end, not a failure.
        if (m_record.state == ExchangeRecord::State::Complete) {
            return;
        }
        m_record.upstreamError = m_record.state == ExchangeRecord::State::ClientGone
                                     ? QStringLiteral("cancelled: the client left")
                                     : QStringLiteral("cancelled by Switchboard before the backend finished");
    }
    m_changed(m_id);
}

} // namespace Switchboard::Core
