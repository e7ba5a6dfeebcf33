#include "deleteplan.h"

#include "manifestquery.h"
#include "registryclient.h"
#include "tagsquery.h"

#include "oci/imageindex.h"
#include "oci/mediatype.h"
#include "oci/reference.h"

#include <algorithm>
#include <variant>

namespace Minato::Client {

// ---- TagIndex, DeletePlan ----------------------------------------------------------------------------------------

QStringList TagIndex::tagsOf(const Oci::Digest &digest) const
{
    QStringList out;
    for (auto it = targets.cbegin(); it != targets.cend(); ++it) {
        if (it.value().digest == digest) {
            out.append(it.key());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void TagIndex::remove(const QString &tag)
{
    tags.removeAll(tag);
    targets.remove(tag);
    unchecked.removeAll(tag);
}

QStringList DeletePlan::tagsOnManifest() const
{
    QStringList out = otherTags;
    if (!tag.isEmpty() && !out.contains(tag)) {
        out.append(tag);
    }
    std::sort(out.begin(), out.end());
    return out;
}

QList<Oci::Digest> DeletePlan::orphanedChildren() const
{
    // Only when every tag and every other index was looked at: a child named by a tag nobody checked must stay.
    if (!tagIndex.complete() || !childrenChecked) {
        return {};
    }
    QList<Oci::Digest> out;
    for (const PlannedChild &child : children) {
        if (!child.kept() && !out.contains(child.descriptor.digest)) {
            out.append(child.descriptor.digest);
        }
    }
    return out;
}

// ---- DeletePlanQuery ---------------------------------------------------------------------------------------------

DeletePlanQuery::DeletePlanQuery(RegistryClient *client, QString repository, QString reference, Options options,
                                 QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_options(std::move(options))
{
    m_plan.repository = std::move(repository);
    m_plan.reference = std::move(reference);
}

DeletePlanQuery::~DeletePlanQuery() = default; // sub-operations are children: deleting them aborts them

void DeletePlanQuery::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        fail(ClientError::invalidRequest(QStringLiteral("delete plan without a registry client")));
        return;
    }
    if (const auto name = Oci::Reference::parseRepositoryPath(m_plan.repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_plan.repository, name.error().message())));
        return;
    }
    if (!m_plan.reference.contains(u':')) {
        m_plan.tag = m_plan.reference; // ManifestQuery checks its grammar
    }
    auto *head = new ManifestQuery(m_client, m_plan.repository, m_plan.reference, ManifestQuery::Method::Head, this);
    m_current.append(head);
    connect(head, &ManifestQuery::finished, this, [this, head](const ManifestResult &r) {
        head->deleteLater();
        m_current.removeAll(head);
        onResolved(r);
    });
    head->start();
}

void DeletePlanQuery::cancel()
{
    if (m_finished) {
        return;
    }
    const QList<QPointer<QObject>> current = std::exchange(m_current, {});
    finishWith(ClientError::cancelled());
    for (const QPointer<QObject> &op : current) {
        delete op.data(); // aborts the request in flight without another finished()
    }
}

void DeletePlanQuery::finishWith(const DeletePlanResult &result)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    emit finished(result);
}

void DeletePlanQuery::step()
{
    ++m_done;
    emit progress(m_done, std::max(m_done, m_total));
}

