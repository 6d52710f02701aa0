// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArrayView>
#include <QtCore/QList>

#include <cstddef>
#include <cstdint>

namespace Switchboard::Fuzz {

// Splits one fuzz input into the pieces a network read would deliver: the first byte seeds the
// piece sizes, so the fuzzer explores framing across read boundaries as well as content.
inline QList<QByteArrayView> readsOf(const uint8_t *data, size_t size)
{
    QList<QByteArrayView> reads;
    if (size == 0) {
        return reads;
    }
    unsigned seed = data[0];
    const auto *bytes = reinterpret_cast<const char *>(data + 1);
    qsizetype remaining = qsizetype(size - 1);
    while (remaining > 0) {
        seed = seed * 1103515245u + 12345u;
        const qsizetype piece = std::min<qsizetype>(remaining, 1 + (seed >> 16) % 97);
        reads.append(QByteArrayView(bytes, piece));
        bytes += piece;
        remaining -= piece;
    }
    return reads;
}

} // namespace Switchboard::Fuzz
