// SPDX-License-Identifier: MIT
#pragma once

#include "usage.h"

#include <QtCore/QByteArrayList>

#include <cstdint>
#include <optional>

namespace Switchboard::Core {

// Usage as a backend sent it: 64-bit, not yet trusted. Servers count the prompt in different ways,
// so the figures that describe it are kept apart until they are reconciled.
struct BackendUsage
{
    std::optional<std::int64_t> promptTokens;    // the whole prompt, cached tokens included
    std::optional<std::int64_t> cachedTokens;    // the part of the prompt read from the engine's cache
    std::optional<std::int64_t> evaluatedTokens; // the part of the prompt evaluated afresh
    std::optional<std::int64_t> outputTokens;
};

struct CheckedUsage
{
    UsageReport report;
    QByteArrayList problems; // each figure dropped or clamped, said for the log
};

// Reconciles and checks what a backend said. The prompt is `promptTokens`, else cached + evaluated;
// the cached part is `cachedTokens`, else prompt - evaluated, else 0. A figure that is negative or
// beyond `int`, or a prompt of no tokens at all, is dropped (the estimate stands instead); more
// cached tokens than the prompt holds are clamped to the prompt. The report is in the API's
// meaning: input = prompt - cached.
CheckedUsage checkBackendUsage(const BackendUsage &usage);

} // namespace Switchboard::Core
