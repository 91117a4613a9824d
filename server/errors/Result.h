#pragma once

#include "ServerError.h"

#include <optional>
#include <utility>
#include <variant>

// A value or the ServerError that stopped it, after qBittorrent's
// nonstd::expected: every fallible call of the server's stores, upstream
// clients and endpoints returns one, so a failure cannot be mistaken for
// "not found" and always carries what to answer.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::in_place_index<0>, std::move(value))
    {
    }
    Result(ServerError error)
        : m_value(std::in_place_index<1>, std::move(error))
    {
    }

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() { return std::get<0>(m_value); }
    const T &value() const { return std::get<0>(m_value); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const ServerError &error() const { return std::get<1>(m_value); }
    T value_or(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, ServerError> m_value;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(ServerError error)
        : m_error(std::move(error))
    {
    }

    bool ok() const { return !m_error; }
    explicit operator bool() const { return ok(); }
    const ServerError &error() const { return *m_error; }

private:
    std::optional<ServerError> m_error;
};
