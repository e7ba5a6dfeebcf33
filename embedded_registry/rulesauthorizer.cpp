#include "rulesauthorizer.h"

namespace Minato::Registry {

RulesAuthorizer::RulesAuthorizer(AccessConfig config)
    : m_config(std::move(config))
{}

bool RulesAuthorizer::applies(const AccessRule &rule, const QString &user) const
{
    switch (rule.kind) {
    case AccessRule::Kind::Anonymous:
        return user.isEmpty();
    case AccessRule::Kind::AnyUser:
        return !user.isEmpty() && m_config.users.contains(user);
    case AccessRule::Kind::User:
        return !user.isEmpty() && user == rule.name;
    case AccessRule::Kind::Group:
        return !user.isEmpty() && m_config.groups.value(rule.name).contains(user);
    }
    return false;
}

bool RulesAuthorizer::allows(const QString &user, const QString &repository, Access access) const
{
    if (user.isEmpty() && access == Access::Pull && m_config.anonymousPull) {
        return true;
    }
    for (const AccessRule &rule : m_config.rules) {
        if (rule.actions.contains(access) && applies(rule, user) &&
            matchRepositoryGlob(rule.repositories, repository)) {
            return true;
        }
    }
    return false;
}

QList<Access> RulesAuthorizer::allowedActions(const QString &user, const QString &repository) const
{
    QList<Access> actions;
    for (const Access access : {Access::Pull, Access::Push, Access::Delete}) {
        if (allows(user, repository, access)) {
            actions.append(access);
        }
    }
    return actions;
}

} // namespace Minato::Registry
