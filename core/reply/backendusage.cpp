// SPDX-License-Identifier: MIT
#include "backendusage.h"

#include <limits>

namespace Switchboard::Core {

namespace {

constexpr std::int64_t MaxCount = std::numeric_limits<int>::max();

// A count a client can be given, or nothing (and a problem said) when the backend's cannot be true.
std::optional<std::int64_t> plausible(std::optional<std::int64_t> figure, const char *name, QByteArrayList &problems)
{
    if (!figure) {
        return std::nullopt;
    }
    if (*figure < 0) {
        problems.append(QByteArray(name) + ' ' + QByteArray::number(qint64(*figure)) + " is negative; dropped");
        return std::nullopt;
    }
    if (*figure > MaxCount) {
        problems.append(QByteArray(name) + ' ' + QByteArray::number(qint64(*figure)) + " is too large; dropped");
        return std::nullopt;
    }
    return figure;
}

} // namespace

CheckedUsage checkBackendUsage(const BackendUsage &usage)
{
    CheckedUsage checked;
    QByteArrayList &problems = checked.problems;
    auto prompt = plausible(usage.promptTokens, "prompt", problems);
    auto cached = plausible(usage.cachedTokens, "cached", problems);
    const auto evaluated = plausible(usage.evaluatedTokens, "evaluated", problems);
    const auto output = plausible(usage.outputTokens, "output", problems);

    // llama.cpp's timings and DeepSeek's hit/miss count the prompt in two parts.
    if (!prompt && cached && evaluated) {
        prompt = plausible(*cached + *evaluated, "prompt (cached + evaluated)", problems);
    }
    // No chat prompt is empty (the template alone is tokens); servers say 0 when they did not count.
    if (prompt == 0) {
        problems.append("prompt 0 is not a count; dropped");
        prompt.reset();
    }
    // llama.cpp before `cache_n` (2025-09) gave the whole prompt and what it evaluated: the rest was cached.
    if (prompt && !cached && evaluated) {
        if (*evaluated <= *prompt) {
            cached = *prompt - *evaluated;
        } else {
            problems.append("evaluated " + QByteArray::number(qint64(*evaluated)) + " exceeds the prompt's " +
                            QByteArray::number(qint64(*prompt)) + "; ignored");
        }
    }
    if (prompt) {
        std::int64_t read = cached.value_or(0);
        if (read > *prompt) {
            problems.append("cached " + QByteArray::number(qint64(read)) + " exceeds the prompt's " +
                            QByteArray::number(qint64(*prompt)) + "; clamped");
            read = *prompt;
        }
        checked.report.inputTokens = int(*prompt - read);
        checked.report.cacheReadInputTokens = int(read);
    }
    if (output) {
        checked.report.outputTokens = int(*output);
    }
    return checked;
}

} // namespace Switchboard::Core
