// SPDX-License-Identifier: MIT
#include "imagethumbnail.h"

#include <QtGui/QImage>
#include <QtGui/QPixmap>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QToolButton>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

ImageThumbnail::ImageThumbnail(const Core::ChatImage &image, bool removable, QWidget *parent)
    : QFrame(parent)
    , m_image(image)
    , m_picture(new QLabel(this))
{
    setObjectName(u"imageThumbnail"_s);
    setFrameShape(QFrame::StyledPanel);
    const qsizetype bytes = QByteArray::fromBase64(image.data).size();
    const QString name = image.fileName.isEmpty() ? tr("Pasted image") : image.fileName;
    const QString description = tr("%1 (%2, %3 KB)").arg(name, image.mediaType).arg((bytes + 1023) / 1024);
    setToolTip(description);
    setAccessibleName(description);

    QImage decoded;
    decoded.loadFromData(QByteArray::fromBase64(image.data));
    m_picture->setFixedSize(Size, Size);
    m_picture->setAlignment(Qt::AlignCenter);
    if (decoded.isNull()) {
        m_picture->setText(image.mediaType.section(u'/', 1)); // a format this Qt cannot draw (WebP without the plugin)
    } else {
        const qreal ratio = devicePixelRatioF();
        QPixmap pixmap = QPixmap::fromImage(
            decoded.scaled(QSize(Size, Size) * ratio, Qt::KeepAspectRatio, Qt::SmoothTransformation));
        pixmap.setDevicePixelRatio(ratio);
        m_picture->setPixmap(pixmap);
    }

    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_picture, 0, 0);
    if (removable) {
        m_remove = new QToolButton(this);
        m_remove->setObjectName(u"removeAttachment"_s);
        m_remove->setText(u"×"_s);
        m_remove->setToolTip(tr("Remove %1 from the message").arg(name));
        m_remove->setAccessibleName(tr("Remove %1").arg(name));
        connect(m_remove, &QToolButton::clicked, this, &ImageThumbnail::removeRequested);
        layout->addWidget(m_remove, 0, 0, Qt::AlignTop | Qt::AlignRight); // over the picture's corner
    }
}

} // namespace Switchboard::Ui
