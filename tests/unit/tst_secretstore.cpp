// SPDX-License-Identifier: MIT
#include "memorysecretstore.h"
#include "routing/savedgateway.h"
#include "security/preferredsecretstore.h"
#include "security/redactor.h"
#include "security/settingssecretstore.h"

#include <QtCore/QFile>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace Switchboard::Core;
using namespace Switchboard::Test;
using namespace Qt::StringLiterals;

// Where backend keys go (keychain, else the settings file) and how the saved gateway reads them back.
class TestSecretStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void settingsStore_keepsKeysOutOfPlainView();
    void preferred_usesAWorkingKeychain();
    void preferred_fallsBackWhenTheKeychainFails();
    void preferred_withoutKeychain_usesTheFile();
    void savedGateway_savesWithoutKeysAndLoadsThemBack();

private:
    QSettings *settings() { return m_settings.get(); }
    QString fileText() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_settings;
};

namespace {

QString writeSync(SecretStore &store, const QString &name, const QByteArray &secret)
{
    std::optional<QString> result;
    store.write(name, secret, [&](const QString &error) { result = error; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 10'000)) {
        return u"timed out"_s;
    }
    return *result;
}

SecretStore::ReadResult readSync(SecretStore &store, const QString &name)
{
    std::optional<SecretStore::ReadResult> result;
    store.read(name, [&](SecretStore::ReadResult read) { result = std::move(read); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 10'000)) {
        return {{}, u"timed out"_s};
    }
    return *result;
}

} // namespace

void TestSecretStore::init()
{
    m_settings.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = std::make_unique<QSettings>(m_dir->filePath(u"settings.ini"_s), QSettings::IniFormat);
}

QString TestSecretStore::fileText() const
{
    m_settings->sync();
    QFile file(m_settings->fileName());
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

void TestSecretStore::settingsStore_keepsKeysOutOfPlainView()
{
    SettingsSecretStore store(*settings());
    QCOMPARE(writeSync(store, u"team/openai"_s, "sk-plain-0123456789"), QString());
    QVERIFY(store.contains(u"team/openai"_s));
    QCOMPARE(readSync(store, u"team/openai"_s).secret, QByteArray("sk-plain-0123456789"));
    QVERIFY(!fileText().contains(u"sk-plain"_s));
    QVERIFY(!store.isSecure());
    QVERIFY(store.location().contains(u"no keychain available"_s));
    store.remove(u"team/openai"_s, [](const QString &) {});
    QVERIFY(readSync(store, u"team/openai"_s).secret.isEmpty());
}

void TestSecretStore::preferred_usesAWorkingKeychain()
{
    auto keychain = std::make_unique<MemorySecretStore>();
    auto *memory = keychain.get();
    PreferredSecretStore store(std::move(keychain), *settings());
    bool usable = false;
    store.probe([&](bool ok) { usable = ok; });
    QTRY_VERIFY(usable);
    QVERIFY(store.isSecure());
    QCOMPARE(writeSync(store, u"cloud"_s, "sk-cloud-0123456789"), QString());
    QCOMPARE(memory->secrets.value(u"cloud"_s), QByteArray("sk-cloud-0123456789"));
    QVERIFY(!fileText().contains(QString::fromLatin1(QByteArray("sk-cloud-0123456789").toBase64())));
    QCOMPARE(readSync(store, u"cloud"_s).secret, QByteArray("sk-cloud-0123456789"));

    // A backend with no key is not asked about: no keychain prompt for local servers.
    const int calls = memory->calls;
    const auto none = readSync(store, u"ollama"_s);
    QVERIFY(none.secret.isEmpty() && none.error.isEmpty());
    QCOMPARE(memory->calls, calls);

    store.remove(u"cloud"_s, [](const QString &) {});
    QTRY_VERIFY(!memory->secrets.contains(u"cloud"_s));
}

void TestSecretStore::preferred_fallsBackWhenTheKeychainFails()
{
    auto keychain = std::make_unique<MemorySecretStore>();
    keychain->broken = true;
    PreferredSecretStore store(std::move(keychain), *settings());
    QSignalSpy fellBack(&store, &PreferredSecretStore::fellBack);
    QVERIFY(store.isSecure()); // not known yet
    QCOMPARE(writeSync(store, u"cloud"_s, "sk-cloud-0123456789"), QString());
    QCOMPARE(fellBack.size(), 1);
    QVERIFY(!store.isSecure());
    QVERIFY(store.location().contains(u"no keychain available"_s));
    QVERIFY(!store.keychainProblem().isEmpty());
    QCOMPARE(readSync(store, u"cloud"_s).secret, QByteArray("sk-cloud-0123456789"));
    QVERIFY(!fileText().contains(u"sk-cloud"_s));

    // The probe finds the same thing before any write.
    auto again = std::make_unique<MemorySecretStore>();
    again->broken = true;
    PreferredSecretStore probed(std::move(again), *settings());
    std::optional<bool> usable;
    probed.probe([&](bool ok) { usable = ok; });
    QTRY_VERIFY(usable.has_value());
    QVERIFY(!*usable);
    QVERIFY(!probed.isSecure());
}

void TestSecretStore::preferred_withoutKeychain_usesTheFile()
{
    PreferredSecretStore store(nullptr, *settings());
    QVERIFY(!store.isSecure());
    QCOMPARE(writeSync(store, u"cloud"_s, "sk-cloud-0123456789"), QString());
    QCOMPARE(readSync(store, u"cloud"_s).secret, QByteArray("sk-cloud-0123456789"));
}

void TestSecretStore::savedGateway_savesWithoutKeysAndLoadsThemBack()
{
    GatewayConfig config;
    BackendConfig cloud;
    cloud.name = "cloud";
    cloud.kind = BackendConfig::Kind::Anthropic;
    cloud.url = QUrl(u"https://api.example.com"_s);
    cloud.apiKey = "sk-unusual-shape-key-42";
    BackendConfig local;
    local.name = "local";
    local.kind = BackendConfig::Kind::OpenAi;
    local.url = QUrl(u"http://127.0.0.1:11434/v1"_s);
    config.backends = {cloud, local};
    config.routes = {{"claude-*", "cloud", {}}, {"*", "local", {}}};
    config.access.allowedHosts = {"from.the.command.line"};

    QVERIFY(!SavedGateway::exists(*settings()));
    SavedGateway::save(*settings(), config);
    QVERIFY(SavedGateway::exists(*settings()));
    QVERIFY(!fileText().contains(u"sk-unusual"_s));
    QVERIFY(!fileText().contains(u"from.the.command.line"_s));

    MemorySecretStore secrets;
    secrets.secrets.insert(u"cloud"_s, "sk-unusual-shape-key-42");
    auto loaded = SavedGateway::load(*settings());
    QVERIFY(loaded);
    QVERIFY(loaded->backends[0].apiKey.isEmpty());
    std::optional<GatewayConfig> withKeys;
    QStringList problems;
    SavedGateway::loadKeys(*loaded, secrets, [&](GatewayConfig result, QStringList found) {
        withKeys = std::move(result);
        problems = std::move(found);
    });
    QTRY_VERIFY(withKeys.has_value());
    QVERIFY(problems.isEmpty());
    QCOMPARE(withKeys->backends[0].apiKey, QByteArray("sk-unusual-shape-key-42"));
    QVERIFY(withKeys->backends[1].apiKey.isEmpty());
    // Registered: a key of no known shape is masked in any log line.
    QVERIFY(!Redactor::text("upstream said: sk-unusual-shape-key-42").contains("sk-unusual-shape-key-42"));

    // A key that cannot be read is reported; the backend still loads.
    secrets.broken = true;
    withKeys.reset();
    SavedGateway::loadKeys(*loaded, secrets, [&](GatewayConfig result, QStringList found) {
        withKeys = std::move(result);
        problems = std::move(found);
    });
    QTRY_VERIFY(withKeys.has_value());
    QCOMPARE(problems.size(), 2);

    // A broken saved config is an error naming the settings file, not a silent simulator.
    settings()->setValue(u"gateway/config"_s, u"{not json"_s);
    const auto broken = SavedGateway::load(*settings());
    QVERIFY(!broken);
    QVERIFY(broken.error().contains(u"settings.ini"_s));
}

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
