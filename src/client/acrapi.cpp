#include "acrapi.h"

#include "registryclient.h"

#include "oci/reference.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Minato::Client {

namespace {

QDateTime acrDate(const QJsonValue &value)
{
    // "2018-09-06T06:17:20.9983915Z": Qt reads any number of fraction digits (kept to milliseconds).
    const QDateTime when = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    return when.isValid() ? when.toUTC() : QDateTime();
}

Oci::Platform platformOf(const QJsonObject &object)
{
    Oci::Platform p;
    p.os = object.value(QStringLiteral("os")).toString();
    p.architecture = object.value(QStringLiteral("architecture")).toString();
    p.variant = object.value(QStringLiteral("variant")).toString();
    return p;
}

bool isRunnable(const Oci::Platform &p)
{
    return !p.os.isEmpty() && !p.architecture.isEmpty() && p.os != u"unknown" && p.architecture != u"unknown";
}

} // namespace

AcrTagsQuery::AcrTagsQuery(RegistryClient *client, QString repository, int pageSize, QObject *parent)
    : VendorTagsQuery(client, std::move(repository), pageSize, parent)
{}

AcrTagsQuery::~AcrTagsQuery() = default;

std::optional<QList<TagMetadata>> AcrTagsQuery::parseManifest(const QJsonValue &manifest, QString *error)
{
    if (!manifest.isObject()) {
        *error = QStringLiteral("a manifests[] entry that is not an object");
        return std::nullopt;
    }
    const QJsonObject object = manifest.toObject();
    const QString digestText = object.value(QStringLiteral("digest")).toString();
    const auto digest = Oci::Digest::parse(digestText);
    if (!digest) {
        *error = QStringLiteral("a manifests[] entry without a valid \"digest\": ") + digestText.left(80);
        return std::nullopt;
    }
    const QJsonValue tagsValue = object.value(QStringLiteral("tags"));
    if (!tagsValue.isUndefined() && !tagsValue.isNull() && !tagsValue.isArray()) {
        *error = QStringLiteral("the \"tags\" of %1 are not an array").arg(digestText);
        return std::nullopt;
    }
    TagMetadata base;
    base.state = TagMetadata::State::Loaded;
    base.digest = *digest;
    base.mediaType = object.value(QStringLiteral("mediaType")).toString();
    base.size = object.value(QStringLiteral("imageSize")).toInteger(-1);
    base.created = acrDate(object.value(QStringLiteral("createdTime")));
    if (!base.created.isValid()) {
        base.created = acrDate(object.value(QStringLiteral("lastUpdateTime")));
    }
    if (const Oci::Platform own = platformOf(object); isRunnable(own)) {
        base.platforms.append(own);
    }
    const QJsonArray references = object.value(QStringLiteral("references")).toArray();
    for (const auto &v : references) {
        if (const Oci::Platform p = platformOf(v.toObject()); isRunnable(p)) {
            base.platforms.append(p);
        }
    }
    QList<TagMetadata> out;
    const QJsonArray tags = tagsValue.toArray();
    for (const auto &v : tags) {
        if (!v.isString()) {
            *error = QStringLiteral("the \"tags\" of %1 hold a non-string").arg(digestText);
            return std::nullopt;
        }
        if (v.toString().isEmpty()) {
            continue;
        }
        TagMetadata m = base;
        m.tag = v.toString();
        out.append(m);
    }
    return out;
}

std::optional<QUrl> AcrTagsQuery::firstPageUrl()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(repository()); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(repository(), name.error().message())));
        return std::nullopt;
    }
    // The data-plane API lives at the host's root; the repository path goes in unencoded, as in the reference.
    return client()->profile().urlFor(
        QStringLiteral("/acr/v1/%1/_manifests?n=%2&orderby=timedesc").arg(repository()).arg(pageSize()));
}

QStringList AcrTagsQuery::scopes() const
{
    return {QStringLiteral("repository:%1:metadata_read").arg(repository())};
}

ListPageParser AcrTagsQuery::pageParser() const
{
    return [](const QByteArray &body) {
        ListPage page;
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
        if (!doc.isObject()) {
            page.error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                      : QStringLiteral("not a JSON object");
            return page;
        }
        const QJsonValue manifests = doc.object().value(QStringLiteral("manifests"));
        if (manifests.isNull() || manifests.isUndefined()) {
            page.entries = 0; // a repository without manifests (or a page past the last)
            page.ok = true;
            return page;
        }
        if (!manifests.isArray()) {
            page.error = QStringLiteral("\"manifests\" is not an array");
            return page;
        }
        const QJsonArray array = manifests.toArray();
        QList<TagMetadata> metadata;
        for (const auto &v : array) {
            QString error;
            const auto tags = parseManifest(v, &error);
            if (!tags) {
                page.error = error;
                return page;
            }
            for (const TagMetadata &m : *tags) {
                page.items.append(m.tag);
            }
            metadata.append(*tags);
        }
        page.entries = array.size(); // untagged manifests count: a page of them is no loop
        page.extra = metadata;
        page.ok = true;
        return page;
    };
}

} // namespace Minato::Client
