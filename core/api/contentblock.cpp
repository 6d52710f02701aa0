// SPDX-License-Identifier: MIT
#include "contentblock.h"

namespace Switchboard::Core {

namespace {

template<class... Ts>
struct Overloaded : Ts...
{
    using Ts::operator()...;
};
template<class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>; // Clang 14 has no aggregate deduction yet

} // namespace

QByteArray blockTypeName(const ContentBlock &block)
{
    return std::visit(Overloaded{
                          [](const TextBlock &) { return QByteArrayLiteral("text"); },
                          [](const ImageBlock &) { return QByteArrayLiteral("image"); },
                          [](const DocumentBlock &) { return QByteArrayLiteral("document"); },
                          [](const ToolUseBlock &) { return QByteArrayLiteral("tool_use"); },
                          [](const ToolResultBlock &) { return QByteArrayLiteral("tool_result"); },
                          [](const ThinkingBlock &) { return QByteArrayLiteral("thinking"); },
                          [](const RedactedThinkingBlock &) { return QByteArrayLiteral("redacted_thinking"); },
                          [](const OtherBlock &other) { return other.type; },
                      },
                      static_cast<const ContentBlock::variant &>(block));
}

} // namespace Switchboard::Core
