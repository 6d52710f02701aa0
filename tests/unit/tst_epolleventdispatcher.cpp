// SPDX-License-Identifier: MIT
#include "eventloop/epolleventdispatcher.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>
#include <QtTest/QTest>

#include <poll.h>

#include <chrono>
#include <memory>
#include <vector>

using namespace Switchboard::Core;

namespace {

// `value` as seen from a timer started now that fires `after` from now. Due timers go out in
// deadline order, so anything due before that timer has gone out by then: an order, not a race.
// -1 if it never fired.
int valueOnceDueTimersRan(std::chrono::milliseconds after, const int &value)
{
    int seen = -1;
    QTimer probe;
    probe.setSingleShot(true);
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, [&] { seen = value; });
    probe.start(after);
    return QTest::qWaitFor([&] { return seen != -1; }, 10'000) ? seen : -1;
}

} // namespace

// The gateway's event dispatcher: what Qt code relies on from one (timers, posted events, socket
// notifiers), on this test's main thread.
class TestEpollEventDispatcher final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isInstalled();
    void timers_fireInDeadlineOrder();
    void timers_repeatUntilStopped();
    void timers_restartedOftenFireOnceAtTheEnd();
    void timers_reportRemainingTime();
    void timers_doNotReenterFromANestedLoop();
    void timers_zeroIntervalDoesNotStarveSockets();
    void postedEvents_fromAnotherThreadWakeTheLoop();
    void sockets_carryALargeExchange();
    void sockets_manyConnectionsAtOnce();
    void sockets_deletedFromAnotherSocketsHandler();
};

void TestEpollEventDispatcher::isInstalled()
{
    QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
}

void TestEpollEventDispatcher::timers_fireInDeadlineOrder()
{
    QList<int> order;
    QTimer::singleShot(60, this, [&] { order.append(3); });
    QTimer::singleShot(0, this, [&] { order.append(1); });
    QTimer::singleShot(20, this, [&] { order.append(2); });
    QTRY_COMPARE(order.size(), 3);
    QCOMPARE(order, (QList<int>{1, 2, 3}));
}

void TestEpollEventDispatcher::timers_repeatUntilStopped()
{
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    int fired = 0;
    connect(&timer, &QTimer::timeout, this, [&] {
        if (++fired == 5) {
            timer.stop();
        }
    });
    QElapsedTimer clock;
    clock.start();
    timer.start(10);
    QTRY_VERIFY(!timer.isActive());
    // Five intervals at least: a lower bound only, which a loaded machine cannot break.
    QVERIFY(clock.elapsed() >= 45);
    QCOMPARE(fired, 5);
    // A stopped timer's next deadline would come before this one's, and due timers go out in
    // deadline order, so once it has fired a sixth shot would have too.
    QCOMPARE(valueOnceDueTimersRan(std::chrono::milliseconds(20), fired), 5);
}

void TestEpollEventDispatcher::timers_restartedOftenFireOnceAtTheEnd()
{
    // As a connection re-arms its idle timer on every read: many stale entries, one live timer.
    QTimer timer;
    timer.setSingleShot(true);
    int fired = 0;
    qint64 firedAfter = -1;
    QElapsedTimer sinceLastStart;
    connect(&timer, &QTimer::timeout, this, [&] {
        ++fired;
        firedAfter = sinceLastStart.elapsed();
    });
    for (int i = 0; i < 100'000; ++i) {
        sinceLastStart.start();
        timer.start(30);
    }
    QTRY_COMPARE(fired, 1);
    // A stale entry would fire earlier than 30 ms after the last start (timers here are precise,
    // so never early): a lower bound, not a race.
    QVERIFY2(firedAfter >= 30, QByteArray::number(firedAfter).constData());
    // Every stale entry is due by now and would go out before a timer started after the shot.
    QCOMPARE(valueOnceDueTimersRan(std::chrono::milliseconds(0), fired), 1);
}

