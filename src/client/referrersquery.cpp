#include "referrersquery.h"

#include "registryclient.h"

#include "oci/imageindex.h"
#include "oci/link.h"
#include "oci/mediatype.h"
#include "oci/reference.h"

#include <iterator>

namespace Minato::Client {

namespace {

constexpr char indexMediaType[] = "application/vnd.oci.image.index.v1+json";

struct CosignTag
{
    const char16_t *suffix;
    ArtifactKind kind;
};
constexpr CosignTag cosignTags[] = {
    {u".sig", ArtifactKind::Signature},
    {u".att", ArtifactKind::Attestation},
    {u".sbom", ArtifactKind::Sbom},
};

} // namespace

ArtifactKind classifyArtifact(const QString &artifactType)
{
    const QString type = artifactType.toLower();
    if (type.contains(u"spdx") || type.contains(u"cyclonedx") || type.contains(u"syft") ||
        type.contains(u"cosign.artifact.sbom")) {
        return ArtifactKind::Sbom;
    }
    if (type.contains(u"in-toto") || type.contains(u"dsse") || type.contains(u"cosign.artifact.att") ||
        type.contains(u"attestation")) {
        return ArtifactKind::Attestation;
    }
    if (type.contains(u"signature") || type.contains(u"cosign.artifact.sig") ||
        type.contains(u"cosign.simplesigning") || type.contains(u"sigstore.bundle")) {
        return ArtifactKind::Signature;
    }
    return ArtifactKind::Other;
}

QString artifactKindName(ArtifactKind kind)
{
    switch (kind) {
    case ArtifactKind::Signature:
        return QStringLiteral("signature");
    case ArtifactKind::Sbom:
        return QStringLiteral("SBOM");
    case ArtifactKind::Attestation:
        return QStringLiteral("attestation");
    case ArtifactKind::Other:
        break;
    }
    return QStringLiteral("artifact");
}

ReferrersQuery::ReferrersQuery(RegistryClient *client, QString repository, Oci::Digest subject, QString artifactType,
                               QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_subject(std::move(subject))
    , m_artifactType(std::move(artifactType))
{}

QString ReferrersQuery::fallbackTag(const Oci::Digest &subject)
{
    // Spec "Referrers Tag Schema": <alg>-<ref>, the digest with ':' replaced by '-' (and cut to 128 chars,
    // which a sha256 digest never reaches).
    return subject.toString().replace(u':', u'-').left(128);
}

void ReferrersQuery::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    if (!m_subject.isValid()) {
        fail(ClientError::invalidRequest(QStringLiteral("referrers need the digest of a manifest")));
        return;
    }
    m_info.subject = m_subject;
    const ConnectionProfile &profile = client()->profile();
    requestPage(profile.urlFor(profile.routes().referrers(m_repository, m_subject, m_artifactType)));
}

void ReferrersQuery::requestPage(const QUrl &url)
{
    m_phase = Phase::Api;
    m_visited.insert(url.toString(QUrl::FullyEncoded));
    HttpRequest request;
    request.url = url;
    request.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral(indexMediaType)}};
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    request.maxBodyBytes = MaxPageBytes;
    send(request);
}

void ReferrersQuery::requestFallback()
{
    m_phase = Phase::Fallback;
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.url =
        profile.urlFor(profile.routes().path(Oci::Endpoint::GetManifest, m_repository, fallbackTag(m_subject)));
    request.headers = {{QByteArrayLiteral("Accept"), Oci::MediaType::manifestAcceptHeader().toLatin1()}};
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    request.rawContent = true;
    request.maxBodyBytes = MaxPageBytes;
    send(request);
}

bool ReferrersQuery::takeIndex(const HttpResponse &response, Referrer::Source source, bool filterApplied)
{
    const auto index = Oci::ImageIndex::parse(response.body, QString::fromLatin1(response.header("Content-Type")));
    if (!index) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent, response.describe() +
                                                                        QStringLiteral(": not a referrers index: ") +
                                                                        index.error().message()));
        return false;
    }
    for (const Oci::Descriptor &entry : index->manifests) {
        const QString type = entry.artifactType.isEmpty() ? entry.mediaType : entry.artifactType;
        if (!filterApplied && !m_artifactType.isEmpty() && type != m_artifactType) {
            continue;
        }
        if (m_seenDigests.contains(entry.digest.toString())) {
            continue; // a page repeated by a sloppy paginator, or the API and a tag both listing it
        }
        m_seenDigests.insert(entry.digest.toString());
        Referrer referrer;
        referrer.descriptor = entry;
        referrer.kind = classifyArtifact(type);
        referrer.source = source;
        if (source == Referrer::Source::TagSchema) {
            referrer.tag = fallbackTag(m_subject);
        }
        m_info.referrers.append(referrer);
    }
    ++m_info.pages;
    return true;
}

