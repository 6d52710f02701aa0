// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtNetwork/QTcpSocket>

#include <sys/socket.h>

#include <cerrno>

namespace Switchboard::Core::SocketIo {

// Appends what the socket holds to `buffer`, read straight into it. QIODevice::readAll() would
// allocate 16 KiB or more for a read of any size, and a buffer that takes that array over keeps
// the capacity for the connection's life: at ten thousand streams, hundreds of megabytes of
// address space and tens of resident.
inline void appendAvailable(QTcpSocket &socket, QByteArray &buffer)
{
    const qint64 available = socket.bytesAvailable();
    if (available <= 0) {
        return;
    }
    const qsizetype before = buffer.size();
    buffer.resize(before + qsizetype(available));
    const qint64 read = socket.read(buffer.data() + before, available);
    buffer.resize(before + qsizetype(qMax<qint64>(read, 0)));
}

// Sends `bytes` now. On a plain TCP socket with nothing queued, as much as the kernel takes goes
// straight from the caller's array; only a remainder goes through QAbstractSocket, which copies
// every write into its own buffer first (a 32 KiB block per socket, kept for the socket's life).
// Errors are left to the socket, which meets them again on its own write and reports them.
inline void writeNow(QTcpSocket &socket, QByteArrayView bytes, bool plainTcp)
{
    qsizetype sent = 0;
    if (plainTcp && socket.bytesToWrite() == 0 && socket.state() == QAbstractSocket::ConnectedState) {
        const int fd = int(socket.socketDescriptor());
        while (sent < bytes.size()) {
            const ssize_t n = ::send(fd, bytes.data() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            sent += qsizetype(n);
        }
    }
    if (sent < bytes.size()) {
        socket.write(bytes.data() + sent, bytes.size() - sent);
        socket.flush(); // now, not on the next turn of the event loop
    }
}

} // namespace Switchboard::Core::SocketIo
