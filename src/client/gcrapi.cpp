#include "gcrapi.h"

#include "registryclient.h"

#include "oci/reference.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Minato::Client {

namespace {

// GCR writes numbers as JSON strings ("imageSizeBytes": "31337"); a number is taken as well. -1: unknown.
qint64 int64Of(const QJsonValue &value)
{
    if (value.isDouble()) {
        return value.toInteger(-1);
    }
    bool ok = false;
    const qint64 n = value.toString().toLongLong(&ok);
    return ok ? n : -1;
}

QDateTime msDate(const QJsonValue &value)
{
    const qint64 ms = int64Of(value);
    // 0 is what GCR answers when it does not know (and what reproducible builds write as the config's date,
    // 1970-01-01 — shown as unknown rather than as 1970, like a missing date).
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime();
}

// {"name", "tags", "child", "manifest"} as read by both queries; error set when the shape is wrong.
struct TagList
{
    QString name;
    QStringList tags;
    QStringList children;
    QList<TagMetadata> metadata;
    bool hasManifests = false;
    QString error;
};

std::optional<QStringList> stringArray(const QJsonValue &value)
{
    QStringList out;
    if (value.isNull() || value.isUndefined()) {
        return out; // distribution answers "tags": null for a repository whose tags were all deleted
    }
    if (!value.isArray()) {
        return std::nullopt;
    }
    const QJsonArray array = value.toArray();
    for (const auto &v : array) {
        if (!v.isString()) {
            return std::nullopt;
        }
        out.append(v.toString());
    }
    return out;
}

TagList parseTagList(const QByteArray &body)
{
    TagList out;
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        out.error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                 : QStringLiteral("not a JSON object");
        return out;
    }
    const QJsonObject object = doc.object();
    out.name = object.value(QStringLiteral("name")).toString();
    const auto tags = stringArray(object.value(QStringLiteral("tags")));
    if (!tags) {
        out.error = QStringLiteral("\"tags\" is not an array of strings");
        return out;
    }
    out.tags = *tags;
    const auto children = stringArray(object.value(QStringLiteral("child")));
    if (!children) {
        out.error = QStringLiteral("\"child\" is not an array of strings");
        return out;
    }
    out.children = *children;
    const QJsonValue manifest = object.value(QStringLiteral("manifest"));
    if (manifest.isNull() || manifest.isUndefined()) {
        return out;
    }
    if (!manifest.isObject()) {
        out.error = QStringLiteral("\"manifest\" is not an object");
        return out;
    }
    const QJsonObject entries = manifest.toObject();
    out.hasManifests = !entries.isEmpty();
    for (auto it = entries.constBegin(); it != entries.constEnd(); ++it) {
        QString error;
        const auto parsed = GcrTagsQuery::parseManifestEntry(it.key(), it.value(), &error);
        if (!parsed) {
            out.error = error;
            return out;
        }
        out.metadata.append(*parsed);
    }
    return out;
}

} // namespace

// --- GcrTagsQuery

GcrTagsQuery::GcrTagsQuery(RegistryClient *client, QString repository, int pageSize, QObject *parent)
    : VendorTagsQuery(client, std::move(repository), pageSize, parent)
{}

GcrTagsQuery::~GcrTagsQuery() = default;

std::optional<QList<TagMetadata>> GcrTagsQuery::parseManifestEntry(const QString &digest, const QJsonValue &entry,
                                                                   QString *error)
{
    const auto parsedDigest = Oci::Digest::parse(digest);
    if (!parsedDigest) {
        *error = QStringLiteral("a \"manifest\" key that is no digest: ") + digest.left(80);
        return std::nullopt;
    }
    if (!entry.isObject()) {
        *error = QStringLiteral("the \"manifest\" entry of %1 is not an object").arg(digest);
        return std::nullopt;
    }
    const QJsonObject object = entry.toObject();
    const auto tags = stringArray(object.value(QStringLiteral("tag")));
    if (!tags) {
        *error = QStringLiteral("the \"tag\" member of %1 is not an array of strings").arg(digest);
        return std::nullopt;
    }
    TagMetadata base;
    base.state = TagMetadata::State::Loaded;
    base.digest = *parsedDigest;
    base.mediaType = object.value(QStringLiteral("mediaType")).toString();
    base.size = int64Of(object.value(QStringLiteral("imageSizeBytes")));
    base.created = msDate(object.value(QStringLiteral("timeCreatedMs")));
    if (!base.created.isValid()) {
        base.created = msDate(object.value(QStringLiteral("timeUploadedMs")));
    }
    QList<TagMetadata> out;
    for (const QString &tag : *tags) {
        if (tag.isEmpty()) {
            continue;
        }
        TagMetadata m = base;
        m.tag = tag;
        out.append(m);
    }
    return out;
}

