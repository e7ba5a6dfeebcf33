#pragma once

// Retention: which tags of a repository a rule set keeps and which it deletes — worked out first as a plan a
// person (or `minatoctl retain --dry-run`) reads, then applied as a separate step with BulkDelete.
//
//   RetentionRules rules;
//   rules.keepLast = 3;                                   // the 3 most recently created candidates stay
//   rules.olderThanSeconds = 30 * 86400;                  // of the rest, those older than 30 days go
//   rules.match = QRegularExpression(u"^v"_s);            // only tags matching are candidates
//   auto *q = new RetentionPlanQuery(client, u"team/app"_s, rules, {}, this);
//   connect(q, &RetentionPlanQuery::progress, bar, …);    // (done, total) as dates are learnt
//   connect(q, &RetentionPlanQuery::finished, this, [q](const RetentionPlanResult &r) {
//       for (const RetentionItem &item : r->items) { item.tag; item.action; item.reason; }   // newest first
//       show(r.value());                                  // … and only when the person agrees:
//       auto *job = new BulkDelete(client, r->repository, r->toDelete(), {}, this);         // bulkdelete.h
//       q->deleteLater();
//   });
//   q->start();
//
// The rules (evaluateRetention(), a pure function):
// - Candidates are the tags `match` finds (a search, not a full match: anchor with ^…$); all tags when the
//   pattern is empty. Tags it does not find are always kept.
// - A candidate whose created date cannot be learnt is kept, and the plan says why. So is one whose date is
//   a reproducible-build placeholder (1970-01-01, 0001-01-01): it says nothing about the image's age.
// - Of the dated candidates, newest first, the keepLast newest are kept. Ties (equal dates, and the undated
//   tags listed last) are ordered by tag name in descending natural order, "v1.10" before "v1.9", so a plan is
//   the same every time it is made.
// - Of the rest, with olderThanSeconds those created before now − olderThan are deleted and the others kept;
//   without it, all the rest are deleted. Only olderThanSeconds: the candidates older than it are deleted.
// - A rule set with neither keepLast (≥ 0) nor olderThanSeconds is refused (hasRule()): it would say nothing.
// - A deleted tag naming the same image (digest) as a kept tag gets `sharesWithKept` and says so: deleting it
//   must remove that tag name only. BulkDelete/DeleteTag keep that promise on every registry — the OCI tag
//   delete or the vendor's tag API remove just the name, and where a registry deletes only by digest (the
//   CNCF registry) the delete is refused because another tag names the image (deletetag.h).
//
// Where the dates come from (RetentionPlanQuery):
// 1. The tags: where the connection's vendor has a tag API (vendorapi.h: Docker Hub, Harbor, GCR/Artifact
//    Registry, ACR) it lists them with digest and date and no request per tag — Docker Hub's date is the tag's
//    last push (last_updated / tag_last_pushed), Harbor's the image's created (else its push time), GCR's
//    timeCreatedMs, ACR's createdTime. Elsewhere, or when the vendor API fails (a note says so), the
//    registry's tag list (GET /v2/<name>/tags/list, distribution-spec v1.1 "Listing Tags").
// 2. Each candidate without a date from the vendor: TagMetadataProvider (tagmetadataprovider.h) — HEAD of the
//    tag, GET of the manifest, GET of the config blob, and `created` from the image config (image-spec
//    config.md). For an index: the created of its linux/amd64 image, else of its first runnable entry
//    (attestation entries left out) — one child read, not one per platform. Tags that are not candidates
//    get a HEAD only, for their digest (the shared-image check), and are shown with the date of a dated tag
//    naming the same image. At most Options::parallel tags in flight.
//    On Docker Hub a manifest GET counts as a pull, so tags its API gave no date for stay undated there.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before
// start() returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.
//
// Known limit: the plan is a snapshot. A tag pushed again between the plan and BulkDelete is deleted as
// planned, whatever it names by then.

#include "compositeoperation.h"
#include "result.h"
#include "tagmetadataprovider.h"

#include "oci/digest.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Minato::Client {

class DigestCache;
class RegistryClient;
class VendorApi;

