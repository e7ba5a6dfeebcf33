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
// Thread-safe: called concurrently from the worker threads.

#include "exchange.h"
#include "passwordverifier.h"

#include <QString>

#include <memory>

namespace Minato::Registry {

struct Authentication
{
    enum class Outcome { Anonymous, Authenticated, Refused, RateLimited };

    Outcome outcome = Outcome::Anonymous;
    QString user;              // Authenticated only
    int retryAfterSeconds = 0; // RateLimited only
};

class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual Authentication authenticate(const HttpRequest &request) const = 0;
    // The WWW-Authenticate value of a 401.
    virtual QByteArray challenge() const = 0;
};

// `Authorization: Basic base64(user:password)` (RFC 7617) checked by a PasswordVerifier.
class BasicAuthenticator final : public Authenticator
{
public:
    explicit BasicAuthenticator(std::shared_ptr<PasswordVerifier> verifier,
                                QString realm = QStringLiteral("minato-registry"));

    Authentication authenticate(const HttpRequest &request) const override;
    QByteArray challenge() const override;

private:
    std::shared_ptr<PasswordVerifier> m_verifier;
    QString m_realm;
};

} // namespace Minato::Registry
