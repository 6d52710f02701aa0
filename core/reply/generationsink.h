// SPDX-License-Identifier: MIT
#pragma once

#include "api/apierror.h"
#include "stopreason.h"
#include "usage.h"

#include <QtCore/QByteArrayView>

namespace Switchboard::Core {

// What a backend produces while it generates, in the order it produces it. Backends do not know
// the Anthropic event grammar: block boundaries, indices, stop sequences and stop-reason rules
// are applied by the ReplyShaper behind this interface, once for every backend.
// After finished() or failed(), and after the backend call was cancelled, nothing more is called.
class GenerationSink
{
public:
    virtual ~GenerationSink() = default;

    virtual void textDelta(QByteArrayView utf8) = 0;
    virtual void thinkingDelta(QByteArrayView utf8) = 0;
    virtual void thinkingSignature(QByteArrayView signature) = 0;
    // `index` is the backend's own tool-call index; ids may be empty (the shaper makes one).
    virtual void toolCallStart(int index, QByteArrayView id, QByteArrayView name) = 0;
    virtual void toolCallArguments(int index, QByteArrayView jsonFragment) = 0;
    virtual void usage(const UsageReport &report) = 0;
    virtual void finished(StopReason reason) = 0;
    virtual void failed(const ApiError &error) = 0;
    // The end of one upstream read: what was produced so far may go out in one write.
    virtual void flush() = 0;
};

} // namespace Switchboard::Core
