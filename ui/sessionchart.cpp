// SPDX-License-Identifier: MIT
#include "sessionchart.h"

#include "palettecolors.h"

#include <QtCore/QLocale>
#include <QtGui/QPainter>
#include <QtGui/QPainterPath>

namespace Switchboard::Ui {

using namespace Qt::StringLiterals;

namespace {

constexpr int Margin = 6;
constexpr int MaxBarWidth = 28;
constexpr int BarGap = 2;

} // namespace

SessionChart::SessionChart(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"sessionsChart"_s);
    setAccessibleName(tr("Context per turn"));
    setToolTip(tr("Each bar is a turn's context in tokens; the darker part is what the backend had cached. "
                  "A red mark is a turn whose prompt no longer extended the previous one"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setAccessibleDescription(summary());
}

void SessionChart::setPoints(const QList<Core::SessionTurnPoint> &points)
{
    m_points = points;
    setAccessibleDescription(summary());
    update();
}

QString SessionChart::summary() const
{
    if (m_points.isEmpty()) {
        return tr("No turns selected");
    }
    int broken = 0;
    int first = -1;
    int last = -1;
    for (const auto &point : m_points) {
        broken += point.brokenPrefix ? 1 : 0;
        if (point.contextTokens >= 0) {
            first = first < 0 ? point.contextTokens : first;
            last = point.contextTokens;
        }
    }
    const QLocale locale;
    return tr("%1 turns; context %2 → %3 tokens; %4 broken prefixes")
        .arg(m_points.size())
        .arg(first < 0 ? u"?"_s : locale.toString(first), last < 0 ? u"?"_s : locale.toString(last))
        .arg(broken);
}

QSize SessionChart::sizeHint() const
{
    return {320, 6 * fontMetrics().height()};
}

QSize SessionChart::minimumSizeHint() const
{
    return {120, 4 * fontMetrics().height()};
}

void SessionChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &colors = palette();
    painter.fillRect(rect(), colors.color(QPalette::Base));
    const QFontMetrics metrics = fontMetrics();
    const QLocale locale;

    int maxContext = 0;
    for (const auto &point : m_points) {
        maxContext = std::max(maxContext, point.contextTokens);
    }
    const QColor text = colors.color(QPalette::Text);
    const QColor cached = colors.color(QPalette::Highlight);
    const QColor uncached = PaletteColors::mix(colors.color(QPalette::Base), cached, 0.35);
    const QColor broken = PaletteColors::errorHue();

    // Legend line on top, the scale's maximum at its right.
    const int legendHeight = metrics.height();
    QRect legend(Margin, Margin, width() - 2 * Margin, legendHeight);
    painter.setPen(text);
    if (m_points.isEmpty() || maxContext <= 0) {
        painter.drawText(rect(), Qt::AlignCenter,
                         m_points.isEmpty() ? tr("Select a session") : tr("No token counts yet"));
        return;
    }
    const int swatch = metrics.ascent() - 2;
    int x = legend.left();
    const auto legendItem = [&](const QColor &color, const QString &label, bool mark) {
        const QRect box(x, legend.top() + (legendHeight - swatch) / 2, swatch, swatch);
        if (mark) {
            painter.setPen(QPen(color, 2));
            painter.drawLine(box.bottomLeft(), box.topRight());
            painter.drawLine(box.topLeft(), box.bottomRight());
        } else {
            painter.fillRect(box, color);
        }
        painter.setPen(text);
        x += swatch + 4;
        painter.drawText(QRect(x, legend.top(), metrics.horizontalAdvance(label), legendHeight), Qt::AlignVCenter,
                         label);
        x += metrics.horizontalAdvance(label) + 12;
    };
    legendItem(cached, tr("cached"), false);
    legendItem(uncached, tr("evaluated"), false);
    legendItem(broken, tr("prefix broken"), true);
    painter.drawText(legend, Qt::AlignRight | Qt::AlignVCenter, tr("max %1 tokens").arg(locale.toString(maxContext)));

    const QRect plot(Margin, legend.bottom() + 4 + legendHeight / 2, width() - 2 * Margin,
                     height() - legend.bottom() - 4 - legendHeight / 2 - Margin);
    if (plot.height() <= 4) {
        return;
    }
    painter.setPen(QPen(PaletteColors::mix(colors.color(QPalette::Base), text, 0.3), 1));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());

    const int count = int(m_points.size());
    const qreal slot = qreal(plot.width()) / count;
    const qreal barWidth = std::clamp<qreal>(slot - BarGap, 1, MaxBarWidth);
    for (int i = 0; i < count; ++i) {
        const auto &point = m_points.at(i);
        const qreal left = plot.left() + i * slot + (slot - barWidth) / 2;
        if (point.contextTokens > 0) {
            const qreal barHeight = qreal(plot.height()) * point.contextTokens / maxContext;
            const QRectF bar(left, plot.bottom() - barHeight, barWidth, barHeight);
            painter.fillRect(bar, uncached);
            const int cachedTokens = std::clamp(point.cachedTokens, 0, point.contextTokens);
            const qreal cachedHeight = qreal(plot.height()) * cachedTokens / maxContext;
            painter.fillRect(QRectF(left, plot.bottom() - cachedHeight, barWidth, cachedHeight), cached);
        }
        if (point.brokenPrefix) {
            // A cross above the bar: the turn the engine re-read.
            const qreal size = std::min<qreal>(barWidth, swatch);
            const qreal top = plot.top() - legendHeight / 2.0 + 1;
            const QPointF centre(left + barWidth / 2, top + size / 2);
            painter.setPen(QPen(broken, 2));
            painter.drawLine(centre + QPointF(-size / 2, -size / 2), centre + QPointF(size / 2, size / 2));
            painter.drawLine(centre + QPointF(-size / 2, size / 2), centre + QPointF(size / 2, -size / 2));
        }
    }
}

} // namespace Switchboard::Ui
