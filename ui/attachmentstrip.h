// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"

#include <QtWidgets/QWidget>

class QHBoxLayout;
class QImage;
class QLabel;
class QMimeData;
class QToolButton;

namespace Switchboard::Ui {

// The images attached to the message being written, as thumbnails with remove buttons, and the
// button that picks more from files. Drops and pastes on the composer come here too
// (attachMimeData). Only what the API takes is attached: PNG, JPEG, GIF or WebP of at most 5 MB;
// anything else is refused with a message that says why.
class AttachmentStrip final : public QWidget
{
    Q_OBJECT

public:
    explicit AttachmentStrip(QWidget *parent = nullptr);

    QToolButton *attachButton() const { return m_attach; }
    // What the picker does for each file chosen. False (and the reason shown) when refused.
    bool attachFile(const QString &path);
    // A picture from the clipboard, sent as PNG.
    bool attachImage(const QImage &image);
    // Images or image files in a paste or drop. False when `data` holds none (it is then text, for
    // the composer to insert).
    bool attachMimeData(const QMimeData *data);
    static bool offersImages(const QMimeData *data);

    QList<Core::ChatImage> images() const { return m_images; }
    void clear();
    QString error() const;

Q_SIGNALS:
    void imagesChanged();

private:
    void pickFiles();
    bool add(const Core::ChatImage &image);
    void showError(const QString &message);
    void rebuild();

    QList<Core::ChatImage> m_images;
    QToolButton *m_attach;
    QWidget *m_thumbnails;
    QHBoxLayout *m_thumbnailLayout;
    QLabel *m_error;
};

} // namespace Switchboard::Ui
