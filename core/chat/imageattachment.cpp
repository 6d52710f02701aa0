// SPDX-License-Identifier: MIT
#include "imageattachment.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

namespace Switchboard::Core::ImageAttachment {

using namespace Qt::StringLiterals;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Switchboard::Core::ImageAttachment", text);
}

QString megabytes(qsizetype bytes)
{
    return QString::number(double(bytes) / (1024 * 1024), 'f', 1);
}

} // namespace

QString mediaTypeOf(const QByteArray &bytes)
{
    if (bytes.startsWith("\x89PNG\r\n\x1a\n")) {
        return u"image/png"_s;
    }
    if (bytes.startsWith("\xff\xd8\xff")) {
        return u"image/jpeg"_s;
    }
    if (bytes.startsWith("GIF87a") || bytes.startsWith("GIF89a")) {
        return u"image/gif"_s;
    }
    if (bytes.size() >= 12 && bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP") {
        return u"image/webp"_s;
    }
    return {};
}

Result fromBytes(const QByteArray &bytes, const QString &fileName)
{
    const QString name = fileName.isEmpty() ? tr("The image") : fileName;
    if (bytes.size() > MaxBytes) {
        return {std::nullopt,
                tr("%1 is %2 MB; the API takes images of at most 5 MB").arg(name, megabytes(bytes.size()))};
    }
    const QString mediaType = mediaTypeOf(bytes);
    if (mediaType.isEmpty()) {
        return {std::nullopt, tr("%1 is not a PNG, JPEG, GIF or WebP image, the types the API takes").arg(name)};
    }
    return {ChatImage{mediaType, bytes.toBase64(), fileName}, {}};
}

Result fromFile(const QString &path)
{
    QFile file(path);
    const QString name = QFileInfo(path).fileName();
    // Checked before reading, so that a huge file is not loaded only to be refused.
    if (file.size() > MaxBytes) {
        return {std::nullopt,
                tr("%1 is %2 MB; the API takes images of at most 5 MB").arg(name, megabytes(file.size()))};
    }
    if (!file.open(QIODevice::ReadOnly)) {
        return {std::nullopt, tr("Cannot read %1: %2").arg(name, file.errorString())};
    }
    return fromBytes(file.readAll(), name);
}

} // namespace Switchboard::Core::ImageAttachment
