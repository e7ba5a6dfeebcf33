#pragma once

// DeleteTag: deletes one tag and nothing else, wherever the registry allows it, and says plainly when it
// cannot (USERS.md 1).
//
//   DeleteTag::Options options;
//   options.plan = plan;                               // optional: a DeletePlan of this tag (saves requests)
//   auto *del = new DeleteTag(client, u"team/app"_s, u"v1"_s, options, this);
//   connect(del, &DeleteTag::finished, this, [del](const DeleteResult &r) {
//       if (r) { r->method; r->removedTags; }          // Tag / VendorTag: {v1}; Manifest: every tag on it
//       del->deleteLater();
//   });
//   del->start();
//
// In order:
// 1. The OCI tag delete, DELETE /v2/<name>/manifests/<tag> (distribution-spec v1.1 "Deleting tags", end-9).
//    2xx: done. "If tag deletion is disabled, the registry MUST respond with either a 400 Bad Request or a 405
//    Method Not Allowed" — the CNCF registry answers 400 DIGEST_INVALID with delete enabled and 405
//    UNSUPPORTED with it disabled — and then:
// 2. the vendor's own tag API where there is one (for these kinds also after a refused token, which is how
//    Docker Hub answers a delete scope it does not grant):
//    - Docker Hub: DELETE https://hub.docker.com/v2/namespaces/<ns>/repositories/<repo>/tags/<tag> with the
//      hub API's JWT (DockerHubApi sign-in: a user name and personal access token; anonymous cannot delete);
//    - Harbor: DELETE /api/v2.0/projects/<p>/repositories/<r>/artifacts/<digest>/tags/<tag> (swagger
//      "deleteTag"; the repository name double-encoded, Basic with the connection's credentials; the digest
//      from the plan or a HEAD);
//    - ACR: DELETE /acr/v1/<repo>/_tags/<tag> ("Tag - Delete"), through the registry's token flow with scope
//      repository:<repo>:delete;
// 3. elsewhere, a delete by digest (DeleteImage) — but only when no other tag names that digest, which the
//    plan checks (DeletePlanQuery: the tag list and a HEAD per tag, bounded). Tags in Options::alsoDeleting
//    do not count (BulkDelete deletes them anyway; they are then reported in removedTags). When another tag
//    names it, or the repository has too many tags to check them all, the delete is refused with a sentence
//    saying why and what to do instead (delete REPO@DIGEST), and nothing is deleted.
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before
// start() returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.

#include "compositeoperation.h"
#include "deleteplan.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>

#include <optional>

namespace Minato::Client {

class DockerHubApi;
class RegistryClient;

class DeleteTag final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeleteTag)

public:
    struct Options
    {
        std::optional<DeletePlan> plan;    // a plan of this very tag; used when step 3 or Harbor needs one
        std::optional<TagIndex> knownTags; // else: what is known of the repository's tags (BulkDelete)
        QSet<QString> alsoDeleting;        // tags the caller deletes as well (not blockers in step 3)
        int maxTagChecks = 1000;           // DeletePlanQuery::Options::maxTagChecks when a plan is made here
        QUrl dockerHubApiUrl;              // Docker Hub's API (DockerHubApi::defaultBaseUrl() when empty)
    };

    DeleteTag(RegistryClient *client, QString repository, QString tag, Options options, QObject *parent = nullptr);
    ~DeleteTag() override;

    void start();
    // The plan used for step 3 (given or made here), once there is one: BulkDelete reuses its tag index.
    const std::optional<DeletePlan> &plan() const { return m_plan; }

signals:
    void finished(const Minato::Client::DeleteResult &result);

private:
    void onTagDeleted(const DeleteResult &result);
    bool hasVendorApi() const;
    void vendorDelete();
    void vendorDeleteWith(const QByteArray &authorization, const Oci::Digest &digest);
    void planThenDecide();
    void decide();
    void finishWith(const DeleteResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }
    void fail(const ClientError &error) { finishWith(error); }

    QPointer<RegistryClient> m_client;
    QString m_repository;
    QString m_tag;
    Options m_options;
    bool m_started = false;
    ClientError m_tagError; // the registry's answer to the OCI tag delete
    std::optional<DeletePlan> m_plan;
    DockerHubApi *m_hub = nullptr;
};

} // namespace Minato::Client
