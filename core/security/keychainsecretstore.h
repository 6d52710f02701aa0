// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

namespace Switchboard::Core {

// Keys in the system keychain through QtKeychain: Secret Service or KWallet on Linux, Keychain on
// macOS, the Credential Store on Windows. Only built when QtKeychain is found.
class KeychainSecretStore final : public SecretStore
{
    Q_OBJECT

public:
    explicit KeychainSecretStore(QString service, QObject *parent = nullptr);

    void read(const QString &backendName, ReadDone done) override;
    void write(const QString &backendName, const QByteArray &secret, Done done) override;
    void remove(const QString &backendName, Done done) override;
    bool isSecure() const override { return true; }
    QString location() const override;

private:
    QString m_service;
};

} // namespace Switchboard::Core
