// RegistryHandler: manifests (end-3, end-7, end-9).
#include "registryhandler.h"

#include "oci/manifest.h"
#include "oci/mediatype.h"

#include <QJsonArray>
#include <QJsonObject>

namespace Minato::Registry {

using Oci::Endpoint;
using Oci::ErrorCode;
using Oci::RouteMatch;

namespace {

QJsonObject annotationsObject(const QMap<QString, QString> &annotations)
{
    QJsonObject out;
    for (auto it = annotations.cbegin(); it != annotations.cend(); ++it) {
        out.insert(it.key(), it.value());
    }
    return out;
}

} // namespace

void RegistryHandler::getManifest(Exchange &ex, const RouteMatch &m)
{
    if (!authorize(ex, m.name, Access::Pull)) {
        return;
    }
    const std::optional<Oci::Digest> digest =
        m.tag.isEmpty() ? std::optional(m.digest) : m_metadata.resolveTag(m.name, m.tag);
    const auto stored = digest ? m_metadata.manifest(m.name, *digest) : std::nullopt;
    const QByteArray bytes = stored ? m_blobs.read(stored->digest, Oci::kMaxManifestBytes) : QByteArray();
    if (!stored || bytes.isNull()) {
        fail(ex, ErrorCode::ManifestUnknown, QStringLiteral("manifest %1 is not in %2").arg(m.reference, m.name));
        return;
    }
    // Spec "Pulling manifests": the stored bytes with the type they were pushed as, whatever Accept says (we
    // hold one representation, and converting would change the digest).
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Type", stored->mediaType.toLatin1());
    headers.set("Docker-Content-Digest", stored->digest.toString().toLatin1());
    headers.set("ETag", '"' + stored->digest.toString().toLatin1() + '"');
    if (m.head) {
        headers.set("Content-Length", QByteArray::number(bytes.size()));
        ex.respond(200, std::move(headers));
        return;
    }
    ex.respond(200, std::move(headers), bytes);
}

void RegistryHandler::putManifest(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Push)) {
        return;
    }
    // Spec "Pushing Manifests": registries SHOULD accept at least 4 MB and answer a larger one 413.
    ex.readBody(Oci::kMaxManifestBytes, [this, &ex, m](const BodyResult &result) {
        if (!result.ok) {
            switch (result.error) {
            case BodyError::ClientGone:
                return;
            case BodyError::TooLarge:
                fail(ex, ErrorCode::ManifestInvalid,
                     QStringLiteral("the manifest is larger than %1 bytes").arg(Oci::kMaxManifestBytes), 413);
                return;
            default:
                fail(ex, ErrorCode::ManifestInvalid, QStringLiteral("malformed request body"));
                return;
            }
        }
        storeManifest(ex, m, result.body);
    });
}

