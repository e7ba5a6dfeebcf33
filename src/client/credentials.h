#pragma once

// The value types every credential source speaks: what a registry login is (Credentials), how asking for
// one can fail (CredentialError), the answer of one request (CredentialResult), and the registry key all
// sources agree on (normalizeRegistryKey).
//
//   Credentials c{QStringLiteral("alice"), secretFromUser, false};
//   qDebug() << c;                                   // Credentials("alice", secret: <redacted>)
//   normalizeRegistryKey(u"https://index.docker.io/v1/") == "docker.io"
//   normalizeRegistryKey(u"HTTP://LocalHost:5000/v2/")   == "localhost:5000"
//
//   store->lookup(u"ghcr.io", this, [this](const CredentialResult &r) {
//       if (r.ok()) { useLogin(r.credentials()); }
//       else if (r.isNotFound()) { goAnonymous(); }
//       else { showError(r.error().message()); }       // a sentence a person can act on
//   });
//
// A secret never reaches a log: the QDebug form of Credentials and CredentialResult redacts it, and no
// error message carries it.

#include <QDebug>
#include <QString>
#include <QStringView>

#include <optional>
#include <utility>

namespace Minato::Client {

struct Credentials
{
    QString username; // empty for an identity token that came without a user name
    QString secret;   // a password, a personal access token, or (isIdentityToken) an OAuth refresh token
    // An identity token is exchanged for a bearer token at the registry's token endpoint
    // (grant_type=refresh_token) instead of being sent as a Basic password.
    bool isIdentityToken = false;

    bool operator==(const Credentials &) const = default;
};

// Never shows the secret, not even its length.
QDebug operator<<(QDebug debug, const Credentials &credentials);

class CredentialError
{
public:
    enum class Kind {
        NotFound,  // no credentials for this registry here: not a failure, just go on (anonymous, next source)
        NoBackend, // the place they would live is not there: no keychain service, a helper not installed
        Denied,    // the keychain refused (the user declined, or policy); a locked keyring reads as NotFound
        Timeout,   // no answer in time (a keychain prompting unseen, a helper waiting for input)
        Other,     // anything else; the message says what
    };

    CredentialError() = default;
    CredentialError(Kind kind, QString message)
        : m_kind(kind)
        , m_message(std::move(message))
    {}

    Kind kind() const { return m_kind; }
    // A sentence a person can act on, translated; never contains a secret.
    const QString &message() const { return m_message; }

    bool operator==(const CredentialError &) const = default;

private:
    Kind m_kind = Kind::Other;
    QString m_message;
};

QDebug operator<<(QDebug debug, const CredentialError &error);

// The one answer of a lookup, store or erase. A lookup that succeeds carries the credentials; store and
// erase carry none.
class CredentialResult
{
public:
    CredentialResult() = default; // success with no credentials (store, erase)
    static CredentialResult success(Credentials credentials, QString origin = {});
    static CredentialResult failure(CredentialError error, QString origin = {});
    static CredentialResult failure(CredentialError::Kind kind, QString message, QString origin = {});

    bool ok() const { return !m_error.has_value(); }
    bool isNotFound() const { return m_error && m_error->kind() == CredentialError::Kind::NotFound; }
    // Precondition: ok().
    const Credentials &credentials() const;
    // Precondition: !ok().
    const CredentialError &error() const;
    // Where the answer came from, for the UI ("docker-credential-pass", "/home/a/.docker/config.json",
    // "the system keychain"); may be empty.
    const QString &origin() const { return m_origin; }

private:
    Credentials m_credentials;
    std::optional<CredentialError> m_error;
    QString m_origin;
};

QDebug operator<<(QDebug debug, const CredentialResult &result);

// The key every credential source is asked with: the registry's host[:port], lower case, without scheme,
// path or user info; Docker Hub under all its names ("docker.io", "index.docker.io", "registry-1.docker.io",
// "registry.hub.docker.com", "https://index.docker.io/v1/") becomes "docker.io". A default port is kept as
// written (docker does not strip ":443" either). Returns an empty string when the text names no host.
QString normalizeRegistryKey(QStringView registry);

// The key docker itself files Docker Hub under, in config.json and when talking to credential helpers.
inline QString dockerHubLegacyKey()
{
    return QStringLiteral("https://index.docker.io/v1/");
}
inline QString dockerHubKey()
{
    return QStringLiteral("docker.io");
}

} // namespace Minato::Client
