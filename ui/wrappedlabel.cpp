// SPDX-License-Identifier: MIT
#include "wrappedlabel.h"

#include <QtCore/QEvent>

namespace Switchboard::Ui {

WrappedLabel::WrappedLabel(QWidget *parent)
    : QLabel(parent)
{
    setWordWrap(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
}

void WrappedLabel::setContent(const QString &text, Qt::TextFormat format)
{
    if (format == textFormat() && text == this->text()) {
        return;
    }
    forgetHeights();
    setTextFormat(format);
    setText(text);
}

void WrappedLabel::forgetHeights()
{
    m_heights.fill(QSize());
}

int WrappedLabel::heightForWidth(int width) const
{
    for (const QSize &known : m_heights) {
        if (known.isValid() && known.width() == width) {
            return known.height();
        }
    }
    const int height = QLabel::heightForWidth(width);
    m_heights[m_nextHeight] = QSize(width, height);
    m_nextHeight = (m_nextHeight + 1) % qsizetype(m_heights.size());
    return height;
}

int WrappedLabel::preferredWidth() const
{
    // What QLabel prefers for wrapped text: about 80 characters.
    return std::min(fontMetrics().averageCharWidth() * 80, maximumWidth());
}

QSize WrappedLabel::sizeHint() const
{
    // Once laid out, the width the label has: layouts ask for the height at their hinted width
    // (QLayout::totalSizeHint), and a width that nobody displays would cost a layout of the text
    // per change and push the displayed widths out of the remembered ones.
    const int width = testAttribute(Qt::WA_Resized) && this->width() > 0 ? this->width() : preferredWidth();
    return {width, heightForWidth(width)};
}

QSize WrappedLabel::minimumSizeHint() const
{
    // QLabel's is the widest word, found by laying the text out at width 0, one word a line. A
    // few characters serve as well: the chat column sets the width, and the height follows it.
    const QMargins margins = contentsMargins();
    return {fontMetrics().averageCharWidth() * 8 + margins.left() + margins.right(),
            fontMetrics().lineSpacing() + margins.top() + margins.bottom()};
}

void WrappedLabel::changeEvent(QEvent *event)
{
    switch (event->type()) {
    case QEvent::FontChange:
    case QEvent::StyleChange:
    case QEvent::ContentsRectChange:
        forgetHeights();
        break;
    default:
        break;
    }
    QLabel::changeEvent(event);
}

} // namespace Switchboard::Ui