void TestEpollEventDispatcher::timers_reportRemainingTime()
{
    QTimer timer;
    timer.start(10'000);
    const int left = timer.remainingTime();
    QVERIFY2(left > 9'000 && left <= 10'000, QByteArray::number(left).constData());
    auto *dispatcher = QAbstractEventDispatcher::instance();
    const auto timers = dispatcher->registeredTimers(&timer);
    QCOMPARE(timers.size(), 1);
    QCOMPARE(timers.first().timerId, timer.timerId());
    QCOMPARE(timers.first().interval, 10'000);
    timer.stop();
    QVERIFY(dispatcher->registeredTimers(&timer).isEmpty());
}

void TestEpollEventDispatcher::timers_doNotReenterFromANestedLoop()
{
    QTimer timer;
    int depth = 0;
    int maxDepth = 0;
    int fired = 0;
    connect(&timer, &QTimer::timeout, this, [&] {
        ++fired;
        maxDepth = qMax(maxDepth, ++depth);
        if (fired == 1) {
            QEventLoop loop;
            QTimer::singleShot(60, &loop, &QEventLoop::quit);
            loop.exec();
        }
        --depth;
    });
    timer.start(5);
    QTRY_VERIFY(fired >= 3);
    timer.stop();
    QCOMPARE(maxDepth, 1);
}

void TestEpollEventDispatcher::timers_zeroIntervalDoesNotStarveSockets()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QTimer busy;
    int spins = 0;
    connect(&busy, &QTimer::timeout, this, [&] { ++spins; });
    busy.start(0);
    QTRY_VERIFY(server.hasPendingConnections());
    QTRY_COMPARE(client.state(), QAbstractSocket::ConnectedState);
    busy.stop();
    QVERIFY(spins > 0);
}

void TestEpollEventDispatcher::postedEvents_fromAnotherThreadWakeTheLoop()
{
    int calls = 0;
    QThread *thread = QThread::create([this, &calls] {
        for (int i = 0; i < 100; ++i) {
            QMetaObject::invokeMethod(
                this, [&calls] { ++calls; }, Qt::QueuedConnection);
            QThread::usleep(200);
        }
    });
    thread->start();
    QTRY_COMPARE(calls, 100);
    thread->wait();
    delete thread;
}

void TestEpollEventDispatcher::sockets_carryALargeExchange()
{
    // Large enough that writes fill the kernel's buffers, so write notifiers come and go.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QByteArray echoed;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = server.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
    });
    QTcpSocket client;
    connect(&client, &QTcpSocket::readyRead, this, [&] { echoed += client.readAll(); });
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QByteArray payload(8 * 1024 * 1024, 'x');
    for (qsizetype i = 0; i < payload.size(); i += 4096) {
        payload[i] = char('a' + (i / 4096) % 26);
    }
    client.write(payload);
    QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), payload.size(), 20'000);
    QVERIFY(echoed == payload);
}

void TestEpollEventDispatcher::sockets_manyConnectionsAtOnce()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    int requests = 0;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket, &requests] {
                ++requests;
                socket->write(socket->readAll().toUpper());
                socket->disconnectFromHost();
            });
        }
    });
    constexpr int Count = 300;
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    int answers = 0;
    int closed = 0;
    for (int i = 0; i < Count; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        QTcpSocket *raw = socket.get();
        connect(raw, &QTcpSocket::connected, raw, [raw] { raw->write("hello"); });
        connect(raw, &QTcpSocket::readyRead, this, [raw, &answers] { answers += raw->readAll() == "HELLO"; });
        connect(raw, &QTcpSocket::disconnected, this, [&closed] { ++closed; });
        raw->connectToHost(QHostAddress::LocalHost, server.serverPort());
        clients.push_back(std::move(socket));
    }
    QTRY_COMPARE_WITH_TIMEOUT(closed, Count, 20'000);
    QCOMPARE(requests, Count);
    QCOMPARE(answers, Count);
}

void TestEpollEventDispatcher::sockets_deletedFromAnotherSocketsHandler()
{
    // Two sockets readable in the same turn; whichever one's handler runs first deletes the other.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> accepted;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            accepted.append(socket);
        }
    });
    std::unique_ptr<QTcpSocket> sockets[2] = {std::make_unique<QTcpSocket>(), std::make_unique<QTcpSocket>()};
    for (auto &socket : sockets) {
        socket->connectToHost(QHostAddress::LocalHost, server.serverPort());
    }
    QTRY_COMPARE(sockets[0]->state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(sockets[1]->state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(accepted.size(), 2);
    int reads = 0;
    for (int i = 0; i < 2; ++i) {
        connect(sockets[i].get(), &QTcpSocket::readyRead, this, [&, i] {
            ++reads;
            sockets[i]->readAll();
            sockets[1 - i].reset();
        });
    }
    for (QTcpSocket *peer : accepted) {
        peer->write("x");
        peer->flush();
    }
    // Both descriptors readable before the loop looks, so one epoll_wait reports both.
    pollfd descriptors[2] = {{int(sockets[0]->socketDescriptor()), POLLIN, 0},
                             {int(sockets[1]->socketDescriptor()), POLLIN, 0}};
    for (int waited = 0; waited < 100 && !(descriptors[0].revents & POLLIN && descriptors[1].revents & POLLIN);
         ++waited) {
        ::poll(descriptors, 2, 100);
    }
    QVERIFY(descriptors[0].revents & POLLIN && descriptors[1].revents & POLLIN);
    QCoreApplication::processEvents();
    // Exactly one handler ran; the other socket's notifier, deleted in that same batch, was skipped.
    QCOMPARE(reads, 1);
    QCOMPARE(int(bool(sockets[0])) + int(bool(sockets[1])), 1);
}

int main(int argc, char **argv)
{
    // Installed before the application exists, as the application itself does.
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication application(argc, argv);
    TestEpollEventDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolleventdispatcher.moc"
