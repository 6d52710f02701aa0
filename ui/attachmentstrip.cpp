// SPDX-License-Identifier: MIT
#include "attachmentstrip.h"

#include "chat/imageattachment.h"
#include "imagethumbnail.h"
#include "palettecolors.h"

#include <QtCore/QBuffer>
#include <QtCore/QMimeData>
#include <QtCore/QUrl>
#include <QtGui/QImage>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

AttachmentStrip::AttachmentStrip(QWidget *parent)
    : QWidget(parent)
    , m_attach(new QToolButton(this))
    , m_thumbnails(new QWidget(this))
    , m_thumbnailLayout(new QHBoxLayout(m_thumbnails))
    , m_error(new QLabel(this))
{
    setObjectName(u"attachmentStrip"_s);
    m_attach->setObjectName(u"attachImage"_s);
    m_attach->setText(tr("Attach image…"));
    m_attach->setAccessibleName(tr("Attach image"));
    m_attach->setToolTip(tr("Attach PNG, JPEG, GIF or WebP images of up to 5 MB; you can also drop or paste them "
                            "into the message"));
    m_attach->setAutoRaise(true);
    connect(m_attach, &QToolButton::clicked, this, &AttachmentStrip::pickFiles);

    m_thumbnails->setObjectName(u"attachmentThumbnails"_s);
    m_thumbnailLayout->setContentsMargins(0, 0, 0, 0);
    m_thumbnailLayout->addStretch(1);
    m_thumbnails->hide();

    m_error->setObjectName(u"attachmentError"_s);
    m_error->setWordWrap(true);
    QPalette palette = m_error->palette();
    palette.setColor(QPalette::WindowText, PaletteColors::errorHue());
    m_error->setPalette(palette);
    m_error->hide();

    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_thumbnails, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(row);
    layout->addWidget(m_error);
    hide(); // until something is attached; the attach button lives in the composer's row
}

void AttachmentStrip::pickFiles()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Attach images"), QString(), tr("Images (*.png *.jpg *.jpeg *.gif *.webp);;All files (*)"));
    for (const QString &path : paths) {
        attachFile(path);
    }
}

bool AttachmentStrip::attachFile(const QString &path)
{
    const auto result = Core::ImageAttachment::fromFile(path);
    if (!result.image) {
        showError(result.error);
        return false;
    }
    return add(*result.image);
}

bool AttachmentStrip::attachImage(const QImage &image)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (image.isNull() || !image.save(&buffer, "PNG")) {
        showError(tr("The pasted picture could not be encoded as PNG"));
        return false;
    }
    const auto result = Core::ImageAttachment::fromBytes(png, QString());
    if (!result.image) {
        showError(result.error);
        return false;
    }
    return add(*result.image);
}

bool AttachmentStrip::offersImages(const QMimeData *data)
{
    if (!data) {
        return false;
    }
    if (data->hasImage()) {
        return true;
    }
    const QList<QUrl> urls = data->urls();
    return std::any_of(urls.begin(), urls.end(), [](const QUrl &url) { return url.isLocalFile(); });
}

bool AttachmentStrip::attachMimeData(const QMimeData *data)
{
    if (!offersImages(data)) {
        return false;
    }
    // Files first: a file manager's drop may carry a preview image too, and the file is the original.
    const QList<QUrl> urls = data->urls();
    bool any = false;
    for (const QUrl &url : urls) {
        if (url.isLocalFile()) {
            attachFile(url.toLocalFile());
            any = true;
        }
    }
    if (!any && data->hasImage()) {
        attachImage(qvariant_cast<QImage>(data->imageData()));
    }
    return true;
}

bool AttachmentStrip::add(const Core::ChatImage &image)
{
    m_images.append(image);
    m_error->hide();
    rebuild();
    Q_EMIT imagesChanged();
    return true;
}

void AttachmentStrip::clear()
{
    m_images.clear();
    m_error->hide();
    rebuild();
    Q_EMIT imagesChanged();
}

QString AttachmentStrip::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void AttachmentStrip::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
    show();
}

void AttachmentStrip::rebuild()
{
    while (m_thumbnailLayout->count() > 1) {
        QLayoutItem *item = m_thumbnailLayout->takeAt(0);
        item->widget()->deleteLater();
        delete item;
    }
    for (qsizetype i = 0; i < m_images.size(); ++i) {
        auto *thumbnail = new ImageThumbnail(m_images[i], true, m_thumbnails);
        connect(thumbnail, &ImageThumbnail::removeRequested, this, [this, thumbnail] {
            const qsizetype index = m_thumbnailLayout->indexOf(thumbnail);
            if (index >= 0 && index < m_images.size()) {
                m_images.removeAt(index);
                rebuild();
                Q_EMIT imagesChanged();
            }
        });
        m_thumbnailLayout->insertWidget(m_thumbnailLayout->count() - 1, thumbnail);
    }
    m_thumbnails->setVisible(!m_images.isEmpty());
    setVisible(!m_images.isEmpty() || !m_error->isHidden());
}

} // namespace Switchboard::Ui
