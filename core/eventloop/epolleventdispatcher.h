// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QAbstractEventDispatcher>
#include <QtCore/QHash>

#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace Switchboard::Core {

// An event dispatcher whose costs do not grow with the number of open sockets and timers.
//
// Qt 6.4's dispatchers (glib and plain UNIX) poll() every registered descriptor on every turn of
// the loop, search a list on every socket-notifier change (QAbstractSocket toggles its write
// notifier on each write) and a list on every timer stop (a connection re-arms its idle timer on
// each read). With ten thousand streams that is most of the gateway's CPU, and the loop falls
// seconds behind. Here descriptors live in an epoll set (changes are one epoll_ctl), and timers
// in a hash plus a binary heap (stale heap entries are skipped, and swept when they pile up).
//
// Timers are all treated as precise (no coarse-timer slack), and notifiers of one descriptor are
// delivered read, then write, then exception, as Qt's UNIX dispatcher does.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EpollEventDispatcher)

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

    using QAbstractEventDispatcher::registerTimer;

private:
    struct Descriptor
    {
        QSocketNotifier *notifiers[3] = {}; // by QSocketNotifier::Type
        uint32_t serial = 0;                // tells a reused descriptor number from its predecessor
        uint32_t events = 0;                // as registered with epoll
    };
    struct Timer
    {
        QObject *object = nullptr;
        qint64 interval = 0;
        qint64 deadlineNs = 0;
        uint64_t serial = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        bool active = false; // its event is being delivered; not again until that returns
    };
    struct HeapEntry
    {
        qint64 deadlineNs;
        int timerId;
        uint64_t serial;
        bool operator>(const HeapEntry &other) const { return deadlineNs > other.deadlineNs; }
    };

    void updateDescriptor(int fd, Descriptor &descriptor);
    void pushTimer(int timerId, const Timer &timer);
    // Milliseconds until the next timer is due: -1 with none, 0 if one is due.
    int nextTimeoutMs();
    int activateTimers();
    int dispatchReady(int ready);
    void drainWakeUp();

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakeUpPending{false};
    std::atomic<bool> m_interrupted{false};
    uint32_t m_nextDescriptorSerial = 0;
    uint64_t m_nextTimerSerial = 0;
    QHash<int, Descriptor> m_descriptors;
    QHash<int, Timer> m_timers;
    QMultiHash<QObject *, int> m_timersByObject;
    std::vector<HeapEntry> m_heap; // a min-heap on deadlineNs; entries whose serial is stale are dead
    std::vector<HeapEntry> m_due;
    std::vector<epoll_event> m_ready;
};

} // namespace Switchboard::Core
