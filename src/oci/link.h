#pragma once

// Link: one link-value of an RFC 8288 `Link` header, as registries use it for pagination of
// /v2/_catalog, tags/list and referrers (distribution-spec: `Link: <url>; rel="next"`).
//
//   auto links = parseLinkHeader(reply->rawHeader("Link"));          // Expected<QList<Link>>
//   if (links) {
//       if (auto next = nextLink(*links)) {
//           QUrl nextPage = next->resolved(reply->url());  // registries send relative and absolute targets
//       }
//   }
//   // server
//   headers.insert("Link", formatNextLink(QUrl(QStringLiteral("/v2/_catalog?last=b&n=100"))));
//
// An absolute target may name another origin; the caller decides whether to follow it and must not send
// credentials across origins.

#include "expected.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Minato::Oci {

struct LinkParam
{
    QString name;  // lowercased: parameter names are case-insensitive (RFC 8288 §3)
    QString value; // unquoted and unescaped; empty for a parameter without "=value"
    bool operator==(const LinkParam &) const = default;
};

struct Link
{
    QString target;          // the URI-Reference between '<' and '>', as sent
    QStringList relations;   // the first "rel" parameter split on whitespace, lowercased (RFC 8288 §2.1, §3.3)
    QList<LinkParam> params; // every parameter in order, "rel" included

    bool hasRelation(QStringView relation) const; // case-insensitive
    // The first parameter of that name (case-insensitive); later duplicates are ignored (RFC 8288 §3.3).
    std::optional<QString> param(QStringView name) const;
    // The target resolved against the URL of the request that returned the header (RFC 3986 §5).
    QUrl resolved(const QUrl &requestUrl) const;
    // "<target>; rel=\"next\"; title=\"…\"": the link-value again, every parameter quoted.
    QByteArray toHeaderValue() const;

    bool operator==(const Link &) const = default;
};

// Limits against hostile headers: longer values, more links, or more parameters per link are a ParseError.
inline constexpr qsizetype linkHeaderMaxLength = qsizetype(64) * 1024;
inline constexpr int linkHeaderMaxLinks = 64;
inline constexpr int linkHeaderMaxParams = 32;

// Parses `#link-value` (RFC 8288 §3). Empty list elements are skipped; an empty value is an empty list.
// Lenient where registries are sloppy: an unquoted parameter value may contain characters outside `token`
// (such as '/'), and a line break counts as a list separator (several header lines joined by '\n').
Expected<QList<Link>> parseLinkHeader(QByteArrayView value);
// Several `Link` header lines of one response, in order.
Expected<QList<Link>> parseLinkHeader(const QList<QByteArray> &values);
// The first link with relation type "next", if any.
std::optional<Link> nextLink(const QList<Link> &links);
// `target` resolved against `requestUrl`; an invalid target gives an invalid QUrl.
QUrl resolveLinkTarget(const QUrl &requestUrl, const QString &target);
// Server: `<target>; rel="next"` with the target percent-encoded by QUrl.
QByteArray formatNextLink(const QUrl &target);
// Several links joined with ", ".
QByteArray formatLinkHeader(const QList<Link> &links);

} // namespace Minato::Oci
