// SPDX-License-Identifier: MIT
#pragma once

#include <QtWidgets/QLabel>

#include <array>

namespace Switchboard::Ui {

// A word-wrapped QLabel whose size hints are cheap and remembered, for text that is long or
// changes every frame (a streaming reply, a code block). QLabel lays its whole document out again
// for every hint (sizeHint tries three widths, each pass resetting the font and options, which
// relays out again), and box layouts ask for minimumHeightForWidth without caching it: every frame
// of a stream re-laid-out every paragraph of the reply, so the cost grew with its length. Here the
// heights are kept per width until the text or font changes, and the size hints derive from them.
class WrappedLabel final : public QLabel
{
    Q_OBJECT

public:
    explicit WrappedLabel(QWidget *parent = nullptr);

    // Use instead of setText(), which cannot forget the remembered heights.
    void setContent(const QString &text, Qt::TextFormat format);

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void forgetHeights();
    int preferredWidth() const;

    // (width, height), invalid when unused. Each label is asked about several widths per layout
    // pass (its own with and without the scroll bar, and those of the size hints above it): a
    // cache smaller than that set would miss on every pass.
    mutable std::array<QSize, 8> m_heights;
    mutable qsizetype m_nextHeight = 0;
};

} // namespace Switchboard::Ui
