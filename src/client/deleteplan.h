#pragma once

// Deleting safely (USERS.md 1): before anything goes, DeletePlanQuery works out everything a delete would
// affect, so a person (or minatoctl rm --plan) sees it first.
//
//   auto *q = new DeletePlanQuery(client, u"team/app"_s, u"v1"_s, {}, this);     // a tag or a digest
//   connect(q, &DeletePlanQuery::finished, this, [q](const DeletePlanResult &r) {
//       r->digest; r->otherTags;            // tags that name the same manifest: they go with it by digest
//       r->tagIndex.complete();             // false: too many tags to check them all (r->notes says so)
//       r->children;                        // an index's child manifests, and whether something keeps them
//       r->referrers;                       // signatures, SBOMs… left without their subject if it goes
//       q->deleteLater();
//   });
//   q->start();
//
// Why all this: the registry API deletes manifests by digest (distribution-spec v1.1 "Deleting Manifests",
// end-9), so removing "one tag" that way removes every tag on that digest (distribution #1566). Tag delete
// ("Deleting tags": DELETE /v2/<name>/manifests/<tag>) is optional — "If tag deletion is disabled, the registry
// MUST respond with either a 400 Bad Request or a 405 Method Not Allowed". So the plan finds:
// 1. the manifest: HEAD of the reference (digest, media type; a HEAD is no pull on Docker Hub), and for an
//    index a GET of it for its children;
// 2. the other tags on the same digest: the tag list, then a HEAD per tag — at most Options::maxTagChecks,
//    a few at a time. A repository with more tags is checked only in part: tagIndex.unchecked lists the rest
//    and notes says so, and DeleteTag then refuses a delete by digest it cannot prove harmless;
// 3. for an index, whether each child is kept by something else: a tag naming it, or another tagged index
//    listing it (those indexes are read, at most Options::maxIndexReads). Children nothing keeps would be left
//    as orphans when the index goes, so deleting by digest removes them too (DeleteImage);
// 4. referrers of the manifest and of its children (ReferrersQuery: the referrers API, the tag schema,
//    cosign's tags among the listed ones): they stay, without a subject, when the manifest goes ("Deleting
//    Manifests" leaves updating the referrers tag schema to clients; not done here).
// Steps 2–4 never fail the plan: what could not be learnt is in notes (English) and the *Checked flags.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before
// start() returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.

#include "clienterror.h"
#include "referrersquery.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Client {

class RegistryClient;
struct ManifestInfo;

// What a tag pointed at when it was checked (a HEAD).
struct TagTarget
{
    Oci::Digest digest;
    QString mediaType;
};

// The tags of a repository and, for the tags checked, what they name.
struct TagIndex
{
    QStringList tags;                  // every tag listed, in the registry's order
    QHash<QString, TagTarget> targets; // tag → target, for the tags checked
    QStringList unchecked;             // tags listed but not checked (over the budget, or their HEAD failed)

    bool complete() const { return unchecked.isEmpty(); }
    // The checked tags naming `digest`, sorted.
    QStringList tagsOf(const Oci::Digest &digest) const;
    // Forgets a tag (after it was deleted).
    void remove(const QString &tag);
};

struct PlannedChild
{
    Oci::Descriptor descriptor; // as the index lists it: media type, digest, size, platform
    QStringList tags;           // tags naming this child itself
    QStringList sharedWith;     // tags of other indexes that list it as well

    // Something else still needs it: deleting the index leaves it in place.
    bool kept() const { return !tags.isEmpty() || !sharedWith.isEmpty(); }
};

struct PlannedReferrer
{
    Oci::Digest subject; // the manifest or the child it refers to
    Referrer referrer;
};

struct DeletePlan
{
    QString repository;
    QString reference; // as asked: tag or digest
    QString tag;       // the tag asked for; empty when asked by digest
    Oci::Digest digest;
    QString mediaType;
    qint64 size = -1;
    bool isIndex = false;

    TagIndex tagIndex;
    QStringList otherTags; // checked tags other than `tag` naming the same digest, sorted
    QList<PlannedChild> children;
    bool childrenChecked = true; // every other tagged index was read to see which children it shares
    QList<PlannedReferrer> referrers;
    bool referrersChecked = false;
    QStringList notes; // English: what could not be checked, and why

    // Every tag that goes when the manifest is deleted by digest: `tag` and otherTags, sorted.
    QStringList tagsOnManifest() const;
    // Children that nothing else keeps: deleted after the index when it goes by digest.
    QList<Oci::Digest> orphanedChildren() const;
};
using DeletePlanResult = Result<DeletePlan>;

// What one delete did. removedTags and removedManifests are what no longer exists because of it.
struct DeleteOutcome
{
    enum class Method {
        Tag,            // DELETE /v2/<name>/manifests/<tag>: the tag only
        VendorTag,      // the vendor's own tag API (Docker Hub, Harbor, ACR): the tag only
        Manifest,       // DELETE /v2/<name>/manifests/<digest>: the manifest, every tag on it, orphaned children
        AlreadyRemoved, // BulkDelete: the tag went with an earlier item's manifest
    };

    QString repository;
    QString reference; // as asked: tag or digest
    Method method = Method::Tag;
    QString via;        // "registry API", "Docker Hub API", "Harbor API", "ACR API" (product names)
    Oci::Digest digest; // the manifest the reference named, when known
    QStringList removedTags;
    QList<Oci::Digest> removedManifests;
    QStringList notes; // English: a child that could not be deleted, …
};
using DeleteResult = Result<DeleteOutcome>;

class DeletePlanQuery final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeletePlanQuery)

public:
    struct Options
    {
        int maxTagChecks = 1000; // HEADs of other tags at most
        int maxIndexReads = 50;  // other tagged indexes read for shared children at most
        int parallel = 4;        // HEADs in flight at once
        bool referrers = true;   // look for referrers (step 4)
        // The repository's tags already checked (BulkDelete passes what an earlier plan learnt): no listing,
        // no HEADs.
        std::optional<TagIndex> knownTags;
    };

    // reference: a tag or a digest ("sha256:…").
    DeletePlanQuery(RegistryClient *client, QString repository, QString reference, Options options,
                    QObject *parent = nullptr);
    ~DeletePlanQuery() override;

    void start();
    void cancel();
    bool isFinished() const { return m_finished; }

signals:
    // Requests done and known so far (total grows as the tag list arrives).
    void progress(int done, int total);
    void finished(const Minato::Client::DeletePlanResult &result);

private:
    void onResolved(const Result<ManifestInfo> &result);
    void onIndexRead(const Result<ManifestInfo> &result);
    void listTags();
    void checkTags();
    void pumpTagChecks();
    void onTagChecked(const QString &tag, const Result<ManifestInfo> &result);
    void analyseChildren();
    void readNextIndex();
    void findReferrers();
    void nextReferrers();
    void step();
    void finishWith(const DeletePlanResult &result);
    void fail(const ClientError &error) { finishWith(error); }

    QPointer<RegistryClient> m_client;
    Options m_options;
    bool m_started = false;
    bool m_finished = false;
    DeletePlan m_plan;
    QStringList m_toCheck;
    int m_inFlight = 0;
    QString m_firstCheckError;
    QList<Oci::Digest> m_indexesToRead;
    QHash<QString, QStringList> m_indexTags; // other index digest → its tags
    QList<Oci::Digest> m_referrerSubjects;
    int m_done = 0;
    int m_total = 2;
    QList<QPointer<QObject>> m_current; // sub-operations in flight
};

} // namespace Minato::Client
