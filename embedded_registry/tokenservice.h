#pragma once

// TokenService: Docker's token authentication on the registry's own port — the token endpoint that issues
// short-lived signed JWTs (GET with Basic credentials and scope parameters; POST, the OAuth2 form, with
// grant_type=password or refresh_token), and the Authenticator that accepts them as bearer tokens.
// Specs: distribution docs/spec/auth/token.md (endpoint, challenge, response fields), jwt.md (claims),
// oauth.md (POST), scope.md (scope grammar); RFC 6750 §3 (challenge errors).
//
//   auto key = SigningKey::generate(QStringLiteral("minato-registry"));
//   auto tokens = std::make_shared<TokenService>(*key, TokenService::Options{}, verifier, rulesAuthorizer);
//   registry.setAuthorizer(rulesAuthorizer);
//   registry.setTokenService(tokens);          // serves GET/POST /token, authenticates Bearer requests
//
// The flow, as docker, podman, skopeo and containerd run it:
//   GET /v2/team/app/manifests/v1            → 401 WWW-Authenticate: Bearer realm="http://host:5000/token",
//                                               service="minato-registry",scope="repository:team/app:pull"
//   GET /token?service=…&scope=repository:team/app:pull   (Authorization: Basic …, or none: anonymous)
//                                             → 200 {"token":…,"access_token":…,"expires_in":300,"issued_at":…}
//   GET /v2/team/app/manifests/v1  (Authorization: Bearer …) → 200
//
// Policy:
// - A token grants the intersection of what was asked and what the Authorizer allows the user (anonymous
//   included); asking for more than allowed is not an error — the token simply carries less, and the
//   registry then answers 401 insufficient_scope or 403 DENIED. "registry:catalog:*" is granted to everyone
//   (the catalog lists only repositories the user may pull).
// - Wrong credentials: 401 with a Basic challenge; repeated failures per address: 429 (PasswordVerifier).
// - Refresh tokens (GET offline_token=true, POST access_type=offline) are JWTs too, with the audience
//   "<service>#refresh" so that no registry accepts them as access tokens; they name the user, who must
//   still exist when one is used.
// - The realm is Options::realm when set, otherwise derived from each request (scheme and Host header).
// - Verified access tokens are cached (the whole token is the key), so a request costs a hash lookup, not an
//   ECDSA verification.
// - The key is in memory unless given: tokens (and refresh tokens) end with the process.
// Nothing here logs, and no token or password is kept beyond the cache of verified tokens.
// Thread-safe.

#include "authenticator.h"
#include "exchange.h"
#include "jwt.h"
#include "signingkey.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace Minato::Registry {

struct TokenServiceOptions
{
    QString issuer = QStringLiteral("minato-registry");  // iss; a registry trusting us must list it
    QString service = QStringLiteral("minato-registry"); // aud, and the challenge's service
    QString realm;                                       // absolute token URL; empty: from each request
    QByteArray path = "/token";                          // where the endpoint answers on this server
    int lifetimeSeconds = 300;
    int refreshLifetimeSeconds = 7 * 24 * 3600;
    int maxCachedTokens = 4096;
    std::function<qint64()> clock; // seconds since the epoch; tests move time without sleeping
};

class TokenService final
    : public Authenticator
    , public RequestHandler
{
public:
    using Options = TokenServiceOptions;

    TokenService(SigningKey key, Options options, std::shared_ptr<PasswordVerifier> verifier,
                 std::shared_ptr<const Authorizer> authorizer);
    ~TokenService() override;
    TokenService(const TokenService &) = delete;
    TokenService &operator=(const TokenService &) = delete;

    const Options &options() const { return m_options; }
    const SigningKey &key() const { return m_key; }

    // The token endpoint (GET and POST at options().path).
    void handle(Exchange &exchange) override;

    // Bearer requests.
    Authentication authenticate(const HttpRequest &request) const override;
    QByteArray challenge(const ChallengeContext &context) const override;
    bool usesTokens() const override { return true; }

    // A signed access token for `user` (empty: anonymous) with what it may have of `scopes`; for tests and
    // for the app's own client.
    QByteArray issueAccessToken(const QString &user, const QStringList &scopes) const;
    // The absolute URL of the endpoint for a request that arrived at this server.
    QString realmFor(const HttpRequest &request) const;

private:
    struct CachedToken;

    qint64 now() const;
    // What `user` may have of the requested scopes (already parsed), as access-claim entries.
    QList<ResourceActions> grantFor(const QString &user, const QList<TokenScope> &scopes) const;
    QByteArray sign(const TokenClaims &claims) const;
    QByteArray issue(const QString &user, const QList<ResourceActions> &access, const QString &audience,
                     int lifetimeSeconds) const;
    // Verifies signature, issuer, audience and times; the claims, or nothing.
    std::optional<TokenClaims> verifiedClaims(QByteArrayView token, const QString &audience) const;

    // Verifies a password (PasswordVerifier: cache, rate limit); answers 401/429 and returns false when not ok.
    bool checkPassword(Exchange &ex, const QString &user, const QByteArray &password, HttpHeaders challenge);
    void handleGet(Exchange &ex);
    void handlePost(Exchange &ex, const QByteArray &body);
    void respondToken(Exchange &ex, const QString &user, const QList<ResourceActions> &access, bool withRefresh);

    const SigningKey m_key;
    const Options m_options;
    const std::shared_ptr<PasswordVerifier> m_verifier;
    const std::shared_ptr<const Authorizer> m_authorizer;
    const QString m_refreshAudience;
    QJsonObject m_header;

    mutable QMutex m_cacheMutex;
    mutable QHash<QByteArray, std::shared_ptr<const CachedToken>> m_cache; // token → its verified claims
};

} // namespace Minato::Registry
