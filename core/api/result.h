// SPDX-License-Identifier: MIT
#pragma once

#include "apierror.h"

#include <utility>
#include <variant>

namespace Switchboard::Core {

// A value or the error that prevented it (C++20 has no std::expected).
template<typename T, typename E = ApiError>
class Result
{
public:
    // An unset result holds a default error (QCoro::waitFor needs default-constructible values).
    Result()
        : m_state(std::in_place_index<1>, E{})
    {}
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    {}
    Result(E error)
        : m_state(std::in_place_index<1>, std::move(error))
    {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_state); }
    const T &value() const & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const E &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, E> m_state;
};

} // namespace Switchboard::Core
