#include "gcrstandin.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Minato::Test {

namespace {

StandInResponse registryError(int status, const char *code, const char *message)
{
    return StandInResponse::json(status, QByteArray(R"({"errors":[{"code":")") + code + R"(","message":")" + message +
                                             R"("}]})");
}

} // namespace

GcrStandIn::GcrStandIn(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_gate(m_options.users, "/v2/token", "gcr.io", [this](const QString &account, const QString &repository) {
        return visible(repository, account) ? QStringList{QStringLiteral("pull")} : QStringList{};
    })
{
    m_server.setHandler([this](const StandInRequest &r) { return handle(r); });
}

GcrStandIn::~GcrStandIn() = default;

void GcrStandIn::addRepository(const QString &name, QList<Image> images, bool isPrivate)
{
    Repository r;
    r.images = std::move(images);
    r.isPrivate = isPrivate;
    m_repositories.insert(name, r);
}

bool GcrStandIn::visible(const QString &name, const QString &account) const
{
    for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it) {
        if ((it.key() == name || it.key().startsWith(name + u'/')) && (!it->isPrivate || !account.isEmpty())) {
            return true;
        }
    }
    return false;
}

StandInResponse GcrStandIn::handle(const StandInRequest &request)
{
    if (m_gate.isTokenRequest(request)) {
        return m_gate.issue(request);
    }
    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(request.path));
    const QString suffix = QStringLiteral("/tags/list");
    if (request.method != "GET" || !path.startsWith(QStringLiteral("/v2/")) || !path.endsWith(suffix)) {
        return registryError(404, "UNSUPPORTED", "not served by this stand-in");
    }
    const QString name = path.mid(4, path.size() - 4 - suffix.size());
    const QString scope = QStringLiteral("repository:%1:pull").arg(name);
    if (!m_gate.allows(request, scope)) {
        return m_gate.challenge(baseUrl(), scope, m_gate.knowsToken(request),
                                R"({"errors":[{"code":"UNAUTHORIZED","message":"You don't have the needed )"
                                R"(permissions to perform this operation."}]})");
    }

    // The node: a repository's images, and the path segments one level below it.
    QList<Image> images;
    QStringList children;
    bool known = false;
    for (auto it = m_repositories.cbegin(); it != m_repositories.cend(); ++it) {
        if (it.key() == name) {
            images = it->images;
            known = true;
        } else if (it.key().startsWith(name + u'/')) {
            const QString child = it.key().mid(name.size() + 1).section(u'/', 0, 0);
            if (!children.contains(child)) {
                children.append(child);
            }
            known = true;
        }
    }
    if (!known) {
        return registryError(404, "NAME_UNKNOWN", "repository name not known to registry");
    }
    QStringList tags;
    for (const Image &image : std::as_const(images)) {
        tags.append(image.tags);
    }
    std::sort(tags.begin(), tags.end());

    QStringList page = tags;
    QByteArray link;
    if (m_options.tagsPerPage > 0) {
        const QString last = QString::fromUtf8(request.queryValue("last"));
        const qsizetype from = last.isEmpty() ? 0 : std::upper_bound(tags.cbegin(), tags.cend(), last) - tags.cbegin();
        page = tags.mid(from, m_options.tagsPerPage);
        if (from + page.size() < tags.size() && !page.isEmpty()) {
            link = "</v2/" + name.toUtf8() + "/tags/list?n=" + QByteArray::number(m_options.tagsPerPage) +
                   "&last=" + QUrl::toPercentEncoding(page.last()) + ">; rel=\"next\"";
        }
    }
    QJsonObject manifest;
    for (const Image &image : std::as_const(images)) {
        QStringList onPage;
        for (const QString &t : image.tags) {
            if (page.contains(t)) {
                onPage.append(t);
            }
        }
        // Untagged images are listed too (GCR keeps them) when everything comes at once.
        if (onPage.isEmpty() && (!image.tags.isEmpty() || m_options.tagsPerPage > 0)) {
            continue;
        }
        QJsonObject entry;
        entry.insert(QStringLiteral("imageSizeBytes"), QString::number(image.size));
        entry.insert(QStringLiteral("layerId"), QString());
        entry.insert(QStringLiteral("mediaType"), image.mediaType);
        entry.insert(QStringLiteral("tag"), QJsonArray::fromStringList(onPage));
        entry.insert(QStringLiteral("timeCreatedMs"), QString::number(image.createdMs));
        entry.insert(QStringLiteral("timeUploadedMs"), QString::number(image.uploadedMs));
        manifest.insert(image.digest, entry);
    }
    std::sort(children.begin(), children.end());
    QJsonObject body;
    body.insert(QStringLiteral("child"), QJsonArray::fromStringList(children));
    body.insert(QStringLiteral("manifest"), manifest);
    body.insert(QStringLiteral("name"), name);
    body.insert(QStringLiteral("tags"), QJsonArray::fromStringList(page));
    StandInResponse response = StandInResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (!link.isEmpty()) {
        response.withHeader("Link", link);
    }
    return response;
}

} // namespace Minato::Test
