// SPDX-License-Identifier: MIT
#pragma once

#include "exchangerecord.h"

#include <QtCore/QObject>

#include <memory>
#include <optional>

namespace Switchboard::Core {

class ExchangeTap;
struct HttpRequest;

// The traffic recorder: a bounded ring of exchanges, written by the gateway's thread through
// ExchangeTaps and read by the GUI's. Signals arrive on the log's own thread, coalesced: an exchange
// that changes a thousand times while the GUI is busy is reported once.
class TrafficLog final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficLog)

public:
    static constexpr int DefaultCapacity = 500;

    explicit TrafficLog(int capacity = DefaultCapacity, QObject *parent = nullptr);
    ~TrafficLog() override;

    // Any thread. The exchange is recorded for as long as it stays in the ring.
    std::shared_ptr<ExchangeTap> begin(const QByteArray &requestId, const HttpRequest &request);

    int capacity() const;
    void setCapacity(int capacity); // at least 1; the oldest exchanges leave first
    // Oldest first.
    QList<quint64> ids() const;
    // Everything but the captured messages (cheap), or everything; nullopt once it left the ring.
    std::optional<ExchangeSummary> summary(quint64 id) const;
    std::optional<ExchangeRecord> record(quint64 id) const;
    void clear();

Q_SIGNALS:
    void exchangeAdded(quint64 id);
    void exchangeChanged(quint64 id);
    void cleared();
    // On the caller's thread; exchanges beyond the new capacity have already left the ring.
    void capacityChanged(int capacity);

private:
    struct Shared;
    void deliverChanged(quint64 id);

    std::shared_ptr<Shared> m_shared;
};

} // namespace Switchboard::Core
