#include "bulkdelete.h"

#include "deletetag.h"
#include "registryclient.h"

namespace Minato::Client {

BulkDelete::BulkDelete(RegistryClient *client, QString repository, QStringList tags, Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_options(std::move(options))
{
    m_summary.repository = std::move(repository);
    for (const QString &tag : tags) {
        if (!m_summary.tags.contains(tag)) {
            m_summary.tags.append(tag);
        }
    }
}

BulkDelete::~BulkDelete() = default; // the DeleteTag in flight is a child: deleting it aborts it

void BulkDelete::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::invalidRequest(QStringLiteral("bulk delete without a registry client")));
        return;
    }
    emit progress(0, int(m_summary.tags.size()));
    next();
}

void BulkDelete::finishWith(const BulkDeleteResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

void BulkDelete::next()
{
    if (isFinished()) {
        return;
    }
    const qsizetype index = m_summary.items.size();
    if (index >= m_summary.tags.size()) {
        finishWith(m_summary);
        return;
    }
    const QString tag = m_summary.tags.at(index);
    if (m_removed.contains(tag)) {
        DeleteOutcome outcome;
        outcome.repository = m_summary.repository;
        outcome.reference = tag;
        outcome.method = DeleteOutcome::Method::AlreadyRemoved;
        outcome.via = QStringLiteral("registry API");
        outcome.digest = m_removedWith.value(tag);
        outcome.removedTags = {tag};
        record(outcome);
        return;
    }
    DeleteTag::Options options;
    options.knownTags = m_tagIndex;
    options.maxTagChecks = m_options.maxTagChecks;
    options.dockerHubApiUrl = m_options.dockerHubApiUrl;
    for (qsizetype i = index + 1; i < m_summary.tags.size(); ++i) {
        options.alsoDeleting.insert(m_summary.tags.at(i));
    }
    auto *del = new DeleteTag(m_client, m_summary.repository, tag, options, this);
    m_current = del;
    connect(del, &DeleteTag::finished, this, [this, del](const DeleteResult &r) {
        del->deleteLater();
        m_current = nullptr;
        if (!r && r.error().kind() == ClientError::Kind::Cancelled) {
            return;
        }
        if (!m_tagIndex && del->plan()) {
            m_tagIndex = del->plan()->tagIndex; // learnt once, kept current below
        }
        record(r);
    });
    del->start();
}

void BulkDelete::record(const DeleteResult &result)
{
    const int index = int(m_summary.items.size());
    m_summary.items.append(result);
    if (result) {
        ++m_summary.deleted;
        for (const QString &tag : result->removedTags) {
            m_removed.insert(tag);
            m_removedWith.insert(tag, result->digest);
            if (m_tagIndex) {
                m_tagIndex->remove(tag);
            }
        }
    } else {
        ++m_summary.failed;
    }
    emit itemFinished(index, result);
    emit progress(index + 1, int(m_summary.tags.size()));
    // Queued: a long run of AlreadyRemoved items must not nest next() → record() → next() ever deeper.
    QMetaObject::invokeMethod(this, &BulkDelete::next, Qt::QueuedConnection);
}

} // namespace Minato::Client
