// SPDX-License-Identifier: MIT
#pragma once

#include "api/result.h"

#include <QtCore/QString>

namespace Switchboard::Core {

// Switchboard's own API key: generated on first use and kept in a file only its owner can read
// (the GUI moves it to the OS keychain when one is available).
class ApiKeyStore
{
public:
    struct Key
    {
        QByteArray value;
        bool created = false; // generated just now: show it to the user once
    };

    // The key in `path`, or a new one written there with 0600 permissions.
    static Result<Key, QString> loadOrCreate(const QString &path);
    // <user data directory>/api-key
    static QString defaultPath();
    static QByteArray generate();
};

} // namespace Switchboard::Core
