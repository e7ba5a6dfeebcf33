#include "authsession.h"

#include "clientlog.h"

#include <QMap>
#include <QSet>

#include <algorithm>

namespace Minato::Client {

namespace {

struct ScopeParts
{
    QString resource; // "repository:team/app"
    QStringList actions;
};

// "type:name:actions" — the name may itself contain ':' (a host:port), so split at the first and last ':'.
std::optional<ScopeParts> splitScope(const QString &scope)
{
    const qsizetype last = scope.lastIndexOf(u':');
    const qsizetype first = scope.indexOf(u':');
    if (first <= 0 || last <= first) {
        return std::nullopt;
    }
    return ScopeParts{scope.left(last), scope.mid(last + 1).split(u',', Qt::SkipEmptyParts)};
}

} // namespace

AuthSession::AuthSession(QUrl registryOrigin, QObject *parent)
    : QObject(parent)
    , m_origin(std::move(registryOrigin))
    , m_source(std::make_shared<StaticCredentialSource>())
{}

AuthSession::~AuthSession() = default;

void AuthSession::setCredentialSource(std::shared_ptr<CredentialSource> source)
{
    m_source = source ? std::move(source) : std::make_shared<StaticCredentialSource>();
    ++m_generation;
    m_lookup = Lookup::NotAsked;
    m_credentials.reset();
    m_tokens.clear();
    // Callers waiting on the old source get the new one's answer.
    if (!m_waiters.isEmpty()) {
        m_lookup = Lookup::Pending;
        const int generation = m_generation;
        m_source->lookup(m_origin, this,
                         [this, generation](CredentialLookup c) { deliverCredentials(std::move(c), generation); });
    }
}

void AuthSession::setCredentials(std::optional<Credentials> credentials)
{
    setCredentialSource(std::make_shared<StaticCredentialSource>(std::move(credentials)));
}

void AuthSession::requestCredentials(QObject *context, std::function<void(const CredentialLookup &)> done)
{
    if (m_lookup == Lookup::Done && m_credentialsExpiry.hasExpired()) {
        m_lookup = Lookup::NotAsked; // aged: the source may have a newer token (ECR, GCR)
    }
    if (m_lookup == Lookup::Done) {
        done(CredentialLookup::of(m_credentials));
        return;
    }
    m_waiters.append(Waiter{context, std::move(done)});
    if (m_lookup == Lookup::Pending) {
        return;
    }
    m_lookup = Lookup::Pending;
    const int generation = m_generation;
    m_source->lookup(m_origin, this,
                     [this, generation](CredentialLookup c) { deliverCredentials(std::move(c), generation); });
}

void AuthSession::deliverCredentials(CredentialLookup lookup, int generation)
{
    if (generation != m_generation) {
        return;
    }
    if (lookup.isFailure()) {
        // Not remembered: a keychain that timed out or was locked may answer the next time.
        lookup.credentials.reset();
        m_credentials.reset();
        m_lookup = Lookup::NotAsked;
    } else {
        if (lookup.credentials && lookup.credentials->username.isEmpty() && lookup.credentials->secret.isEmpty()) {
            lookup.credentials.reset();
        }
        m_credentials = lookup.credentials;
        m_lookup = Lookup::Done;
        m_credentialsExpiry = QDeadlineTimer(m_credentialsMaxAgeMs);
    }
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &w : waiters) {
        if (w.context) {
            w.done(lookup);
        }
    }
}

void AuthSession::forgetCredentials()
{
    ++m_generation;
    m_lookup = Lookup::NotAsked;
    m_credentials.reset();
    // Tokens obtained with them are no longer trustworthy either.
    m_tokens.removeIf([](const CachedToken &t) { return !t.anonymous; });
    emit credentialsRejected();
}

void AuthSession::noteAnonymous()
{
    if (m_scheme == Scheme::Unknown) {
        m_scheme = Scheme::Anonymous;
    }
}

void AuthSession::noteBasicChallenge()
{
    m_scheme = Scheme::Basic;
}

void AuthSession::noteBearerChallenge(const QString &realm, const QString &service)
{
    m_scheme = Scheme::Bearer;
    m_realm = realm;
    m_service = service;
}

