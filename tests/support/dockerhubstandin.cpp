#include "dockerhubstandin.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Test {

namespace {

StandInResponse hubJson(int status, const QJsonObject &body)
{
    return StandInResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

StandInResponse notFound()
{
    return hubJson(404, QJsonObject{{QStringLiteral("message"), QStringLiteral("object not found")},
                                    {QStringLiteral("errinfo"), QJsonObject()}});
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

DockerHubStandIn::DockerHubStandIn(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_server.setHandler([this](const StandInRequest &r) { return handle(r); });
}

DockerHubStandIn::~DockerHubStandIn() = default;

void DockerHubStandIn::addRepository(Repository repository)
{
    m_repositories.append(std::move(repository));
}

std::optional<QString> DockerHubStandIn::caller(const StandInRequest &request) const
{
    const QByteArray authorization = request.header("Authorization");
    if (authorization.isEmpty()) {
        return QString();
    }
    if (!authorization.startsWith("Bearer ")) {
        return std::nullopt;
    }
    const auto it = m_tokens.constFind(authorization.mid(7));
    if (it == m_tokens.cend()) {
        return std::nullopt;
    }
    return *it;
}

StandInResponse DockerHubStandIn::login(const StandInRequest &request)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString identifier = body.value(QStringLiteral("identifier")).toString();
    const QString secret = body.value(QStringLiteral("secret")).toString();
    if (identifier.isEmpty() || secret.isEmpty()) {
        return hubJson(400, QJsonObject{{QStringLiteral("message"), QStringLiteral("identifier and secret required")}});
    }
    if (!m_options.users.contains(identifier) || m_options.users.value(identifier) != secret) {
        return hubJson(401, QJsonObject{{QStringLiteral("detail"), QStringLiteral("Incorrect authentication "
                                                                                  "credentials")},
                                        {QStringLiteral("message"), QStringLiteral("Incorrect authentication "
                                                                                   "credentials")}});
    }
    // A JWT-shaped token: header.payload.signature, with "sub" and "exp" as the hub's carry.
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("none")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")}};
    const QJsonObject payload{{QStringLiteral("sub"), identifier},
                              {QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() + 600},
                              {QStringLiteral("jti"), m_issued.size() + 1}};
    const QByteArray token = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
                             base64Url(QJsonDocument(payload).toJson(QJsonDocument::Compact)) + '.' +
                             base64Url("stand-in-signature");
    m_tokens.insert(token, identifier);
    m_issued.append(token);
    return hubJson(200, QJsonObject{{QStringLiteral("access_token"), QString::fromLatin1(token)}});
}

StandInResponse DockerHubStandIn::page(const StandInRequest &request, const QByteArray &path,
                                       const QJsonArray &all) const
{
    bool ok = false;
    int pageSize = request.queryValue("page_size").toInt(&ok);
    if (!ok) {
        pageSize = 10;
    }
    if (pageSize < 1 || pageSize > 100) {
        return hubJson(400, QJsonObject{{QStringLiteral("message"), QStringLiteral("page_size must be 1-100")}});
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
    QByteArray extra;
    if (const QByteArray query = request.queryValue("query"); !query.isEmpty()) {
        extra = "&query=" + query.toPercentEncoding();
    }
    const auto link = [&](int n) {
        return QJsonValue(QString::fromLatin1(baseUrl().toEncoded() + path + "?page=" + QByteArray::number(n) +
                                              "&page_size=" + QByteArray::number(pageSize) + extra));
    };
    QJsonObject body;
    body.insert(QStringLiteral("count"), all.size());
    body.insert(QStringLiteral("next"), from + pageSize < all.size() ? link(pageNumber + 1) : QJsonValue());
    body.insert(QStringLiteral("previous"), pageNumber > 1 ? link(pageNumber - 1) : QJsonValue());
    body.insert(QStringLiteral("results"), results);
    return hubJson(200, body);
}

StandInResponse DockerHubStandIn::deleteTag(const StandInRequest &request)
{
    const QList<QByteArray> parts = request.path.split('/'); // "", "v2", "namespaces", ns, "repositories", …
    if (parts.size() != 8 || parts[1] != "v2" || parts[2] != "namespaces" || parts[4] != "repositories" ||
        parts[6] != "tags") {
        return hubJson(405, QJsonObject{{QStringLiteral("message"), QStringLiteral("method not allowed")}});
    }
    const std::optional<QString> who = caller(request);
    if (!who || who->isEmpty()) {
        return hubJson(401, QJsonObject{{QStringLiteral("detail"), QStringLiteral("authentication required")}});
    }
    const QString ns = QString::fromUtf8(parts[3]);
    const QString name = QString::fromUtf8(parts[5]);
    const QString tag = QString::fromUtf8(QByteArray::fromPercentEncoding(parts[7]));
    for (Repository &r : m_repositories) {
        if (r.namespaceName != ns || r.name != name) {
            continue;
        }
        if (*who != ns) {
            return hubJson(r.isPrivate ? 404 : 403,
                           QJsonObject{{QStringLiteral("detail"), QStringLiteral("You do not have permission")}});
        }
        for (qsizetype i = 0; i < r.tags.size(); ++i) {
            if (r.tags.at(i).name == tag) {
                r.tags.removeAt(i);
                StandInResponse gone;
                gone.status = 204;
                return gone;
            }
        }
        return notFound();
    }
    return notFound();
}

StandInResponse DockerHubStandIn::handle(const StandInRequest &request)
{
    if (m_override) {
        if (auto response = m_override(request)) {
            return *response;
        }
    }
    if (request.method == "POST" && request.path == "/v2/auth/token") {
        return login(request);
    }
    if (request.method == "DELETE") {
        return deleteTag(request);
    }
    if (request.method != "GET") {
        return hubJson(405, QJsonObject{{QStringLiteral("message"), QStringLiteral("method not allowed")}});
    }
    const std::optional<QString> who = caller(request);
    if (!who) {
        return hubJson(401, QJsonObject{{QStringLiteral("detail"), QStringLiteral("Token is invalid or expired")}});
    }
    const QList<QByteArray> parts = request.path.split('/'); // "", "v2", …

    // /v2/search/repositories/ — public repositories only.
    if (request.path == "/v2/search/repositories/" || request.path == "/v2/search/repositories") {
        const QString text = QString::fromUtf8(request.queryValue("query")).toLower();
        QJsonArray all;
        for (const Repository &r : std::as_const(m_repositories)) {
            const QString full = r.namespaceName + u'/' + r.name;
            if (r.isPrivate || !(full.contains(text) || r.description.toLower().contains(text))) {
                continue;
            }
            QJsonObject hit;
            hit.insert(QStringLiteral("repo_name"), r.official ? r.name : full);
            hit.insert(QStringLiteral("short_description"), r.description);
            hit.insert(QStringLiteral("star_count"), r.stars);
            hit.insert(QStringLiteral("pull_count"), r.pulls);
            hit.insert(QStringLiteral("repo_owner"), QString());
            hit.insert(QStringLiteral("is_automated"), false);
            hit.insert(QStringLiteral("is_official"), r.official);
            all.append(hit);
        }
        return page(request, request.path, all);
    }

    // /v2/namespaces/{ns}/repositories and /v2/repositories/{ns}/
    const bool modern = parts.size() == 5 && parts[1] == "v2" && parts[2] == "namespaces" && parts[4] == "repositories";
    const bool legacy = parts.size() == 5 && parts[1] == "v2" && parts[2] == "repositories" && parts[4].isEmpty();
    if ((modern && !m_options.legacyListingOnly) || legacy) {
        const QString ns = QString::fromUtf8(parts[3]);
        QJsonArray all;
        for (const Repository &r : std::as_const(m_repositories)) {
            if (r.namespaceName != ns || (r.isPrivate && *who != ns)) {
                continue;
            }
            QJsonObject entry;
            entry.insert(QStringLiteral("name"), r.name);
            entry.insert(QStringLiteral("namespace"), r.namespaceName);
            entry.insert(QStringLiteral("repository_type"), QStringLiteral("image"));
            entry.insert(QStringLiteral("description"), r.description);
            entry.insert(QStringLiteral("is_private"), r.isPrivate);
            entry.insert(QStringLiteral("star_count"), r.stars);
            entry.insert(QStringLiteral("pull_count"), r.pulls);
            all.append(entry);
        }
        return page(request, request.path, all);
    }

    // /v2/namespaces/{ns}/repositories/{repo}/tags
    if (parts.size() == 7 && parts[1] == "v2" && parts[2] == "namespaces" && parts[4] == "repositories" &&
        parts[6] == "tags") {
        const QString ns = QString::fromUtf8(parts[3]);
        const QString name = QString::fromUtf8(parts[5]);
        for (const Repository &r : std::as_const(m_repositories)) {
            if (r.namespaceName != ns || r.name != name) {
                continue;
            }
            if (r.isPrivate && *who != ns) {
                return notFound();
            }
            QJsonArray all;
            for (const Tag &t : r.tags) {
                QJsonArray images;
                for (const Image &i : t.images) {
                    QJsonObject image;
                    image.insert(QStringLiteral("architecture"), i.architecture);
                    image.insert(QStringLiteral("os"), i.os);
                    if (!i.variant.isEmpty()) {
                        image.insert(QStringLiteral("variant"), i.variant);
                    } else {
                        image.insert(QStringLiteral("variant"), QJsonValue());
                    }
                    image.insert(QStringLiteral("size"), i.size);
                    image.insert(QStringLiteral("digest"), i.digest);
                    image.insert(QStringLiteral("status"), QStringLiteral("active"));
                    images.append(image);
                }
                QJsonObject tag;
                tag.insert(QStringLiteral("name"), t.name);
                tag.insert(QStringLiteral("full_size"), t.fullSize);
                tag.insert(QStringLiteral("last_updated"), t.lastUpdated);
                tag.insert(QStringLiteral("tag_last_pushed"), t.lastUpdated);
                tag.insert(QStringLiteral("digest"), t.digest);
                tag.insert(QStringLiteral("media_type"), t.mediaType);
                tag.insert(QStringLiteral("images"), images);
                tag.insert(QStringLiteral("repository"), 1);
                tag.insert(QStringLiteral("v2"), true);
                tag.insert(QStringLiteral("tag_status"), QStringLiteral("active"));
                all.append(tag);
            }
            return page(request, request.path, all);
        }
        return notFound();
    }
    return notFound();
}

} // namespace Minato::Test
