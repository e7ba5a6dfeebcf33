#pragma once

// TokenRegistryStandIn: a registry front that speaks Docker's token authentication flow, with its token
// endpoint, for the client's Bearer tests. It stands in until Minato's embedded registry grows its own
// token endpoint (a later slice); the reference registry's token auth needs a signing certificate chain
// and an external token server, which this machine does not have. Shapes follow distribution's
// docs/spec/auth/token.md (challenge, token request, token response) and Docker Hub's documented habits:
//
//   GET /v2/…  without a valid token → 401  WWW-Authenticate: Bearer realm="<base>/token",service="minato-test",
//                                          scope="repository:<name>:pull"[,error="insufficient_scope"]
//   GET /token?service=…&scope=…[&scope=…]  Authorization: Basic … (optional)
//       → 200 {"token": "...", "expires_in": N, "issued_at": "..."}  (or "access_token", see Options)
//       → 401 when Basic credentials are given but wrong
//   Scopes are granted as Docker Hub does: pull on a public repository to anyone; pull/push/delete on a
//   private one to its owner; nothing (the token is still issued) otherwise — so a missing or private
//   repository reads as "insufficient_scope" on the retry, never as a token-endpoint 401.
//
//   TokenRegistryStandIn registry({.users = {{"alice", "s3cret"}}});
//   registry.addRepository("library/public", {"v1", "v2"});
//   registry.addRepository("alice/private", {"dev"}, /*owner=*/"alice");

#include "standinserver.h"

#include <QMap>
#include <QSet>
#include <QStringList>

namespace Minato::Test {

class TokenRegistryStandIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenRegistryStandIn)

public:
    struct Options
    {
        QMap<QString, QString> users;   // user → password
        bool answerAccessToken = false; // send "access_token" instead of "token"
        int expiresIn = 300;            // 0: omit expires_in (clients must assume 60 s)
    };
    struct TokenRequest
    {
        QString account;    // user from Basic, empty when anonymous
        QStringList scopes; // as sent
        QByteArray service;
    };

    explicit TokenRegistryStandIn(Options options, QObject *parent = nullptr);
    ~TokenRegistryStandIn() override;

    bool listen() { return m_server.listen(); }
    QUrl baseUrl() const { return m_server.baseUrl(); }
    const StandInServer &server() const { return m_server; }

    void addRepository(const QString &name, const QStringList &tags, const QString &owner = {});
    const QList<TokenRequest> &tokenRequests() const { return m_tokenRequests; }
    // Requests to /v2/… that carried an Authorization header the registry accepted.
    int authorizedRequests() const { return m_authorized; }

private:
    StandInResponse handle(const StandInRequest &request);
    StandInResponse token(const StandInRequest &request);
    StandInResponse challenge(const QString &scope, bool insufficient) const;

    struct Repository
    {
        QStringList tags;
        QString owner; // empty: public
    };

    Options m_options;
    StandInServer m_server;
    QMap<QString, Repository> m_repositories;
    QMap<QByteArray, QSet<QString>> m_grants; // token → granted "repository:name:action"
    QList<TokenRequest> m_tokenRequests;
    int m_authorized = 0;
    int m_counter = 0;
};

} // namespace Minato::Test
