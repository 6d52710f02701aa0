// SPDX-License-Identifier: MIT
#pragma once

#include "chat/chatmessage.h"

#include <QtCore/QHash>
#include <QtWidgets/QWidget>

class QHBoxLayout;
class QVBoxLayout;

namespace Switchboard::Ui {

class ToolUseCard;

// What a turn holds besides its text: a question's images and tool results, a reply's tool calls
// as cards to answer. The calls of one reply are answered together, as the API wants every result
// in the next turn: each card's answer waits until the last one is given.
class MessageBlocks final : public QWidget
{
    Q_OBJECT

public:
    explicit MessageBlocks(QWidget *parent = nullptr);

    // `answers`: the results the next turn gave to this reply's calls. `answerable`: this is the
    // newest reply, complete, so its calls can be answered now.
    void setBlocks(const Core::ChatMessage &message, const QList<Core::ChatToolResult> &answers, bool answerable);
    QList<ToolUseCard *> cards() const { return m_cards; }

Q_SIGNALS:
    void toolResultsSubmitted(const QList<Core::ChatToolResult> &results);

private:
    void rebuild(const Core::ChatMessage &message);
    void onSubmitted(const Core::ChatToolResult &result);

    QList<Core::ChatImage> m_images;
    QList<Core::ChatToolResult> m_results;
    QList<Core::ChatToolUse> m_uses;
    QList<ToolUseCard *> m_cards;
    QHash<QString, Core::ChatToolResult> m_drafts;
    QWidget *m_imageRow;
    QHBoxLayout *m_imageLayout;
    QVBoxLayout *m_layout;
    QList<QWidget *> m_blockWidgets; // result labels and cards, rebuilt together
};

} // namespace Switchboard::Ui
