#include "acrstandin.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Minato::Test {

namespace {

StandInResponse acrError(int status, const char *code, const char *message)
{
    return StandInResponse::json(status, QByteArray(R"({"errors":[{"code":")") + code + R"(","message":")" + message +
                                             R"("}]})");
}

} // namespace

AcrStandIn::AcrStandIn(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_gate(m_options.users, "/oauth2/token", "acr-standin.azurecr.io",
             [this](const QString &account, const QString &repository) {
                 if (!m_repositories.contains(repository)) {
                     return QStringList{};
                 }
                 if (!account.isEmpty()) {
                     QStringList actions{QStringLiteral("pull"), QStringLiteral("metadata_read")};
                     if (m_options.deleters.contains(account)) {
                         actions.append(QStringLiteral("delete"));
                     }
                     return actions;
                 }
                 return m_options.anonymousPull ? QStringList{QStringLiteral("pull")} : QStringList{};
             })
{
    m_gate.setTokenField(QStringLiteral("access_token"));
    m_server.setHandler([this](const StandInRequest &r) { return handle(r); });
}

AcrStandIn::~AcrStandIn() = default;

void AcrStandIn::addRepository(const QString &name, const QList<Manifest> &manifests)
{
    m_repositories.insert(name, manifests);
}

StandInResponse AcrStandIn::refuse(const StandInRequest &request, const QString &name, const QString &action) const
{
    const QString scope = QStringLiteral("repository:%1:%2").arg(name, action);
    const QByteArray body = R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit )"
                            R"(https://aka.ms/acr/authorization for more information.","detail":[{"Type":)"
                            R"("repository","Name":")" +
                            name.toUtf8() + R"(","Action":")" + action.toUtf8() + R"("}]}]})";
    return m_gate.challenge(baseUrl(), scope, m_gate.knowsToken(request), body);
}