void DeletePlanQuery::onResolved(const ManifestResult &result)
{
    if (m_finished) {
        return;
    }
    if (!result) {
        const ClientError &e = result.error();
        if (e.kind() == ClientError::Kind::NotFound) {
            fail(e.explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError",
                                               "%2 is not in %1, so there is nothing to delete. Check the tag or "
                                               "digest."),
                             {m_plan.repository, m_plan.reference}));
            return;
        }
        fail(e);
        return;
    }
    const ManifestInfo &info = result.value();
    if (!info.digest.isValid()) {
        // A HEAD answer without Docker-Content-Digest: the GET computes it from the bytes.
        auto *get = new ManifestQuery(m_client, m_plan.repository, m_plan.reference, ManifestQuery::Method::Get, this);
        m_current.append(get);
        connect(get, &ManifestQuery::finished, this, [this, get](const ManifestResult &r) {
            get->deleteLater();
            m_current.removeAll(get);
            onResolved(r);
        });
        get->start();
        return;
    }
    step();
    m_plan.digest = info.digest;
    m_plan.mediaType = info.mediaType;
    m_plan.size = info.size;
    m_plan.isIndex = Oci::MediaType::isIndex(info.mediaType) ||
                     (info.manifest && std::holds_alternative<Oci::ImageIndex>(*info.manifest));
    if (m_plan.isIndex && !info.manifest) {
        ++m_total;
        auto *get =
            new ManifestQuery(m_client, m_plan.repository, info.digest.toString(), ManifestQuery::Method::Get, this);
        m_current.append(get);
        connect(get, &ManifestQuery::finished, this, [this, get](const ManifestResult &r) {
            get->deleteLater();
            m_current.removeAll(get);
            onIndexRead(r);
        });
        get->start();
        return;
    }
    onIndexRead(info);
}

void DeletePlanQuery::onIndexRead(const ManifestResult &result)
{
    if (m_finished) {
        return;
    }
    if (!result) {
        fail(result.error());
        return;
    }
    if (result->manifest) {
        if (const auto *index = std::get_if<Oci::ImageIndex>(&*result->manifest)) {
            m_plan.isIndex = true;
            m_plan.mediaType = result->mediaType;
            for (const Oci::Descriptor &d : index->manifests) {
                PlannedChild child;
                child.descriptor = d;
                m_plan.children.append(child);
            }
            step();
        }
    }
    listTags();
}

void DeletePlanQuery::listTags()
{
    if (m_options.knownTags) {
        m_plan.tagIndex = *m_options.knownTags;
        if (!m_plan.tag.isEmpty()) {
            TagTarget own;
            own.digest = m_plan.digest;
            own.mediaType = m_plan.mediaType;
            m_plan.tagIndex.targets.insert(m_plan.tag, own);
            m_plan.tagIndex.unchecked.removeAll(m_plan.tag);
            if (!m_plan.tagIndex.tags.contains(m_plan.tag)) {
                m_plan.tagIndex.tags.append(m_plan.tag);
            }
        }
        checkTags();
        return;
    }
    auto *tags = new TagsQuery(m_client, m_plan.repository, ListQuery::MaxPageSize, this);
    m_current.append(tags);
    connect(tags, &TagsQuery::pageReady, this, [this](const QStringList &items) { m_plan.tagIndex.tags += items; });
    connect(tags, &TagsQuery::finished, this, [this, tags](const ListResult &r) {
        tags->deleteLater();
        m_current.removeAll(tags);
        if (m_finished) {
            return;
        }
        if (!r && r.error().kind() == ClientError::Kind::Cancelled) {
            return;
        }
        step();
        if (!r && r.error().kind() != ClientError::Kind::NotFound) {
            // Without the list nothing can be said about other tags: every one counts as unchecked.
            m_plan.notes.append(QStringLiteral("the tag list could not be read: ") + r.error().technicalDetail());
            m_plan.tagIndex.unchecked.append(QStringLiteral("*"));
        }
        if (!m_plan.tag.isEmpty()) {
            TagTarget own;
            own.digest = m_plan.digest;
            own.mediaType = m_plan.mediaType;
            m_plan.tagIndex.targets.insert(m_plan.tag, own);
        }
        m_toCheck.clear();
        for (const QString &tag : std::as_const(m_plan.tagIndex.tags)) {
            if (tag == m_plan.tag) {
                continue;
            }
            if (m_toCheck.size() < m_options.maxTagChecks) {
                m_toCheck.append(tag);
            } else {
                m_plan.tagIndex.unchecked.append(tag);
            }
        }
        if (!m_plan.tagIndex.unchecked.isEmpty() && !m_plan.tagIndex.unchecked.contains(QStringLiteral("*"))) {
            m_plan.notes.append(QStringLiteral("the repository has %1 tags; only %2 were checked for the same digest")
                                    .arg(m_plan.tagIndex.tags.size())
                                    .arg(m_toCheck.size() + (m_plan.tag.isEmpty() ? 0 : 1)));
        }
        m_total += int(m_toCheck.size());
        checkTags();
    });
    tags->start();
}

