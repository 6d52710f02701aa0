// SPDX-License-Identifier: MIT
#include "messagesexchange.h"

#include "api/ids.h"
#include "api/tokenestimator.h"
#include "flowcontrol.h"
#include "jsonmessagewriter.h"
#include "relaywriter.h"
#include "reply/replyshaper.h"
#include "ssemessagewriter.h"
#include "traffic/prefixtracker.h"
#include "traffic/sessionkey.h"

namespace Switchboard::Core {

MessagesExchange::MessagesExchange(HttpRequest request, HttpResponder responder, QByteArray requestId,
                                   MessagesRequest decoded, Backend &backend, QByteArray upstreamModel,
                                   const ServerOptions &options, QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_responder(std::move(responder))
    , m_requestId(std::move(requestId))
    , m_decoded(std::move(decoded))
    , m_backend(backend)
    , m_upstreamModel(std::move(upstreamModel))
    , m_options(options)
{}

MessagesExchange::~MessagesExchange()
{
    stopBackend();
}

void MessagesExchange::start()
{
    m_responder.setClientGoneHandler([this] { onClientGone(); });
    BackendRequest request{m_decoded,
                           m_upstreamModel,
                           m_request.body,
                           m_request.query,
                           m_request.headers,
                           m_responder.sharedTap(),
                           m_prefixTracker ? this : nullptr};
    auto call = m_backend.startMessage(request, *this);
    m_call = std::move(call);
    if (m_done) {
        stopBackend(); // it answered synchronously (an error, or an instant simulator)
    }
}

GenerationSink &MessagesExchange::generation()
{
    if (!m_shaper) {
        auto finished = [this] {
            onFinished();
        };
        if (m_decoded.stream) {
            auto writer = std::make_unique<SseMessageWriter>(
                m_responder, m_requestId, m_options, [this] { m_shaper->ensureStarted(); }, finished);
            writer->setWriteObserver([this] { watchBacklog(); });
            m_writer = std::move(writer);
        } else {
            m_writer = std::make_unique<JsonMessageWriter>(m_responder, m_requestId, finished);
        }
        ReplyShaper::Options options{Ids::messageId(), m_decoded.model, m_decoded.stopSequences,
                                     TokenEstimator::countRequest(m_decoded),
                                     m_decoded.thinking && m_decoded.thinking->display == "omitted"};
        options.toolUseIdSeed = m_request.body; // the same request answered the same way: the same tool ids
        m_shaper = std::make_unique<ReplyShaper>(std::move(options), *m_writer, [this] { stopBackend(); });
    }
    return *m_shaper;
}

void MessagesExchange::reportPrompt(QByteArrayView upstreamBody, PromptTurn::Dialect dialect)
{
    if (!m_prefixTracker || m_reportedPrompt) {
        return;
    }
    m_reportedPrompt = true;
    const QByteArray host = m_request.peerAddress.toString().toUtf8();
    const SessionKey session =
        SessionKey::fromRequest(m_request.headers, m_request.body, host, m_request.header("user-agent"));
    m_prefixTracker->observe(session, {m_request.body, upstreamBody.toByteArray(), dialect});
}

void MessagesExchange::upstreamBody(QByteArrayView chatCompletionsBody)
{
    reportPrompt(chatCompletionsBody, PromptTurn::Dialect::ChatCompletions);
}

RelaySink &MessagesExchange::relay()
{
    // Only pass-through relays: its upstream prompt is the client's own body.
    reportPrompt(m_request.body, PromptTurn::Dialect::Anthropic);
    if (!m_relay) {
        m_relay = std::make_unique<RelayWriter>(m_responder, m_requestId, [this] { onFinished(); });
        m_relay->setWriteObserver([this] { watchBacklog(); });
    }
    return *m_relay;
}

void MessagesExchange::interrupt(const ApiError &error)
{
    if (m_done) {
        return;
    }
    stopBackend(); // first, so that nothing more arrives from it
    if (m_relay) {
        m_relay->relayFailed(error);
        return;
    }
    GenerationSink &sink = generation();
    sink.failed(error);
    sink.flush();
}

void MessagesExchange::stopBackend()
{
    if (m_call) {
        m_call->cancel();
    }
}

void MessagesExchange::watchBacklog()
{
    if (m_done) {
        return;
    }
    if (!m_flow) {
        m_flow = std::make_unique<FlowControl>(
            m_responder, m_options,
            [this](bool paused) {
                if (m_call) {
                    m_call->setPaused(paused);
                }
            },
            [this] { onStalled(); });
    }
    m_flow->afterWrite();
}

void MessagesExchange::onStalled()
{
    // The client stopped reading: nothing more can reach it, so free the upstream slot now.
    m_responder.abortStream();
    stopBackend();
    onFinished();
}

void MessagesExchange::onClientGone()
{
    stopBackend();
    onFinished();
}

void MessagesExchange::onFinished()
{
    if (m_done) {
        return;
    }
    m_done = true;
    stopBackend();
    // Not now: we may be deep inside the backend's own callback.
    deleteLater();
}

} // namespace Switchboard::Core
