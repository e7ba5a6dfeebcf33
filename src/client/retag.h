#pragma once

// Retag: gives an image another tag on the same registry without moving its data. The manifest named by the
// source (a tag or a digest) is read exactly as stored — GET with every Accept type, bytes verified against
// their digest (ManifestQuery) — and PUT unchanged, with its own media type, under the new tag (ManifestPut),
// so the new tag names the very same digest.
//
//   Retag::Image from{u"team/app"_s, u"v1"_s};
//   Retag::Image to{u"team/app"_s, u"stable"_s};                       // or another repository
//   auto *job = new Retag(client, from, to, this);
//   connect(job, &Retag::finished, this, [job](const RetagResult &r) {
//       if (r) { r->digest; r->mountedBlobs; }
//       else if (!job->mustCopy().isEmpty()) { /* offer the copy job */ }
//       job->deleteLater();
//   });
//   job->start();
//
// Into another repository of the same registry the target must first hold everything the manifest refers
// to — a registry refuses a manifest whose blobs or child manifests are missing (distribution-spec v1.1
// "Pushing Manifests": "The uploaded manifest MUST reference any blobs that make up the object"):
//  1. each config and layer blob is mounted from the source repository, POST
//     /v2/<target>/blobs/uploads/?mount=<digest>&from=<source> (spec "Mounting a blob from another
//     repository", end-11): 201 Created = mounted. "If a registry does not support cross-repository mounting
//     or is unable to mount the requested blob, it SHOULD return a 202" — an upload session. That session is
//     cancelled at once with DELETE <Location> (spec "Cancel a blob upload"; "Clients SHOULD ignore any
//     failures") and the blob is recorded in mustCopy(); the remaining blobs are still tried, nothing is
//     pushed, and the retag ends with an error saying those blobs must be copied (the copy job does that);
//  2. an index's child manifests (recursively) are read from the source by digest and PUT by digest into the
//     target, each after its own blobs;
//  3. the top manifest is PUT under the new tag.
// Each blob is mounted once however many manifests share it. Layers that are fetched from their `urls`
// (non-distributable) are not mounted, as registries do not require them. Referrers (signatures, SBOMs) are
// not carried along. Schema 1 manifests name their repository inside their signed payload, so across
// repositories they are refused (InvalidRequest).
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before
// start() returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight. A blob already
// mounted or a child manifest already pushed when it is cancelled stays in the target (harmless: untagged).

#include "compositeoperation.h"
#include "clienterror.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/manifest.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <optional>

namespace Minato::Client {

class RegistryClient;
struct ManifestInfo;
struct ManifestPutInfo;

struct RetagInfo
{
    QString sourceRepository;
    QString sourceReference; // tag or digest, as asked
    QString targetRepository;
    QString targetTag;
    Oci::Digest digest; // of the manifest, the same under both names
    QString mediaType;
    qint64 size = 0;
    int mountedBlobs = 0;   // blobs mounted into the target (0 within one repository)
    int childManifests = 0; // child manifests pushed by digest into the target (an index)
};
using RetagResult = Result<RetagInfo>;

class Retag final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Retag)

public:
    struct Image
    {
        QString repository;
        QString reference; // source: tag or digest; target: a tag
    };

    Retag(RegistryClient *client, Image source, Image target, QObject *parent = nullptr);
    ~Retag() override;

    void start();
    // The blobs the registry would not mount (it answered 202), in the order met; the retag then failed.
    const QList<Oci::Descriptor> &mustCopy() const { return m_mustCopy; }

signals:
    // After each step: a manifest read, a blob mounted, a manifest pushed. total grows as an index is read.
    void progress(int done, int total);
    void finished(const Minato::Client::RetagResult &result);

private:
    // One manifest on the way: read from the source, its blobs mounted, its children done, then pushed.
    struct Node
    {
        QString reference; // how it is read from the source: the top's reference, a child's digest
        bool top = false;
        std::optional<Oci::AnyManifest> manifest;
        QString mediaType;
        Oci::Digest digest;
        QList<Oci::Descriptor> blobs;    // still to mount
        QList<Oci::Descriptor> children; // still to visit
    };

    bool crossRepository() const { return m_source.repository != m_target.repository; }
    void step();
    void fetch(Node &node);
    void onFetched(const Result<ManifestInfo> &result);
    void mount(const Oci::Descriptor &blob);
    void onMounted(const Oci::Descriptor &blob, const Result<bool> &result);
    void push(const Node &node);
    void onPushed(const Result<ManifestPutInfo> &result);
    void advance();
    void finishWith(const RetagResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }
    void fail(const ClientError &error) { finishWith(error); }

    QPointer<RegistryClient> m_client;
    Image m_source;
    Image m_target;
    bool m_started = false;
    QList<Node> m_stack;
    QSet<QString> m_mounted; // blob digests mounted (or found) in the target
    QSet<QString> m_pushed;  // child manifests pushed by digest
    QSet<QString> m_tried;   // blobs tried (mounted or not), each once
    QList<Oci::Descriptor> m_mustCopy;
    RetagInfo m_info;
    int m_done = 0;
    int m_total = 2; // the top manifest's read and push; an index adds its children as they are met
};

} // namespace Minato::Client
