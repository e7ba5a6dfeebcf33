#pragma once

// BearerGate: the token half of Docker's token authentication (distribution docs/spec/auth/token.md) for the
// vendor stand-ins whose registries answer with it (GCR, ACR): the challenge, the token endpoint, and the
// check of a presented token. Which actions an account gets on a repository is the stand-in's policy.
//
//   BearerGate gate(users, "/oauth2/token", "registry.azurecr.io",
//                   [](const QString &account, const QString &repository) { return QStringList{u"pull"_s}; });
//   if (gate.isTokenRequest(r)) return gate.issue(r);
//   if (!gate.allows(r, scope)) return gate.challenge(baseUrl, scope, gate.knowsToken(r));
//
//   GET <realmPath>?service=…&scope=…[&scope=…]   Authorization: Basic … (optional)
//       → 200 {"<tokenField>": "...", "expires_in": 300}   401 for wrong Basic credentials
//   Tokens are issued to anonymous callers too (with what the policy gives them), so a refused repository
//   reads as error="insufficient_scope" on the retry, as on Docker Hub, GCR and ACR.

#include "standinserver.h"

#include <QMap>
#include <QSet>
#include <QStringList>

#include <functional>

namespace Minato::Test {

class BearerGate
{
public:
    // The actions `account` (empty: anonymous) may have on `repository`.
    using Policy = std::function<QStringList(const QString &account, const QString &repository)>;
    struct TokenRequest
    {
        QString account; // from Basic; empty when anonymous
        QStringList scopes;
        QByteArray service;
    };

    BearerGate(QMap<QString, QString> users, QByteArray realmPath, QByteArray service, Policy policy);

    // "token" (GCR, distribution) or "access_token" (ACR's oauth2 endpoint).
    void setTokenField(QString field) { m_tokenField = std::move(field); }

    bool isTokenRequest(const StandInRequest &request) const { return request.path == m_realmPath; }
    StandInResponse issue(const StandInRequest &request);
    // The request's Bearer token was granted `scope` ("repository:name:action").
    bool allows(const StandInRequest &request, const QString &scope) const;
    // The request carries a token this gate issued (then a refusal is insufficient_scope).
    bool knowsToken(const StandInRequest &request) const;
    // 401 with WWW-Authenticate: Bearer realm="<base><realmPath>",service=…,scope=…[,error=insufficient_scope].
    StandInResponse challenge(const QUrl &base, const QString &scope, bool insufficient,
                              const QByteArray &errorBody) const;

    const QList<TokenRequest> &tokenRequests() const { return m_requests; }

private:
    static QByteArray presented(const StandInRequest &request);

    QMap<QString, QString> m_users;
    QByteArray m_realmPath;
    QByteArray m_service;
    Policy m_policy;
    QString m_tokenField = QStringLiteral("token");
    QMap<QByteArray, QSet<QString>> m_grants; // token → "repository:name:action"
    QList<TokenRequest> m_requests;
    int m_counter = 0;
};

} // namespace Minato::Test
