#include "tokenregistrystandin.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Test {

TokenRegistryStandIn::TokenRegistryStandIn(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_server.setHandler([this](const StandInRequest &r) { return handle(r); });
}

TokenRegistryStandIn::~TokenRegistryStandIn() = default;

void TokenRegistryStandIn::addRepository(const QString &name, const QStringList &tags, const QString &owner)
{
    m_repositories.insert(name, Repository{tags, owner});
}

StandInResponse TokenRegistryStandIn::challenge(const QString &scope, bool insufficient) const
{
    QByteArray value = "Bearer realm=\"" + baseUrl().toEncoded() + "/token\",service=\"minato-test\"";
    if (!scope.isEmpty()) {
        value += ",scope=\"" + scope.toUtf8() + '"';
    }
    if (insufficient) {
        value += ",error=\"insufficient_scope\"";
    }
    return StandInResponse::json(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})")
        .withHeader("WWW-Authenticate", value);
}

StandInResponse TokenRegistryStandIn::token(const StandInRequest &request)
{
    TokenRequest record;
    record.service = request.queryValue("service");
    for (const QByteArray &s : request.queryValues("scope")) {
        record.scopes.append(QString::fromUtf8(s));
    }
    const QByteArray authorization = request.header("Authorization");
    if (!authorization.isEmpty()) {
        if (!authorization.startsWith("Basic ")) {
            return StandInResponse::json(401, R"({"details":"unsupported authorization"})");
        }
        const QByteArray decoded = QByteArray::fromBase64(authorization.mid(6));
        const qsizetype colon = decoded.indexOf(':');
        const QString user = QString::fromUtf8(decoded.left(colon));
        const QString password = QString::fromUtf8(decoded.mid(colon + 1));
        if (colon < 0 || !m_options.users.contains(user) || m_options.users.value(user) != password) {
            m_tokenRequests.append(record);
            return StandInResponse::json(401, R"({"details":"incorrect username or password"})");
        }
        record.account = user;
    }
    m_tokenRequests.append(record);

    QSet<QString> granted;
    for (const QString &scope : std::as_const(record.scopes)) {
        const QStringList parts = scope.split(u':');
        if (parts.size() != 3 || parts[0] != u"repository") {
            continue;
        }
        const auto repo = m_repositories.constFind(parts[1]);
        for (const QString &action : parts[2].split(u',')) {
            const bool owner =
                repo != m_repositories.cend() && !record.account.isEmpty() && repo->owner == record.account;
            const bool publicPull = repo != m_repositories.cend() && repo->owner.isEmpty() && action == u"pull";
            if (owner || publicPull) {
                granted.insert(parts[0] + u':' + parts[1] + u':' + action);
            }
        }
    }
    const QByteArray value = "tok-" + QByteArray::number(++m_counter);
    m_grants.insert(value, granted);

    QJsonObject body;
    body.insert(m_options.answerAccessToken ? QStringLiteral("access_token") : QStringLiteral("token"),
                QString::fromLatin1(value));
    if (m_options.expiresIn > 0) {
        body.insert(QStringLiteral("expires_in"), m_options.expiresIn);
    }
    body.insert(QStringLiteral("issued_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    return StandInResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

StandInResponse TokenRegistryStandIn::handle(const StandInRequest &request)
{
    if (request.path == "/token") {
        return token(request);
    }
    const QByteArray authorization = request.header("Authorization");
    const QByteArray presented = authorization.startsWith("Bearer ") ? authorization.mid(7) : QByteArray();
    const bool known = m_grants.contains(presented);
    if (request.path == "/v2/") {
        if (!known) {
            return challenge({}, false);
        }
        ++m_authorized;
        return StandInResponse::json(200, "{}");
    }
    // /v2/<name>/tags/list or /v2/<name>/manifests/<ref>
    const QString path = QString::fromUtf8(request.path);
    QString name;
    QString action = QStringLiteral("pull");
    if (path.endsWith(QStringLiteral("/tags/list"))) {
        name = path.mid(4, path.size() - 4 - 10);
    } else if (const qsizetype m = path.lastIndexOf(QStringLiteral("/manifests/")); m > 4) {
        name = path.mid(4, m - 4);
        if (request.method == "DELETE") {
            action = QStringLiteral("delete");
        }
    } else {
        return StandInResponse::json(404, R"({"errors":[{"code":"UNSUPPORTED","message":"not here"}]})");
    }
    const QString scope = QStringLiteral("repository:%1:%2").arg(name, action);
    if (!known || !m_grants.value(presented).contains(scope)) {
        return challenge(scope, known);
    }
    ++m_authorized;
    const auto repo = m_repositories.constFind(name);
    if (repo == m_repositories.cend()) {
        return StandInResponse::json(
            404, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})");
    }
    if (action == u"delete") {
        return StandInResponse::json(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})");
    }
    QJsonObject body;
    body.insert(QStringLiteral("name"), name);
    body.insert(QStringLiteral("tags"), QJsonArray::fromStringList(repo->tags));
    return StandInResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace Minato::Test
