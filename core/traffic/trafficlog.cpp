// SPDX-License-Identifier: MIT
#include "trafficlog.h"

#include "exchangetap.h"

#include <QtCore/QMutex>
#include <QtCore/QSet>

#include <deque>

namespace Switchboard::Core {

// Shared with the taps, which may outlive the log by a moment (an answer still under way when the
// window closes): they hold it weakly, and `log` is cleared under the mutex before the log dies.
struct TrafficLog::Shared
{
    mutable QMutex mutex;
    TrafficLog *log = nullptr;
    std::deque<std::shared_ptr<ExchangeTap>> ring;
    int capacity = DefaultCapacity;
    quint64 nextId = 1;
    QSet<quint64> pendingChanges;

    void notifyChanged(quint64 id)
    {
        QMutexLocker lock(&mutex);
        if (!log || pendingChanges.contains(id)) {
            return;
        }
        pendingChanges.insert(id);
        TrafficLog *target = log;
        QMetaObject::invokeMethod(
            target, [target, id] { target->deliverChanged(id); }, Qt::QueuedConnection);
    }

    std::shared_ptr<ExchangeTap> find(quint64 id) const
    {
        QMutexLocker lock(&mutex);
        // Ids ascend along the ring, so the position follows from the first id.
        if (ring.empty() || id < ring.front()->id()) {
            return nullptr;
        }
        const quint64 index = id - ring.front()->id();
        return index < ring.size() ? ring[index] : nullptr;
    }
};

TrafficLog::TrafficLog(int capacity, QObject *parent)
    : QObject(parent)
    , m_shared(std::make_shared<Shared>())
{
    m_shared->log = this;
    m_shared->capacity = std::max(1, capacity);
}

TrafficLog::~TrafficLog()
{
    QMutexLocker lock(&m_shared->mutex);
    m_shared->log = nullptr;
}

std::shared_ptr<ExchangeTap> TrafficLog::begin(const QByteArray &requestId, const HttpRequest &request)
{
    std::weak_ptr<Shared> weak = m_shared;
    QMutexLocker lock(&m_shared->mutex);
    const quint64 id = m_shared->nextId++;
    auto tap = std::make_shared<ExchangeTap>(id, requestId, request, [weak](quint64 changed) {
        if (auto shared = weak.lock()) {
            shared->notifyChanged(changed);
        }
    });
    m_shared->ring.push_back(tap);
    while (m_shared->ring.size() > size_t(m_shared->capacity)) {
        m_shared->ring.pop_front();
    }
    if (TrafficLog *target = m_shared->log) {
        QMetaObject::invokeMethod(
            target, [target, id] { Q_EMIT target->exchangeAdded(id); }, Qt::QueuedConnection);
    }
    return tap;
}

int TrafficLog::capacity() const
{
    QMutexLocker lock(&m_shared->mutex);
    return m_shared->capacity;
}

void TrafficLog::setCapacity(int capacity)
{
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->capacity = std::max(1, capacity);
        while (m_shared->ring.size() > size_t(m_shared->capacity)) {
            m_shared->ring.pop_front();
        }
    }
    Q_EMIT capacityChanged(std::max(1, capacity));
}

QList<quint64> TrafficLog::ids() const
{
    QMutexLocker lock(&m_shared->mutex);
    QList<quint64> ids;
    ids.reserve(qsizetype(m_shared->ring.size()));
    for (const auto &tap : m_shared->ring) {
        ids.append(tap->id());
    }
    return ids;
}

std::optional<ExchangeSummary> TrafficLog::summary(quint64 id) const
{
    const auto tap = m_shared->find(id);
    if (!tap) {
        return std::nullopt;
    }
    return tap->summary();
}

std::optional<ExchangeRecord> TrafficLog::record(quint64 id) const
{
    const auto tap = m_shared->find(id);
    if (!tap) {
        return std::nullopt;
    }
    return tap->snapshot();
}

void TrafficLog::clear()
{
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->ring.clear();
        m_shared->pendingChanges.clear();
    }
    Q_EMIT cleared();
}

void TrafficLog::deliverChanged(quint64 id)
{
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->pendingChanges.remove(id);
    }
    Q_EMIT exchangeChanged(id);
}

} // namespace Switchboard::Core
