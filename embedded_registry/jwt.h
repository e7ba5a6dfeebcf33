#pragma once

// The JSON Web Tokens of Docker's token authentication (distribution docs/spec/auth/jwt.md, RFC 7519) and
// the scopes clients ask for (docs/spec/auth/scope.md). Pure functions: no keys, no clock, no I/O — signing
// and verification are in signingkey.h, policy in tokenservice.h. Fuzzed (tests/fuzz/fuzz_jwt.cpp).
//
//   const auto token = CompactJwt::parse(header);          // "eyJ….eyJ….sig" → parts, decoded
//   if (!token) { … 401 invalid_token: token.error().message() … }
//   key.verify(token->signingInput, token->signature);
//   const auto claims = TokenClaims::fromJson(token->claims);
//
//   const auto scope = TokenScope::parse(u"repository:team/app:pull,push");   // type, name, actions

#include "oci/expected.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Minato::Registry {

// base64url without padding (RFC 7515 §2); decoding accepts neither padding nor the standard alphabet.
QByteArray base64UrlEncode(const QByteArray &data);
Oci::Expected<QByteArray> base64UrlDecode(QByteArrayView text);

// A JWS in compact serialisation: BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature).
struct CompactJwt
{
    static constexpr qsizetype MaxLength = 16 * 1024; // far above any token we issue (~1 KiB)

    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; // the first two parts with their dot, as sent: what the signature covers
    QByteArray signature;    // decoded

    // Three non-empty parts, valid base64url, header and payload JSON objects; "alg" a string.
    static Oci::Expected<CompactJwt> parse(QByteArrayView token);
    // header.payload (signature appended by the signer).
    static QByteArray signingInputFor(const QJsonObject &header, const QJsonObject &claims);
};

// One entry of the "access" claim: what the bearer may do on one resource.
struct ResourceActions
{
    QString type; // "repository", "registry"
    QString name; // "team/app", "catalog"
    QStringList actions;

    bool operator==(const ResourceActions &) const = default;
};

// A scope as clients send it: "repository:team/app:pull,push", "repository(plugin):name:pull",
// "registry:catalog:*". The name may contain ':' only in the middle part (type is before the first ':',
// actions after the last). Actions are de-duplicated in order; an empty action list is an error.
struct TokenScope
{
    QString type;      // without the "(class)" suffix
    QString typeClass; // "plugin" in "repository(plugin)", usually empty
    QString name;
    QStringList actions;

    static Oci::Expected<TokenScope> parse(QStringView text);
    // Several scopes: repeated parameters, each possibly space-separated (the OAuth2 POST form).
    static Oci::Expected<QList<TokenScope>> parseList(const QStringList &values);
    QString toString() const;
};

// The claim set of an access token (jwt.md "Token Payload"). `aud` is read as a string or an array of
// strings (RFC 7519 §4.1.3) and written as a string, which distribution 2.8 requires.
struct TokenClaims
{
    QString issuer;
    QString subject; // the user; empty for an anonymous token
    QStringList audience;
    qint64 expiresAt = 0; // seconds since the epoch
    qint64 notBefore = 0;
    qint64 issuedAt = 0;
    QString id; // jti
    QList<ResourceActions> access;

    static Oci::Expected<TokenClaims> fromJson(const QJsonObject &object);
    QJsonObject toJson() const;
};

} // namespace Minato::Registry
