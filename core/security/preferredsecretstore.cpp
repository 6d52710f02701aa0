// SPDX-License-Identifier: MIT
#include "preferredsecretstore.h"

#include "settingssecretstore.h"

#if SWITCHBOARD_HAVE_KEYCHAIN
#include "keychainsecretstore.h"
#endif

#include <QtCore/QPointer>
#include <QtCore/QSettings>
#include <QtCore/QUrl>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

QString markerKey(const QString &backendName)
{
    return u"keychain/"_s + QString::fromLatin1(QUrl::toPercentEncoding(backendName));
}

} // namespace

PreferredSecretStore::PreferredSecretStore(std::unique_ptr<SecretStore> keychain, QSettings &settings, QObject *parent)
    : SecretStore(parent)
    , m_keychain(std::move(keychain))
    , m_file(std::make_unique<SettingsSecretStore>(settings))
    , m_settings(settings)
{
    if (!m_keychain) {
        m_keychainProblem = tr("Switchboard was built without keychain support");
    }
}

PreferredSecretStore::~PreferredSecretStore() = default;

std::unique_ptr<PreferredSecretStore> PreferredSecretStore::create(QSettings &settings)
{
    std::unique_ptr<SecretStore> keychain;
#if SWITCHBOARD_HAVE_KEYCHAIN
    keychain = std::make_unique<KeychainSecretStore>(u"Switchboard"_s);
#endif
    return std::make_unique<PreferredSecretStore>(std::move(keychain), settings);
}

void PreferredSecretStore::keychainFailed(const QString &reason)
{
    const bool first = m_keychainProblem.isEmpty();
    m_keychainProblem = reason.isEmpty() ? tr("the keychain did not answer") : reason;
    if (first) {
        Q_EMIT fellBack(m_keychainProblem);
    }
}

void PreferredSecretStore::probe(std::function<void(bool usable)> done)
{
    if (!m_keychain || !m_keychainProblem.isEmpty()) {
        done(false);
        return;
    }
    // An entry nobody writes: "not found" is the answer of a keychain that works.
    m_keychain->read(u"switchboard-probe"_s, [this, self = QPointer(this), done = std::move(done)](ReadResult read) {
        if (!self) {
            return;
        }
        if (!read.error.isEmpty()) {
            keychainFailed(read.error);
        }
        done(read.error.isEmpty());
    });
}

void PreferredSecretStore::markInKeychain(const QString &backendName, bool inKeychain)
{
    if (inKeychain) {
        m_settings.setValue(markerKey(backendName), true);
    } else {
        m_settings.remove(markerKey(backendName));
    }
}

bool PreferredSecretStore::inKeychain(const QString &backendName) const
{
    return m_settings.value(markerKey(backendName)).toBool();
}

void PreferredSecretStore::read(const QString &backendName, ReadDone done)
{
    if (m_file->contains(backendName)) {
        m_file->read(backendName, std::move(done));
    } else if (m_keychain && inKeychain(backendName)) {
        m_keychain->read(backendName, std::move(done));
    } else {
        done(ReadResult{});
    }
}

void PreferredSecretStore::write(const QString &backendName, const QByteArray &secret, Done done)
{
    if (!m_keychain || !m_keychainProblem.isEmpty()) {
        markInKeychain(backendName, false);
        m_file->write(backendName, secret, std::move(done));
        return;
    }
    m_keychain->write(backendName, secret,
                      [this, self = QPointer(this), backendName, secret, done = std::move(done)](QString error) {
                          if (!self) {
                              return;
                          }
                          if (error.isEmpty()) {
                              markInKeychain(backendName, true);
                              m_file->remove(backendName, [](const QString &) {});
                              done({});
                              return;
                          }
                          keychainFailed(error);
                          markInKeychain(backendName, false);
                          m_file->write(backendName, secret, done);
                      });
}

void PreferredSecretStore::remove(const QString &backendName, Done done)
{
    m_file->remove(backendName, [](const QString &) {});
    if (!m_keychain || !inKeychain(backendName)) {
        done({});
        return;
    }
    markInKeychain(backendName, false);
    m_keychain->remove(backendName, std::move(done));
}

bool PreferredSecretStore::isSecure() const
{
    return m_keychain && m_keychainProblem.isEmpty();
}

QString PreferredSecretStore::location() const
{
    return isSecure() ? m_keychain->location() : m_file->location();
}

} // namespace Switchboard::Core