bool ReferrersQuery::probeNextCosignTag()
{
    if (!m_probeCosign || !m_artifactType.isEmpty() || m_cosignIndex >= int(std::size(cosignTags))) {
        return false;
    }
    const QString tag = fallbackTag(m_subject) + QString::fromUtf16(cosignTags[m_cosignIndex].suffix);
    m_phase = Phase::Cosign;
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.method = QByteArrayLiteral("HEAD");
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetManifest, m_repository, tag));
    request.headers = {{QByteArrayLiteral("Accept"), Oci::MediaType::manifestAcceptHeader().toLatin1()}};
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    send(request);
    return true;
}

void ReferrersQuery::handleResponse(const HttpResponse &response)
{
    if (m_phase == Phase::Cosign) {
        const CosignTag &probed = cosignTags[m_cosignIndex++];
        const QString tag = fallbackTag(m_subject) + QString::fromUtf16(probed.suffix);
        const auto digest = Oci::Digest::parse(QString::fromLatin1(response.header("Docker-Content-Digest").trimmed()));
        // Anything but 200 means no such tag here (404), or nothing this optional look can use.
        if (response.status == 200 && digest && !m_seenDigests.contains(digest->toString())) {
            m_seenDigests.insert(digest->toString());
            Referrer referrer;
            referrer.kind = probed.kind;
            referrer.source = Referrer::Source::CosignTag;
            referrer.tag = tag;
            referrer.descriptor.digest = *digest;
            referrer.descriptor.mediaType =
                Oci::MediaType::essence(QString::fromLatin1(response.header("Content-Type")));
            referrer.descriptor.size = response.header("Content-Length").toLongLong();
            m_info.referrers.append(referrer);
            m_knownTags.removeAll(tag); // listed once, with its digest
        }
        if (!probeNextCosignTag()) {
            complete();
        }
        return;
    }
    if (m_phase == Phase::Fallback) {
        if (response.status == 404) {
            // No fallback tag: nothing refers to the subject (or nothing was pushed the old way).
            if (!probeNextCosignTag()) {
                complete();
            }
            return;
        }
        if (response.status != 200) {
            fail(errorFromResponse(response));
            return;
        }
        if (takeIndex(response, Referrer::Source::TagSchema, false) && !probeNextCosignTag()) {
            complete();
        }
        return;
    }
    if (response.status == 404 && m_info.pages == 0) {
        requestFallback();
        return;
    }
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    m_info.apiSupported = true;
    // Spec: "OCI-Filters-Applied: artifactType" says the server filtered; otherwise the client must.
    const bool filterApplied = response.header("OCI-Filters-Applied").contains("artifactType");
    if (!takeIndex(response, Referrer::Source::Api, filterApplied)) {
        return;
    }
    const auto links = Oci::parseLinkHeader(response.headerValues("Link"));
    if (links && m_info.pages < MaxPages) {
        if (const auto link = Oci::nextLink(*links)) {
            const QUrl next = link->resolved(response.url);
            if (next.isValid() && !m_visited.contains(next.toString(QUrl::FullyEncoded))) {
                requestPage(next);
                return;
            }
        }
    }
    if (!probeNextCosignTag()) {
        complete();
    }
}

void ReferrersQuery::complete()
{
    // cosign's tags: sha256-<hex>.sig / .att / .sbom next to the image (not typed: only when unfiltered).
    const QString stem = fallbackTag(m_subject);
    for (const auto &[suffix, kind] : {std::pair{QStringLiteral(".sig"), ArtifactKind::Signature},
                                       std::pair{QStringLiteral(".att"), ArtifactKind::Attestation},
                                       std::pair{QStringLiteral(".sbom"), ArtifactKind::Sbom}}) {
        if (m_artifactType.isEmpty() && m_knownTags.contains(stem + suffix)) {
            Referrer referrer;
            referrer.kind = kind;
            referrer.source = Referrer::Source::CosignTag;
            referrer.tag = stem + suffix;
            m_info.referrers.append(referrer);
        }
    }
    if (beginFinish()) {
        emit finished(m_info);
    }
}

} // namespace Minato::Client