std::optional<QUrl> GcrTagsQuery::firstPageUrl()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(repository()); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(repository(), name.error().message())));
        return std::nullopt;
    }
    // No n: GCR answers every tag (and its manifest entry) in one response; Link is followed if one comes.
    return client()->profile().urlFor(client()->profile().routes().tagsList(repository()));
}

QStringList GcrTagsQuery::scopes() const
{
    return {QStringLiteral("repository:%1:pull").arg(repository())};
}

ListPageParser GcrTagsQuery::pageParser() const
{
    return [](const QByteArray &body) {
        ListPage page;
        TagList list = parseTagList(body);
        if (!list.error.isEmpty()) {
            page.error = list.error;
            return page;
        }
        page.items = list.tags;
        page.extra = list.metadata;
        page.ok = true;
        return page;
    };
}

// --- GcrRepositoriesQuery

GcrRepositoriesQuery::GcrRepositoriesQuery(RegistryClient *client, QString scope, int pageSize, QObject *parent)
    : ListQuery(client, pageSize, parent)
    , m_scope(std::move(scope))
{
    while (m_scope.endsWith(u'/')) {
        m_scope.chop(1);
    }
}

GcrRepositoriesQuery::~GcrRepositoriesQuery() = default;

QUrl GcrRepositoriesQuery::nodeUrl(const QString &name) const
{
    return client()->profile().urlFor(client()->profile().routes().tagsList(name));
}

std::optional<QUrl> GcrRepositoriesQuery::firstPageUrl()
{
    if (m_scope.isEmpty() || !Oci::Reference::isValidRepositoryPath(m_scope)) {
        fail(ClientError::invalidRequest(
            QStringLiteral("the repository walk needs a project (gcr.io) or project/repository (pkg.dev) to "
                           "start from, not \"%1\"")
                .arg(m_scope)));
        return std::nullopt;
    }
    const QUrl url = nodeUrl(m_scope);
    m_names.insert(url.toString(QUrl::FullyEncoded), m_scope);
    return url;
}

HttpRequest GcrRepositoriesQuery::pageRequest(const QUrl &url) const
{
    HttpRequest r = ListQuery::pageRequest(url);
    const QString name = m_names.value(url.toString(QUrl::FullyEncoded));
    if (!name.isEmpty()) {
        r.scopes = {QStringLiteral("repository:%1:pull").arg(name)};
    }
    return r;
}

ListPageParser GcrRepositoriesQuery::pageParser() const
{
    return [](const QByteArray &body) {
        ListPage page;
        TagList list = parseTagList(body);
        if (!list.error.isEmpty()) {
            page.error = list.error;
            return page;
        }
        if (list.name.isEmpty()) {
            page.error = QStringLiteral("a tag list without \"name\"");
            return page;
        }
        if (!list.tags.isEmpty() || list.hasManifests) {
            page.items.append(list.name);
        }
        QStringList children;
        for (const QString &child : std::as_const(list.children)) {
            if (!child.isEmpty()) {
                children.append(list.name + u'/' + child);
            }
        }
        // The node itself is an entry: a path prefix without tags is no loop, the walk goes on.
        page.entries = 1 + children.size();
        page.extra = children;
        page.ok = true;
        return page;
    };
}

void GcrRepositoriesQuery::pageParsed(const ListPage &page, const HttpResponse &response)
{
    Q_UNUSED(response)
    if (const auto *children = std::any_cast<QStringList>(&page.extra)) {
        for (const QString &child : *children) {
            if (Oci::Reference::isValidRepositoryPath(child)) {
                m_queue.append(child);
            }
        }
    }
    m_next.reset();
    while (!m_queue.isEmpty() && !m_next) {
        const QString name = m_queue.takeFirst();
        const QUrl url = nodeUrl(name);
        const QString key = url.toString(QUrl::FullyEncoded);
        if (m_names.contains(key)) {
            continue; // seen already (a child named twice)
        }
        m_names.insert(key, name);
        m_next = url;
    }
}

std::optional<QUrl> GcrRepositoriesQuery::nextPageUrl(const HttpResponse &response, const ListPage &page) const
{
    // The walk's next node. A Link on a node's tag list pages its tags, which the walk does not need: whether
    // the node has any is on the first page.
    Q_UNUSED(response)
    Q_UNUSED(page)
    return m_next;
}

} // namespace Minato::Client
