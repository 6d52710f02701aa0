// SPDX-License-Identifier: MIT
#include "chatpanel.h"

#include "attachmentstrip.h"
#include "chat/chatmessagemodel.h"
#include "chat/chatsession.h"
#include "chatview.h"
#include "composer.h"

#include <QtGui/QClipboard>
#include <QtGui/QGuiApplication>
#include <QtGui/QKeyEvent>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

ChatPanel::ChatPanel(Core::ChatSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_view(new ChatView(this))
    , m_attachments(new AttachmentStrip(this))
    , m_composer(new Composer(*m_attachments, this))
    , m_send(new QPushButton(this))
    , m_notice(new QLabel(this))
{
    setObjectName(u"chatPanel"_s);
    m_view->setModel(session.messages());

    m_composer->setObjectName(u"composer"_s);
    m_composer->setAccessibleName(tr("Message"));
    m_composer->setToolTip(tr("Your message. Ctrl+Enter sends; Esc stops a reply."));
    m_composer->setPlaceholderText(tr("Message… (Ctrl+Enter to send)"));
    m_composer->setTabChangesFocus(true);
    m_composer->installEventFilter(this);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &ChatPanel::fitComposer);

    m_send->setObjectName(u"sendButton"_s);
    m_send->setAccessibleName(tr("Send"));
    m_send->setDefault(true);
    connect(m_send, &QPushButton::clicked, this, [this] {
        if (m_session.isBusy()) {
            m_session.stop();
        } else {
            sendComposer();
        }
    });
    m_notice->setObjectName(u"chatNotice"_s);
    m_notice->setWordWrap(true);
    m_notice->hide();

    connect(&session, &Core::ChatSession::busyChanged, this, &ChatPanel::onBusyChanged);
    connect(&session, &Core::ChatSession::storeFailed, this, [this](const QString &message) {
        m_notice->setText(tr("Could not save the conversation: %1").arg(message));
        m_notice->show();
    });
    connect(m_view, &ChatView::copyRequested, this,
            [this](int row) { QGuiApplication::clipboard()->setText(m_session.messages()->at(row).text); });
    connect(m_view, &ChatView::editSubmitted, this,
            [this](int row, const QString &text) { m_session.editAndResend(row, text); });
    connect(m_view, &ChatView::regenerateRequested, this, [this] { m_session.regenerate(); });
    connect(m_view, &ChatView::deleteRequested, this, [this](int row) { m_session.deleteTurn(row); });
    connect(m_view, &ChatView::toolResultsSubmitted, this,
            [this](const QList<Core::ChatToolResult> &results) { m_session.answerToolUses(results); });

    auto *composerRow = new QHBoxLayout;
    composerRow->addWidget(m_attachments->attachButton(), 0, Qt::AlignBottom);
    composerRow->addWidget(m_composer, 1);
    composerRow->addWidget(m_send, 0, Qt::AlignBottom);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_notice);
    layout->addWidget(m_attachments);
    layout->addLayout(composerRow);
    onBusyChanged(session.isBusy());
    fitComposer();
}

void ChatPanel::fitComposer()
{
    // Grows with its text from two lines up to ten, then scrolls.
    const int line = m_composer->fontMetrics().lineSpacing();
    const int lines = std::clamp(int(m_composer->document()->size().height()), 2, 10);
    const int frame = int(m_composer->document()->documentMargin() * 2) + m_composer->frameWidth() * 2;
    m_composer->setFixedHeight(lines * line + frame);
}

void ChatPanel::onBusyChanged(bool busy)
{
    m_send->setText(busy ? tr("Stop") : tr("Send"));
    m_send->setToolTip(busy ? tr("Stop the reply (Esc); what arrived is kept") : tr("Send the message (Ctrl+Enter)"));
}

void ChatPanel::focusComposer()
{
    m_composer->setFocus(Qt::ShortcutFocusReason);
}

void ChatPanel::sendComposer()
{
    const QString text = m_composer->toPlainText();
    if (m_session.send(text, m_attachments->images())) {
        m_composer->clear();
        m_attachments->clear();
    }
}

void ChatPanel::copyLastReply()
{
    const QString reply = m_session.lastReplyText();
    if (!reply.isEmpty()) {
        QGuiApplication::clipboard()->setText(reply);
    }
}

bool ChatPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_composer && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) &&
            key->modifiers().testFlag(Qt::ControlModifier)) {
            sendComposer();
            return true;
        }
        if (key->key() == Qt::Key_Escape && m_session.isBusy()) {
            m_session.stop();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace Switchboard::Ui
