#include "deleteimage.h"

#include "manifestdelete.h"
#include "registryclient.h"

namespace Minato::Client {

DeleteImage::DeleteImage(RegistryClient *client, DeletePlan plan, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_plan(std::move(plan))
{}

DeleteImage::~DeleteImage() = default; // sub-operations are children: deleting them aborts them

void DeleteImage::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::invalidRequest(QStringLiteral("image delete without a registry client")));
        return;
    }
    if (!m_plan.digest.isValid()) {
        finishWith(ClientError::invalidRequest(QStringLiteral("image delete without a digest: plan it first")));
        return;
    }
    m_outcome.repository = m_plan.repository;
    m_outcome.reference = m_plan.reference;
    m_outcome.method = DeleteOutcome::Method::Manifest;
    m_outcome.via = QStringLiteral("registry API");
    m_outcome.digest = m_plan.digest;
    m_children = m_plan.orphanedChildren();
    m_total = 1 + int(m_children.size());
    if (m_plan.isIndex && !m_plan.children.isEmpty() && m_children.isEmpty() &&
        (!m_plan.tagIndex.complete() || !m_plan.childrenChecked)) {
        m_outcome.notes.append(QStringLiteral("child manifests left in place: not every tag or index could be "
                                              "checked, so some may still be in use"));
    }

    auto *del = new ManifestDelete(m_client, m_plan.repository, m_plan.digest.toString(), this);
    m_current = del;
    connect(del, &ManifestDelete::finished, this, [this, del](const DeleteResult &r) {
        del->deleteLater();
        m_current = nullptr;
        if (!r) {
            finishWith(r.error());
            return;
        }
        m_outcome.removedTags = m_plan.tagsOnManifest();
        m_outcome.removedManifests = {m_plan.digest};
        emit progress(1, m_total);
        deleteNext();
    });
    del->start();
}

void DeleteImage::deleteNext()
{
    if (m_children.isEmpty()) {
        finishWith(m_outcome);
        return;
    }
    const Oci::Digest child = m_children.takeFirst();
    auto *del = new ManifestDelete(m_client, m_plan.repository, child.toString(), this);
    m_current = del;
    connect(del, &ManifestDelete::finished, this, [this, del, child](const DeleteResult &r) {
        del->deleteLater();
        m_current = nullptr;
        if (r || r.error().kind() == ClientError::Kind::NotFound) {
            m_outcome.removedManifests.append(child);
        } else if (r.error().kind() == ClientError::Kind::Cancelled) {
            return;
        } else {
            m_outcome.notes.append(
                QStringLiteral("child %1 could not be deleted: %2").arg(child.toString(), r.error().technicalDetail()));
        }
        emit progress(m_total - int(m_children.size()), m_total);
        deleteNext();
    });
    del->start();
}

void DeleteImage::finishWith(const DeleteResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

} // namespace Minato::Client
