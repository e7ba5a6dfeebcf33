#include "harborapi.h"

#include "authsession.h"
#include "clientlog.h"
#include "registryclient.h"

#include "oci/link.h"
#include "oci/reference.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace Minato::Client {

namespace {

// Harbor's pages are JSON arrays of objects; `field` of each is the item.
ListPage parseNamedArray(const QByteArray &body, const QString &field)
{
    ListPage page;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (!doc.isArray()) {
        page.error = error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON array");
        return page;
    }
    const QJsonArray array = doc.array();
    for (const auto &v : array) {
        const QString name = v.toObject().value(field).toString();
        if (name.isEmpty()) {
            page.error = QStringLiteral("an entry without \"%1\"").arg(field);
            return page;
        }
        page.items.append(name);
    }
    page.ok = true;
    return page;
}

int pageOf(const QUrl &url)
{
    bool ok = false;
    const int page = QUrlQuery(url).queryItemValue(QStringLiteral("page")).toInt(&ok);
    return ok && page > 0 ? page : 1;
}

// The Basic header from the connection's credentials, or empty (anonymous). An identity token (an OAuth
// refresh token) is no password: Harbor's API would refuse it, so the query goes anonymous.
QByteArray basicFrom(const std::optional<Credentials> &credentials)
{
    if (!credentials || credentials->isIdentityToken) {
        return {};
    }
    return AuthSession::basicAuthorization(*credentials);
}

Oci::Platform platformFrom(const QJsonObject &object)
{
    Oci::Platform p;
    p.os = object.value(QStringLiteral("os")).toString();
    p.architecture = object.value(QStringLiteral("architecture")).toString();
    p.variant = object.value(QStringLiteral("variant")).toString();
    p.osVersion = object.value(QStringLiteral("os.version")).toString();
    return p;
}

bool isRunnable(const Oci::Platform &p)
{
    return !p.os.isEmpty() && !p.architecture.isEmpty() && p.os != u"unknown" && p.architecture != u"unknown";
}

QDateTime harborDate(const QJsonValue &value)
{
    QDateTime when = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return when.isValid() ? when.toUTC() : QDateTime();
}

// What a refused answer means: 401 after Basic was sent is a wrong password (forgotten, so the next query
// asks the source again); without credentials the project is not public.
ClientError harborError(const HttpResponse &response, RegistryClient *client, bool sentBasic)
{
    if (response.status == 401) {
        if (sentBasic) {
            if (client) {
                client->authSession()->forgetCredentials();
            }
            return ClientError::authFailed(response.describe() + QStringLiteral(": Harbor refused the credentials"));
        }
        return ClientError::authRequired(response.describe() +
                                         QStringLiteral(": Harbor wants a signed-in account for this"));
    }
    return ClientError::fromHttp(response.status, response.body, response.header("Retry-After"), response.describe());
}

// Looks up the connection's credentials for `op`, then calls proceed with the Basic header (or empty).
void withCredentials(Operation *op, RegistryClient *client, std::function<void(QByteArray)> proceed,
                     std::function<void(const ClientError &)> failWith)
{
    client->authSession()->requestCredentials(op, [op, proceed = std::move(proceed),
                                                   failWith = std::move(failWith)](const CredentialLookup &lookup) {
        if (op->isFinished()) {
            return;
        }
        if (lookup.isFailure()) {
            failWith(ClientError::credentialStore(
                lookup.failure->message(),
                QStringLiteral("Harbor API: the credentials could not be read (%1)").arg(lookup.failure->message())));
            return;
        }
        proceed(basicFrom(lookup.credentials));
    });
}

HttpRequest harborGet(const RegistryClient *client, const QUrl &url, const QByteArray &authorization)
{
    HttpRequest r;
    r.url = url;
    r.authenticate = false; // the API answers Basic, not the registry's token challenge
    r.maxBodyBytes = ListQuery::MaxPageBytes;
    r.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    if (!authorization.isEmpty() && client) {
        r.authorization = authorization;
        r.authorizationOrigin = client->profile().origin();
    }
    return r;
}

} // namespace

// --- HarborPaging

