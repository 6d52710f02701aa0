// SPDX-License-Identifier: MIT
#include "httprequest.h"

namespace Switchboard::Core {

QByteArray HttpRequest::queryValue(QByteArrayView name) const
{
    for (const QByteArray &pair : query.split('&')) {
        const auto equals = pair.indexOf('=');
        const QByteArrayView key = equals < 0 ? QByteArrayView(pair) : QByteArrayView(pair).first(equals);
        if (key == name) {
            QByteArray value = equals < 0 ? QByteArray("") : pair.mid(equals + 1);
            value.replace('+', ' ');
            return QByteArray::fromPercentEncoding(value);
        }
    }
    return {};
}

} // namespace Switchboard::Core
