// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"

#include <QtCore/QHash>
#include <QtWidgets/QWidget>

class QHBoxLayout;
class QVBoxLayout;

namespace Switchboard::Ui {

class ToolUseCard;

// What a turn's blocks show besides the turn itself, from the turns around it.
struct BlocksContext
{
    QList<Core::ChatToolResult> answers; // a reply's: the results the next turn gave its calls
    bool answerable = false;             // a reply's: the newest and complete, so its calls can be answered
    QList<Core::ChatToolUse> calls;      // a question's: the calls of the reply before, naming its results
};

// What a turn holds besides its text: a question's images and tool results, a reply's tool calls
// as cards to answer. The calls of one reply are answered together, as the API wants every result
// in the next turn: each card's answer waits until the last one is given.
class MessageBlocks final : public QWidget
{
    Q_OBJECT

public:
    explicit MessageBlocks(QWidget *parent = nullptr);

    void setBlocks(const Core::ChatMessage &message, const BlocksContext &context);
    QList<ToolUseCard *> cards() const { return m_cards; }

Q_SIGNALS:
    void toolResultsSubmitted(const QList<Core::ChatToolResult> &results);

private:
    void rebuild(const Core::ChatMessage &message, const QList<Core::ChatToolUse> &calls);
    void onSubmitted(const Core::ChatToolResult &result);

    QList<Core::ChatImage> m_images;
    QList<Core::ChatToolResult> m_results;
    QList<Core::ChatToolUse> m_uses;
    QList<Core::ChatToolUse> m_answeredCalls;
    QList<ToolUseCard *> m_cards;
    QHash<QString, Core::ChatToolResult> m_drafts;
    QWidget *m_imageRow;
    QHBoxLayout *m_imageLayout;
    QVBoxLayout *m_layout;
    QList<QWidget *> m_blockWidgets; // result labels and cards, rebuilt together
};

} // namespace Switchboard::Ui
