#pragma once

// Authorizer: THE AUTHORIZATION SEAM. Every registry handler asks it before touching a repository.
//
//   class RulesAuthorizer final : public Authorizer {
//       bool allows(const QString &user, const QString &repository, Access access) const override { … }
//   };
//   registry.setAuthorizer(std::make_shared<RulesAuthorizer>(rules));
//
// `user` is the authenticated user name (authenticator.h), empty for an anonymous request. A refusal is
// answered 401 UNAUTHORIZED for an anonymous user (with the authenticator's WWW-Authenticate challenge) and
// 403 DENIED otherwise. RulesAuthorizer (rulesauthorizer.h) applies an AccessConfig's rules.
// Which access each endpoint needs:
//   pull   GET/HEAD blob and manifest, tags/list, referrers, and each repository listed by _catalog (the
//          catalog shows only repositories the user may pull); the `from` repository of a mount
//   push   uploads (POST/PATCH/PUT/GET/DELETE of a session), mounts into the repository, PUT manifest
//   delete DELETE manifest, tag and blob
// GET /v2/ asks nothing: it is where a client learns whether it must authenticate.
// Thread-safe: called concurrently from the handler's worker threads.

#include <QString>

namespace Minato::Registry {

enum class Access { Pull, Push, Delete };

class Authorizer
{
public:
    virtual ~Authorizer() = default;
    virtual bool allows(const QString &user, const QString &repository, Access access) const = 0;
};

// The default without an access configuration: everyone may do everything (the registry binds to 127.0.0.1).
class AllowAllAuthorizer final : public Authorizer
{
public:
    bool allows(const QString &, const QString &, Access) const override { return true; }
};

} // namespace Minato::Registry
