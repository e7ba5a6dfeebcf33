#pragma once

// ReferrersQuery: the artifacts that refer to a manifest — signatures, SBOMs, attestations — wherever the
// registry keeps them (distribution-spec v1.1 "Listing Referrers" and "Referrers Tag Schema").
//
//   auto *q = new ReferrersQuery(client, QStringLiteral("team/app"), digest);
//   q->setKnownTags(tagsOfTheRepository);       // optional: cosign's sha256-<hex>.sig/.att/.sbom tags
//   connect(q, &ReferrersQuery::finished, this, [](const ReferrersResult &r) {
//       for (const Referrer &ref : r->referrers) { ref.kind; ref.descriptor.digest; ref.descriptor.artifactType; }
//   });
//   q->start();
//
// 1. The referrers API: GET /v2/<name>/referrers/<digest> (?artifactType= when filtering), an OCI image
//    index whose manifests[] are the referrers, paginated with Link headers (followed, loops stopped). When
//    the registry did not apply the filter (no OCI-Filters-Applied: artifactType), it is applied here.
// 2. A 404 there means "no referrers API" (spec: a registry supporting it answers 200 even for an unknown
//    subject): the fallback tag `sha256-<hex>` is read as an index (the referrers tag schema); a missing
//    tag is an empty list, not an error.
// 3. cosign's own tags (`sha256-<hex>.sig`, `.att`, `.sbom`): cosign before OCI 1.1 support stored
//    signatures this way. Recognised among setKnownTags() (listed by tag, digest unknown), or — with
//    setProbeCosignTags(true) — asked for with a HEAD each (digest, type and size; a HEAD is not a pull
//    on Docker Hub). Only when no artifactType filter is set: these tags carry no artifact type.
// Each referrer is classified (signature, SBOM, attestation, other) from its artifactType, else its media
// type — classifyArtifact() below.

#include "operation.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"

#include <QSet>
#include <QStringList>

namespace Minato::Client {

enum class ArtifactKind { Signature, Sbom, Attestation, Other };

// From an artifactType (or config media type): cosign, notation and sigstore signatures; SPDX, CycloneDX
// and syft SBOMs; in-toto attestations.
ArtifactKind classifyArtifact(const QString &artifactType);
QString artifactKindName(ArtifactKind kind); // "signature", "SBOM", "attestation", "artifact"

struct Referrer
{
    enum class Source { Api, TagSchema, CosignTag };

    Oci::Descriptor descriptor; // for CosignTag: media type and digest unknown until resolved
    ArtifactKind kind = ArtifactKind::Other;
    Source source = Source::Api;
    QString tag; // CosignTag (and TagSchema: the fallback tag it came from)
};

struct ReferrersInfo
{
    Oci::Digest subject;
    bool apiSupported = false; // the registry answered the referrers API
    QList<Referrer> referrers;
    int pages = 0;
};
using ReferrersResult = Result<ReferrersInfo>;

class ReferrersQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReferrersQuery)

public:
    static constexpr qint64 MaxPageBytes = qint64(4) * 1024 * 1024;
    static constexpr int MaxPages = 100;

    ReferrersQuery(RegistryClient *client, QString repository, Oci::Digest subject, QString artifactType = {},
                   QObject *parent = nullptr);

    // Tags of the repository already listed elsewhere: cosign tags for the subject are picked from them.
    void setKnownTags(const QStringList &tags) { m_knownTags = tags; }
    // HEAD the three cosign tags instead of (or besides) looking for them in known tags.
    void setProbeCosignTags(bool probe) { m_probeCosign = probe; }

    // "sha256-<hex>": the referrers tag schema's fallback tag, also the stem of cosign's tags.
    static QString fallbackTag(const Oci::Digest &subject);

signals:
    void finished(const Minato::Client::ReferrersResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    enum class Phase { Api, Fallback, Cosign };

    void requestPage(const QUrl &url);
    void requestFallback();
    // Adds the index's entries (filtered when the server did not); false after failing.
    bool takeIndex(const HttpResponse &response, Referrer::Source source, bool filterApplied);
    void complete();
    // HEADs the next cosign tag not tried yet; false when none is left.
    bool probeNextCosignTag();

    QString m_repository;
    Oci::Digest m_subject;
    QString m_artifactType;
    QStringList m_knownTags;
    bool m_probeCosign = false;
    int m_cosignIndex = 0;
    Phase m_phase = Phase::Api;
    QSet<QString> m_visited;
    QSet<QString> m_seenDigests;
    ReferrersInfo m_info;
};

} // namespace Minato::Client
