// SPDX-License-Identifier: MIT
#include "keychainsecretstore.h"

#include <qt6keychain/keychain.h>

namespace Switchboard::Core {

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent)
    , m_service(std::move(service))
{}

void KeychainSecretStore::read(const QString &backendName, ReadDone done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(backendName);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
        if (job->error() == QKeychain::EntryNotFound) {
            done(ReadResult{});
        } else if (job->error() != QKeychain::NoError) {
            done(ReadResult{{}, job->errorString()});
        } else {
            done(ReadResult{job->binaryData(), {}});
        }
    });
    job->start();
}

void KeychainSecretStore::write(const QString &backendName, const QByteArray &secret, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(backendName);
    job->setBinaryData(secret);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
        done(job->error() == QKeychain::NoError ? QString() : job->errorString());
    });
    job->start();
}

void KeychainSecretStore::remove(const QString &backendName, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setKey(backendName);
    connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
        const bool gone = job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound;
        done(gone ? QString() : job->errorString());
    });
    job->start();
}

QString KeychainSecretStore::location() const
{
    return tr("stored in the system keychain");
}

} // namespace Switchboard::Core
