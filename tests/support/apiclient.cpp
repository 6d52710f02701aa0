// SPDX-License-Identifier: MIT
#include "apiclient.h"

#include <QtCore/QJsonDocument>
#include <QtNetwork/QNetworkReply>
#include <QtTest/QSignalSpy>

namespace Switchboard::Test {

QJsonObject SseFrame::json() const
{
    return QJsonDocument::fromJson(data).object();
}

QByteArray ApiReply::header(const QByteArray &name) const
{
    for (const auto &field : headers) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0) {
            return field.second;
        }
    }
    return {};
}

QJsonObject ApiReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QList<SseFrame> ApiReply::frames() const
{
    QList<SseFrame> frames;
    const QList<QByteArray> blocks = QByteArray(body).replace("\r\n", "\n").split('\n');
    SseFrame current;
    for (const QByteArray &line : blocks) {
        if (line.isEmpty()) {
            if (!current.event.isEmpty() || !current.data.isEmpty()) {
                frames.append(current);
            }
            current = SseFrame{};
        } else if (line.startsWith("event: ")) {
            current.event = line.mid(7);
        } else if (line.startsWith("data: ")) {
            current.data += line.mid(6);
        }
    }
    return frames;
}

QList<QByteArray> ApiReply::eventNames() const
{
    QList<QByteArray> names;
    for (const auto &frame : frames()) {
        names.append(frame.event);
    }
    return names;
}

QByteArray ApiReply::streamedText() const
{
    QByteArray text;
    for (const auto &frame : frames()) {
        const auto delta = frame.json().value(u"delta").toObject();
        if (frame.event == "content_block_delta" && delta.value(u"type").toString() == u"text_delta") {
            text += delta.value(u"text").toString().toUtf8();
        }
    }
    return text;
}

ApiClient::ApiClient(QUrl baseUrl)
    : m_baseUrl(std::move(baseUrl))
{}

QNetworkRequest ApiClient::request(const QByteArray &path) const
{
    QUrl url = m_baseUrl;
    const QByteArray decodedPath = path.left(path.indexOf('?') < 0 ? path.size() : path.indexOf('?'));
    url.setPath(QString::fromUtf8(decodedPath), QUrl::TolerantMode);
    if (path.contains('?')) {
        url.setQuery(QString::fromUtf8(path.mid(path.indexOf('?') + 1)));
    }
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return request;
}

ApiReply ApiClient::post(const QByteArray &path, const QByteArray &body,
                         const QList<QPair<QByteArray, QByteArray>> &headers)
{
    auto allHeaders = headers;
    allHeaders.prepend({"Content-Type", "application/json"});
    return send("POST", path, body, allHeaders);
}

ApiReply ApiClient::get(const QByteArray &path)
{
    return send("GET", path, {}, {});
}

ApiReply ApiClient::send(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                         const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest req = request(path);
    for (const auto &[name, value] : headers) {
        req.setRawHeader(name, value);
    }
    QNetworkReply *reply = m_network.sendCustomRequest(req, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    ApiReply result;
    result.finished = reply->isFinished() || finished.wait(20'000);
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}

} // namespace Switchboard::Test