QUrl HarborPaging::pageUrl(const RegistryClient *client, const QString &encodedPath, int page, int pageSize,
                           const QString &extraQuery)
{
    QString target = encodedPath + QStringLiteral("?page=%1&page_size=%2").arg(page).arg(pageSize);
    if (!extraQuery.isEmpty()) {
        target += u'&' + extraQuery;
    }
    // Harbor serves its API at the host's root, whatever path prefix the registry has.
    return client->profile().urlFor(target);
}

std::optional<QUrl> HarborPaging::nextPage(const HttpResponse &response, int pageSize, const QString &encodedPath,
                                           const RegistryClient *client, const QString &extraQuery)
{
    const int page = pageOf(response.url);
    bool more = false;
    const auto links = Oci::parseLinkHeader(response.headerValues("Link"));
    if (links && Oci::nextLink(*links)) {
        more = true;
    }
    bool ok = false;
    const qint64 total = response.header("X-Total-Count").trimmed().toLongLong(&ok);
    if (ok) {
        more = qint64(page) * pageSize < total;
    }
    if (!more) {
        return std::nullopt;
    }
    // Built here rather than taken from the Link target: the path keeps its double encoding exactly.
    return pageUrl(client, encodedPath, page + 1, pageSize, extraQuery);
}

QString HarborPaging::encodeRepositoryName(const QString &name)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(QUrl::toPercentEncoding(name))));
}

std::optional<QPair<QString, QString>> HarborPaging::splitRepository(const QString &repository)
{
    const qsizetype slash = repository.indexOf(u'/');
    if (slash <= 0 || slash == repository.size() - 1 || !Oci::Reference::isValidRepositoryPath(repository)) {
        return std::nullopt;
    }
    return qMakePair(repository.left(slash), repository.mid(slash + 1));
}

// --- HarborListQuery

HarborListQuery::HarborListQuery(RegistryClient *client, int pageSize, QObject *parent)
    : ListQuery(client, std::min(pageSize, HarborPaging::MaxPageSize), parent)
{}

HarborListQuery::~HarborListQuery() = default;

void HarborListQuery::run()
{
    withCredentials(
        this, client(),
        [this](const QByteArray &authorization) {
            m_authorization = authorization;
            ListQuery::run();
        },
        [this](const ClientError &error) { fail(error); });
}

std::optional<QUrl> HarborListQuery::firstPageUrl()
{
    return HarborPaging::pageUrl(client(), encodedPath(), 1, pageSize(), extraQuery());
}

HttpRequest HarborListQuery::pageRequest(const QUrl &url) const
{
    return harborGet(client(), url, m_authorization);
}

std::optional<QUrl> HarborListQuery::nextPageUrl(const HttpResponse &response, const ListPage &page) const
{
    Q_UNUSED(page)
    return HarborPaging::nextPage(response, pageSize(), encodedPath(), client(), extraQuery());
}

void HarborListQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(harborError(response, client(), !m_authorization.isEmpty()));
        return;
    }
    ListQuery::handleResponse(response);
}

// --- HarborProjectsQuery

HarborProjectsQuery::HarborProjectsQuery(RegistryClient *client, int pageSize, QObject *parent)
    : HarborListQuery(client, pageSize, parent)
{}

HarborProjectsQuery::~HarborProjectsQuery() = default;

ListPageParser HarborProjectsQuery::pageParser() const
{
    return [](const QByteArray &body) { return parseNamedArray(body, QStringLiteral("name")); };
}

// --- HarborRepositoriesQuery

HarborRepositoriesQuery::HarborRepositoriesQuery(RegistryClient *client, QString project, int pageSize, QObject *parent)
    : HarborListQuery(client, pageSize, parent)
    , m_project(std::move(project))
{}

HarborRepositoriesQuery::~HarborRepositoriesQuery() = default;

std::optional<QUrl> HarborRepositoriesQuery::firstPageUrl()
{
    if (!m_project.isEmpty() && (m_project.contains(u'/') || !Oci::Reference::isValidRepositoryPath(m_project))) {
        fail(ClientError::invalidRequest(QStringLiteral("not a Harbor project name: ") + m_project));
        return std::nullopt;
    }
    return HarborListQuery::firstPageUrl();
}

