// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QList>
#include <QtCore/QPair>
#include <QtCore/QUrl>
#include <QtNetwork/QNetworkAccessManager>

namespace Switchboard::Test {

struct SseFrame
{
    QByteArray event;
    QByteArray data;
    QJsonObject json() const;
};

struct ApiReply
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool finished = false;

    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const;
    // The body as SSE frames ("event: X\ndata: Y\n\n"), parsed independently of Switchboard's code.
    QList<SseFrame> frames() const;
    QList<QByteArray> eventNames() const;
    // The text of all text_delta events, in order.
    QByteArray streamedText() const;
};

// A client of the server under test built on QNetworkAccessManager, so that it shares no HTTP code
// with Switchboard. Waits on signals with a deadline, never on fixed sleeps.
class ApiClient
{
public:
    explicit ApiClient(QUrl baseUrl);

    ApiReply post(const QByteArray &path, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});
    ApiReply get(const QByteArray &path);
    ApiReply send(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers);

    QNetworkAccessManager &network() { return m_network; }
    QNetworkRequest request(const QByteArray &path) const;

private:
    QUrl m_baseUrl;
    QNetworkAccessManager m_network;
};

} // namespace Switchboard::Test
