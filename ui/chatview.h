// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"

#include <QtWidgets/QScrollArea>

class QAbstractItemModel;
class QVBoxLayout;

namespace Switchboard::Ui {

class MessageWidget;

// The conversation: one MessageWidget per row of a ChatMessageModel. It follows the model's
// signals row by row (a token changes one widget), and keeps the newest text in view unless the
// user has scrolled up to read.
class ChatView final : public QScrollArea
{
    Q_OBJECT

public:
    explicit ChatView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model);
    MessageWidget *messageAt(int row) const;
    int messageCount() const { return int(m_messages.size()); }
    bool followsNewest() const { return m_follow; }

Q_SIGNALS:
    void copyRequested(int row);
    void editSubmitted(int row, const QString &text);
    void regenerateRequested(int row);
    void deleteRequested(int row);
    // The answers to the newest reply's tool calls.
    void toolResultsSubmitted(const QList<Core::ChatToolResult> &results);

private:
    void rebuild();
    void insert(int first, int last);
    void remove(int first, int last);
    void refresh(int first, int last);
    void refreshBlocks(int row);
    void markLast();
    int rowOf(const MessageWidget *widget) const;
    void onRangeChanged(int minimum, int maximum);

    QAbstractItemModel *m_model = nullptr;
    QWidget *m_canvas;
    QVBoxLayout *m_layout;
    QList<MessageWidget *> m_messages;
    bool m_follow = true;
};

} // namespace Switchboard::Ui
