// SPDX-License-Identifier: MIT
#include "constanttime.h"

namespace Switchboard::Core {

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    // Length differences still cost a full pass over `a`.
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const char other = i < b.size() ? b[i] : 0;
        difference |= static_cast<unsigned char>(a[i] ^ other);
    }
    return difference == 0;
}

} // namespace Switchboard::Core
