// SPDX-License-Identifier: MIT
#include "chatview.h"

#include "chat/chatmessage.h"
#include "chat/chatmessagemodel.h"
#include "messageblocks.h"
#include "messagewidget.h"

#include <QtCore/QAbstractItemModel>
#include <QtWidgets/QScrollBar>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Model = Core::ChatMessageModel;

ChatView::ChatView(QWidget *parent)
    : QScrollArea(parent)
    , m_canvas(new QWidget(this))
    , m_layout(new QVBoxLayout(m_canvas))
{
    setObjectName(u"chatView"_s);
    setAccessibleName(tr("Conversation"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_layout->setContentsMargins(12, 12, 12, 12);
    m_layout->setSpacing(10);
    m_layout->addStretch(1);
    setWidget(m_canvas);

    QScrollBar *bar = verticalScrollBar();
    // The user scrolled: follow the newest text only while the view is at the bottom.
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) { m_follow = value >= bar->maximum() - 4; });
    connect(bar, &QScrollBar::rangeChanged, this, &ChatView::onRangeChanged);
}

void ChatView::onRangeChanged(int, int maximum)
{
    if (m_follow) {
        verticalScrollBar()->setValue(maximum);
    }
}

void ChatView::setModel(QAbstractItemModel *model)
{
    if (m_model) {
        m_model->disconnect(this);
    }
    m_model = model;
    connect(model, &QAbstractItemModel::modelReset, this, &ChatView::rebuild);
    connect(model, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { insert(first, last); });
    connect(model, &QAbstractItemModel::rowsRemoved, this,
            [this](const QModelIndex &, int first, int last) { remove(first, last); });
    connect(model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
                // A token changes the text alone: touch nothing else.
                if (roles == QList<int>{Model::TextRole, Qt::DisplayRole}) {
                    for (int row = topLeft.row(); row <= bottomRight.row() && row < m_messages.size(); ++row) {
                        m_messages.at(row)->setText(m_model->index(row, 0).data(Model::TextRole).toString());
                    }
                    return;
                }
                refresh(topLeft.row(), bottomRight.row());
            });
    rebuild();
}

MessageWidget *ChatView::messageAt(int row) const
{
    return row >= 0 && row < m_messages.size() ? m_messages.at(row) : nullptr;
}

int ChatView::rowOf(const MessageWidget *widget) const
{
    return int(m_messages.indexOf(const_cast<MessageWidget *>(widget)));
}

void ChatView::rebuild()
{
    remove(0, int(m_messages.size()) - 1);
    m_follow = true;
    if (m_model && m_model->rowCount() > 0) {
        insert(0, m_model->rowCount() - 1);
    }
}

void ChatView::insert(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        const QModelIndex index = m_model->index(row, 0);
        const bool user = index.data(Model::RoleRole).toString() == "user"_L1;
        auto *widget = new MessageWidget(user, m_canvas);
        connect(widget, &MessageWidget::copyRequested, this, [this, widget] { Q_EMIT copyRequested(rowOf(widget)); });
        connect(widget, &MessageWidget::editSubmitted, this,
                [this, widget](const QString &text) { Q_EMIT editSubmitted(rowOf(widget), text); });
        connect(widget, &MessageWidget::regenerateRequested, this,
                [this, widget] { Q_EMIT regenerateRequested(rowOf(widget)); });
        connect(widget, &MessageWidget::deleteRequested, this,
                [this, widget] { Q_EMIT deleteRequested(rowOf(widget)); });
        connect(widget, &MessageWidget::toolResultsSubmitted, this, &ChatView::toolResultsSubmitted);
        m_messages.insert(row, widget);
        m_layout->insertWidget(row, widget); // the stretch stays last
    }
    // The turn before is refreshed too: a new turn may answer its tool calls.
    refresh(std::max(0, first - 1), last);
    markLast();
}

void ChatView::remove(int first, int last)
{
    for (int row = last; row >= first; --row) {
        MessageWidget *widget = m_messages.takeAt(row);
        m_layout->removeWidget(widget);
        widget->deleteLater();
    }
    if (first > 0 && first <= m_messages.size()) {
        refresh(first - 1, first - 1); // its tool calls may be open again
    }
    markLast();
}

void ChatView::refresh(int first, int last)
{
    for (int row = first; row <= last && row < m_messages.size(); ++row) {
        const QModelIndex index = m_model->index(row, 0);
        MessageWidget *widget = m_messages.at(row);
        widget->setText(index.data(Model::TextRole).toString());
        widget->setThinking(index.data(Model::ThinkingRole).toString());
        widget->setState(index.data(Model::StateRole).toInt(), index.data(Model::StatsLineRole).toString(),
                         index.data(Model::ErrorTypeRole).toString(), index.data(Model::ErrorMessageRole).toString());
        refreshBlocks(row);
    }
}

void ChatView::refreshBlocks(int row)
{
    const auto *chat = qobject_cast<const Model *>(m_model);
    if (!chat || row >= chat->rowCount()) {
        return;
    }
    const Core::ChatMessage &message = chat->at(row);
    // A reply's calls are answered by the turn after it; only the newest complete reply's are open.
    BlocksContext context;
    if (row + 1 < chat->rowCount() && chat->at(row + 1).role == Core::ChatMessage::Role::User) {
        context.answers = chat->at(row + 1).toolResults;
    }
    context.answerable = row + 1 == chat->rowCount() && message.role == Core::ChatMessage::Role::Assistant &&
                         message.state == Core::ChatMessage::State::Complete;
    if (row > 0 && !message.toolResults.isEmpty()) {
        context.calls = chat->at(row - 1).toolUses;
    }
    m_messages.at(row)->setBlocks(message, context);
}

void ChatView::markLast()
{
    for (qsizetype row = 0; row < m_messages.size(); ++row) {
        m_messages.at(row)->setLast(row == m_messages.size() - 1);
    }
}

} // namespace Switchboard::Ui
