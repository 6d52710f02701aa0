// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

namespace Switchboard::Core::ThinkingSignature {

// Local backends cannot sign their reasoning, yet clients must receive a signature_delta before a
// thinking block ends and echo the signature back. Switchboard signs with a digest of the text:
// opaque to clients, recognisable as its own, and stable for the same thinking.
QByteArray sign(QByteArrayView thinking);
bool isOwn(QByteArrayView signature);

} // namespace Switchboard::Core::ThinkingSignature
