// SPDX-License-Identifier: MIT
#include "jsonmessagewriter.h"

#include "apiresponse.h"
#include "http/httpresponder.h"

namespace Switchboard::Core {

JsonMessageWriter::JsonMessageWriter(HttpResponder &responder, QByteArray requestId, std::function<void()> finished)
    : m_responder(responder)
    , m_requestId(std::move(requestId))
    , m_finished(std::move(finished))
{}

void JsonMessageWriter::messageStop()
{
    if (m_ended) {
        return;
    }
    m_ended = true;
    m_assembler.messageStop();
    ApiResponse::sendJson(m_responder, m_assembler.toJson(), m_requestId);
    m_finished();
}

void JsonMessageWriter::error(const ApiError &error)
{
    if (m_ended) {
        return;
    }
    m_ended = true;
    ApiResponse::sendError(m_responder, error, m_requestId);
    m_finished();
}

} // namespace Switchboard::Core
