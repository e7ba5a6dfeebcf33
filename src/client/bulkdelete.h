#pragma once

// BulkDelete: many tags of one repository deleted as one job (USERS.md 2: cleaning a repository), with a
// result per tag, progress, and cancel — for the Tasks panel and `minatoctl rm REF REF…`.
//
//   auto *job = new BulkDelete(client, u"team/app"_s, {u"v1"_s, u"v2"_s, u"old"_s}, {}, this);
//   connect(job, &BulkDelete::itemFinished, this, [](int i, const DeleteResult &r) { … });   // in order
//   connect(job, &BulkDelete::progress, bar, [bar](int done, int total) { … });
//   connect(job, &BulkDelete::finished, this, [job](const BulkDeleteResult &r) {
//       r->deleted; r->failed; r->items;                   // Cancelled when cancel() was called
//       job->deleteLater();
//   });
//   job->start();
//
// One tag after the other, each a DeleteTag (deletetag.h: the OCI tag delete, the vendor's tag API, or a delete
// by digest when no other tag names the image). A failure is that tag's result and the job goes on. Within
// the job:
// - the tags still to come count as deleted anyway (DeleteTag::Options::alsoDeleting): on a registry that only
//   deletes by digest, v1 and its alias v1-latest both in the list delete that image once, and the later tag's
//   result is AlreadyRemoved — while a tag outside the list naming the same image still refuses it;
// - the repository's tag index is learnt once (the first plan's tag list and HEADs) and kept current as tags
//   go, instead of a tag list and a HEAD per tag for every item.
// Tags given twice are deleted once. cancel() stops between requests; finished() then says Cancelled and the
// items already done keep their itemFinished() results.

#include "compositeoperation.h"
#include "deleteplan.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Minato::Client {

class RegistryClient;

struct BulkDeleteSummary
{
    QString repository;
    QStringList tags;          // as deleted (duplicates removed), in order
    QList<DeleteResult> items; // one per tag, in order
    int deleted = 0;           // items that succeeded (AlreadyRemoved included)
    int failed = 0;
};
using BulkDeleteResult = Result<BulkDeleteSummary>;

class BulkDelete final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BulkDelete)

public:
    struct Options
    {
        int maxTagChecks = 1000; // DeletePlanQuery's budget when a tag index must be learnt
        QUrl dockerHubApiUrl;    // Docker Hub's API (default when empty)
    };

    BulkDelete(RegistryClient *client, QString repository, QStringList tags, Options options,
               QObject *parent = nullptr);
    ~BulkDelete() override;

    void start();

signals:
    void progress(int done, int total);
    void itemFinished(int index, const Minato::Client::DeleteResult &result);
    void finished(const Minato::Client::BulkDeleteResult &result);

private:
    void next();
    void record(const DeleteResult &result);
    void finishWith(const BulkDeleteResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }

    QPointer<RegistryClient> m_client;
    Options m_options;
    bool m_started = false;
    BulkDeleteSummary m_summary;
    QSet<QString> m_removed;                   // tags gone so far (with an earlier item's manifest, too)
    QHash<QString, Oci::Digest> m_removedWith; // tag → the manifest it went with
    std::optional<TagIndex> m_tagIndex;
};

} // namespace Minato::Client
