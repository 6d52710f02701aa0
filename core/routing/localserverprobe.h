// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArrayList>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QUrl>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace Switchboard::Core {

class HttpClient;

// Asks the usual local model servers, all at once, whether they are there: GET /v1/models on
// 127.0.0.1 with a short deadline, so that a first start with nothing running costs well under a
// second. The ones that answer with a model list are offered as backends.
class LocalServerProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LocalServerProbe)

public:
    struct Candidate
    {
        QString name; // "Ollama"
        quint16 port = 0;
    };
    struct Found
    {
        QString name;
        QUrl url; // the OpenAI-compatible base, http://127.0.0.1:PORT/v1
        QByteArrayList models;
    };

    // Ollama 11434, LM Studio 1234, llama.cpp 8080, vLLM 8000.
    static std::vector<Candidate> usualServers();

    explicit LocalServerProbe(QObject *parent = nullptr);
    ~LocalServerProbe() override;

    // Tests point this at their own ports.
    void setCandidates(std::vector<Candidate> candidates) { m_candidates = std::move(candidates); }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // Probes every candidate; finished() follows once all have answered or timed out.
    void start();
    bool isRunning() const { return m_remaining > 0; }

Q_SIGNALS:
    // In the candidates' order; empty when nothing answered.
    void finished(const std::vector<Core::LocalServerProbe::Found> &found);

private:
    void probeOne(size_t index);
    void finishOne(quint64 generation);

    std::vector<Candidate> m_candidates = usualServers();
    std::chrono::milliseconds m_timeout{700};
    std::unique_ptr<HttpClient> m_client;
    std::vector<std::optional<Found>> m_results;
    size_t m_remaining = 0;
    quint64 m_generation = 0;
};

} // namespace Switchboard::Core
