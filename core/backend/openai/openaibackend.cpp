// SPDX-License-Identifier: MIT
#include "openaibackend.h"

#include "api/tokenestimator.h"
#include "backend/modellist.h"
#include "backend/replytarget.h"
#include "backend/upstreamerror.h"
#include "chatstreamdecoder.h"
#include "http/httpclient.h"
#include "http/httpfetch.h"
#include "json/jsonparser.h"
#include "reply/cancellablesink.h"
#include "sse/sseparser.h"

#include <QtCore/QLoggingCategory>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcOpenAi, "switchboard.backend.openai", QtWarningMsg)

constexpr qsizetype MaxErrorBody = 64 * 1024; // an excerpt is enough for the error message
constexpr qsizetype MaxCompletionBody = 64 * 1024 * 1024;

// One streamed Chat Completions request. Reads SSE (or, from a server that ignored `stream`, one
// JSON completion) and reports it through a cancellable sink.
// How long a finished answer's connection may take to end its body before it is closed.
constexpr std::chrono::milliseconds DrainGrace{2000};

class OpenAiCall final
    : public BackendCall
    , public HttpClientHandler
{
public:
    OpenAiCall(QByteArray backendName, GenerationSink &sink)
        : m_backendName(std::move(backendName))
        , m_sink(sink)
        , m_decoder(m_sink, m_backendName)
    {}

    void start(HttpClient &client, HttpClientRequest request)
    {
        m_client = &client;
        m_url = request.url;
        m_http = client.send(std::move(request), *this);
    }

    void cancel() override
    {
        m_sink.cancel();
        if (!m_http) {
            return;
        }
        // After a complete answer only the end of the body is left ([DONE]'s chunk and the
        // terminator): read it, so the connection serves the next request. Otherwise stop the
        // backend now.
        if (m_decoder.isComplete() && m_client) {
            m_client->drain(std::move(m_http), DrainGrace);
        } else {
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
        m_status = head.status;
        if (head.status < 200 || head.status > 299) {
            m_mode = Mode::Error;
            m_errorHeaders = head.headers;
            if (m_http) {
                m_http->contentArrived(); // an error is an answer
            }
            return;
        }
        const QByteArray contentType = head.headers.value("content-type").toLower();
        m_mode = contentType.startsWith("application/json") ? Mode::Json : Mode::Stream;
    }

    void onResponseData(QByteArrayView data) override
    {
        switch (m_mode) {
        case Mode::Stream: {
            // An event with data is content; comments and empty events are keep-alives.
            const bool ok = m_sse.feed(data, [this](const SseEvent &event) {
                if (!event.data.isEmpty() && m_http) {
                    m_http->contentArrived();
                }
                m_decoder.decodeEvent(event.data);
            });
            if (!ok && !m_decoder.isDone()) {
                m_sink.failed(
                    ApiError::internal("Backend '" + m_backendName + "' sent a stream event larger than 1 MiB"));
                m_sink.flush();
                cancel();
            }
            return;
        }
        case Mode::Json:
            if (m_body.size() + data.size() > MaxCompletionBody) {
                m_sink.failed(ApiError::internal("Backend '" + m_backendName + "' sent a response larger than " +
                                                 QByteArray::number(MaxCompletionBody / (1024 * 1024)) + " MiB"));
                m_sink.flush();
                cancel();
                return;
            }
            m_body.append(data.data(), data.size());
            // Some servers keep a JSON answer's connection alive with whitespace before the body.
            if (m_http && !data.trimmed().isEmpty()) {
                m_http->contentArrived();
            }
            return;
        case Mode::Error:
            if (m_body.size() + data.size() <= MaxErrorBody) {
                m_body.append(data.data(), data.size());
            }
            return;
        case Mode::Pending:
            return;
        }
    }

    void onReadDone() override
    {
        if (m_mode == Mode::Stream) {
            m_sink.flush();
        }
    }

    void onResponseEnd() override
    {
        switch (m_mode) {
        case Mode::Stream:
            m_decoder.end();
            break;
        case Mode::Json:
            m_decoder.decodeCompletion(m_body);
            break;
        case Mode::Error:
            m_sink.failed(UpstreamError::fromStatus(m_backendName, m_status, m_errorHeaders, m_body, m_url));
            break;
        case Mode::Pending:
            m_sink.failed(UpstreamError::truncated(m_backendName));
            break;
        }
        m_sink.flush();
    }

    void onFailure(const HttpClientError &error) override
    {
        m_sink.failed(UpstreamError::fromNetwork(m_backendName, error));
        m_sink.flush();
    }

private:
    enum class Mode
    {
        Pending,
        Stream,
        Json,
        Error,
    };

    QByteArray m_backendName;
    CancellableSink m_sink;
    ChatStreamDecoder m_decoder;
    SseParser m_sse;
    QPointer<HttpClient> m_client;
    QUrl m_url;
    std::unique_ptr<HttpClientCall> m_http;
    Mode m_mode = Mode::Pending;
    int m_status = 0;
    HttpHeaders m_errorHeaders;
    QByteArray m_body;
};

// A call that failed before anything was sent (the request could not be translated).
class FailedCall final : public BackendCall
{
public:
    void cancel() override {}
    void setPaused(bool) override {}
};

} // namespace

