#pragma once

// Authenticator: who sent a request — THE AUTHENTICATION SEAM, the partner of the Authorizer (authorizer.h).
// RegistryHandler asks it once per request, before any endpoint, and records the answer on the exchange
// (Exchange::setUser) for the endpoints and the request log.
//
//   auto verifier = std::make_shared<PasswordVerifier>(config.users);
//   registry.setAuthenticator(std::make_shared<BasicAuthenticator>(verifier));
//
// With an authenticator set, the handler answers
//   Refused      401 UNAUTHORIZED + WWW-Authenticate: challenge() — wrong password, unknown user, malformed
//                header. Never silently anonymous: a client with a typo must hear about it.
//   RateLimited  429 TOOMANYREQUESTS + Retry-After
//   Anonymous    GET /v2/ → 401 + challenge (that is where `docker login` and skopeo learn to authenticate);
//                elsewhere the Authorizer decides, and a refusal is 401 + challenge
//   Authenticated  the Authorizer decides; a refusal is 403 DENIED
// Without one (the default) every request is anonymous and GET /v2/ answers 200.
//
// Token authentication (tokenservice.h) adds grants: a bearer token says what its holder may do (the JWT's
// access claim), and the handler then checks the token's grants instead of asking the Authorizer. A request
// the token does not cover is answered 401 with a challenge naming the scope it needs and
// error="insufficient_scope" (the client fetches a wider token) — unless the Authorizer would refuse the
// token's user anyway, which is 403 DENIED at once. An invalid or expired token is 401 with
// error="invalid_token" (RFC 6750 §3.1).
// Thread-safe: called concurrently from the worker threads.

#include "authorizer.h"
#include "exchange.h"
#include "passwordverifier.h"

#include <QHash>
#include <QList>
#include <QString>

#include <memory>

namespace Minato::Registry {

struct ResourceActions;

// What a bearer token allows, from its access claim: actions per repository, and the catalog.
class AccessGrants
{
public:
    explicit AccessGrants(const QList<ResourceActions> &access);

    bool allows(const QString &repository, Access access) const;
    // "registry:catalog:*": the token may list the catalog (which still shows only what its user may pull).
    bool allowsCatalog() const { return m_catalog; }

private:
    QHash<QString, QList<Access>> m_repositories;
    bool m_catalog = false;
};

struct Authentication
{
    enum class Outcome { Anonymous, Authenticated, Refused, RateLimited };

    Outcome outcome = Outcome::Anonymous;
    QString user;              // Authenticated only; empty for an anonymous bearer token
    int retryAfterSeconds = 0; // RateLimited only
    // Authenticated by a bearer token: what it grants. nullptr otherwise (the Authorizer decides).
    std::shared_ptr<const AccessGrants> grants;
    // Refused because a bearer token is malformed, forged or expired (challenge error="invalid_token").
    bool invalidToken = false;

    static Authentication anonymous() { return {}; }
    static Authentication authenticated(QString user, std::shared_ptr<const AccessGrants> grants = nullptr)
    {
        Authentication a;
        a.outcome = Outcome::Authenticated;
        a.user = std::move(user);
        a.grants = std::move(grants);
        return a;
    }
    static Authentication refused(bool invalidToken = false)
    {
        Authentication a;
        a.outcome = Outcome::Refused;
        a.invalidToken = invalidToken;
        return a;
    }
    static Authentication rateLimited(int retryAfterSeconds)
    {
        Authentication a;
        a.outcome = Outcome::RateLimited;
        a.retryAfterSeconds = retryAfterSeconds;
        return a;
    }
};

// What a 401 is about, for challenges that say which scope to ask for (Bearer).
struct ChallengeContext
{
    enum class Error { None, InvalidToken, InsufficientScope };

    const HttpRequest *request = nullptr; // for the realm's host and scheme
    QString scope;                        // "repository:team/app:pull"; empty for GET /v2/
    Error error = Error::None;
};

class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual Authentication authenticate(const HttpRequest &request) const = 0;
    // The WWW-Authenticate value of a 401.
    virtual QByteArray challenge(const ChallengeContext &context) const = 0;
    // True for bearer tokens: requests without one are challenged for a scope, _catalog included.
    virtual bool usesTokens() const { return false; }
};

// `Authorization: Basic base64(user:password)` (RFC 7617) checked by a PasswordVerifier.
class BasicAuthenticator final : public Authenticator
{
public:
    explicit BasicAuthenticator(std::shared_ptr<PasswordVerifier> verifier,
                                QString realm = QStringLiteral("minato-registry"));

    Authentication authenticate(const HttpRequest &request) const override;
    QByteArray challenge(const ChallengeContext &context) const override;

private:
    std::shared_ptr<PasswordVerifier> m_verifier;
    QString m_realm;
};

} // namespace Minato::Registry