QByteArray AuthSession::authorizationFor(const QStringList &scopes) const
{
    switch (m_scheme) {
    case Scheme::Basic:
        // An identity token is an OAuth2 refresh token: it goes to a token endpoint, never out as Basic.
        if (m_lookup == Lookup::Done && m_credentials && !m_credentials->isIdentityToken &&
            !m_credentialsExpiry.hasExpired()) {
            return basicAuthorization(*m_credentials);
        }
        return {};
    case Scheme::Bearer: {
        const QByteArray token = cachedToken(m_realm, m_service, scopes);
        return token.isEmpty() ? QByteArray() : QByteArrayLiteral("Bearer ") + token;
    }
    case Scheme::Unknown:
    case Scheme::Anonymous:
        break;
    }
    return {};
}

void AuthSession::storeToken(const QString &realm, const QString &service, const QStringList &scopes,
                             const QByteArray &token, int expiresInSeconds, bool anonymous)
{
    const QStringList merged = mergeScopes(scopes, {});
    m_tokens.removeIf([&](const CachedToken &t) {
        return t.expiry.hasExpired() || (t.realm == realm && t.service == service && t.scopes == merged);
    });
    const int lifetime = std::max(expiresInSeconds, MinimumTokenLifetimeSeconds);
    // Renew a little early: a token that expires in flight costs a 401 and a second round trip.
    const qint64 usableMs = qint64(lifetime) * 1000 - std::min<qint64>(qint64(lifetime) * 100, 30000);
    m_tokens.append(CachedToken{realm, service, merged, token, QDeadlineTimer(usableMs), anonymous});
}

QByteArray AuthSession::cachedToken(const QString &realm, const QString &service, const QStringList &scopes) const
{
    for (const CachedToken &t : m_tokens) {
        if (t.realm == realm && t.service == service && !t.expiry.hasExpired() && scopesCover(t.scopes, scopes)) {
            return t.value;
        }
    }
    return {};
}

QStringList AuthSession::heldScopes(const QString &realm, const QString &service, const QStringList &scopes) const
{
    QSet<QString> resources;
    for (const QString &scope : scopes) {
        if (const auto parts = splitScope(scope)) {
            resources.insert(parts->resource);
        }
    }
    QStringList held;
    for (const CachedToken &t : m_tokens) {
        if (t.realm != realm || t.service != service || t.expiry.hasExpired()) {
            continue;
        }
        for (const QString &scope : t.scopes) {
            const auto parts = splitScope(scope);
            if (parts && resources.contains(parts->resource)) {
                held.append(scope);
            }
        }
    }
    return mergeScopes(held, {});
}

void AuthSession::dropToken(const QByteArray &token)
{
    m_tokens.removeIf([&](const CachedToken &t) { return t.value == token; });
}

QByteArray AuthSession::basicAuthorization(const Credentials &credentials)
{
    return QByteArrayLiteral("Basic ") + (credentials.username + u':' + credentials.secret).toUtf8().toBase64();
}

QStringList AuthSession::mergeScopes(const QStringList &a, const QStringList &b)
{
    QMap<QString, QSet<QString>> byResource;
    QStringList opaque; // scopes that do not follow type:name:actions are kept as they are
    for (const QStringList *list : {&a, &b}) {
        for (const QString &scope : *list) {
            if (const auto parts = splitScope(scope)) {
                auto &actions = byResource[parts->resource];
                for (const QString &action : parts->actions) {
                    actions.insert(action);
                }
            } else if (!opaque.contains(scope)) {
                opaque.append(scope);
            }
        }
    }
    QStringList out;
    for (auto it = byResource.cbegin(); it != byResource.cend(); ++it) {
        QStringList actions(it.value().cbegin(), it.value().cend());
        actions.sort();
        out.append(it.key() + u':' + actions.join(u','));
    }
    out.append(opaque);
    return out;
}

bool AuthSession::scopesCover(const QStringList &have, const QStringList &want)
{
    for (const QString &w : want) {
        const auto wanted = splitScope(w);
        bool covered = false;
        for (const QString &h : have) {
            if (!wanted) {
                covered = covered || h == w;
                continue;
            }
            const auto held = splitScope(h);
            if (!held || held->resource != wanted->resource) {
                continue;
            }
            covered = std::all_of(wanted->actions.cbegin(), wanted->actions.cend(), [&](const QString &action) {
                return held->actions.contains(action) || held->actions.contains(QStringLiteral("*"));
            });
            if (covered) {
                break;
            }
        }
        if (!covered) {
            return false;
        }
    }
    return true;
}

} // namespace Minato::Client
