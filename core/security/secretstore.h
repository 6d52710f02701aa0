// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>

namespace Switchboard::Core {

// Where backend API keys are kept, by backend name, away from the saved config. Keychains answer
// asynchronously (a desktop keychain may ask the user to unlock it), so every call reports through a
// callback, which may also run before the call returns.
class SecretStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SecretStore)

public:
    struct ReadResult
    {
        QByteArray secret; // empty: none stored
        QString error;     // empty: no error
    };
    using ReadDone = std::function<void(ReadResult)>;
    using Done = std::function<void(QString error)>; // empty: done

    explicit SecretStore(QObject *parent = nullptr)
        : QObject(parent)
    {}
    ~SecretStore() override;

    virtual void read(const QString &backendName, ReadDone done) = 0;
    virtual void write(const QString &backendName, const QByteArray &secret, Done done) = 0;
    virtual void remove(const QString &backendName, Done done) = 0;

    // Whether keys are protected by the system (a keychain) rather than merely out of plain view.
    virtual bool isSecure() const = 0;
    // Where keys go, in words the window shows next to the key field.
    virtual QString location() const = 0;
};

} // namespace Switchboard::Core
