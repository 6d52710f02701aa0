// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

#include <memory>

class QSettings;

namespace Switchboard::Core {

class SettingsSecretStore;

// The keychain when there is one and it works, else the settings file. A keychain can be built in
// and still fail at run time (no Secret Service on a headless box, a locked wallet), so the choice
// is made by trying: probe() reads a missing entry, and any keychain failure on write moves to the
// settings file and says why (fellBack). The settings record which keys went to the keychain, so a
// read never asks the keychain about a backend that has no key.
class PreferredSecretStore final : public SecretStore
{
    Q_OBJECT

public:
    // `keychain` may be null (built without QtKeychain).
    PreferredSecretStore(std::unique_ptr<SecretStore> keychain, QSettings &settings, QObject *parent = nullptr);
    ~PreferredSecretStore() override;

    // The system keychain if Switchboard was built with QtKeychain, else the settings file alone.
    static std::unique_ptr<PreferredSecretStore> create(QSettings &settings);

    // Checks that the keychain answers; done(true) if keys will go there.
    void probe(std::function<void(bool usable)> done);

    void read(const QString &backendName, ReadDone done) override;
    void write(const QString &backendName, const QByteArray &secret, Done done) override;
    void remove(const QString &backendName, Done done) override;
    bool isSecure() const override;
    QString location() const override;

    // Why the keychain is not used, if it is not.
    QString keychainProblem() const { return m_keychainProblem; }

Q_SIGNALS:
    // The keychain failed and keys now go to the settings file.
    void fellBack(const QString &reason);

private:
    void markInKeychain(const QString &backendName, bool inKeychain);
    bool inKeychain(const QString &backendName) const;
    void keychainFailed(const QString &reason);

    std::unique_ptr<SecretStore> m_keychain;
    std::unique_ptr<SettingsSecretStore> m_file;
    QSettings &m_settings;
    QString m_keychainProblem;
};

} // namespace Switchboard::Core