void DeletePlanQuery::checkTags()
{
    if (m_toCheck.isEmpty() && m_inFlight == 0) {
        m_plan.otherTags = m_plan.tagIndex.tagsOf(m_plan.digest);
        m_plan.otherTags.removeAll(m_plan.tag);
        if (!m_firstCheckError.isEmpty()) {
            m_plan.notes.append(QStringLiteral("some tags could not be checked: ") + m_firstCheckError);
        }
        analyseChildren();
        return;
    }
    pumpTagChecks();
}

void DeletePlanQuery::pumpTagChecks()
{
    while (!m_finished && !m_toCheck.isEmpty() && m_inFlight < std::max(1, m_options.parallel)) {
        const QString tag = m_toCheck.takeFirst();
        ++m_inFlight;
        auto *head = new ManifestQuery(m_client, m_plan.repository, tag, ManifestQuery::Method::Head, this);
        m_current.append(head);
        connect(head, &ManifestQuery::finished, this, [this, head, tag](const ManifestResult &r) {
            head->deleteLater();
            m_current.removeAll(head);
            --m_inFlight;
            onTagChecked(tag, r);
        });
        head->start();
    }
}

void DeletePlanQuery::onTagChecked(const QString &tag, const ManifestResult &result)
{
    if (m_finished) {
        return;
    }
    step();
    if (result && result->digest.isValid()) {
        TagTarget target;
        target.digest = result->digest;
        target.mediaType = result->mediaType;
        m_plan.tagIndex.targets.insert(tag, target);
    } else if (!result && result.error().kind() == ClientError::Kind::NotFound) {
        m_plan.tagIndex.tags.removeAll(tag); // deleted meanwhile
    } else {
        m_plan.tagIndex.unchecked.append(tag);
        if (m_firstCheckError.isEmpty()) {
            m_firstCheckError =
                result ? QStringLiteral("HEAD %1: no digest").arg(tag) : result.error().technicalDetail();
        }
        if (!result && result.error().kind() == ClientError::Kind::RateLimited) {
            m_plan.tagIndex.unchecked += std::exchange(m_toCheck, {}); // asking on would only be refused
        }
    }
    checkTags();
}

void DeletePlanQuery::analyseChildren()
{
    if (!m_plan.isIndex || m_plan.children.isEmpty()) {
        findReferrers();
        return;
    }
    QHash<QString, int> childAt;
    for (int i = 0; i < m_plan.children.size(); ++i) {
        PlannedChild &child = m_plan.children[i];
        child.tags = m_plan.tagIndex.tagsOf(child.descriptor.digest);
        childAt.insert(child.descriptor.digest.toString(), i);
    }
    // Other tagged indexes may list the same children (two tags for two builds sharing a platform image).
    m_indexTags.clear();
    QList<Oci::Digest> others;
    for (auto it = m_plan.tagIndex.targets.cbegin(); it != m_plan.tagIndex.targets.cend(); ++it) {
        const TagTarget &t = it.value();
        if (t.digest == m_plan.digest || !Oci::MediaType::isIndex(t.mediaType)) {
            continue;
        }
        if (!m_indexTags.contains(t.digest.toString())) {
            others.append(t.digest);
        }
        m_indexTags[t.digest.toString()].append(it.key());
    }
    std::sort(others.begin(), others.end(),
              [](const Oci::Digest &a, const Oci::Digest &b) { return a.toString() < b.toString(); });
    if (others.size() > m_options.maxIndexReads) {
        m_plan.childrenChecked = false;
        m_plan.notes.append(QStringLiteral("%1 other indexes are tagged; only %2 were read for shared children")
                                .arg(others.size())
                                .arg(m_options.maxIndexReads));
        others = others.mid(0, m_options.maxIndexReads);
    }
    m_indexesToRead = others;
    m_total += int(others.size());
    readNextIndex();
}

