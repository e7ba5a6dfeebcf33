#pragma once

// Expected<T>: the result of every parser in Minato::Oci.
//
//   Expected<Digest> d = Digest::parse(text);
//   if (!d) { qWarning() << d.error().message(); return; }
//   use(d.value());
//
// A parse failure names the field (a JSON path such as "layers[2].digest", or a grammar part such as
// "tag") and the reason in plain words, so both the server's error body and the app's message can say
// exactly what is wrong. C++20 has no std::expected; this is the small subset we need.

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace Minato::Oci {

struct ParseError
{
    QString field;  // where: "config.digest", "tag", "Link header"; may be empty for the whole input
    QString reason; // why, in plain words: "must be 128 characters or fewer"

    // "field: reason", or just the reason when there is no field.
    QString message() const
    {
        return field.isEmpty() ? reason : field + QStringLiteral(": ") + reason;
    }
    bool operator==(const ParseError &) const = default;
};

template<typename T>
class Expected
{
public:
    Expected(T value) : m_value(std::move(value)) {}             // NOLINT(google-explicit-constructor)
    Expected(ParseError error) : m_value(std::move(error)) {}    // NOLINT(google-explicit-constructor)

    static Expected failure(QString field, QString reason)
    {
        return Expected(ParseError{std::move(field), std::move(reason)});
    }

    bool hasValue() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return hasValue(); }

    // Precondition: hasValue(). Checked with Q_ASSERT in debug builds.
    const T &value() const & { Q_ASSERT(hasValue()); return std::get<T>(m_value); }
    T &value() & { Q_ASSERT(hasValue()); return std::get<T>(m_value); }
    T &&value() && { Q_ASSERT(hasValue()); return std::get<T>(std::move(m_value)); }
    const T &operator*() const & { return value(); }
    const T *operator->() const { return &value(); }

    // Precondition: !hasValue().
    const ParseError &error() const { Q_ASSERT(!hasValue()); return std::get<ParseError>(m_value); }

    std::optional<T> toOptional() const
    {
        return hasValue() ? std::optional<T>(value()) : std::nullopt;
    }

private:
    std::variant<T, ParseError> m_value;
};

} // namespace Minato::Oci
