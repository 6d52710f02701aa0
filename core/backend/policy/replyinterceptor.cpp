// SPDX-License-Identifier: MIT
#include "replyinterceptor.h"

namespace Switchboard::Core {

ReplyInterceptor::ReplyInterceptor(ReplyTarget &outer, FailureFilter filter, EndHandler onEnd)
    : m_outer(outer)
    , m_filter(std::move(filter))
    , m_onEnd(std::move(onEnd))
{}

GenerationSink &ReplyInterceptor::generation()
{
    outerGeneration();
    return *this;
}

RelaySink &ReplyInterceptor::relay()
{
    m_outer.relay();
    return *this;
}

GenerationSink &ReplyInterceptor::outerGeneration()
{
    if (!m_generation) {
        m_generation = &m_outer.generation();
    }
    return *m_generation;
}

bool ReplyInterceptor::holdBack(const ApiError &error)
{
    return !m_output && m_filter && m_filter(error);
}

void ReplyInterceptor::end(const ApiError *failure)
{
    if (m_ended) {
        return;
    }
    m_ended = true;
    if (m_onEnd) {
        m_onEnd(failure);
    }
}

void ReplyInterceptor::textDelta(QByteArrayView utf8)
{
    m_output = true;
    outerGeneration().textDelta(utf8);
}

void ReplyInterceptor::thinkingDelta(QByteArrayView utf8)
{
    m_output = true;
    outerGeneration().thinkingDelta(utf8);
}

void ReplyInterceptor::thinkingSignature(QByteArrayView signature)
{
    outerGeneration().thinkingSignature(signature);
}

void ReplyInterceptor::toolCallStart(int index, QByteArrayView id, QByteArrayView name)
{
    m_output = true;
    outerGeneration().toolCallStart(index, id, name);
}

void ReplyInterceptor::toolCallArguments(int index, QByteArrayView jsonFragment)
{
    m_output = true;
    outerGeneration().toolCallArguments(index, jsonFragment);
}

void ReplyInterceptor::usage(const UsageReport &report)
{
    outerGeneration().usage(report);
}

void ReplyInterceptor::finished(StopReason reason)
{
    m_output = true;
    outerGeneration().finished(reason);
    end(nullptr);
}

void ReplyInterceptor::failed(const ApiError &error)
{
    if (holdBack(error)) {
        return;
    }
    outerGeneration().failed(error);
    end(&error);
}

void ReplyInterceptor::flush()
{
    if (m_generation) {
        m_generation->flush();
    }
}

void ReplyInterceptor::relayHead(int status, const HttpHeaders &headers)
{
    m_output = true;
    m_outer.relay().relayHead(status, headers);
}

void ReplyInterceptor::relayData(QByteArrayView bytes)
{
    m_outer.relay().relayData(bytes);
}

void ReplyInterceptor::relayFlush()
{
    m_outer.relay().relayFlush();
}

void ReplyInterceptor::relayEnd()
{
    m_outer.relay().relayEnd();
    end(nullptr);
}

void ReplyInterceptor::relayFailed(const ApiError &error)
{
    if (holdBack(error)) {
        return;
    }
    m_outer.relay().relayFailed(error);
    end(&error);
}

} // namespace Switchboard::Core
