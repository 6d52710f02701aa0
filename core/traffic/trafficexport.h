// SPDX-License-Identifier: MIT
#pragma once

#include "exchangerecord.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>

namespace Switchboard::Core {

// Exports of recorded exchanges. Records are redacted on the way in; every export runs the
// redactor once more over its output, so a secret that slipped into a body still leaves masked.
namespace TrafficExport {

// HAR 1.2 (opens in browsers' devtools): each exchange as two entries, the client leg and then
// the upstream leg, linked by `_requestId`; SSE streams are in the response text as sent.
QByteArray har(const QList<ExchangeRecord> &records);
// One JSON object per line per exchange, with both legs and the parsed SSE timelines.
QByteArray jsonLines(const QList<ExchangeRecord> &records);
// The client's request as a curl command line (POSIX sh); credentials become $ANTHROPIC_API_KEY.
QString curl(const ExchangeRecord &record, const QString &baseUrl);

} // namespace TrafficExport

} // namespace Switchboard::Core
