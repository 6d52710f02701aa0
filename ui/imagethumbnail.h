// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"

#include <QtWidgets/QFrame>

class QLabel;
class QToolButton;

namespace Switchboard::Ui {

// One image as a small picture with its name in the tooltip; with a remove button while it is
// only attached to the message being written.
class ImageThumbnail final : public QFrame
{
    Q_OBJECT

public:
    static constexpr int Size = 72;

    explicit ImageThumbnail(const Core::ChatImage &image, bool removable, QWidget *parent = nullptr);

    const Core::ChatImage &image() const { return m_image; }

Q_SIGNALS:
    void removeRequested();

private:
    Core::ChatImage m_image;
    QLabel *m_picture;
    QToolButton *m_remove = nullptr;
};

} // namespace Switchboard::Ui
