#include "authenticator.h"

#include "accessconfig.h"
#include "jwt.h"

#include "oci/wwwauthenticate.h"

namespace Minato::Registry {

namespace {

// Longer Authorization values are refused without decoding (a user name and password fit easily).
constexpr qsizetype maxAuthorizationLength = 4096;

} // namespace

BasicAuthenticator::BasicAuthenticator(std::shared_ptr<PasswordVerifier> verifier, QString realm)
    : m_verifier(std::move(verifier))
    , m_realm(std::move(realm))
{}

AccessGrants::AccessGrants(const QList<ResourceActions> &access)
{
    for (const ResourceActions &resource : access) {
        if (resource.type == u"registry" && resource.name == u"catalog" && resource.actions.contains(u"*")) {
            m_catalog = true;
            continue;
        }
        if (resource.type != u"repository") {
            continue;
        }
        QList<Access> &granted = m_repositories[resource.name];
        for (const QString &action : resource.actions) {
            for (const Access candidate : {Access::Pull, Access::Push, Access::Delete}) {
                if ((action == accessName(candidate) || action == u"*") && !granted.contains(candidate)) {
                    granted.append(candidate);
                }
            }
        }
    }
}

bool AccessGrants::allows(const QString &repository, Access access) const
{
    const auto found = m_repositories.constFind(repository);
    return found != m_repositories.cend() && found->contains(access);
}

QByteArray BasicAuthenticator::challenge(const ChallengeContext &) const
{
    return Oci::BasicChallenge{m_realm}.toHeaderValue();
}

Authentication BasicAuthenticator::authenticate(const HttpRequest &request) const
{
    const QByteArray header = request.headers.value("Authorization").trimmed();
    if (header.isEmpty()) {
        return Authentication::anonymous();
    }
    // The scheme is case-insensitive (RFC 9110 §11.1); anything but Basic is refused, not ignored.
    const qsizetype space = header.indexOf(' ');
    if (space <= 0 || header.size() > maxAuthorizationLength ||
        header.left(space).compare("Basic", Qt::CaseInsensitive) != 0) {
        return Authentication::refused();
    }
    const auto decoded =
        QByteArray::fromBase64Encoding(header.mid(space + 1).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return Authentication::refused();
    }
    const qsizetype colon = decoded.decoded.indexOf(':');
    if (colon <= 0) {
        return Authentication::refused();
    }
    const QString user = QString::fromUtf8(decoded.decoded.left(colon));
    const auto result = m_verifier->verify(request.peerAddress, user, decoded.decoded.mid(colon + 1));
    switch (result.outcome) {
    case PasswordVerifier::Outcome::Ok:
        return Authentication::authenticated(user);
    case PasswordVerifier::Outcome::RateLimited:
        return Authentication::rateLimited(result.retryAfterSeconds);
    case PasswordVerifier::Outcome::Invalid:
        break;
    }
    return Authentication::refused();
}

} // namespace Minato::Registry
