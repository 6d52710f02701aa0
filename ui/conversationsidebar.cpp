// SPDX-License-Identifier: MIT
#include "conversationsidebar.h"

#include "chat/chatsession.h"
#include "chat/conversationlistmodel.h"

#include <QtCore/QSortFilterProxyModel>
#include <QtGui/QAction>
#include <QtWidgets/QInputDialog>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListView>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QVBoxLayout>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;
using Core::ConversationListModel;

ConversationSidebar::ConversationSidebar(Core::ChatSession &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_new(new QPushButton(tr("New conversation"), this))
    , m_search(new QLineEdit(this))
    , m_list(new QListView(this))
    , m_filter(new QSortFilterProxyModel(this))
{
    setObjectName(u"conversationSidebar"_s);
    m_new->setObjectName(u"newConversation"_s);
    m_new->setToolTip(tr("Start a new conversation (Ctrl+N)"));
    m_new->setAccessibleName(tr("New conversation"));
    connect(m_new, &QPushButton::clicked, this, [this] { m_session.newConversation(); });

    m_search->setObjectName(u"conversationSearch"_s);
    m_search->setPlaceholderText(tr("Search conversations"));
    m_search->setToolTip(tr("Show the conversations whose title contains this text"));
    m_search->setAccessibleName(tr("Search conversations"));
    m_search->setClearButtonEnabled(true);

    m_filter->setSourceModel(session.conversations());
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);

    m_list->setObjectName(u"conversationList"_s);
    m_list->setAccessibleName(tr("Conversations"));
    m_list->setToolTip(tr("Your conversations, most recent first. Right-click to rename or delete."));
    m_list->setModel(m_filter);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setUniformItemSizes(true);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_list, &QListView::customContextMenuRequested, this, &ConversationSidebar::showMenu);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        const qint64 id = current.data(ConversationListModel::IdRole).toLongLong();
        if (id && id != m_session.currentConversation()) {
            m_session.openConversation(id);
        }
    });
    connect(session.conversations(), &QAbstractItemModel::modelReset, this, &ConversationSidebar::selectCurrent);
    connect(&session, &Core::ChatSession::currentConversationChanged, this, &ConversationSidebar::selectCurrent);

    auto *rename = new QAction(tr("Rename"), this);
    rename->setShortcut(QKeySequence(Qt::Key_F2));
    rename->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(rename, &QAction::triggered, this, &ConversationSidebar::renameCurrent);
    addAction(rename);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_new);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    selectCurrent();
}

void ConversationSidebar::selectCurrent()
{
    const int sourceRow = m_session.conversations()->rowOf(m_session.currentConversation());
    if (sourceRow < 0) {
        return;
    }
    const QModelIndex index = m_filter->mapFromSource(m_session.conversations()->index(sourceRow));
    if (index.isValid() && m_list->currentIndex() != index) {
        QSignalBlocker block(m_list->selectionModel());
        m_list->setCurrentIndex(index);
    }
}

void ConversationSidebar::renameCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    if (current.isValid()) {
        rename(current.data(ConversationListModel::IdRole).toLongLong(), current.data().toString());
    }
}

void ConversationSidebar::showMenu(const QPoint &position)
{
    const QModelIndex index = m_list->indexAt(position);
    if (!index.isValid()) {
        return;
    }
    const qint64 id = index.data(ConversationListModel::IdRole).toLongLong();
    const QString title = index.data().toString();
    QMenu menu(this);
    menu.addAction(tr("Rename…"), this, [this, id, title] { rename(id, title); });
    menu.addAction(tr("Delete…"), this, [this, id, title] { remove(id, title); });
    menu.exec(m_list->viewport()->mapToGlobal(position));
}

void ConversationSidebar::rename(qint64 id, const QString &title)
{
    bool ok = false;
    const QString newTitle =
        QInputDialog::getText(this, tr("Rename conversation"), tr("Title:"), QLineEdit::Normal, title, &ok);
    if (ok) {
        m_session.renameConversation(id, newTitle);
    }
}

void ConversationSidebar::remove(qint64 id, const QString &title)
{
    const auto answer =
        QMessageBox::question(this, tr("Delete conversation"), tr("Delete “%1” and all its messages?").arg(title));
    if (answer == QMessageBox::Yes) {
        m_session.deleteConversation(id);
    }
}

} // namespace Switchboard::Ui
