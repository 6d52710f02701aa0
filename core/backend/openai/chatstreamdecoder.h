// SPDX-License-Identifier: MIT
#pragma once

#include "reply/generationsink.h"

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QHash>

#include <optional>

namespace Switchboard::Core {

// OpenAI Chat Completions → generation events. Fed one SSE `data:` payload at a time (or a whole
// non-streamed completion), it reports text, reasoning (`reasoning_content` / `reasoning`), tool
// calls by index, usage (with the prompt tokens the server's cache served) and the finish. The
// finish is held until `[DONE]` or the end of the body, because the usage chunk
// (stream_options.include_usage) follows the finish_reason chunk.
class ChatStreamDecoder
{
public:
    ChatStreamDecoder(GenerationSink &sink, QByteArray backendName);

    void decodeEvent(QByteArrayView data);
    void decodeCompletion(QByteArrayView json);
    // The upstream body ended: finishes the reply, or fails it if the stream never said it was done.
    void end();

    bool isDone() const { return m_done; }
    // Done with a complete answer (not a failure): what is left of the response is only framing.
    bool isComplete() const { return m_complete; }

private:
    struct ToolCall
    {
        QByteArray id;
        QByteArray name;
        QByteArray pendingArguments; // arguments that arrived before the name
        bool started = false;
    };

    struct Reader; // the DOM-walking half, kept out of this header with its simdjson types
    friend struct Reader;

    void fail(const QByteArray &message);
    void finish();

    GenerationSink &m_sink;
    QByteArray m_backendName;
    QHash<int, ToolCall> m_toolCalls;
    std::optional<StopReason> m_finishReason;
    bool m_done = false;
    bool m_complete = false;
    bool m_warnedAboutUsage = false;
};

} // namespace Switchboard::Core
