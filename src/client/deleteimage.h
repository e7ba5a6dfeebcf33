#pragma once

// DeleteImage: deletes a manifest by digest as a DeletePlan describes it — DELETE /v2/<name>/manifests/<digest>
// (distribution-spec v1.1 "Deleting Manifests"; every tag naming it goes with it), then, for an index, the
// child manifests nothing else keeps (DeletePlan::orphanedChildren(): no tag names them, no other tagged index
// lists them, and every tag was checked), so that deleting a multi-platform image leaves no orphans behind
// (USERS.md 1). The index goes first: until then its children are still referenced.
//
//   auto *del = new DeleteImage(client, plan, this);              // plan from DeletePlanQuery
//   connect(del, &DeleteImage::finished, this, [del](const DeleteResult &r) {
//       r->removedTags; r->removedManifests; r->notes;            // a child that could not go is a note
//       del->deleteLater();
//   });
//   del->start();
//
// Only the manifest's own DELETE can fail the operation (with ManifestDelete's sentences: delete disabled,
// no permission, not found). A child already gone (404) counts as removed; another failure for a child is a
// note, since the image itself is gone by then. Referrers are left in place (the plan lists them).
//
// Contract (as every operation, see operation.h): start() once; exactly one finished(), possibly before
// start() returns; cancel() ends it with Cancelled at once; deleting it aborts what is in flight.

#include "compositeoperation.h"
#include "deleteplan.h"

#include <QObject>
#include <QPointer>

namespace Minato::Client {

class RegistryClient;

class DeleteImage final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeleteImage)

public:
    DeleteImage(RegistryClient *client, DeletePlan plan, QObject *parent = nullptr);
    ~DeleteImage() override;

    void start();

signals:
    void progress(int done, int total);
    void finished(const Minato::Client::DeleteResult &result);

private:
    void deleteNext();
    void finishWith(const DeleteResult &result);
    void finishCancelled() override { finishWith(ClientError::cancelled()); }

    QPointer<RegistryClient> m_client;
    DeletePlan m_plan;
    bool m_started = false;
    DeleteOutcome m_outcome;
    QList<Oci::Digest> m_children;
    int m_total = 1;
};

} // namespace Minato::Client
