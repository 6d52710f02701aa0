// SPDX-License-Identifier: MIT
#include "ids.h"

#include <QtCore/QRandomGenerator>

namespace Switchboard::Core::Ids {

namespace {

QByteArray randomId(const char *prefix)
{
    static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static constexpr int randomChars = 22;
    QByteArray id(prefix);
    id.append("01");
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < randomChars; ++i) {
        id.append(alphabet[random->bounded(62)]);
    }
    return id;
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

QByteArray toolUseId()
{
    return randomId("toolu_");
}

} // namespace Switchboard::Core::Ids
