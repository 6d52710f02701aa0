// SPDX-License-Identifier: MIT
#include "composer.h"

#include "attachmentstrip.h"

namespace Switchboard::Ui {

Composer::Composer(AttachmentStrip &attachments, QWidget *parent)
    : QPlainTextEdit(parent)
    , m_attachments(attachments)
{}

bool Composer::canInsertFromMimeData(const QMimeData *source) const
{
    return AttachmentStrip::offersImages(source) || QPlainTextEdit::canInsertFromMimeData(source);
}

void Composer::insertFromMimeData(const QMimeData *source)
{
    // Paste and drop both arrive here.
    if (!m_attachments.attachMimeData(source)) {
        QPlainTextEdit::insertFromMimeData(source);
    }
}

} // namespace Switchboard::Ui
