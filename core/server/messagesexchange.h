// SPDX-License-Identifier: MIT
#pragma once

#include "api/messagesrequest.h"
#include "backend/backend.h"
#include "backend/replytarget.h"
#include "http/httprequest.h"
#include "http/httpresponder.h"
#include "serveroptions.h"
#include "traffic/prefixdoctor.h"

#include <QtCore/QObject>

#include <memory>

namespace Switchboard::Core {

class FlowControl;
class MessageEventSink;
class PrefixTracker;
class RelayWriter;
class ReplyShaper;

// One POST /v1/messages, from the routed request to the last byte of the answer. It owns the
// responder, the backend call and the writer, and deletes itself when the answer has ended or the
// client has gone — in which case the backend call is cancelled at once.
class MessagesExchange final
    : public QObject
    , public ReplyTarget
    , private UpstreamBodyObserver
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessagesExchange)

public:
    MessagesExchange(HttpRequest request, HttpResponder responder, QByteArray requestId, MessagesRequest decoded,
                     Backend &backend, QByteArray upstreamModel, const ServerOptions &options,
                     QObject *parent = nullptr);
    ~MessagesExchange() override;

    // Before start(): report the turn's bodies to `tracker` (null: none).
    void setPrefixTracker(PrefixTracker *tracker) { m_prefixTracker = tracker; }
    void start();
    // Cancels the backend call and ends the answer with `error`: an error status if nothing was
    // sent yet, an `event: error` on a stream under way.
    void interrupt(const ApiError &error);

    GenerationSink &generation() override;
    RelaySink &relay() override;

private:
    void upstreamBody(QByteArrayView chatCompletionsBody) override;
    void reportPrompt(QByteArrayView upstreamBody, PromptTurn::Dialect dialect);
    void onClientGone();
    void onFinished();
    void stopBackend();
    void watchBacklog();
    void onStalled();

    HttpRequest m_request;
    HttpResponder m_responder;
    QByteArray m_requestId;
    MessagesRequest m_decoded;
    Backend &m_backend;
    QByteArray m_upstreamModel;
    ServerOptions m_options;

    // Declared before the call so they outlive it: the call may report into them while it stops.
    std::unique_ptr<MessageEventSink> m_writer;
    std::unique_ptr<ReplyShaper> m_shaper;
    std::unique_ptr<RelayWriter> m_relay;
    std::unique_ptr<FlowControl> m_flow;
    std::unique_ptr<BackendCall> m_call;
    PrefixTracker *m_prefixTracker = nullptr;
    bool m_reportedPrompt = false; // a retried call builds the same body again: one turn, one report
    bool m_done = false;
};

} // namespace Switchboard::Core
