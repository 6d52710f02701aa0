// SPDX-License-Identifier: MIT
#include "anthropicbackend.h"

#include "api/tokenestimator.h"
#include "backend/modellist.h"
#include "backend/replytarget.h"
#include "backend/upstreamerror.h"
#include "http/httpclient.h"
#include "http/httpfetch.h"
#include "json/jsonparser.h"
#include "sse/sseparser.h"

namespace Switchboard::Core {

namespace {

// Relays one upstream response into the client's response as it arrives.
class RelayCall final
    : public BackendCall
    , public HttpClientHandler
{
public:
    RelayCall(QByteArray backendName, RelaySink &sink)
        : m_backendName(std::move(backendName))
        , m_sink(&sink)
    {}

    void start(HttpClient &client, HttpClientRequest request)
    {
        m_url = request.url;
        m_http = client.send(std::move(request), *this);
    }

    void cancel() override
    {
        m_sink = nullptr;
        if (m_http) {
            m_http->abort();
        }
    }

    void setPaused(bool paused) override
    {
        if (m_http) {
            m_http->setPaused(paused);
        }
    }

    void onResponseHead(const HttpResponseHead &head) override
    {
        if (!m_sink) {
            return;
        }
        // Relayed, a redirect would show clients the backend's address and blame them for it.
        if (head.status >= 300 && head.status <= 399) {
            std::exchange(m_sink, nullptr)
                ->relayFailed(UpstreamError::fromStatus(m_backendName, head.status, head.headers, {}, m_url));
            m_http->abort();
            return;
        }
        m_stream = head.status >= 200 && head.status <= 299 &&
                   head.headers.value("content-type").toLower().startsWith("text/event-stream");
        HttpHeaders headers;
        for (const auto &field : head.headers.fields()) {
            if (!AnthropicBackend::isHopByHop(field.first)) {
                headers.append(field.first, field.second);
            }
        }
        m_sink->relayHead(head.status, headers);
    }

    void onResponseData(QByteArrayView data) override
    {
        if (m_awaitingContent) {
            noticeContent(data);
        }
        if (m_sink) {
            m_sink->relayData(data);
        }
    }

    void onReadDone() override
    {
        if (m_sink) {
            m_sink->relayFlush();
        }
    }

    void onResponseEnd() override
    {
        if (auto *sink = std::exchange(m_sink, nullptr)) {
            sink->relayEnd();
        }
    }

    void onFailure(const HttpClientError &error) override
    {
        if (auto *sink = std::exchange(m_sink, nullptr)) {
            sink->relayFailed(UpstreamError::fromNetwork(m_backendName, error));
        }
    }

private:
    // Watches the relayed bytes until the first content, for the first-content deadline: in a
    // stream, an event other than `ping` (comments are skipped by the parser); otherwise any byte
    // that is not whitespace.
    void noticeContent(QByteArrayView data)
    {
        bool content = false;
        if (m_stream) {
            m_sse.feed(data, [&content](const SseEvent &event) { content = content || event.name != "ping"; });
            content = content || m_sse.failed();
        } else {
            content = !data.trimmed().isEmpty();
        }
        if (content && m_http) {
            m_awaitingContent = false;
            m_sse.reset();
            m_http->contentArrived();
        }
    }

    QByteArray m_backendName;
    RelaySink *m_sink;
    SseParser m_sse;
    bool m_stream = false;
    bool m_awaitingContent = true;
    QUrl m_url;
    std::unique_ptr<HttpClientCall> m_http;
};

} // namespace

AnthropicBackend::AnthropicBackend(AnthropicBackendOptions options, HttpClient &client)
    : m_options(std::move(options))
    , m_client(client)
{
    QString path = m_options.baseUrl.path();
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    // Accept both "https://host" and "https://host/v1": routes below add /v1 themselves.
    if (path.endsWith(u"/v1")) {
        path.chop(3);
    }
    m_options.baseUrl.setPath(path);
}

bool AnthropicBackend::isHopByHop(QByteArrayView name)
{
    static constexpr std::array<QByteArrayView, 9> hopByHop = {
        "connection",        "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade",    "content-length",
    };
    for (const auto &candidate : hopByHop) {
        if (name.compare(candidate, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

HttpClientRequest AnthropicBackend::upstreamRequest(const QByteArray &method, const QString &path,
                                                    const BackendRequest *client, QByteArray body) const
{
    HttpClientRequest request;
    request.method = method;
    request.url = m_options.baseUrl;
    request.url.setPath(m_options.baseUrl.path() + path);
    if (client && !client->rawQuery.isEmpty()) {
        request.url.setQuery(QString::fromUtf8(client->rawQuery));
    }
    request.body = std::move(body);
    request.connectTimeout = m_options.timeouts.connect;
    request.firstByteTimeout = m_options.timeouts.firstByte;
    request.idleTimeout = m_options.timeouts.idle;
    request.totalTimeout = m_options.timeouts.total;
    if (!request.body.isEmpty()) {
        request.headers.append("Content-Type", "application/json");
    }
    // The protocol headers travel unchanged (Claude Code's gateway contract).
    QByteArray version = client ? client->clientHeaders.value("anthropic-version") : QByteArray();
    request.headers.append("anthropic-version", version.isEmpty() ? QByteArray("2023-06-01") : version);
    if (client) {
        const QByteArray beta = client->clientHeaders.combinedValue("anthropic-beta");
        if (!beta.isEmpty()) {
            request.headers.append("anthropic-beta", beta);
        }
    }
    if (!m_options.apiKey.isEmpty()) {
        request.headers.append("x-api-key", m_options.apiKey);
    } else if (client) {
        const QByteArray key = client->clientHeaders.value("x-api-key");
        const QByteArray authorization = client->clientHeaders.value("authorization");
        if (!key.isEmpty()) {
            request.headers.append("x-api-key", key);
        }
        if (!authorization.isEmpty()) {
            request.headers.append("Authorization", authorization);
        }
    }
    for (const auto &field : m_options.extraHeaders.fields()) {
        request.headers.append(field.first, field.second);
    }
    return request;
}

std::unique_ptr<BackendCall> AnthropicBackend::startMessage(const BackendRequest &request, ReplyTarget &target)
{
    QByteArray body = request.upstreamModel == request.request.model
                          ? request.rawBody
                          : Json::withStringField(request.rawBody, "model", request.upstreamModel);
    auto upstream = upstreamRequest("POST", QStringLiteral("/v1/messages"), &request, std::move(body));
    upstream.tap = request.tap;
    // Only the relay tells content from pings (see RelayCall).
    upstream.firstContentTimeout = m_options.timeouts.firstContent;
    auto call = std::make_unique<RelayCall>(m_options.name, target.relay());
    call->start(m_client, std::move(upstream));
    return call;
}

QCoro::Task<Result<int>> AnthropicBackend::countTokens(const BackendRequest &request)
{
    const QByteArray body = Json::withStringField(request.rawBody, "model", request.upstreamModel);
    auto upstream = upstreamRequest("POST", QStringLiteral("/v1/messages/count_tokens"), &request, body);
    const QUrl url = upstream.url;
    auto response = co_await httpFetch(m_client, std::move(upstream));
    if (!response) {
        co_return UpstreamError::fromNetwork(m_options.name, response.error());
    }
    if (response->head.status == 404 || response->head.status == 405) {
        co_return TokenEstimator::countRequest(request.request); // an upstream without count_tokens (Ollama)
    }
    if (response->head.status != 200) {
        co_return UpstreamError::fromStatus(m_options.name, response->head.status, response->head.headers,
                                            response->body, url);
    }
    JsonParser parser;
    int64_t tokens = 0;
    if (parser.parse(response->body)["input_tokens"].get_int64().get(tokens) != simdjson::SUCCESS) {
        co_return ApiError::internal("Backend '" + m_options.name + "' sent a token count Switchboard cannot read");
    }
    co_return int(tokens);
}

QCoro::Task<Result<std::vector<ModelInfo>>> AnthropicBackend::listModels()
{
    auto request = upstreamRequest("GET", QStringLiteral("/v1/models"), nullptr, {});
    request.url.setQuery(QStringLiteral("limit=1000"));
    co_return co_await ModelList::fetch(m_client, std::move(request), m_options.name);
}

} // namespace Switchboard::Core
