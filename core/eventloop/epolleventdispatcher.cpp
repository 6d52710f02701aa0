// SPDX-License-Identifier: MIT
#include "epolleventdispatcher.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimerEvent>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <functional>

namespace Switchboard::Core {

namespace {
Q_LOGGING_CATEGORY(lcDispatcher, "switchboard.eventloop", QtWarningMsg)

constexpr uint64_t WakeUpTag = ~uint64_t(0);
constexpr qint64 NsPerMs = 1'000'000;
constexpr size_t ReadyBatch = 1024;

qint64 nowNs()
{
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// Which epoll readiness wakes which kind of notifier: as Qt's UNIX dispatcher maps poll() bits.
constexpr uint32_t ActivatingEvents[3] = {
    EPOLLIN | EPOLLHUP | EPOLLERR,  // QSocketNotifier::Read
    EPOLLOUT | EPOLLHUP | EPOLLERR, // QSocketNotifier::Write (HUP too: else a write-only watch spins)
    EPOLLPRI,                       // QSocketNotifier::Exception
};
constexpr uint32_t WatchedEvents[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};
} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    , m_ready(ReadyBatch)
{
    if (m_epoll < 0 || m_wakeFd < 0) {
        qFatal("EpollEventDispatcher: cannot create epoll or eventfd: %s", std::strerror(errno));
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = WakeUpTag;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    close(m_wakeFd);
    close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();
    if (m_interrupted.load(std::memory_order_relaxed)) {
        return false;
    }
    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    // An event posted from now on calls wakeUp(), which makes the wait below return at once.
    const bool canWait = (flags & QEventLoop::WaitForMoreEvents) != 0;
    int timeoutMs = 0;
    if (canWait) {
        timeoutMs = includeTimers ? nextTimeoutMs() : -1;
        if (timeoutMs != 0) {
            Q_EMIT aboutToBlock();
        }
    }
    int handled = 0;
    if (includeNotifiers) {
        const int ready = epoll_wait(m_epoll, m_ready.data(), int(m_ready.size()), timeoutMs);
        if (ready < 0 && errno != EINTR) {
            qCWarning(lcDispatcher) << "epoll_wait failed:" << std::strerror(errno);
        }
        handled += dispatchReady(std::max(ready, 0));
    } else {
        // Sockets are excluded: wait for a wake-up (or the next timer) alone.
        pollfd wake{m_wakeFd, POLLIN, 0};
        if (poll(&wake, 1, timeoutMs) > 0) {
            drainWakeUp();
            ++handled;
        }
    }
    if (includeTimers) {
        handled += activateTimers();
    }
    return handled > 0;
}

int EpollEventDispatcher::dispatchReady(int ready)
{
    // First note what is ready, then deliver: a notifier's handler may unregister or delete the
    // notifiers of descriptors later in this batch, so each is looked up again before delivery,
    // and the serial tells a descriptor number reused meanwhile from the one that was ready.
    int handled = 0;
    for (int i = 0; i < ready; ++i) {
        const uint64_t tag = m_ready[size_t(i)].data.u64;
        if (tag == WakeUpTag) {
            drainWakeUp();
            ++handled;
            m_ready[size_t(i)].events = 0;
        }
    }
    for (int i = 0; i < ready; ++i) {
        const epoll_event &event = m_ready[size_t(i)];
        if (event.events == 0) {
            continue;
        }
        const int fd = int(uint32_t(event.data.u64));
        const auto serial = uint32_t(event.data.u64 >> 32);
        for (int type = 0; type < 3; ++type) {
            if (!(event.events & ActivatingEvents[type])) {
                continue;
            }
            const auto found = m_descriptors.constFind(fd);
            if (found == m_descriptors.constEnd() || found->serial != serial) {
                break;
            }
            QSocketNotifier *notifier = found->notifiers[type];
            if (!notifier) {
                continue;
            }
            QEvent activation(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &activation);
            ++handled;
        }
    }
    return handled;
}

void EpollEventDispatcher::drainWakeUp()
{
    uint64_t count = 0;
    while (read(m_wakeFd, &count, sizeof count) < 0 && errno == EINTR) {
    }
    // Cleared after reading: cleared before, a wakeUp() in between would write, the read would
    // consume that, and with the flag still set every later wakeUp() would skip its write. A
    // wakeUp() skipped now posted its event before; the next processEvents() sends it first.
    m_wakeUpPending.store(false, std::memory_order_release);
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakeUpPending.exchange(true, std::memory_order_acq_rel)) {
        return;
    }
    const uint64_t one = 1;
    while (write(m_wakeFd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    auto found = m_descriptors.find(fd);
    if (found == m_descriptors.end()) {
        found = m_descriptors.insert(fd, Descriptor{});
        found->serial = ++m_nextDescriptorSerial;
    }
    if (found->notifiers[type] && found->notifiers[type] != notifier) {
        qCWarning(lcDispatcher) << "multiple socket notifiers of one type for descriptor" << fd;
    }
    found->notifiers[type] = notifier;
    updateDescriptor(fd, *found);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const int type = int(notifier->type());
    auto found = m_descriptors.find(fd);
    if (found == m_descriptors.end() || found->notifiers[type] != notifier) {
        return;
    }
    found->notifiers[type] = nullptr;
    updateDescriptor(fd, *found);
}

void EpollEventDispatcher::updateDescriptor(int fd, Descriptor &descriptor)
{
    uint32_t wanted = 0;
    for (int type = 0; type < 3; ++type) {
        if (descriptor.notifiers[type]) {
            wanted |= WatchedEvents[type];
        }
    }
    if (wanted == 0) {
        // Fails harmlessly (EBADF) when the descriptor was closed first: the kernel dropped it then.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        m_descriptors.remove(fd);
        return;
    }
    if (wanted == descriptor.events) {
        return;
    }
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = (uint64_t(descriptor.serial) << 32) | uint32_t(fd);
    int op = descriptor.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int result = epoll_ctl(m_epoll, op, fd, &event);
    if (result != 0 && (errno == ENOENT || errno == EEXIST)) {
        // A descriptor closed and reopened behind our back: it left the set, or never did.
        op = errno == ENOENT ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        result = epoll_ctl(m_epoll, op, fd, &event);
    }
    if (result != 0) {
        qCWarning(lcDispatcher) << "cannot watch descriptor" << fd << "-" << std::strerror(errno);
    }
    descriptor.events = wanted;
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer timer;
    timer.object = object;
    timer.interval = std::max<qint64>(0, interval);
    timer.deadlineNs = nowNs() + timer.interval * NsPerMs;
    timer.serial = ++m_nextTimerSerial;
    timer.type = timerType;
    m_timers.insert(timerId, timer);
    m_timersByObject.insert(object, timerId);
    pushTimer(timerId, timer);
}

void EpollEventDispatcher::pushTimer(int timerId, const Timer &timer)
{
    m_heap.push_back({timer.deadlineNs, timerId, timer.serial});
    std::push_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
    // Stopped timers leave their entries behind (a connection re-arming a 5-minute idle timer on
    // every read leaves one per read); sweep them before they outnumber the live ones.
    if (m_heap.size() > 2 * size_t(m_timers.size()) + 1024) {
        std::erase_if(m_heap, [this](const HeapEntry &entry) {
            const auto found = m_timers.constFind(entry.timerId);
            return found == m_timers.constEnd() || found->serial != entry.serial;
        });
        std::make_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
    }
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto found = m_timers.find(timerId);
    if (found == m_timers.end()) {
        return false;
    }
    m_timersByObject.remove(found->object, timerId);
    m_timers.erase(found);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const QList<int> ids = m_timersByObject.values(object);
    for (const int id : ids) {
        m_timers.remove(id);
    }
    m_timersByObject.remove(object);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> infos;
    for (auto it = m_timersByObject.constFind(object); it != m_timersByObject.constEnd() && it.key() == object; ++it) {
        const Timer &timer = m_timers.value(it.value());
        infos.append(TimerInfo(it.value(), int(timer.interval), timer.type));
    }
    return infos;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto found = m_timers.constFind(timerId);
    if (found == m_timers.constEnd()) {
        return -1;
    }
    const qint64 left = std::max<qint64>(0, found->deadlineNs - nowNs());
    return int(std::min<qint64>((left + NsPerMs - 1) / NsPerMs, INT_MAX));
}

int EpollEventDispatcher::nextTimeoutMs()
{
    while (!m_heap.empty()) {
        const HeapEntry &top = m_heap.front();
        const auto found = m_timers.constFind(top.timerId);
        if (found != m_timers.constEnd() && found->serial == top.serial) {
            const qint64 left = top.deadlineNs - nowNs();
            return left <= 0 ? 0 : int(std::min<qint64>((left + NsPerMs - 1) / NsPerMs, INT_MAX));
        }
        std::pop_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
        m_heap.pop_back();
    }
    return -1;
}

int EpollEventDispatcher::activateTimers()
{
    // Only timers due now fire in this pass; one that re-arms for "now" (interval 0) waits for
    // the next, so a zero timer cannot starve the sockets.
    const qint64 now = nowNs();
    m_due.clear();
    while (!m_heap.empty() && m_heap.front().deadlineNs <= now) {
        std::pop_heap(m_heap.begin(), m_heap.end(), std::greater<>{});
        m_due.push_back(m_heap.back());
        m_heap.pop_back();
    }
    int handled = 0;
    // Swapped out: a handler's nested event loop fires timers through here too.
    std::vector<HeapEntry> due = std::exchange(m_due, {});
    for (const HeapEntry &entry : due) {
        auto found = m_timers.find(entry.timerId);
        if (found == m_timers.end() || found->serial != entry.serial) {
            continue; // stopped (or stopped and its id reused) since
        }
        // The next deadline first: the handler may stop or restart the timer.
        const qint64 interval = found->interval * NsPerMs;
        found->deadlineNs += interval;
        if (found->deadlineNs < now) {
            found->deadlineNs = now + interval;
        }
        if (found->active) {
            // Its handler is still running (a nested event loop): not again from inside it.
            found->deadlineNs = std::max(found->deadlineNs, now + NsPerMs);
            pushTimer(entry.timerId, *found);
            continue;
        }
        found->active = true;
        pushTimer(entry.timerId, *found);
        QObject *object = found->object;
        QTimerEvent event(entry.timerId);
        QCoreApplication::sendEvent(object, &event);
        ++handled;
        found = m_timers.find(entry.timerId);
        if (found != m_timers.end() && found->serial == entry.serial) {
            found->active = false;
        }
    }
    m_due = std::move(due);
    return handled;
}

} // namespace Switchboard::Core