void DeletePlanQuery::readNextIndex()
{
    if (m_indexesToRead.isEmpty()) {
        for (PlannedChild &child : m_plan.children) {
            std::sort(child.sharedWith.begin(), child.sharedWith.end());
        }
        findReferrers();
        return;
    }
    const Oci::Digest digest = m_indexesToRead.takeFirst();
    auto *get = new ManifestQuery(m_client, m_plan.repository, digest.toString(), ManifestQuery::Method::Get, this);
    m_current.append(get);
    connect(get, &ManifestQuery::finished, this, [this, get, digest](const ManifestResult &r) {
        get->deleteLater();
        m_current.removeAll(get);
        if (m_finished) {
            return;
        }
        step();
        const Oci::ImageIndex *index = r && r->manifest ? std::get_if<Oci::ImageIndex>(&*r->manifest) : nullptr;
        if (!index) {
            m_plan.childrenChecked = false;
            m_plan.notes.append(
                QStringLiteral("the index %1 could not be read: %2")
                    .arg(digest.toString(), r ? QStringLiteral("not an index") : r.error().technicalDetail()));
        } else {
            const QStringList tags = m_indexTags.value(digest.toString());
            for (PlannedChild &child : m_plan.children) {
                const bool listed =
                    std::any_of(index->manifests.cbegin(), index->manifests.cend(),
                                [&child](const Oci::Descriptor &d) { return d.digest == child.descriptor.digest; });
                if (listed) {
                    for (const QString &tag : tags) {
                        if (!child.sharedWith.contains(tag)) {
                            child.sharedWith.append(tag);
                        }
                    }
                }
            }
        }
        readNextIndex();
    });
    get->start();
}

void DeletePlanQuery::findReferrers()
{
    if (!m_options.referrers) {
        finishWith(m_plan);
        return;
    }
    m_plan.referrersChecked = true;
    m_referrerSubjects = {m_plan.digest};
    for (const PlannedChild &child : std::as_const(m_plan.children)) {
        if (!m_referrerSubjects.contains(child.descriptor.digest)) {
            m_referrerSubjects.append(child.descriptor.digest);
        }
    }
    m_total += int(m_referrerSubjects.size());
    nextReferrers();
}

void DeletePlanQuery::nextReferrers()
{
    if (m_referrerSubjects.isEmpty()) {
        finishWith(m_plan);
        return;
    }
    const Oci::Digest subject = m_referrerSubjects.takeFirst();
    auto *query = new ReferrersQuery(m_client, m_plan.repository, subject, {}, this);
    query->setKnownTags(m_plan.tagIndex.tags); // cosign's sha256-<hex>.sig/.att/.sbom tags among them
    m_current.append(query);
    connect(query, &ReferrersQuery::finished, this, [this, query, subject](const ReferrersResult &r) {
        query->deleteLater();
        m_current.removeAll(query);
        if (m_finished) {
            return;
        }
        step();
        if (!r) {
            m_plan.referrersChecked = false;
            m_plan.notes.append(QStringLiteral("referrers of %1 could not be listed: %2")
                                    .arg(subject.toString(), r.error().technicalDetail()));
        } else {
            for (const Referrer &referrer : r->referrers) {
                PlannedReferrer planned;
                planned.subject = subject;
                planned.referrer = referrer;
                m_plan.referrers.append(planned);
            }
        }
        nextReferrers();
    });
    query->start();
}

} // namespace Minato::Client
