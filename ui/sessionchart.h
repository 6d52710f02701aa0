// SPDX-License-Identifier: MIT
#pragma once

#include "traffic/sessiontreemodel.h"

#include <QtWidgets/QWidget>

namespace Switchboard::Ui {

// A small bar chart of one branch's turns: each bar is the turn's context, its lower part the share
// the backend had cached, and a turn whose prompt prefix broke is marked. It shows at a glance where
// the engine had to re-read the conversation.
class SessionChart final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionChart)

public:
    explicit SessionChart(QWidget *parent = nullptr);

    void setPoints(const QList<Core::SessionTurnPoint> &points);
    const QList<Core::SessionTurnPoint> &points() const { return m_points; }
    // What the chart shows, in words (its accessible description).
    QString summary() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<Core::SessionTurnPoint> m_points;
};

} // namespace Switchboard::Ui
