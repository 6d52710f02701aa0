// SPDX-License-Identifier: MIT
#include "sessionbranches.h"

namespace Switchboard::Core {

int SessionBranches::assign(const PromptShape &shape)
{
    const auto latestWhere = [this](auto matches) {
        for (qsizetype i = m_latest.size() - 1; i >= 0; --i) {
            if (matches(m_latest.at(i))) {
                return int(i);
            }
        }
        return -1;
    };
    int branch = latestWhere([&shape](const PromptShape &latest) {
        return latest.system == shape.system && latest.firstMessage == shape.firstMessage;
    });
    if (branch < 0 && !shape.firstMessage.isEmpty()) {
        branch = latestWhere([&shape](const PromptShape &latest) { return latest.firstMessage == shape.firstMessage; });
    }
    if (branch < 0 && shape.messageCount > 1) {
        branch = latestWhere([&shape](const PromptShape &latest) { return latest.system == shape.system; });
    }
    if (branch < 0) {
        if (m_latest.size() >= m_capacity) {
            return -1;
        }
        m_latest.append(shape);
        return int(m_latest.size()) - 1;
    }
    m_latest[branch] = shape;
    return branch;
}

} // namespace Switchboard::Core
