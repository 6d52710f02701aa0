// SPDX-License-Identifier: MIT
#pragma once

#include "generationsink.h"

namespace Switchboard::Core {

// Forwards generation events until cancel(); afterwards every call is dropped. Backends write
// through one so that "no calls after cancel" holds even in the middle of parsing an upstream read.
class CancellableSink final : public GenerationSink
{
public:
    explicit CancellableSink(GenerationSink &target)
        : m_target(&target)
    {}

    void cancel() { m_target = nullptr; }
    bool isCancelled() const { return m_target == nullptr; }

    void textDelta(QByteArrayView utf8) override
    {
        if (m_target) {
            m_target->textDelta(utf8);
        }
    }
    void thinkingDelta(QByteArrayView utf8) override
    {
        if (m_target) {
            m_target->thinkingDelta(utf8);
        }
    }
    void thinkingSignature(QByteArrayView signature) override
    {
        if (m_target) {
            m_target->thinkingSignature(signature);
        }
    }
    void toolCallStart(int index, QByteArrayView id, QByteArrayView name) override
    {
        if (m_target) {
            m_target->toolCallStart(index, id, name);
        }
    }
    void toolCallArguments(int index, QByteArrayView jsonFragment) override
    {
        if (m_target) {
            m_target->toolCallArguments(index, jsonFragment);
        }
    }
    void usage(const UsageReport &report) override
    {
        if (m_target) {
            m_target->usage(report);
        }
    }
    void finished(StopReason reason) override
    {
        if (auto *target = std::exchange(m_target, nullptr)) {
            target->finished(reason);
        }
    }
    void failed(const ApiError &error) override
    {
        if (auto *target = std::exchange(m_target, nullptr)) {
            target->failed(error);
        }
    }
    void flush() override
    {
        if (m_target) {
            m_target->flush();
        }
    }

private:
    GenerationSink *m_target;
};

} // namespace Switchboard::Core