void RegistryHandler::storeManifest(Exchange &ex, const RouteMatch &m, const QByteArray &body)
{
    const QString contentType = QString::fromLatin1(ex.request().headers.value("Content-Type"));
    const auto parsed = Oci::parseAnyManifest(body, contentType);
    if (!parsed) {
        const QString reason = parsed.error().message().isEmpty()
                                   ? QStringLiteral("Content-Type %1 is not a manifest type").arg(contentType)
                                   : parsed.error().message();
        fail(ex, ErrorCode::ManifestInvalid, reason);
        return;
    }
    const Oci::AnyManifest &any = *parsed;
    if (std::holds_alternative<Oci::Schema1Manifest>(any)) {
        // Schema 1 is deprecated (distribution refuses it by default too); we serve schema 2 and OCI only.
        fail(ex, ErrorCode::ManifestInvalid,
             QStringLiteral("Docker schema 1 manifests are not accepted; push a schema 2 or OCI manifest"));
        return;
    }
    const Oci::Digest digest = Oci::digestOf(any);
    if (m.digest.isValid() && m.digest != digest) {
        // Spec "Pushing Manifests": Docker-Content-Digest "MUST be equal to the client provided digest".
        fail(ex, ErrorCode::DigestInvalid,
             QStringLiteral("the manifest's digest is %1, not %2").arg(digest.toString(), m.digest.toString()));
        return;
    }

    // Spec "Push": a registry MAY refuse descriptors to content it does not hold, with MANIFEST_BLOB_UNKNOWN,
    // but MUST accept a `subject` that does not exist yet. Non-distributable layers with urls live elsewhere.
    QList<Oci::RegistryError> missing;
    const auto missingError = [](const Oci::Descriptor &d, const QString &what) {
        return Oci::RegistryError::make(ErrorCode::ManifestBlobUnknown,
                                        QStringLiteral("%1 %2 is not in the repository").arg(what, d.digest.toString()),
                                        QJsonObject{{QStringLiteral("digest"), d.digest.toString()}});
    };
    ManifestRecord record;
    record.digest = digest;
    record.mediaType = Oci::mediaTypeOf(any);
    QJsonObject descriptor{{QStringLiteral("mediaType"), record.mediaType},
                           {QStringLiteral("digest"), digest.toString()},
                           {QStringLiteral("size"), double(body.size())}};
    QMap<QString, QString> annotations;
    if (const auto *manifest = std::get_if<Oci::Manifest>(&any)) {
        if (!m_metadata.isBlobLinked(m.name, manifest->config.digest)) {
            missing.append(missingError(manifest->config, QStringLiteral("config")));
        }
        for (const Oci::Descriptor &layer : manifest->layers) {
            if (layer.isNonDistributable() && !layer.urls.isEmpty()) {
                continue;
            }
            if (!m_metadata.isBlobLinked(m.name, layer.digest)) {
                missing.append(missingError(layer, QStringLiteral("layer")));
            }
        }
        if (manifest->subject) {
            record.subject = manifest->subject->digest;
        }
        // Spec "Listing Referrers": artifactType, else the config's mediaType, for an image manifest.
        descriptor.insert(QStringLiteral("artifactType"), manifest->effectiveArtifactType());
        annotations = manifest->annotations;
    } else if (const auto *index = std::get_if<Oci::ImageIndex>(&any)) {
        for (const Oci::Descriptor &child : index->manifests) {
            if (!m_metadata.manifest(m.name, child.digest)) {
                missing.append(missingError(child, QStringLiteral("manifest")));
            }
        }
        if (index->subject) {
            record.subject = index->subject->digest;
        }
        // ... and for an index, artifactType only when it has one.
        if (!index->artifactType.isEmpty()) {
            descriptor.insert(QStringLiteral("artifactType"), index->artifactType);
        }
        annotations = index->annotations;
    }
    if (!missing.isEmpty()) {
        HttpHeaders headers = baseHeaders();
        headers.set("Content-Type", "application/json");
        ex.respond(Oci::errorHttpStatus(ErrorCode::ManifestBlobUnknown), std::move(headers),
                   Oci::ErrorBody::serialize(missing));
        return;
    }
    if (!annotations.isEmpty()) {
        descriptor.insert(QStringLiteral("annotations"), annotationsObject(annotations));
    }
    record.referrerDescriptor = descriptor;

    QString error;
    if (!m_metadata.putManifest(m.name, body, record, m.tag, &error)) {
        fail(ex, ErrorCode::Unknown, error);
        return;
    }
    HttpHeaders headers = baseHeaders();
    headers.set("Location", m_routes.path(Endpoint::GetManifest, m.name, digest.toString()).toLatin1());
    headers.set("Docker-Content-Digest", digest.toString().toLatin1());
    if (record.subject) {
        // Spec "Pushing Manifests with Subject": tells the client the referrers API indexed it.
        headers.set("OCI-Subject", record.subject->toString().toLatin1());
    }
    headers.set("Content-Length", "0");
    ex.respond(201, std::move(headers));
}

void RegistryHandler::deleteManifest(Exchange &ex, const RouteMatch &m)
{
    if (!checkWritable(ex, m) || !authorize(ex, m.name, Access::Delete)) {
        return;
    }
    // Spec "Deleting Manifests": "If the repository does not exist, the response MUST return 404".
    if (!m_metadata.repositoryExists(m.name)) {
        fail(ex, ErrorCode::NameUnknown, QStringLiteral("repository %1 is not known").arg(m.name));
        return;
    }
    // A tag removes that tag only (spec "Deleting tags"); a digest removes the manifest and every tag naming
    // it (spec "Deleting Manifests": afterwards "any tag pointing to that digest will return a 404").
    const bool deleted =
        m.tag.isEmpty() ? m_metadata.deleteManifest(m.name, m.digest) : m_metadata.deleteTag(m.name, m.tag);
    if (!deleted) {
        fail(ex, ErrorCode::ManifestUnknown, QStringLiteral("manifest %1 is not in %2").arg(m.reference, m.name));
        return;
    }
    HttpHeaders headers = baseHeaders();
    headers.set("Content-Length", "0");
    ex.respond(202, std::move(headers));
}

} // namespace Minato::Registry
