// SPDX-License-Identifier: MIT
#include "settingssecretstore.h"

#include <QtCore/QSettings>
#include <QtCore/QUrl>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

// Backend names may hold '/', which QSettings reads as a group separator.
QString settingsKey(const QString &backendName)
{
    return u"secrets/"_s + QString::fromLatin1(QUrl::toPercentEncoding(backendName));
}

} // namespace

SettingsSecretStore::SettingsSecretStore(QSettings &settings, QObject *parent)
    : SecretStore(parent)
    , m_settings(settings)
{}

bool SettingsSecretStore::contains(const QString &backendName) const
{
    return m_settings.contains(settingsKey(backendName));
}

void SettingsSecretStore::read(const QString &backendName, ReadDone done)
{
    const QByteArray stored = m_settings.value(settingsKey(backendName)).toString().toLatin1();
    done(ReadResult{QByteArray::fromBase64(stored), {}});
}

void SettingsSecretStore::write(const QString &backendName, const QByteArray &secret, Done done)
{
    m_settings.setValue(settingsKey(backendName), QString::fromLatin1(secret.toBase64()));
    m_settings.sync();
    done(m_settings.status() == QSettings::NoError ? QString() : tr("cannot write the settings file"));
}

void SettingsSecretStore::remove(const QString &backendName, Done done)
{
    m_settings.remove(settingsKey(backendName));
    m_settings.sync();
    done({});
}

QString SettingsSecretStore::location() const
{
    return tr("stored in the settings file; no keychain available (obfuscated, not encrypted: anyone who can read "
              "%1 can read the key)")
        .arg(m_settings.fileName());
}

} // namespace Switchboard::Core