OpenAiBackend::OpenAiBackend(OpenAiBackendOptions options, HttpClient &client)
    : m_options(std::move(options))
    , m_client(client)
{
    m_options.baseUrl = normalizedBaseUrl(m_options.baseUrl);
}

QUrl OpenAiBackend::normalizedBaseUrl(const QUrl &base)
{
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(u'/')) {
        path.chop(1);
    }
    if (path.endsWith(u"/chat/completions")) {
        path.chop(int(qstrlen("/chat/completions")));
    }
    if (path.isEmpty()) {
        path = QStringLiteral("/v1");
    }
    url.setPath(path);
    return url;
}

HttpClientRequest OpenAiBackend::upstreamRequest(const QByteArray &method, const QString &path, QByteArray body) const
{
    HttpClientRequest request;
    request.method = method;
    request.url = m_options.baseUrl;
    request.url.setPath(m_options.baseUrl.path() + path);
    request.body = std::move(body);
    request.connectTimeout = m_options.timeouts.connect;
    request.firstByteTimeout = m_options.timeouts.firstByte;
    request.idleTimeout = m_options.timeouts.idle;
    request.totalTimeout = m_options.timeouts.total;
    if (!request.body.isEmpty()) {
        request.headers.append("Content-Type", "application/json");
    }
    if (!m_options.apiKey.isEmpty()) {
        request.headers.append("Authorization", "Bearer " + m_options.apiKey);
    }
    for (const auto &field : m_options.extraHeaders.fields()) {
        request.headers.append(field.first, field.second);
    }
    return request;
}

std::unique_ptr<BackendCall> OpenAiBackend::startMessage(const BackendRequest &request, ReplyTarget &target)
{
    GenerationSink &sink = target.generation();
    ChatRequestOptions options;
    options.upstreamModel = request.upstreamModel;
    options.thinkingStyle = m_options.thinkingStyle;
    options.systemMessageRole = m_options.systemMessageRole;
    options.mergeConsecutiveTurns = m_options.mergeConsecutiveTurns;
    // A JSON answer with no stop sequences to match is asked for as JSON: one body to decode
    // instead of an event per token. Stop sequences need the stream, because servers cut the text
    // at a match without saying which sequence it was, and Switchboard must stop the backend there.
    options.stream = request.request.stream || !request.request.stopSequences.empty();
    auto translated = buildChatRequest(request.request, options);
    if (!translated) {
        sink.failed(translated.error());
        return std::make_unique<FailedCall>();
    }
    for (const QByteArray &note : translated->notes) {
        qCDebug(lcOpenAi) << m_options.name << "translation:" << note;
    }
    if (request.upstreamObserver) {
        request.upstreamObserver->upstreamBody(translated->body);
    }
    auto upstream = upstreamRequest("POST", QStringLiteral("/chat/completions"), std::move(translated->body));
    upstream.headers.append("Accept", options.stream ? "text/event-stream" : "application/json");
    upstream.tap = request.tap;
    // Only a generation's call tells content from keep-alives (see OpenAiCall).
    upstream.firstContentTimeout = m_options.timeouts.firstContent;
    auto call = std::make_unique<OpenAiCall>(m_options.name, sink);
    call->start(m_client, std::move(upstream));
    return call;
}

QCoro::Task<Result<int>> OpenAiBackend::countTokens(const BackendRequest &request)
{
    // llama.cpp and vLLM serve Anthropic's count_tokens next to Chat Completions and count with the
    // model's own tokenizer and chat template. Others get Switchboard's estimate.
    if (m_counting != Counting::Estimate) {
        const QByteArray body = Json::withStringField(request.rawBody, "model", request.upstreamModel);
        auto response =
            co_await httpFetch(m_client, upstreamRequest("POST", QStringLiteral("/messages/count_tokens"), body));
        if (response && response->head.status == 200) {
            JsonParser parser;
            int64_t tokens = 0;
            simdjson::dom::element root;
            if (parser.parse(response->body).get(root) == simdjson::SUCCESS &&
                root["input_tokens"].get_int64().get(tokens) == simdjson::SUCCESS) {
                m_counting = Counting::Native;
                co_return int(tokens);
            }
        }
        if (response &&
            (response->head.status == 404 || response->head.status == 405 || response->head.status == 501)) {
            m_counting = Counting::Estimate;
        }
        if (!response) {
            qCInfo(lcOpenAi) << m_options.name << "count_tokens: backend unreachable; estimating";
        }
    }
    co_return TokenEstimator::countRequest(request.request);
}

QCoro::Task<Result<std::vector<ModelInfo>>> OpenAiBackend::listModels()
{
    auto request = upstreamRequest("GET", QStringLiteral("/models"), {});
    co_return co_await ModelList::fetch(m_client, std::move(request), m_options.name);
}

} // namespace Switchboard::Core
