// SPDX-License-Identifier: MIT
#include "httpfetch.h"

#include <QtCore/QObject>
#include <qcoro/qcorosignal.h>

namespace Switchboard::Core {

namespace {

class BufferingHandler final
    : public QObject
    , public HttpClientHandler
{
    Q_OBJECT

public:
    explicit BufferingHandler(qsizetype maxBodyBytes)
        : m_maxBodyBytes(maxBodyBytes)
    {}

    void onResponseHead(const HttpResponseHead &head) override { m_response.head = head; }

    void onResponseData(QByteArrayView data) override
    {
        if (m_response.body.size() + data.size() > m_maxBodyBytes) {
            m_call->abort();
            finish(HttpClientError{HttpClientError::Kind::Protocol, QStringLiteral("response body is too large")});
            return;
        }
        m_response.body.append(data.data(), data.size());
    }

    void onResponseEnd() override
    {
        m_done = true;
        announce();
    }

    void onFailure(const HttpClientError &error) override { finish(error); }

    void finish(const HttpClientError &error)
    {
        if (m_done) {
            return;
        }
        m_error = error;
        m_done = true;
        announce();
    }

    // Resumes the awaiting coroutine from the event loop, never from inside a client callback:
    // the coroutine frees this handler and the call when it ends.
    void announce() { QMetaObject::invokeMethod(this, &BufferingHandler::finished, Qt::QueuedConnection); }

    HttpClientCall *m_call = nullptr;
    qsizetype m_maxBodyBytes;
    HttpFetchResponse m_response;
    std::optional<HttpClientError> m_error;
    bool m_done = false;

Q_SIGNALS:
    void finished();
};

} // namespace

QCoro::Task<Result<HttpFetchResponse, HttpClientError>> httpFetch(HttpClient &client, HttpClientRequest request,
                                                                  qsizetype maxBodyBytes)
{
    BufferingHandler handler(maxBodyBytes);
    const auto call = client.send(std::move(request), handler);
    handler.m_call = call.get();
    if (!handler.m_done) {
        co_await qCoro(&handler, &BufferingHandler::finished);
    }
    if (handler.m_error) {
        co_return *handler.m_error;
    }
    co_return std::move(handler.m_response);
}

} // namespace Switchboard::Core

#include "httpfetch.moc"
