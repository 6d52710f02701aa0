// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QPlainTextEdit>

namespace Switchboard::Ui {

class AttachmentStrip;

// The message being written. Images pasted or dropped on it are attached (to the strip) instead of
// being inserted as text; everything else behaves as in any plain text editor.
class Composer final : public QPlainTextEdit
{
    Q_OBJECT

public:
    Composer(AttachmentStrip &attachments, QWidget *parent = nullptr);

protected:
    bool canInsertFromMimeData(const QMimeData *source) const override;
    void insertFromMimeData(const QMimeData *source) override;

private:
    AttachmentStrip &m_attachments;
};

} // namespace Switchboard::Ui