StandInResponse AcrStandIn::handle(const StandInRequest &request)
{
    if (m_gate.isTokenRequest(request)) {
        return m_gate.issue(request);
    }
    const QString path = QString::fromUtf8(QByteArray::fromPercentEncoding(request.path));
    const QString acrPrefix = QStringLiteral("/acr/v1/");
    const QString tagsInfix = QStringLiteral("/_tags/");
    if (request.method == "DELETE" && path.startsWith(acrPrefix) && path.contains(tagsInfix)) {
        // "Tag - Delete": DELETE /acr/v1/{name}/_tags/{reference} → 202 Accepted; needs the delete action.
        const qsizetype at = path.lastIndexOf(tagsInfix);
        const QString name = path.mid(acrPrefix.size(), at - acrPrefix.size());
        const QString tag = path.mid(at + tagsInfix.size());
        if (!m_gate.allows(request, QStringLiteral("repository:%1:delete").arg(name))) {
            return refuse(request, name, QStringLiteral("delete"));
        }
        for (Manifest &m : m_repositories[name]) {
            if (m.tags.removeOne(tag)) {
                StandInResponse accepted;
                accepted.status = 202;
                return accepted;
            }
        }
        return acrError(404, "TAG_UNKNOWN", "the specified tag does not exist");
    }
    if (request.method != "GET") {
        // The registry API's DELETE of a tag (and any other write) meets ACR's "unsupported".
        return acrError(405, "UNSUPPORTED", "The operation is unsupported.");
    }
    const QString manifestsSuffix = QStringLiteral("/_manifests");
    const QString tagsSuffix = QStringLiteral("/tags/list");
    if (path.startsWith(acrPrefix) && path.endsWith(manifestsSuffix)) {
        const QString name = path.mid(acrPrefix.size(), path.size() - acrPrefix.size() - manifestsSuffix.size());
        if (!m_gate.allows(request, QStringLiteral("repository:%1:metadata_read").arg(name))) {
            return refuse(request, name, QStringLiteral("metadata_read"));
        }
        return manifests(request, name);
    }
    if (path.startsWith(QStringLiteral("/v2/")) && path.endsWith(tagsSuffix)) {
        const QString name = path.mid(4, path.size() - 4 - tagsSuffix.size());
        if (!m_gate.allows(request, QStringLiteral("repository:%1:pull").arg(name))) {
            return refuse(request, name, QStringLiteral("pull"));
        }
        QStringList tags;
        for (const Manifest &m : m_repositories.value(name)) {
            tags.append(m.tags);
        }
        std::sort(tags.begin(), tags.end());
        QJsonObject body;
        body.insert(QStringLiteral("name"), name);
        body.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
        return StandInResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    return acrError(404, "NAME_UNKNOWN", "The requested resource is not served by this stand-in.");
}

StandInResponse AcrStandIn::manifests(const StandInRequest &request, const QString &name) const
{
    QList<Manifest> all = m_repositories.value(name);
    const QByteArray orderby = request.queryValue("orderby");
    if (orderby == "timedesc" || orderby == "timeasc") {
        std::stable_sort(all.begin(), all.end(), [&orderby](const Manifest &a, const Manifest &b) {
            return orderby == "timedesc" ? a.lastUpdateTime > b.lastUpdateTime : a.lastUpdateTime < b.lastUpdateTime;
        });
    } else {
        // "Result set will include values lexically after last": without an order, by digest.
        std::sort(all.begin(), all.end(), [](const Manifest &a, const Manifest &b) { return a.digest < b.digest; });
    }
    bool ok = false;
    int n = request.queryValue("n").toInt(&ok);
    if (!ok || n < 1) {
        n = 100;
    }
    qsizetype from = 0;
    if (const QString last = QString::fromUtf8(request.queryValue("last")); !last.isEmpty()) {
        from = all.size();
        for (qsizetype i = 0; i < all.size(); ++i) {
            if (all[i].digest == last) {
                from = i + 1;
                break;
            }
        }
    }
    const QList<Manifest> page = all.mid(from, n);
    QJsonArray entries;
    for (const Manifest &m : page) {
        QJsonObject o;
        o.insert(QStringLiteral("digest"), m.digest);
        o.insert(QStringLiteral("imageSize"), m.imageSize);
        o.insert(QStringLiteral("createdTime"), m.createdTime);
        o.insert(QStringLiteral("lastUpdateTime"), m.lastUpdateTime);
        o.insert(QStringLiteral("mediaType"), m.mediaType);
        if (!m.architecture.isEmpty()) {
            o.insert(QStringLiteral("architecture"), m.architecture);
            o.insert(QStringLiteral("os"), m.os);
            o.insert(QStringLiteral("configMediaType"), QStringLiteral("application/vnd.oci.image.config.v1+json"));
        }
        if (!m.tags.isEmpty()) {
            o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(m.tags));
        }
        if (!m.references.isEmpty()) {
            QJsonArray references;
            for (const Reference &r : m.references) {
                references.append(QJsonObject{{QStringLiteral("digest"), r.digest},
                                              {QStringLiteral("architecture"), r.architecture},
                                              {QStringLiteral("os"), r.os}});
            }
            o.insert(QStringLiteral("references"), references);
        }
        o.insert(QStringLiteral("changeableAttributes"), QJsonObject{{QStringLiteral("deleteEnabled"), true},
                                                                     {QStringLiteral("writeEnabled"), true},
                                                                     {QStringLiteral("readEnabled"), true},
                                                                     {QStringLiteral("listEnabled"), true}});
        entries.append(o);
    }
    QJsonObject body;
    body.insert(QStringLiteral("registry"), QStringLiteral("acr-standin.azurecr.io"));
    body.insert(QStringLiteral("imageName"), name);
    body.insert(QStringLiteral("manifests"), entries);
    StandInResponse response = StandInResponse::json(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (from + page.size() < all.size() && !page.isEmpty()) {
        QByteArray link = "</acr/v1/" + name.toUtf8() + "/_manifests?last=" + page.last().digest.toUtf8() +
                          "&n=" + QByteArray::number(n);
        if (!orderby.isEmpty()) {
            link += "&orderby=" + orderby;
        }
        response.withHeader("Link", link + ">; rel=\"next\"");
    }
    return response;
}

} // namespace Minato::Test
