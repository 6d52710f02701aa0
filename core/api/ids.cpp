// SPDX-License-Identifier: MIT
#include "ids.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QRandomGenerator>

#include <array>

namespace Switchboard::Core::Ids {

namespace {

constexpr char Alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int IdChars = 22; // 62^22 > 2^128: room for 128 bits

QByteArray randomId(const char *prefix)
{
    QByteArray id(prefix);
    id.append("01");
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < IdChars; ++i) {
        id.append(Alphabet[random->bounded(62)]);
    }
    return id;
}

// The first 16 bytes of `digest` as a 128-bit number, written in base 62 (most significant first).
QByteArray base62(QByteArrayView digest)
{
    std::array<quint8, 16> number{};
    for (std::size_t i = 0; i < number.size(); ++i) {
        number[i] = quint8(digest[qsizetype(i)]);
    }
    QByteArray digits(IdChars, '0');
    for (int position = IdChars - 1; position >= 0; --position) {
        unsigned remainder = 0; // long division of the number by 62, a byte at a time
        for (quint8 &byte : number) {
            const unsigned value = remainder * 256 + byte;
            byte = quint8(value / 62);
            remainder = value % 62;
        }
        digits[position] = Alphabet[remainder];
    }
    return digits;
}

} // namespace

QByteArray messageId()
{
    return randomId("msg_");
}

QByteArray requestId()
{
    return randomId("req_");
}

QByteArray seedDigest(QByteArrayView seed)
{
    return QCryptographicHash::hash(seed, QCryptographicHash::Sha256);
}

QByteArray toolUseId(QByteArrayView digest, int index, QByteArrayView name)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(digest);
    QByteArray position(1, '\0'); // separators, so that no seed, index and name run into another
    position.append(QByteArray::number(index)).append('\0');
    hash.addData(position);
    hash.addData(name);
    return QByteArray("toolu_01").append(base62(hash.result()));
}

} // namespace Switchboard::Core::Ids
