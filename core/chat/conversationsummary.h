// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QDateTime>
#include <QtCore/QString>

namespace Switchboard::Core {

// One row of the conversation list: enough to show and sort it without loading its messages.
struct ConversationSummary
{
    qint64 id = 0;
    QString title;
    QDateTime updatedAt; // UTC

    bool operator==(const ConversationSummary &) const = default;
};

} // namespace Switchboard::Core
