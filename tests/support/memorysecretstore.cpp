// SPDX-License-Identifier: MIT
#include "memorysecretstore.h"

#include <QtCore/QTimer>

namespace Switchboard::Test {

using namespace Qt::StringLiterals;

namespace {

const QString NoService = u"No keychain service available"_s;

} // namespace

void MemorySecretStore::read(const QString &backendName, ReadDone done)
{
    ++calls;
    QTimer::singleShot(0, this, [this, backendName, done = std::move(done)] {
        done(broken ? ReadResult{{}, NoService} : ReadResult{secrets.value(backendName), {}});
    });
}

void MemorySecretStore::write(const QString &backendName, const QByteArray &secret, Done done)
{
    ++calls;
    QTimer::singleShot(0, this, [this, backendName, secret, done = std::move(done)] {
        if (!broken) {
            secrets.insert(backendName, secret);
        }
        done(broken ? NoService : QString());
    });
}

void MemorySecretStore::remove(const QString &backendName, Done done)
{
    ++calls;
    QTimer::singleShot(0, this, [this, backendName, done = std::move(done)] {
        if (!broken) {
            secrets.remove(backendName);
        }
        done(broken ? NoService : QString());
    });
}

} // namespace Switchboard::Test
