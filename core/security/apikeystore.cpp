// SPDX-License-Identifier: MIT
#include "apikeystore.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QRandomGenerator>
#include <QtCore/QSaveFile>
#include <QtCore/QStandardPaths>

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

QByteArray ApiKeyStore::generate()
{
    static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QByteArray key = "sk-sb-";
    auto *random = QRandomGenerator::system(); // the OS's CSPRNG
    for (int i = 0; i < 40; ++i) {
        key.append(alphabet[random->bounded(62)]);
    }
    return key;
}

QString ApiKeyStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/api-key";
}

Result<ApiKeyStore::Key, QString> ApiKeyStore::loadOrCreate(const QString &path)
{
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            return u"cannot read the API key in %1: %2"_s.arg(path, existing.errorString());
        }
        const QByteArray value = existing.readAll().trimmed();
        if (!value.isEmpty()) {
            return Key{value, false};
        }
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        return u"cannot create %1"_s.arg(QFileInfo(path).absolutePath());
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return u"cannot write the API key to %1: %2"_s.arg(path, file.errorString());
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray value = generate();
    file.write(value + '\n');
    if (!file.commit()) {
        return u"cannot write the API key to %1: %2"_s.arg(path, file.errorString());
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return Key{value, true};
}

} // namespace Switchboard::Core
