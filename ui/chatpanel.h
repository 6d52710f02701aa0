// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Switchboard::Core {
class ChatSession;
}

namespace Switchboard::Ui {

class AttachmentStrip;
class ChatView;
class Composer;

// The conversation and its composer. Ctrl+Enter sends; while a reply streams the Send button
// becomes Stop (and Esc stops). Images attached to the composer go with the message.
class ChatPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ChatPanel(Core::ChatSession &session, QWidget *parent = nullptr);

    ChatView *view() const { return m_view; }
    AttachmentStrip *attachments() const { return m_attachments; }
    void focusComposer();
    void sendComposer();
    void copyLastReply();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void onBusyChanged(bool busy);
    void fitComposer();

    Core::ChatSession &m_session;
    ChatView *m_view;
    AttachmentStrip *m_attachments;
    Composer *m_composer;
    QPushButton *m_send;
    QLabel *m_notice;
};

} // namespace Switchboard::Ui
