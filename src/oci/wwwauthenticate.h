#pragma once

// AuthChallenge: one challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1), with typed views for the
// two schemes registries use, Basic (RFC 7617) and Bearer (the Docker token flow, RFC 6750 §3).
//
//   auto challenges = parseWwwAuthenticate(reply->rawHeader("WWW-Authenticate"));  // Expected<QList<…>>
//   if (challenges) {
//       if (auto c = findChallenge(*challenges, u"Bearer")) {
//           auto bearer = BearerChallenge::fromChallenge(*c);   // realm, service, scopes, error
//       }
//   }
//   // server
//   BearerChallenge b{realm, service, {QStringLiteral("repository:a/b:pull")}};
//   headers.insert("WWW-Authenticate", b.toHeaderValue());
//
// One header value may hold several challenges, each with a comma-separated list of parameters, and the
// header may occur several times: parse every line (the QList overload) or the comma-joined value.

#include "expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Oci {

struct AuthParam
{
    QString name;  // lowercased: auth-param names are case-insensitive (RFC 9110 §11.2)
    QString value; // unquoted and unescaped
    bool operator==(const AuthParam &) const = default;
};

struct AuthChallenge
{
    QString scheme;          // as sent ("Bearer"); compare with isScheme(), schemes are case-insensitive
    QString token68;         // the token68 form ("Negotiate YII…"); empty when the challenge has parameters
    QList<AuthParam> params; // in order; a repeated name keeps its first value (RFC 9110 §11.2: once only)

    bool isScheme(QStringView name) const { return scheme.compare(name, Qt::CaseInsensitive) == 0; }
    std::optional<QString> param(QStringView name) const; // case-insensitive
    // The challenge again: scheme, then token68 or every parameter as name="quoted value".
    QByteArray toHeaderValue() const;

    bool operator==(const AuthChallenge &) const = default;
};

// Limits against hostile headers: longer values, more challenges, or more parameters are a ParseError.
inline constexpr qsizetype wwwAuthenticateMaxLength = qsizetype(64) * 1024;
inline constexpr int wwwAuthenticateMaxChallenges = 32;
inline constexpr int wwwAuthenticateMaxParams = 64;

// Parses `#challenge` (RFC 9110 §11.6.1, §11.3). Empty list elements are skipped; a line break counts as a
// list separator (header lines joined by '\n').
Expected<QList<AuthChallenge>> parseWwwAuthenticate(QByteArrayView value);
// Every `WWW-Authenticate` header line of one response, in order.
Expected<QList<AuthChallenge>> parseWwwAuthenticate(const QList<QByteArray> &values);
// The first challenge with that scheme (case-insensitive).
std::optional<AuthChallenge> findChallenge(const QList<AuthChallenge> &challenges, QStringView scheme);
// `value` as a quoted-string (RFC 9110 §5.6.4): '"' and '\' escaped, control characters other than HTAB
// dropped (they cannot be sent, and dropping CR/LF stops header injection), UTF-8.
QByteArray quoteHeaderString(const QString &value);

// `Basic realm="…"` (RFC 7617 §2).
struct BasicChallenge
{
    QString realm; // may be empty when the server sent none

    static Expected<BasicChallenge> fromChallenge(const AuthChallenge &challenge);
    QByteArray toHeaderValue() const;
    bool operator==(const BasicChallenge &) const = default;
};

// `Bearer realm="…",service="…",scope="…"` as in the Docker token authentication flow (distribution's
// docs/spec/auth/token.md) with the RFC 6750 §3 error attributes.
struct BearerChallenge
{
    QString realm;            // the token endpoint; required
    QString service;          // may be empty
    QStringList scopes;       // "scope" split on spaces (RFC 6750 §3: space-delimited), e.g. "repository:a/b:pull"
    QString error;            // "invalid_token", "insufficient_scope", …; empty when absent
    QString errorDescription; // "error_description"

    // Fails when the scheme is not Bearer or when realm is missing or empty.
    static Expected<BearerChallenge> fromChallenge(const AuthChallenge &challenge);
    QString scope() const { return scopes.join(u' '); }
    bool isInsufficientScope() const { return error == u"insufficient_scope"; }
    // realm, then service, scope, error, error_description when not empty, comma-separated without spaces.
    QByteArray toHeaderValue() const;
    bool operator==(const BearerChallenge &) const = default;
};

} // namespace Minato::Oci
