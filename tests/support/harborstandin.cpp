#include "harborstandin.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Test {

namespace {

StandInResponse harborError(int status, const char *code, const char *message)
{
    return StandInResponse::json(status, QByteArray(R"({"errors":[{"code":")") + code + R"(","message":")" + message +
                                             R"("}]})");
}

} // namespace

HarborStandIn::HarborStandIn(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_server.setHandler([this](const StandInRequest &r) { return handle(r); });
}

HarborStandIn::~HarborStandIn() = default;

void HarborStandIn::addProject(const QString &name, bool isPublic)
{
    m_projects.insert(name, isPublic);
}

void HarborStandIn::addRepository(const QString &name, QList<Artifact> artifacts)
{
    m_repositories.insert(name, std::move(artifacts));
}

bool HarborStandIn::visible(const QString &project, const QString &user) const
{
    return m_projects.contains(project) && (m_projects.value(project) || !user.isEmpty());
}

StandInResponse HarborStandIn::page(const StandInRequest &request, const QJsonArray &all) const
{
    bool ok = false;
    int pageSize = request.queryValue("page_size").toInt(&ok);
    if (!ok) {
        pageSize = 10;
    }
    if (pageSize < 1 || pageSize > 100) {
        return harborError(400, "BAD_REQUEST", "page_size must be between 1 and 100");
    }
    int pageNumber = request.queryValue("page").toInt(&ok);
    if (!ok || pageNumber < 1) {
        pageNumber = 1;
    }
    QJsonArray results;
    const qsizetype from = qsizetype(pageNumber - 1) * pageSize;
    for (qsizetype i = from; i < all.size() && i < from + pageSize; ++i) {
        results.append(all.at(i));
    }
    // Harbor's Link targets keep the other query parameters (with_tag …) and the path as requested.
    QByteArray others;
    for (const QByteArray &pair : request.query.split('&')) {
        if (!pair.isEmpty() && !pair.startsWith("page=") && !pair.startsWith("page_size=")) {
            others += '&' + pair;
        }
    }
    const auto target = [&](int n) {
        return request.path + "?page=" + QByteArray::number(n) + "&page_size=" + QByteArray::number(pageSize) + others;
    };
    QList<QByteArray> links;
    if (pageNumber > 1) {
        links.append("<" + target(pageNumber - 1) + ">; rel=\"prev\"");
    }
    if (from + pageSize < all.size()) {
        links.append("<" + target(pageNumber + 1) + ">; rel=\"next\"");
    }
    StandInResponse response = StandInResponse::json(200, QJsonDocument(results).toJson(QJsonDocument::Compact));
    response.withHeader("X-Total-Count", QByteArray::number(all.size()));
    if (!links.isEmpty()) {
        response.withHeader("Link", links.join(", "));
    }
    return response;
}

const HarborStandIn::Artifact *HarborStandIn::findArtifact(const QString &repository, const QString &reference) const
{
    const auto it = m_repositories.constFind(repository);
    if (it == m_repositories.cend()) {
        return nullptr;
    }
    for (const Artifact &a : *it) {
        if (a.digest == reference || a.tags.contains(reference)) {
            return &a;
        }
    }
    return nullptr;
}

StandInResponse HarborStandIn::registry(const StandInRequest &request)
{
    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(request.path));
    const qsizetype at = path.lastIndexOf(QStringLiteral("/manifests/"));
    if (at < 4) {
        return harborError(404, "NOT_FOUND", "not found");
    }
    const QString repository = path.mid(4, at - 4);
    const QString reference = path.mid(at + 11);
    const bool byDigest = reference.startsWith(QStringLiteral("sha256:"));
    if (request.method == "DELETE" && !byDigest) {
        // Harbor's registry deleteManifest: "v2 doesn't support delete by tag" — UNSUPPORTED, a 400.
        return harborError(400, "UNSUPPORTED", "unsupported digest");
    }
    if (request.method == "HEAD") {
        const Artifact *a = findArtifact(repository, reference);
        if (!a) {
            return harborError(404, "MANIFEST_UNKNOWN", "manifest unknown");
        }
        StandInResponse found;
        found.withHeader("Docker-Content-Digest", a->digest.toUtf8());
        found.withHeader("Content-Type", a->manifestMediaType.toUtf8());
        return found;
    }
    return harborError(404, "NOT_FOUND", "not served by this stand-in");
}

