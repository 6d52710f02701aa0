// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>

class QSocketNotifier;

namespace Switchboard::App {

// Turns SIGINT and SIGTERM into a Qt signal on the event loop (a signal handler may only write to a
// pipe; everything else happens here).
class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Switchboard::App
