// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

class QSettings;

namespace Switchboard::Core {

// Keys in the settings file, for systems with no working keychain. They are base64-encoded so that
// they do not read as keys at a glance; that is obfuscation, not security: anyone who can read the
// file has the keys, and the window says so.
class SettingsSecretStore final : public SecretStore
{
    Q_OBJECT

public:
    explicit SettingsSecretStore(QSettings &settings, QObject *parent = nullptr);

    void read(const QString &backendName, ReadDone done) override;
    void write(const QString &backendName, const QByteArray &secret, Done done) override;
    void remove(const QString &backendName, Done done) override;
    bool isSecure() const override { return false; }
    QString location() const override;

    bool contains(const QString &backendName) const;

private:
    QSettings &m_settings;
};

} // namespace Switchboard::Core