QString HarborRepositoriesQuery::encodedPath() const
{
    if (m_project.isEmpty()) {
        return QStringLiteral("/api/v2.0/repositories");
    }
    return QStringLiteral("/api/v2.0/projects/%1/repositories")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_project)));
}

ListPageParser HarborRepositoriesQuery::pageParser() const
{
    return [](const QByteArray &body) { return parseNamedArray(body, QStringLiteral("name")); };
}

// --- HarborArtifactsQuery

HarborArtifactsQuery::HarborArtifactsQuery(RegistryClient *client, QString repository, int pageSize, QObject *parent)
    : VendorTagsQuery(client, std::move(repository), std::min(pageSize, HarborPaging::MaxPageSize), parent)
{}

HarborArtifactsQuery::~HarborArtifactsQuery() = default;

void HarborArtifactsQuery::run()
{
    withCredentials(
        this, client(),
        [this](const QByteArray &authorization) {
            m_authorization = authorization;
            ListQuery::run();
        },
        [this](const ClientError &error) { fail(error); });
}

QString HarborArtifactsQuery::encodedPath() const
{
    const auto parts = HarborPaging::splitRepository(repository());
    if (!parts) {
        return {};
    }
    return QStringLiteral("/api/v2.0/projects/%1/repositories/%2/artifacts")
        .arg(QString::fromLatin1(QUrl::toPercentEncoding(parts->first)),
             HarborPaging::encodeRepositoryName(parts->second));
}

std::optional<QUrl> HarborArtifactsQuery::firstPageUrl()
{
    if (!HarborPaging::splitRepository(repository())) {
        fail(ClientError::invalidRequest(QStringLiteral("not a Harbor repository (project/name): ") + repository()));
        return std::nullopt;
    }
    return HarborPaging::pageUrl(client(), encodedPath(), 1, pageSize(), QStringLiteral("with_tag=true"));
}

HttpRequest HarborArtifactsQuery::pageRequest(const QUrl &url) const
{
    return harborGet(client(), url, m_authorization);
}

std::optional<QUrl> HarborArtifactsQuery::nextPageUrl(const HttpResponse &response, const ListPage &page) const
{
    Q_UNUSED(page)
    return HarborPaging::nextPage(response, pageSize(), encodedPath(), client(), QStringLiteral("with_tag=true"));
}

void HarborArtifactsQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(harborError(response, client(), !m_authorization.isEmpty()));
        return;
    }
    ListQuery::handleResponse(response);
}

QList<TagMetadata> HarborArtifactsQuery::parseArtifact(const QJsonObject &artifact)
{
    TagMetadata base;
    base.state = TagMetadata::State::Loaded;
    if (const auto digest = Oci::Digest::parse(artifact.value(QStringLiteral("digest")).toString())) {
        base.digest = *digest;
    }
    base.mediaType = artifact.value(QStringLiteral("manifest_media_type")).toString();
    base.size = artifact.value(QStringLiteral("size")).toInteger(-1);
    const QJsonObject extra = artifact.value(QStringLiteral("extra_attrs")).toObject();
    base.created = harborDate(extra.value(QStringLiteral("created")));
    if (!base.created.isValid()) {
        base.created = harborDate(artifact.value(QStringLiteral("push_time")));
    }
    const Oci::Platform own = platformFrom(extra);
    if (isRunnable(own)) {
        base.platforms.append(own);
    }
    const QJsonArray references = artifact.value(QStringLiteral("references")).toArray();
    for (const auto &v : references) {
        const Oci::Platform p = platformFrom(v.toObject().value(QStringLiteral("platform")).toObject());
        if (isRunnable(p)) {
            base.platforms.append(p);
        }
    }
    QList<TagMetadata> out;
    const QJsonArray tags = artifact.value(QStringLiteral("tags")).toArray();
    for (const auto &v : tags) {
        const QString name = v.toObject().value(QStringLiteral("name")).toString();
        if (name.isEmpty()) {
            continue;
        }
        TagMetadata m = base;
        m.tag = name;
        out.append(m);
    }
    return out;
}

