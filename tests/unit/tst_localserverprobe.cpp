// SPDX-License-Identifier: MIT
#include "fakebackend.h"
#include "routing/localserverprobe.h"

#include <QtNetwork/QTcpServer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

using Found = std::vector<LocalServerProbe::Found>;

namespace {

// A port nothing listens on: bound, then closed.
quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

} // namespace

// The first-start probe of local model servers, against a fake one, a closed port, a server that
// answers with something else and one that never answers.
class TestLocalServerProbe final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void usualServers_areTheFourKnownPorts();
    void probe_reportsWhatAnsweredWithItsModels();
    void probe_defaultDeadline_keepsAFirstStartUnderASecond();
};

void TestLocalServerProbe::usualServers_areTheFourKnownPorts()
{
    QList<quint16> ports;
    for (const auto &candidate : LocalServerProbe::usualServers()) {
        ports.append(candidate.port);
    }
    QCOMPARE(ports, (QList<quint16>{11434, 1234, 8080, 8000}));
}

void TestLocalServerProbe::probe_defaultDeadline_keepsAFirstStartUnderASecond()
{
    // Every candidate is asked at once, so the whole probe costs one deadline (plus the 100 ms
    // bound on the sum of its legs). Checked on the setting rather than on a clock.
    const LocalServerProbe probe;
    QVERIFY(probe.timeout() > std::chrono::milliseconds(0));
    QVERIFY(probe.timeout() + std::chrono::milliseconds(100) < std::chrono::seconds(1));
}

void TestLocalServerProbe::probe_reportsWhatAnsweredWithItsModels()
{
    FakeBackend models;
    models.start();
    models.on("/v1/models", FakeResponse::json(FakeBackend::fixture(u"llama-cpp/02_v1_models.json"_s)));
    FakeBackend other; // answers, but not with a model list (another program on 8080)
    other.start();
    other.on("/v1/models", FakeResponse::json("<html>hello</html>"));
    FakeBackend silent; // accepts and never answers
    silent.start();
    FakeResponse hang;
    hang.end = FakeResponse::End::Hang;
    silent.on("/v1/models", hang);

    LocalServerProbe probe;
    probe.setCandidates({{u"Closed"_s, closedPort()},
                         {u"Fake"_s, models.port()},
                         {u"Other"_s, other.port()},
                         {u"Silent"_s, silent.port()}});
    Found found;
    bool done = false;
    connect(&probe, &LocalServerProbe::finished, this, [&](const Found &result) {
        found = result;
        done = true;
    });
    probe.start();
    QVERIFY(probe.isRunning());
    // The silent server is given up on after the probe's short deadline, not the client's usual
    // ten minutes: the wait allows for any machine load and still tells one from the other.
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QTRY_COMPARE(silent.abortedByClient(), 1); // it was given up on, not answered
    QVERIFY(!probe.isRunning());

    QCOMPARE(found.size(), size_t(1));
    QCOMPARE(found[0].name, u"Fake"_s);
    QCOMPARE(found[0].url, QUrl(u"http://127.0.0.1:%1/v1"_s.arg(models.port())));
    QVERIFY(!found[0].models.isEmpty());
    QCOMPARE(models.lastRequest().method, QByteArray("GET"));
    QCOMPARE(models.lastRequest().path, QByteArray("/v1/models"));

    // Nothing answering is an empty list, promptly.
    probe.setCandidates({{u"Closed"_s, closedPort()}});
    done = false;
    probe.start();
    QTRY_VERIFY_WITH_TIMEOUT(done, 30'000);
    QVERIFY(found.empty());
}

QTEST_GUILESS_MAIN(TestLocalServerProbe)
#include "tst_localserverprobe.moc"