StandInResponse HarborStandIn::deleteTag(const StandInRequest &request, const QString &user)
{
    // "", api, v2.0, projects, {p}, repositories, {r}, artifacts, {reference}, tags, {tag}; {r} is still encoded
    // once here (Harbor's double encoding of repository_name).
    const QList<QByteArray> parts = QByteArray::fromPercentEncoding(request.path).split('/');
    if (parts.size() != 11 || parts[3] != "projects" || parts[5] != "repositories" || parts[7] != "artifacts" ||
        parts[9] != "tags") {
        return harborError(405, "METHOD_NOT_ALLOWED", "method not allowed");
    }
    if (user.isEmpty()) {
        return harborError(401, "UNAUTHORIZED", "unauthorized");
    }
    const QString project = QString::fromUtf8(parts[4]);
    const QString repository = project + u'/' + QString::fromUtf8(QByteArray::fromPercentEncoding(parts[6]));
    const QString reference = QString::fromUtf8(parts[8]);
    const QString tag = QString::fromUtf8(parts[10]);
    if (!m_projects.contains(project) || !m_repositories.contains(repository)) {
        return harborError(404, "NOT_FOUND", "repository not found");
    }
    for (Artifact &a : m_repositories[repository]) {
        if (a.digest != reference && !a.tags.contains(reference)) {
            continue;
        }
        if (!a.tags.removeOne(tag)) {
            return harborError(404, "NOT_FOUND", "tag not found");
        }
        m_deletedTags.append(repository + u':' + tag);
        return StandInResponse::json(200, {});
    }
    return harborError(404, "NOT_FOUND", "artifact not found");
}

StandInResponse HarborStandIn::search(const StandInRequest &request, const QString &user) const
{
    const QString q = QString::fromUtf8(request.queryValue("q"));
    if (q.isEmpty()) {
        return harborError(400, "BAD_REQUEST", "q is required");
    }
    QJsonArray projects;
    int id = 0;
    QMap<QString, int> ids;
    for (auto it = m_projects.cbegin(); it != m_projects.cend(); ++it) {
        ids.insert(it.key(), ++id);
        if (visible(it.key(), user) && it.key().contains(q, Qt::CaseInsensitive)) {
            projects.append(QJsonObject{{QStringLiteral("project_id"), id},
                                        {QStringLiteral("name"), it.key()},
                                        {QStringLiteral("repo_count"), 0}});
        }
    }
    QJsonArray repositories;
    for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it) {
        const QString project = it.key().section(u'/', 0, 0);
        if (!visible(project, user) || !it.key().contains(q, Qt::CaseInsensitive)) {
            continue;
        }
        QJsonObject r;
        r.insert(QStringLiteral("project_id"), ids.value(project));
        r.insert(QStringLiteral("project_name"), project);
        r.insert(QStringLiteral("project_public"), m_projects.value(project));
        r.insert(QStringLiteral("repository_name"), it.key());
        r.insert(QStringLiteral("pull_count"), m_pulls.value(it.key()));
        r.insert(QStringLiteral("artifact_count"), it.value().size());
        repositories.append(r);
    }
    return StandInResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("project"), projects},
                                                                {QStringLiteral("repository"), repositories}})
                                          .toJson(QJsonDocument::Compact));
}