struct RetentionRules
{
    int keepLast = -1;                      // keep the N most recently created candidates; -1: no such rule
    std::optional<qint64> olderThanSeconds; // of the others, delete those created longer ago than this
    QRegularExpression match;               // only tags this finds are candidates; empty pattern: all tags

    bool hasRule() const { return keepLast >= 0 || olderThanSeconds.has_value(); }
    // English: why these rules cannot be applied (no rule, an invalid pattern, a negative age); empty when fine.
    QString problem() const;
};

// "30d", "12h", "90m", "2w", "45s", also combined ("1w2d"): seconds; nullopt when malformed, zero or over
// 100 years.
std::optional<qint64> parseRetentionAge(const QString &text);
// Seconds in words for reasons: "30 days", "12 hours", "2 weeks", "1 day 12 hours".
QString describeRetentionAge(qint64 seconds);

// What is known of one tag before the rules are applied.
struct RetentionInput
{
    QString tag;
    Oci::Digest digest; // invalid when unknown
    QDateTime created;  // invalid when unknown
    QString dateNote;   // English: why created is unknown ("HEAD … → 404"), when it is
};

struct RetentionItem
{
    enum class Action { Keep, Delete };

    QString tag;
    Oci::Digest digest; // invalid when unknown
    QDateTime created;  // invalid when unknown (or a placeholder date, then kept as read)
    bool candidate = false;
    Action action = Action::Keep;
    QString reason;             // English: "among the 3 newest", "older than 30 days", "does not match ^v", …
    QStringList sharesWithKept; // Delete: kept tags naming the same digest (only this tag name goes), sorted
};

struct RetentionPlan
{
    QString repository;
    RetentionRules rules;
    QDateTime now;              // the time ages were measured from (UTC)
    QList<RetentionItem> items; // every tag: dated ones newest first, then undated ones (ties: evaluateRetention)
    QString dateSource;         // English: "image configs", "Docker Hub API", …
    QStringList notes;          // English: a vendor API that failed, tags whose dates could not be read

    // The tags to delete, in items' order (newest first).
    QStringList toDelete() const;
    int deleteCount() const;
};
using RetentionPlanResult = Result<RetentionPlan>;

// The rules over known tags: every input once, in RetentionPlan::items order. Pure (no I/O); `now` is the time
// ages are measured from. Precondition: rules.problem() is empty.
QList<RetentionItem> evaluateRetention(const RetentionRules &rules, const QList<RetentionInput> &tags,
                                       const QDateTime &now);

class RetentionPlanQuery final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetentionPlanQuery)

public:
    struct Options
    {
        int parallel = 4;             // tags whose dates are read at once
        bool useVendorApi = true;     // false: always the registry's tag list and image configs
        QUrl dockerHubApiUrl;         // Docker Hub's API (default when empty)
        DigestCache *cache = nullptr; // manifests and configs already read (not owned; may be null)
        QDateTime now;                // ages measured from here; invalid: the current time
        int pageSize = 100;           // tag list pages
    };

    RetentionPlanQuery(RegistryClient *client, QString repository, RetentionRules rules, Options options,
                       QObject *parent = nullptr);
    ~RetentionPlanQuery() override;

    void start();

signals:
    // Tags whose digest or date has been learnt, of those that need a request (total is known once listed).
    void progress(int done, int total);
    void finished(const Minato::Client::RetentionPlanResult &result);

private:
    void listWithRegistry();
    void onListed();
    void readDates();
    void onMetadata(const QString &tag, const TagMetadata &metadata);
    void decide();
    void finishWith(const RetentionPlanResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }
    bool isCandidate(const QString &tag) const;

    QPointer<RegistryClient> m_client;
    Options m_options;
    bool m_started = false;
    RetentionPlan m_plan;
    QStringList m_tags;                  // as listed, duplicates removed
    QHash<QString, TagMetadata> m_known; // tag → what the vendor API or the provider learnt
    QHash<QString, QString> m_dateNotes; // tag → why its date is unknown
    QSet<QString> m_waiting;             // tags the provider still works on
    int m_total = 0;
    int m_failures = 0;
    VendorApi *m_vendor = nullptr;
    bool m_vendorListed = false;
};

} // namespace Minato::Client