ListPageParser HarborArtifactsQuery::pageParser() const
{
    return [](const QByteArray &body) {
        ListPage page;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
        if (!doc.isArray()) {
            page.error =
                error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON array");
            return page;
        }
        const QJsonArray array = doc.array();
        QList<TagMetadata> metadata;
        for (const auto &v : array) {
            if (!v.isObject()) {
                page.error = QStringLiteral("an artifact that is not an object");
                return page;
            }
            const QList<TagMetadata> tags = parseArtifact(v.toObject());
            for (const TagMetadata &m : tags) {
                page.items.append(m.tag);
            }
            metadata.append(tags);
        }
        page.entries = array.size();
        page.extra = metadata;
        page.ok = true;
        return page;
    };
}

// --- HarborSearchQuery

HarborSearchQuery::HarborSearchQuery(RegistryClient *client, QString text, int maxHits, QObject *parent)
    : Operation(client, parent)
    , m_text(std::move(text))
    , m_maxHits(qMax(1, maxHits))
{}

HarborSearchQuery::~HarborSearchQuery() = default;

void HarborSearchQuery::run()
{
    if (m_text.trimmed().isEmpty()) {
        fail(ClientError::invalidRequest(QStringLiteral("an empty search")));
        return;
    }
    withCredentials(
        this, client(),
        [this](const QByteArray &authorization) {
            m_authorization = authorization;
            const QString query = QStringLiteral("q=") + QString::fromLatin1(QUrl::toPercentEncoding(m_text.trimmed()));
            send(harborGet(client(), client()->profile().urlFor(QStringLiteral("/api/v2.0/search?") + query),
                           m_authorization));
        },
        [this](const ClientError &error) { fail(error); });
}

std::variant<HarborSearchPage, QString> HarborSearchQuery::parse(const QByteArray &body, int maxHits)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (!doc.isObject()) {
        return error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON object");
    }
    const QJsonValue repositories = doc.object().value(QStringLiteral("repository"));
    HarborSearchPage page;
    if (repositories.isNull() || repositories.isUndefined()) {
        return page; // nothing matched (Harbor may leave the member out)
    }
    if (!repositories.isArray()) {
        return QStringLiteral("\"repository\" is not an array");
    }
    const QJsonArray array = repositories.toArray();
    for (const auto &v : array) {
        if (!v.isObject()) {
            return QStringLiteral("a repository hit that is not an object");
        }
        const QJsonObject entry = v.toObject();
        HarborSearchHit hit;
        hit.project = entry.value(QStringLiteral("project_name")).toString();
        hit.repository = entry.value(QStringLiteral("repository_name")).toString();
        if (hit.repository.isEmpty()) {
            return QStringLiteral("a repository hit without repository_name");
        }
        if (!hit.project.isEmpty() && !hit.repository.startsWith(hit.project + u'/')) {
            hit.repository = hit.project + u'/' + hit.repository;
        }
        hit.projectPublic = entry.value(QStringLiteral("project_public")).toBool();
        if (const QJsonValue pulls = entry.value(QStringLiteral("pull_count")); pulls.isDouble()) {
            hit.pulls = pulls.toInteger();
        }
        if (const QJsonValue artifacts = entry.value(QStringLiteral("artifact_count")); artifacts.isDouble()) {
            hit.artifacts = artifacts.toInt();
        }
        if (page.hits.size() >= maxHits) {
            page.truncated = true;
            continue; // the rest is still checked: a malformed answer is not half-believed
        }
        page.hits.append(hit);
    }
    return page;
}

void HarborSearchQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(harborError(response, client(), !m_authorization.isEmpty()));
        return;
    }
    auto parsed = parse(response.body, m_maxHits);
    if (const QString *problem = std::get_if<QString>(&parsed)) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                  response.describe() + QStringLiteral(": ") + *problem));
        return;
    }
    if (beginFinish()) {
        emit finished(std::get<HarborSearchPage>(std::move(parsed)));
    }
}

} // namespace Minato::Client
