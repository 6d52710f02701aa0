// SPDX-License-Identifier: MIT
#pragma once

#include "exchangerecord.h"
#include "sse/sseparser.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QMutex>

#include <functional>
#include <memory>

namespace Switchboard::Core {

struct HttpRequest;
struct HttpResponseHead;

// Records one exchange as it happens. The gateway's thread writes through it (from the route and
// the backend's HTTP call); the GUI's thread reads snapshots. Secrets are redacted on the way in.
// `changed` is called after each write, on the writer's thread; the log coalesces those.
class ExchangeTap final
{
public:
    ExchangeTap(quint64 id, const QByteArray &requestId, const HttpRequest &request,
                std::function<void(quint64)> changed);
    ExchangeTap(const ExchangeTap &) = delete;
    ExchangeTap &operator=(const ExchangeTap &) = delete;

    quint64 id() const { return m_id; }
    ExchangeRecord snapshot() const;
    // The figures without the captured messages: what a table row needs.
    ExchangeSummary summary() const;

    void setRoute(QByteArrayView model, QByteArrayView backend);

    // The client leg (called by HttpResponder).
    void responseHead(int status, const HttpHeaders &headers, bool streaming);
    void responseBody(QByteArrayView bytes);
    void responseEnd(bool complete);
    void clientGone();

    // The upstream leg (called by the HTTP client for the backend's request).
    void upstreamRequest(QByteArrayView method, const QUrl &url, const HttpHeaders &headers, QByteArrayView body);
    void upstreamHead(const HttpResponseHead &head);
    void upstreamBody(QByteArrayView bytes);
    void upstreamEnd(const QString &error);
    // Switchboard closed the upstream request: an error only if the client's answer was not complete.
    void upstreamCancelled();

private:
    static void appendBody(CapturedMessage &message, QByteArrayView bytes);
    static void appendEvent(CapturedMessage &message, const SseEvent &event, qint64 offsetUs);
    void recordClientEvent(const SseEvent &event, qint64 offsetUs);
    void recordJsonUsage(QByteArrayView json);
    void finish(ExchangeRecord::State state);
    qint64 elapsedUs() const { return m_clock.nsecsElapsed() / 1000; }

    const quint64 m_id;
    const std::function<void(quint64)> m_changed;
    QElapsedTimer m_clock;
    mutable QMutex m_mutex;
    ExchangeRecord m_record;
    SseParser m_clientEvents;
    SseParser m_upstreamEvents;
};

} // namespace Switchboard::Core
