// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QWidget>

class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;

namespace Switchboard::Core {
class ChatSession;
}

namespace Switchboard::Ui {

// The conversations: new, search by title, open, rename (F2 or the context menu), delete.
class ConversationSidebar final : public QWidget
{
    Q_OBJECT

public:
    explicit ConversationSidebar(Core::ChatSession &session, QWidget *parent = nullptr);

    void renameCurrent();

private:
    void selectCurrent();
    void showMenu(const QPoint &position);
    void rename(qint64 id, const QString &title);
    void remove(qint64 id, const QString &title);

    Core::ChatSession &m_session;
    QPushButton *m_new;
    QLineEdit *m_search;
    QListView *m_list;
    QSortFilterProxyModel *m_filter;
};

} // namespace Switchboard::Ui
