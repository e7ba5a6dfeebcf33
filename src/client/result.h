#pragma once

// Result<T>: what an operation's finished() signal carries — a value or a ClientError.
//
//   connect(query, &TagsQuery::finished, this, [](const TagsResult &r) {
//       if (!r) { show(r.error().message()); return; }
//       use(r.value());
//   });
//   r.isCancelled();   // cancel() was called: nothing to show

#include "clienterror.h"

#include <utility>
#include <variant>

namespace Minato::Client {

template<typename T>
class Result
{
public:
    Result()
        : m_value(ClientError::cancelled())
    {}
    Result(T value)
        : m_value(std::move(value))
    {} // NOLINT(google-explicit-constructor)
    Result(ClientError error)
        : m_value(std::move(error))
    {} // NOLINT(google-explicit-constructor)

    bool hasValue() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return hasValue(); }
    bool isCancelled() const { return !hasValue() && error().kind() == ClientError::Kind::Cancelled; }

    // Precondition: hasValue() / !hasValue().
    const T &value() const { return std::get<T>(m_value); }
    const T *operator->() const { return &value(); }
    const ClientError &error() const { return std::get<ClientError>(m_value); }

private:
    std::variant<T, ClientError> m_value;
};

} // namespace Minato::Client
