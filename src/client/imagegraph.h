#pragma once

// ImageGraphQuery: everything an image reference stands for, read and verified, before it is copied or exported —
// the top manifest (by tag or digest), for an index every child manifest (recursively), optionally the referrers
// (signatures, SBOMs, attestations) of each manifest and theirs in turn, and the list of blobs all of them name.
//
//   ImageGraphQuery::Options options;
//   options.platforms = {*Oci::Platform::parse(u"linux/amd64")};   // empty: all platforms, digests unchanged
//   options.referrers = true;
//   auto *q = new ImageGraphQuery(client, u"team/app"_s, u"v1"_s, options, this);
//   connect(q, &ImageGraphQuery::finished, this, [q](const ImageGraphResult &r) {
//       for (const GraphManifest &m : r->manifests) …   // children before the manifests that name them
//       for (const GraphBlob &b : r->blobs) …           // each blob once
//       if (r->rewritten()) warn(r->originalDigest);   // a platform subset: a new index, a new digest
//       q->deleteLater();
//   });
//   q->start();
//
// Every manifest is read with ManifestQuery (bytes verified against Docker-Content-Digest and the digest asked
// for) and kept as the exact bytes received: pushed or written unchanged, they keep their digests. A child's size
// and media type must agree with the descriptor that named it (image-spec descriptor.md: "size ... MUST" match).
//
// Platform subset (Options::platforms non-empty, top manifest an index): the index keeps the image entries whose
// platform matches one asked for (Platform::matches) and the buildx attestation entries describing a kept entry
// (annotation vnd.docker.reference.digest); every other member of the document is kept as it is. Those are new
// bytes, so the index gets a new digest: GraphResult::rewritten() says so, and signatures made on the original
// digest do not apply to it (their subject is the original). A platform the index does not offer is NotFound,
// naming what it offers. A single image manifest is taken whole when its platform is not known here (the config
// would have to be read); the subset only applies to indexes.
//
// Referrers (Options::referrers): ReferrersQuery per manifest in the graph (the referrers API, else the fallback
// tag `sha256-<hex>` of the referrers tag schema — distribution-spec v1.1 "Listing Referrers"/"Referrers Tag
// Schema"), then each referrer manifest read like any other (its own blobs, and its referrers, to
// Options::maxReferrerDepth). Referrers are pushed after their subject. Referrers of a rewritten index's
// original digest are not taken (they name a digest the copy will not have).
//
// Blobs: config and layers of every manifest, each digest once, in first-met order. Non-distributable ("foreign")
// layers — media types marked nondistributable that carry `urls` — are listed with foreign = true: a copy leaves
// them out by default (registries do not need the bytes; image-spec layer.md "Non-distributable layers").
// Schema 1 manifests are refused (InvalidRequest): their signed payload names the source repository.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before start()
// returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.

#include "compositeoperation.h"
#include "clienterror.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/manifest.h"
#include "oci/platform.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <optional>

namespace Minato::Client {

class RegistryClient;
struct ManifestInfo;
struct ReferrersInfo;

struct GraphManifest
{
    enum class Role {
        Top,      // the manifest the reference names (rewritten when a platform subset was asked for)
        Child,    // an entry of an index
        Referrer, // an artifact whose subject is in the graph
    };

    Oci::Digest digest;
    QString mediaType;
    QByteArray bytes; // exactly what is pushed or written (digest = sha256 of these bytes)
    Oci::AnyManifest manifest;
    Role role = Role::Child;
    std::optional<Oci::Platform> platform; // a Child's index entry platform
    Oci::Digest subject;                   // a Referrer's subject (invalid otherwise)
    QString artifactType;                  // a Referrer's artifact type (its descriptor's, else the manifest's)

    qint64 size() const { return bytes.size(); }
    bool isIndex() const;
};

struct GraphBlob
{
    Oci::Descriptor descriptor; // as the first manifest naming it wrote it
    bool foreign = false;       // non-distributable with urls: not copied by default
};

struct ImageGraph
{
    QString repository;
    QString reference; // as asked: a tag or a digest
    // Children before the manifests that name them; the top manifest after its children; referrers after their
    // subject (and after their own children). Each digest once.
    QList<GraphManifest> manifests;
    QList<GraphBlob> blobs; // each digest once, first-met order
    // A platform subset rewrote the top index: the digest it had in the source (invalid when not rewritten).
    Oci::Digest originalDigest;
    QList<Oci::Platform> platforms; // the runnable platforms copied (an index), in document order

    bool rewritten() const { return originalDigest.isValid(); }
    const GraphManifest &top() const;
    // Bytes of the blobs (foreign ones left out unless includeForeign), each once.
    qint64 blobBytes(bool includeForeign = false) const;
    int referrerCount() const;
};
using ImageGraphResult = Result<ImageGraph>;

class ImageGraphQuery final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageGraphQuery)

public:
    struct Options
    {
        QList<Oci::Platform> platforms; // empty: every entry of an index, unchanged
        bool referrers = false;         // take signatures, SBOMs and attestations along
        int maxReferrerDepth = 4;       // referrers of referrers (a signature of an SBOM), this deep
        int maxManifests = 10000;       // a larger graph ends with InvalidResponse(TooLarge)
    };

    ImageGraphQuery(RegistryClient *client, QString repository, QString reference, Options options,
                    QObject *parent = nullptr);
    ~ImageGraphQuery() override;

    void start();

signals:
    // After each manifest read: how many so far.
    void progress(int manifests);
    void finished(const Minato::Client::ImageGraphResult &result);

private:
    struct Pending
    {
        QString reference;           // top: as asked; others: the digest
        GraphManifest::Role role = GraphManifest::Role::Child;
        std::optional<Oci::Descriptor> descriptor; // the entry that named it (size, media type checked)
        Oci::Digest subject;
        int depth = 0; // referrer depth
    };

    void readNext();
    void onRead(const Pending &pending, const Result<ManifestInfo> &result);
    bool admit(GraphManifest &manifest, const Pending &pending);
    bool rewriteTop(GraphManifest &top);
    void askReferrers();
    void onReferrers(const Oci::Digest &subject, int depth, const Result<ReferrersInfo> &result);
    void addBlob(const Oci::Descriptor &descriptor);
    // Post-order: the manifest's children (recursively), then the manifest.
    void appendInOrder(const QString &digest, QSet<QString> &done);
    void finishGraph();
    void finishWith(const ImageGraphResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }

    QPointer<RegistryClient> m_client;
    Options m_options;
    ImageGraph m_graph;
    bool m_started = false;
    QList<Pending> m_queue;                        // manifests still to read, depth first
    QSet<QString> m_queued;                        // digests in m_queue or read already
    QList<QPair<Oci::Digest, int>> m_askReferrers; // subjects whose referrers are still to be asked, with depth
    QHash<QString, GraphManifest> m_read;          // by digest
    QHash<QString, QStringList> m_children;        // an index's entries, by the index's digest
    QStringList m_referrerRoots;                   // referrer digests in the order met
    QSet<QString> m_blobSeen;
};

} // namespace Minato::Client
