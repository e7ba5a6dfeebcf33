#pragma once

// RulesAuthorizer: the Authorizer (authorizer.h) that applies an AccessConfig's grants — its rules, and
// anonymousPull — to each request.
//
//   auto config = AccessConfig::load(path);
//   auto rules = std::make_shared<RulesAuthorizer>(*config);
//   registry.setAuthorizer(rules);
//   rules->allowedActions(QStringLiteral("alice"), QStringLiteral("team/app"));   // {Pull, Push}
//
// allowedActions() answers "what may this user do on this repository" for the app's access checker; allows()
// is the same question for one action. An empty user is an anonymous request. A user name that the config
// does not know gets nothing from "*" (only authenticated users reach the authorizer with a name).
// Immutable after construction, so thread-safe.

#include "accessconfig.h"
#include "authorizer.h"

#include <QList>

namespace Minato::Registry {

class RulesAuthorizer final : public Authorizer
{
public:
    explicit RulesAuthorizer(AccessConfig config);

    bool allows(const QString &user, const QString &repository, Access access) const override;
    // In the order pull, push, delete.
    QList<Access> allowedActions(const QString &user, const QString &repository) const;

    const AccessConfig &config() const { return m_config; }

private:
    bool applies(const AccessRule &rule, const QString &user) const;

    AccessConfig m_config;
};

} // namespace Minato::Registry
