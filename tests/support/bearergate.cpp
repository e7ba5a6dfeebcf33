#include "bearergate.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Test {

BearerGate::BearerGate(QMap<QString, QString> users, QByteArray realmPath, QByteArray service, Policy policy)
    : m_users(std::move(users))
    , m_realmPath(std::move(realmPath))
    , m_service(std::move(service))
    , m_policy(std::move(policy))
{}

QByteArray BearerGate::presented(const StandInRequest &request)
{
    const QByteArray authorization = request.header("Authorization");
    return authorization.startsWith("Bearer ") ? authorization.mid(7) : QByteArray();
}

bool BearerGate::knowsToken(const StandInRequest &request) const
{
    return m_grants.contains(presented(request));
}

bool BearerGate::allows(const StandInRequest &request, const QString &scope) const
{
    const auto it = m_grants.constFind(presented(request));
    return it != m_grants.cend() && it->contains(scope);
}

StandInResponse BearerGate::challenge(const QUrl &base, const QString &scope, bool insufficient,
                                      const QByteArray &errorBody) const
{
    QByteArray value = "Bearer realm=\"" + base.toEncoded() + m_realmPath + "\",service=\"" + m_service + '"';
    if (!scope.isEmpty()) {
        value += ",scope=\"" + scope.toUtf8() + '"';
    }
    if (insufficient) {
        value += ",error=\"insufficient_scope\"";
    }
    return StandInResponse::json(401, errorBody).withHeader("WWW-Authenticate", value);
}

StandInResponse BearerGate::issue(const StandInRequest &request)
{
    TokenRequest record;
    record.service = request.queryValue("service");
    for (const QByteArray &s : request.queryValues("scope")) {
        record.scopes.append(QString::fromUtf8(s));
    }
    const QByteArray authorization = request.header("Authorization");
    if (!authorization.isEmpty()) {
        const QByteArray decoded =
            authorization.startsWith("Basic ") ? QByteArray::fromBase64(authorization.mid(6)) : QByteArray();
        const qsizetype colon = decoded.indexOf(':');
        const QString user = QString::fromUtf8(decoded.left(colon));
        if (colon < 0 || !m_users.contains(user) || m_users.value(user) != QString::fromUtf8(decoded.mid(colon + 1))) {
            m_requests.append(record);
            return StandInResponse::json(401, R"({"details":"incorrect username or password"})");
        }
        record.account = user;
    }
    m_requests.append(record);

    QSet<QString> granted;
    for (const QString &scope : std::as_const(record.scopes)) {
        const QStringList parts = scope.split(u':');
        if (parts.size() != 3 || parts[0] != u"repository") {
            continue;
        }
        const QStringList allowed = m_policy(record.account, parts[1]);
        for (const QString &action : parts[2].split(u',')) {
            if (allowed.contains(action)) {
                granted.insert(parts[0] + u':' + parts[1] + u':' + action);
            }
        }
    }
    const QByteArray token = "gate-" + QByteArray::number(++m_counter);
    m_grants.insert(token, granted);
    QJsonObject body;
    body.insert(m_tokenField, QString::fromLatin1(token));
    body.insert(QStringLiteral("expires_in"), 300);
    body.insert(QStringLiteral("issued_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    return StandInResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

} // namespace Minato::Test
