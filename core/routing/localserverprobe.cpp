// SPDX-License-Identifier: MIT
#include "localserverprobe.h"

#include "backend/modellist.h"
#include "http/httpclient.h"
#include "http/httpfetch.h"

#include <QtCore/QTimer>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

std::vector<LocalServerProbe::Candidate> LocalServerProbe::usualServers()
{
    return {{u"Ollama"_s, 11434}, {u"LM Studio"_s, 1234}, {u"llama.cpp"_s, 8080}, {u"vLLM"_s, 8000}};
}

LocalServerProbe::LocalServerProbe(QObject *parent)
    : QObject(parent)
    , m_client(std::make_unique<HttpClient>())
{}

LocalServerProbe::~LocalServerProbe() = default;

void LocalServerProbe::start()
{
    ++m_generation;
    m_results.assign(m_candidates.size(), std::nullopt);
    m_remaining = m_candidates.size() + 1; // released below, once every probe is under way
    for (size_t i = 0; i < m_candidates.size(); ++i) {
        probeOne(i);
    }
    // Each leg has its own timeouts; this bounds the sum (connect + first byte + body) as well.
    QTimer::singleShot(m_timeout + std::chrono::milliseconds(100), this, [this, generation = m_generation] {
        if (generation == m_generation && m_remaining > 0) {
            m_remaining = 1;
            finishOne(generation);
        }
    });
    finishOne(m_generation);
}

void LocalServerProbe::finishOne(quint64 generation)
{
    if (generation != m_generation || m_remaining == 0 || --m_remaining > 0) {
        return;
    }
    std::vector<Found> found;
    for (auto &result : m_results) {
        if (result) {
            found.push_back(std::move(*result));
        }
    }
    Q_EMIT finished(found);
}

void LocalServerProbe::probeOne(size_t index)
{
    const Candidate &candidate = m_candidates[index];
    QUrl base;
    base.setScheme(u"http"_s);
    base.setHost(u"127.0.0.1"_s);
    base.setPort(candidate.port);
    base.setPath(u"/v1"_s);
    HttpClientRequest request;
    request.method = "GET";
    request.url = base;
    request.url.setPath(u"/v1/models"_s);
    request.connectTimeout = m_timeout;
    request.firstByteTimeout = m_timeout;
    request.idleTimeout = m_timeout;
    QCoro::connect(httpFetch(*m_client, std::move(request), 4 * 1024 * 1024), this,
                   [this, index, base, generation = m_generation](const auto &response) {
                       if (generation != m_generation) {
                           return;
                       }
                       if (response && response->head.status == 200) {
                           const QString name = m_candidates[index].name;
                           // Something that answers but is no model server (another app on 8080) is
                           // not offered.
                           auto models = ModelList::parse(response->body, name.toUtf8());
                           if (models) {
                               Found found{name, base, {}};
                               for (const ModelInfo &model : *models) {
                                   found.models.append(model.id);
                               }
                               m_results[index] = std::move(found);
                           }
                       }
                       finishOne(generation);
                   });
}

} // namespace Switchboard::Core
