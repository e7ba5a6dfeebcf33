#pragma once

// AuthSession: what a RegistryClient knows about authenticating to its registry — the credentials
// (looked up once, lazily, from a CredentialSource), which scheme the registry challenged with, and the
// bearer tokens obtained so far. It does no networking itself: operations run the challenge flow
// (operation.cpp) and record what they learn here, so every operation of a connection shares it.
//
//   // before a request, pre-emptive authorization (empty when nothing is known yet):
//   request.setRawHeader("Authorization", session->authorizationFor({u"repository:team/app:pull"_s}));
//   // after a 401 Bearer challenge and a token response:
//   session->storeToken(challenge.realm, challenge.service, scopes, token, expiresIn, anonymous);
//
// Policy (distribution docs/spec/auth/token.md):
// - Anonymous until challenged. Basic credentials are sent only after a 401 Basic challenge, then
//   pre-emptively on later requests to the same origin.
// - Bearer tokens are cached per (realm, service, scope set) until expires_in (minimum and default 60 s,
//   as distribution's client) less a safety margin; a cached token is reused when its scopes cover
//   the request's ("repository:a:pull,push" covers "repository:a:pull"); otherwise a new token is asked
//   for the union (scope upgrade pull → pull,push).

#include "credentialsource.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace Minato::Client {

class AuthSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuthSession)

public:
    enum class Scheme { Unknown, Anonymous, Basic, Bearer };

    static constexpr int MinimumTokenLifetimeSeconds = 60;
    // Credentials are asked from the source again after this long: ECR's (docker-credential-ecr-login) and
    // GCR's are tokens that expire after 12 h and 1 h; a long-running app must pick up the next one before a
    // request fails with the old one.
    static constexpr qint64 DefaultCredentialsMaxAgeMs = qint64(30) * 60 * 1000;

    explicit AuthSession(QUrl registryOrigin, QObject *parent = nullptr);
    ~AuthSession() override;

    const QUrl &registryOrigin() const { return m_origin; }

    // Replaces the source (and forgets credentials and tokens obtained with the previous one).
    void setCredentialSource(std::shared_ptr<CredentialSource> source);
    // Shorthand for a StaticCredentialSource; nullopt = anonymous.
    void setCredentials(std::optional<Credentials> credentials);
    // Calls done with the credentials (or none), asking the source the first time only; several callers during
    // one lookup share it. done runs only while context lives. A failed lookup (the store could not be read)
    // is handed to every waiter and not remembered: the next request asks the source again.
    void requestCredentials(QObject *context, std::function<void(const CredentialLookup &)> done);
    // After the registry refused them: the next requestCredentials() asks the source again.
    void forgetCredentials();
    // How long credentials from the source are used before asking it again (default 30 min). Past it they are
    // no longer sent pre-emptively either: the registry's challenge then leads to a fresh lookup.
    void setCredentialsMaxAge(qint64 milliseconds) { m_credentialsMaxAgeMs = milliseconds; }

    Scheme scheme() const { return m_scheme; }
    void noteAnonymous();
    void noteBasicChallenge();
    void noteBearerChallenge(const QString &realm, const QString &service);
    const QString &bearerRealm() const { return m_realm; }
    const QString &bearerService() const { return m_service; }

    // The Authorization header to send pre-emptively for a request needing `scopes`, or empty.
    QByteArray authorizationFor(const QStringList &scopes) const;

    void storeToken(const QString &realm, const QString &service, const QStringList &scopes, const QByteArray &token,
                    int expiresInSeconds, bool anonymous);
    // A live token whose scopes cover `scopes`, or empty.
    QByteArray cachedToken(const QString &realm, const QString &service, const QStringList &scopes) const;
    // Scopes of live tokens for (realm, service) on the same resources as `scopes`: asked again together
    // with the new ones, so that the new token replaces the old (pull → pull,push) instead of adding one.
    QStringList heldScopes(const QString &realm, const QString &service, const QStringList &scopes) const;
    // A token the registry refused: never offer it again.
    void dropToken(const QByteArray &token);
    int cachedTokenCount() const { return static_cast<int>(m_tokens.size()); }

    // "Basic base64(user:secret)".
    static QByteArray basicAuthorization(const Credentials &credentials);
    // Union of two scope lists, actions merged per resource and sorted:
    // {"repository:a:pull"} ∪ {"repository:a:push"} → {"repository:a:pull,push"}.
    static QStringList mergeScopes(const QStringList &a, const QStringList &b);
    // True when every action of every scope in `want` is granted by some scope in `have`.
    static bool scopesCover(const QStringList &have, const QStringList &want);

signals:
    // The registry refused the credentials (wrong password, revoked token): the UI may prompt again.
    void credentialsRejected();

private:
    struct CachedToken
    {
        QString realm;
        QString service;
        QStringList scopes; // merged, sorted
        QByteArray value;
        QDeadlineTimer expiry;
        bool anonymous = false;
    };
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void(const CredentialLookup &)> done;
    };
    enum class Lookup { NotAsked, Pending, Done };

    void deliverCredentials(CredentialLookup lookup, int generation);

    QUrl m_origin;
    std::shared_ptr<CredentialSource> m_source;
    Lookup m_lookup = Lookup::NotAsked;
    int m_generation = 0; // bumps on setCredentialSource/forget, so late answers from an old lookup are ignored
    std::optional<Credentials> m_credentials;
    qint64 m_credentialsMaxAgeMs = DefaultCredentialsMaxAgeMs;
    QDeadlineTimer m_credentialsExpiry; // when m_credentials are asked for again
    QList<Waiter> m_waiters;

    Scheme m_scheme = Scheme::Unknown;
    QString m_realm;
    QString m_service;
    QList<CachedToken> m_tokens;
};

} // namespace Minato::Client
