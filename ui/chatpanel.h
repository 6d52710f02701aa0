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

class ChatView;

// The conversation and its composer. Ctrl+Enter sends; while a reply streams the Send button
// becomes Stop (and Esc stops).
class ChatPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit ChatPanel(Core::ChatSession &session, QWidget *parent = nullptr);

    ChatView *view() const { return m_view; }
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
    QPlainTextEdit *m_composer;
    QPushButton *m_send;
    QLabel *m_notice;
};

} // namespace Switchboard::Ui
