// SPDX-License-Identifier: MIT
#include "thinkingsignature.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QStringBuilder>

namespace Switchboard::Core::ThinkingSignature {

namespace {
constexpr QByteArrayView Prefix = "switchboard.v1.";
} // namespace

QByteArray sign(QByteArrayView thinking)
{
    const QByteArray digest = QCryptographicHash::hash(thinking, QCryptographicHash::Sha256);
    return Prefix.toByteArray() + digest.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool isOwn(QByteArrayView signature)
{
    return signature.startsWith(Prefix);
}

} // namespace Switchboard::Core::ThinkingSignature
