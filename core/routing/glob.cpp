// SPDX-License-Identifier: MIT
#include "glob.h"

namespace Switchboard::Core {

bool globMatch(QByteArrayView pattern, QByteArrayView text)
{
    // Iterative matching with one backtrack point: linear for patterns with a single star.
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype starPattern = -1;
    qsizetype starText = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            starPattern = p++;
            starText = t;
        } else if (starPattern >= 0) {
            p = starPattern + 1;
            t = ++starText;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

bool isGlobPattern(QByteArrayView pattern)
{
    return pattern.contains('*') || pattern.contains('?');
}

} // namespace Switchboard::Core
