// SPDX-License-Identifier: MIT
#pragma once

#include <QtGui/QColor>
#include <QtGui/QPalette>

namespace Switchboard::Ui::PaletteColors {

// Colours for states are a hue mixed into the palette's own colours, so they stay subtle on a light
// theme and readable on a dark one; a fixed light pink would glare on dark backgrounds.
inline QColor mix(const QColor &base, const QColor &hue, qreal amount)
{
    const auto channel = [amount](int a, int b) {
        return int(a + (b - a) * amount);
    };
    return QColor(channel(base.red(), hue.red()), channel(base.green(), hue.green()), channel(base.blue(), hue.blue()));
}

inline QColor errorHue()
{
    return QColor(0xe0, 0x36, 0x2c);
}

inline QColor warningHue()
{
    return QColor(0xd9, 0x8a, 0x00);
}

inline QColor successHue()
{
    return QColor(0x2e, 0xa0, 0x43);
}

// A row background for failures, under the view's base colour.
inline QColor errorBackground(const QPalette &palette, bool serverError)
{
    return mix(palette.color(QPalette::Base), errorHue(), serverError ? 0.24 : 0.15);
}

// Text that should read as "not there yet" (open exchanges) or "gone".
inline QColor mutedText(const QPalette &palette)
{
    return mix(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.45);
}

// Text in a hue that keeps contrast against the base colour, whichever way the theme goes.
inline QColor accentText(const QPalette &palette, const QColor &hue)
{
    return mix(palette.color(QPalette::Text), hue, 0.7);
}

} // namespace Switchboard::Ui::PaletteColors
