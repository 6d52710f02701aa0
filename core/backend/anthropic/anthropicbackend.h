// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"
#include "backend/upstreamtimeouts.h"
#include "http/httpclient.h"

#include <QtCore/QUrl>

namespace Switchboard::Core {

struct AnthropicBackendOptions
{
    QByteArray name;
    QUrl baseUrl; // e.g. https://api.anthropic.com, or a llama.cpp / Ollama server root
    // Sent as x-api-key. When empty, the client's own x-api-key or Authorization is forwarded.
    QByteArray apiKey;
    HttpHeaders extraHeaders;
    UpstreamTimeouts timeouts;
};

// Pass-through to an Anthropic-native /v1/messages (the Anthropic API, llama.cpp, Ollama, vLLM):
// the client's body goes up unchanged (but for a renamed model) and the answer comes back
// unchanged, headers included: request-id, retry-after, anthropic-ratelimit-*.
class AnthropicBackend final : public Backend
{
public:
    AnthropicBackend(AnthropicBackendOptions options, HttpClient &client);

    QByteArray name() const override { return m_options.name; }
    bool holdsCredentials() const override { return !m_options.apiKey.isEmpty(); }
    bool answersUnlistedModels() const override { return true; }
    std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) override;
    QCoro::Task<Result<int>> countTokens(const BackendRequest &request) override;
    QCoro::Task<Result<std::vector<ModelInfo>>> listModels() override;

    // Headers that describe one hop of a connection, never relayed (RFC 9110 §7.6.1).
    static bool isHopByHop(QByteArrayView name);

private:
    HttpClientRequest upstreamRequest(const QByteArray &method, const QString &path, const BackendRequest *client,
                                      QByteArray body) const;

    AnthropicBackendOptions m_options;
    HttpClient &m_client;
};

} // namespace Switchboard::Core
