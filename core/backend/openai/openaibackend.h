// SPDX-License-Identifier: MIT
#pragma once

#include "backend/backend.h"
#include "backend/upstreamtimeouts.h"
#include "chatrequestbuilder.h"
#include "http/httpclient.h"

#include <QtCore/QUrl>

namespace Switchboard::Core {

struct OpenAiBackendOptions
{
    QByteArray name;
    QUrl baseUrl; // up to and including /v1, e.g. http://127.0.0.1:11434/v1
    QByteArray apiKey;
    HttpHeaders extraHeaders;
    ThinkingStyle thinkingStyle = ThinkingStyle::Both;
    UpstreamTimeouts timeouts;
    SystemMessageRole systemMessageRole = SystemMessageRole::User;
    bool mergeConsecutiveTurns = false;
};

// Any OpenAI-compatible Chat Completions server: llama.cpp, Ollama, vLLM, LM Studio, OpenAI-style
// clouds. Streams upstream when the client streams or sent stop sequences (servers cut the text at
// a match without saying which one it was); a plain JSON request is asked for as JSON.
class OpenAiBackend final : public Backend
{
public:
    OpenAiBackend(OpenAiBackendOptions options, HttpClient &client);

    QByteArray name() const override { return m_options.name; }
    bool holdsCredentials() const override { return !m_options.apiKey.isEmpty(); }
    std::unique_ptr<BackendCall> startMessage(const BackendRequest &request, ReplyTarget &target) override;
    QCoro::Task<Result<int>> countTokens(const BackendRequest &request) override;
    QCoro::Task<Result<std::vector<ModelInfo>>> listModels() override;

    // `base` with trailing slashes and a pasted "/chat/completions" removed; "/v1" when it has no path.
    static QUrl normalizedBaseUrl(const QUrl &base);

private:
    HttpClientRequest upstreamRequest(const QByteArray &method, const QString &path, QByteArray body) const;

    OpenAiBackendOptions m_options;
    HttpClient &m_client;
    // Whether the server answers Anthropic count_tokens itself (llama.cpp and vLLM do, exactly).
    enum class Counting
    {
        Unknown,
        Native,
        Estimate,
    } m_counting = Counting::Unknown;
};

} // namespace Switchboard::Core
