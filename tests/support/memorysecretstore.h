// SPDX-License-Identifier: MIT
#pragma once

#include "security/secretstore.h"

#include <QtCore/QHash>

namespace Switchboard::Test {

// A keychain for tests: keys in memory, answers on the next turn of the event loop (as a real one
// does), and a switch that makes it fail like a keychain with no Secret Service behind it.
class MemorySecretStore final : public Core::SecretStore
{
    Q_OBJECT

public:
    using SecretStore::SecretStore;

    void read(const QString &backendName, ReadDone done) override;
    void write(const QString &backendName, const QByteArray &secret, Done done) override;
    void remove(const QString &backendName, Done done) override;
    bool isSecure() const override { return true; }
    QString location() const override { return QStringLiteral("stored in the test keychain"); }

    QHash<QString, QByteArray> secrets;
    bool broken = false;
    int calls = 0;
};

} // namespace Switchboard::Test