StandInResponse HarborStandIn::handle(const StandInRequest &request)
{
    QString user;
    if (const QByteArray authorization = request.header("Authorization"); !authorization.isEmpty()) {
        const QByteArray decoded =
            authorization.startsWith("Basic ") ? QByteArray::fromBase64(authorization.mid(6)) : QByteArray();
        const qsizetype colon = decoded.indexOf(':');
        const QString name = QString::fromUtf8(decoded.left(colon));
        if (colon < 0 || !m_options.users.contains(name) ||
            m_options.users.value(name) != QString::fromUtf8(decoded.mid(colon + 1))) {
            return harborError(401, "UNAUTHORIZED", "unauthorized");
        }
        user = name;
    }
    if (request.path.startsWith("/v2/")) {
        return registry(request);
    }
    if (request.method == "DELETE") {
        return deleteTag(request, user);
    }
    if (request.method != "GET") {
        return harborError(405, "METHOD_NOT_ALLOWED", "method not allowed");
    }
    // Harbor's router sees the path decoded once: "a%252Fb" → "a%2Fb" (one segment), "a%2Fb" → "a/b" (two).
    const QList<QByteArray> parts = QByteArray::fromPercentEncoding(request.path).split('/');
    if (parts.size() < 4 || parts[1] != "api" || parts[2] != "v2.0") {
        return harborError(404, "NOT_FOUND", "not found");
    }
    const auto repositoryEntry = [this](const QString &name, const QList<Artifact> &artifacts) {
        QJsonObject r;
        r.insert(QStringLiteral("name"), name);
        r.insert(QStringLiteral("artifact_count"), artifacts.size());
        r.insert(QStringLiteral("pull_count"), m_pulls.value(name));
        return r;
    };

    if (parts.size() == 4 && parts[3] == "search") {
        return search(request, user);
    }
    if (parts.size() == 4 && parts[3] == "projects") {
        QJsonArray all;
        for (auto it = m_projects.cbegin(); it != m_projects.cend(); ++it) {
            if (visible(it.key(), user)) {
                QJsonObject p;
                p.insert(QStringLiteral("name"), it.key());
                p.insert(QStringLiteral("metadata"),
                         QJsonObject{{QStringLiteral("public"),
                                      it.value() ? QStringLiteral("true") : QStringLiteral("false")}});
                all.append(p);
            }
        }
        return page(request, all);
    }
    if (parts.size() == 4 && parts[3] == "repositories") {
        QJsonArray all;
        for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it) {
            if (visible(it.key().section(u'/', 0, 0), user)) {
                all.append(repositoryEntry(it.key(), it.value()));
            }
        }
        return page(request, all);
    }
    if (parts.size() >= 6 && parts[3] == "projects" && parts[5] == "repositories") {
        const QString project = QString::fromUtf8(parts[4]);
        if (!m_projects.contains(project)) {
            return harborError(404, "NOT_FOUND", "project not found");
        }
        if (!visible(project, user)) {
            return harborError(401, "UNAUTHORIZED", "unauthorized");
        }
        if (parts.size() == 6) {
            QJsonArray all;
            for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it) {
                if (it.key().startsWith(project + u'/')) {
                    all.append(repositoryEntry(it.key(), it.value()));
                }
            }
            return page(request, all);
        }
        if (parts.size() == 8 && parts[7] == "artifacts") {
            const QString repository = project + u'/' + QString::fromUtf8(QByteArray::fromPercentEncoding(parts[6]));
            const auto it = m_repositories.constFind(repository);
            if (it == m_repositories.cend()) {
                return harborError(404, "NOT_FOUND", "repository not found");
            }
            QJsonArray all;
            for (const Artifact &a : *it) {
                QJsonObject artifact;
                artifact.insert(QStringLiteral("digest"), a.digest);
                artifact.insert(QStringLiteral("size"), a.size);
                artifact.insert(QStringLiteral("push_time"), a.pushTime);
                artifact.insert(QStringLiteral("manifest_media_type"), a.manifestMediaType);
                artifact.insert(QStringLiteral("media_type"),
                                QStringLiteral("application/vnd.oci.image.config.v1+json"));
                artifact.insert(QStringLiteral("type"), QStringLiteral("IMAGE"));
                artifact.insert(QStringLiteral("repository_name"), repository);
                QJsonObject extra;
                if (!a.os.isEmpty()) {
                    extra.insert(QStringLiteral("os"), a.os);
                    extra.insert(QStringLiteral("architecture"), a.architecture);
                    extra.insert(QStringLiteral("created"), a.created);
                }
                artifact.insert(QStringLiteral("extra_attrs"), extra);
                QJsonArray references;
                for (const Reference &ref : a.references) {
                    QJsonObject platform;
                    platform.insert(QStringLiteral("os"), ref.os);
                    platform.insert(QStringLiteral("architecture"), ref.architecture);
                    if (!ref.variant.isEmpty()) {
                        platform.insert(QStringLiteral("variant"), ref.variant);
                    }
                    references.append(QJsonObject{{QStringLiteral("platform"), platform},
                                                  {QStringLiteral("child_digest"), QStringLiteral("sha256:")}});
                }
                artifact.insert(QStringLiteral("references"),
                                references.isEmpty() ? QJsonValue() : QJsonValue(references));
                const bool withTag = request.queryValue("with_tag") != "false";
                if (withTag && !a.tags.isEmpty()) {
                    QJsonArray tags;
                    for (const QString &t : a.tags) {
                        tags.append(QJsonObject{{QStringLiteral("name"), t},
                                                {QStringLiteral("push_time"), a.pushTime},
                                                {QStringLiteral("immutable"), false}});
                    }
                    artifact.insert(QStringLiteral("tags"), tags);
                } else {
                    artifact.insert(QStringLiteral("tags"), QJsonValue());
                }
                all.append(artifact);
            }
            return page(request, all);
        }
    }
    return harborError(404, "NOT_FOUND", "not found");
}

} // namespace Minato::Test
