#include "authenticator.h"

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

QByteArray BasicAuthenticator::challenge() const
{
    return Oci::BasicChallenge{m_realm}.toHeaderValue();
}

Authentication BasicAuthenticator::authenticate(const HttpRequest &request) const
{
    using Outcome = Authentication::Outcome;
    const QByteArray header = request.headers.value("Authorization").trimmed();
    if (header.isEmpty()) {
        return {Outcome::Anonymous, {}, 0};
    }
    // The scheme is case-insensitive (RFC 9110 §11.1); anything but Basic is refused, not ignored.
    const qsizetype space = header.indexOf(' ');
    if (space <= 0 || header.size() > maxAuthorizationLength ||
        header.left(space).compare("Basic", Qt::CaseInsensitive) != 0) {
        return {Outcome::Refused, {}, 0};
    }
    const auto decoded =
        QByteArray::fromBase64Encoding(header.mid(space + 1).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return {Outcome::Refused, {}, 0};
    }
    const qsizetype colon = decoded.decoded.indexOf(':');
    if (colon <= 0) {
        return {Outcome::Refused, {}, 0};
    }
    const QString user = QString::fromUtf8(decoded.decoded.left(colon));
    const auto result = m_verifier->verify(request.peerAddress, user, decoded.decoded.mid(colon + 1));
    switch (result.outcome) {
    case PasswordVerifier::Outcome::Ok:
        return {Outcome::Authenticated, user, 0};
    case PasswordVerifier::Outcome::RateLimited:
        return {Outcome::RateLimited, {}, result.retryAfterSeconds};
    case PasswordVerifier::Outcome::Invalid:
        break;
    }
    return {Outcome::Refused, {}, 0};
}

} // namespace Minato::Registry
