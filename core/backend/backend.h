// SPDX-License-Identifier: MIT
#pragma once

#include "api/messagesrequest.h"
#include "api/result.h"
#include "http/httpheaders.h"
#include "modelinfo.h"

#include <QtCore/QByteArray>
#include <qcoro/qcorotask.h>

#include <memory>
#include <vector>

namespace Switchboard::Core {

class ExchangeTap;
class ReplyTarget;

// Told the body a backend is about to send upstream for a Messages request: the gateway compares
// it with the session's previous turn to see whether the engine's prefix cache still holds.
class UpstreamBodyObserver
{
public:
    virtual ~UpstreamBodyObserver() = default;
    virtual void upstreamBody(QByteArrayView chatCompletionsBody) = 0;
};

// Everything a backend may need to answer one Messages request.
struct BackendRequest
{
    const MessagesRequest &request;
    QByteArray upstreamModel; // the model name to send upstream (a route may rename)
    QByteArray rawBody;       // the client's body as received, for backends that relay it
    QByteArray rawQuery;      // the client's query string (?beta=true)
    HttpHeaders clientHeaders;
    std::shared_ptr<ExchangeTap> tap; // the inspector's record of this exchange, if any
    UpstreamBodyObserver *upstreamObserver = nullptr;
};

// A generation in progress. cancel() stops it at once (an upstream request is aborted, which is
// how the backend server learns to stop) and guarantees no further calls into the reply target.
// It must not be destroyed from inside one of its own callbacks: cancel, then destroy later.
class BackendCall
{
public:
    virtual ~BackendCall() = default;
    virtual void cancel() = 0;
    // Holds back (true) or resumes reading the backend's answer. A client that reads slowly makes the
    // backend wait through TCP flow control instead of Switchboard buffering without bound.
    virtual void setPaused(bool paused) = 0;
};

// A kind of model server. Implementations: OpenAI-compatible Chat Completions, Anthropic
// pass-through, and the offline simulator. Only the factory knows which is which.
class Backend
{
public:
    virtual ~Backend() = default;

    virtual QByteArray name() const = 0;
    // Whether it sends the user's own credentials upstream (a paid API): such routes need
    // Switchboard's key even on loopback.
    virtual bool holdsCredentials() const = 0;
    // Whether a model name this backend does not list can still be answered: the simulator answers
    // any name, and an Anthropic upstream resolves aliases its list leaves out.
    virtual bool answersUnlistedModels() const { return false; }
    virtual std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) = 0;
    // The prompt size in the backend's own tokens where it can tell, else an estimate. The caller
    // keeps `request` alive until the task completes (a named local of the awaiting coroutine: GCC 12
    // mishandles class-type temporaries and by-value parameters across co_await).
    virtual QCoro::Task<Result<int>> countTokens(const BackendRequest &request) = 0;
    virtual QCoro::Task<Result<std::vector<ModelInfo>>> listModels() = 0;
};

} // namespace Switchboard::Core
