#pragma once

// DockerHubStandIn: Docker Hub's web API (hub.docker.com) as the client's vendor queries use it, for tests.
// A stand-in because the real service cannot be reached from here (no internet); DESIGN.md allows one for
// exactly this. Request and response shapes follow the Docker Hub API reference,
// https://docs.docker.com/reference/api/hub/latest/ (API version 2-beta):
//
//   POST /v2/auth/token {"identifier": user, "secret": PAT}           ("Create access token")
//        → 200 {"access_token": "<JWT>"}   401 {"detail": "…", "message": "…"} for wrong credentials
//   GET  /v2/namespaces/{ns}/repositories?page=&page_size=           ("List repositories in a namespace")
//   GET  /v2/repositories/{ns}/?page=&page_size=                     (the older listing, same shape)
//   GET  /v2/namespaces/{ns}/repositories/{repo}/tags?page=&page_size=   ("List repository tags")
//   GET  /v2/search/repositories/?query=&page=&page_size=
//        → 200 {"count": N, "next": "<absolute URL>"|null, "previous": …, "results": [ … ]}
//   DELETE /v2/namespaces/{ns}/repositories/{repo}/tags/{tag}        ("Delete repository tag")
//        → 204; 401 without a signed-in token; 403 for another account (404 if the repository is private);
//          404 for an unknown tag
//   page_size above 100 → 400. `Authorization: Bearer <JWT>` with an unknown or revoked token → 401;
//   private repositories are listed to their owner only, and their tags answer 404 to anyone else.
//
//   DockerHubStandIn hub({.users = {{"alice", "dckr_pat_x"}}});
//   hub.addRepository({.namespaceName = "alice", .name = "app", .isPrivate = true, .tags = {…}});
//   REQUIRE(hub.listen());
//   hubApi->setBaseUrl(hub.baseUrl());
//   hub.setOverride([](const StandInRequest &r) -> std::optional<StandInResponse> { … });   // misbehave

#include "standinserver.h"

#include <QJsonArray>
#include <QMap>
#include <QSet>
#include <QStringList>

#include <functional>
#include <optional>

namespace Minato::Test {

class DockerHubStandIn final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHubStandIn)

public:
    struct Image
    {
        QString architecture;
        QString os;
        QString variant;
        qint64 size = 0;
        QString digest;
    };
    struct Tag
    {
        QString name;
        qint64 fullSize = 0;
        QString lastUpdated; // "2024-05-02T09:14:33.123456Z"
        QString digest;
        QString mediaType;
        QList<Image> images;
    };
    struct Repository
    {
        QString namespaceName;
        QString name;
        QString description;
        int stars = 0;
        qint64 pulls = 0;
        bool official = false;
        bool isPrivate = false;
        QList<Tag> tags;
    };
    struct Options
    {
        QMap<QString, QString> users;   // user → personal access token
        bool legacyListingOnly = false; // /v2/namespaces/{ns}/repositories answers 404 (an older hub)
    };
    using Override = std::function<std::optional<StandInResponse>(const StandInRequest &)>;

    explicit DockerHubStandIn(Options options, QObject *parent = nullptr);
    ~DockerHubStandIn() override;

    bool listen() { return m_server.listen(); }
    QUrl baseUrl() const { return m_server.baseUrl(); }
    const StandInServer &server() const { return m_server; }

    void addRepository(Repository repository);
    // Answers first when it returns a response (misbehaviour on cue).
    void setOverride(Override handler) { m_override = std::move(handler); }
    // Every token handed out stops working (as after its expiry).
    void revokeTokens() { m_tokens.clear(); }
    const QList<QByteArray> &issuedTokens() const { return m_issued; }

private:
    StandInResponse handle(const StandInRequest &request);
    StandInResponse login(const StandInRequest &request);
    StandInResponse deleteTag(const StandInRequest &request);
    // The account a valid Bearer token belongs to; empty for anonymous; nullopt for a refused token.
    std::optional<QString> caller(const StandInRequest &request) const;
    StandInResponse page(const StandInRequest &request, const QByteArray &path, const QJsonArray &all) const;

    Options m_options;
    StandInServer m_server;
    QList<Repository> m_repositories;
    QMap<QByteArray, QString> m_tokens; // token → user
    QList<QByteArray> m_issued;
    Override m_override;
};

} // namespace Minato::Test
