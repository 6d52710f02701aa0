// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"
#include "chat/markdownsegments.h"

#include <QtCore/QBasicTimer>
#include <QtWidgets/QFrame>

class QLabel;
class QPlainTextEdit;
class QToolButton;
class QVBoxLayout;
class QWidget;

namespace Switchboard::Ui {

class MessageBlocks;
struct BlocksContext;
class ThinkingView;

// One turn in the chat: its text (Markdown, with code blocks in their own frames), the thinking
// behind it, the figures under a reply, an inline error, and its actions. While a reply streams,
// text updates are coalesced to one layout per frame, and only the segments that changed are
// touched, so a long reply does not re-lay-out from the top for each token.
class MessageWidget final : public QFrame
{
    Q_OBJECT

public:
    explicit MessageWidget(bool user, QWidget *parent = nullptr);

    void setText(const QString &text);
    void setThinking(const QString &thinking);
    void setState(int state, const QString &statsLine, const QString &errorType, const QString &errorMessage);
    void setLast(bool last); // only the last reply offers "regenerate"
    // Images, tool results and tool calls (see MessageBlocks::setBlocks).
    void setBlocks(const Core::ChatMessage &message, const BlocksContext &context);
    QString text() const { return m_text; }
    // Renders any coalesced text now (tests and the benchmark).
    void flushPendingText();

Q_SIGNALS:
    void copyRequested();
    void editSubmitted(const QString &text);
    void regenerateRequested();
    void deleteRequested();
    void toolResultsSubmitted(const QList<Core::ChatToolResult> &results);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    void render();
    void beginEdit();
    void endEdit();
    QWidget *segmentWidget(const Core::MarkdownSegment &segment, QWidget *reuse);

    bool m_user;
    QString m_text;
    QList<Core::MarkdownSegment> m_segments;
    QList<QWidget *> m_segmentWidgets;
    QBasicTimer m_renderTimer;
    QLabel *m_role;
    ThinkingView *m_thinking;
    QVBoxLayout *m_body;
    MessageBlocks *m_blocks;
    QLabel *m_stats;
    QLabel *m_error;
    QToolButton *m_copy;
    QToolButton *m_edit;
    QToolButton *m_regenerate;
    QToolButton *m_delete;
    QPlainTextEdit *m_editor = nullptr;
    QWidget *m_editBar = nullptr;
};

} // namespace Switchboard::Ui
