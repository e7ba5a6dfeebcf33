#include "repositorysearch.h"

#include "catalogquery.h"
#include "clientlog.h"
#include "dockerhubapi.h"
#include "harborapi.h"
#include "registryclient.h"
#include "vendorapi.h"

#include <QCoreApplication>

#include <algorithm>

namespace Minato::Client {

namespace {

// A catalog error that means "this registry does not list repositories" (GHCR, ECR, Harbor for
// non-admins, a _catalog switched off), not "the registry failed": the pins are then what can be searched.
bool meansNoCatalog(const ClientError &e)
{
    const int status = e.httpStatus();
    return e.kind() == ClientError::Kind::NotFoundOrPrivate || e.hasRegistryCode(Oci::ErrorCode::Unsupported) ||
           (e.kind() != ClientError::Kind::Auth && e.kind() != ClientError::Kind::AuthRequired &&
            (status == 400 || status == 403 || status == 404 || status == 405));
}

} // namespace

RepositorySearch::RepositorySearch(RegistryClient *client, QString text, Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_text(std::move(text).trimmed())
    , m_options(std::move(options))
{}

RepositorySearch::~RepositorySearch() = default;

QString RepositorySearch::connection() const
{
    return m_client ? m_client->profile().name : QString();
}

bool RepositorySearch::matches(const QString &name, const QString &text)
{
    const QStringList words = text.split(u' ', Qt::SkipEmptyParts);
    if (words.isEmpty()) {
        return false;
    }
    for (const QString &word : words) {
        if (!name.contains(word, Qt::CaseInsensitive)) {
            return false;
        }
    }
    return true;
}

void RepositorySearch::start()
{
    if (m_started || isFinished()) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::transport(QStringLiteral("the registry client was destroyed")));
        return;
    }
    if (m_text.isEmpty()) {
        finishWith(ClientError::invalidRequest(QStringLiteral("an empty search")));
        return;
    }
    searchPins();
    switch (m_client->profile().kind) {
    case ConnectionProfile::Kind::DockerHub:
        searchDockerHub();
        break;
    case ConnectionProfile::Kind::Harbor:
        searchHarbor();
        break;
    default:
        searchCatalog();
        break;
    }
}

void RepositorySearch::searchPins()
{
    QList<RepositorySearchHit> hits;
    for (const QString &pin : std::as_const(m_options.pinned)) {
        if (matches(pin, m_text)) {
            RepositorySearchHit hit;
            hit.repository = pin;
            hit.sources = RepositorySearchHit::Pinned;
            hits.append(hit);
        }
    }
    deliver(hits);
}

void RepositorySearch::searchDockerHub()
{
    m_vendor = new VendorApi(m_client, this);
    if (!m_options.dockerHubBaseUrl.isEmpty()) {
        m_vendor->setDockerHubBaseUrl(m_options.dockerHubBaseUrl);
    }
    // Docker Hub's search takes a text, not words: the words joined are what its own search box sends.
    const int pageSize = std::clamp(m_options.maxHits, 1, DockerHubApi::MaxPageSize);
    DockerHubSearchQuery *query = m_vendor->dockerHub()->search(m_text, pageSize);
    m_current = query;
    connect(query, &DockerHubSearchQuery::finished, this, [this, query](const DockerHubSearchResult &r) {
        m_current = nullptr;
        query->deleteLater();
        if (!r) {
            finishWith(r.error());
            return;
        }
        QList<RepositorySearchHit> hits;
        for (const DockerHubSearchHit &h : r->hits) {
            RepositorySearchHit hit;
            hit.repository = h.repository;
            hit.description = h.description;
            hit.stars = h.stars;
            hit.pulls = h.pulls;
            hit.official = h.official;
            hit.sources = RepositorySearchHit::DockerHubSearch;
            hits.append(hit);
        }
        m_summary.total = r->total;
        m_summary.truncated = r->hasMore;
        deliver(hits);
        succeed();
    });
    query->start();
}

void RepositorySearch::searchHarbor()
{
    auto *query = new HarborSearchQuery(m_client, m_text, m_options.maxHits, this);
    m_current = query;
    connect(query, &HarborSearchQuery::finished, this, [this, query](const HarborSearchResult &r) {
        m_current = nullptr;
        query->deleteLater();
        if (!r) {
            finishWith(r.error());
            return;
        }
        QList<RepositorySearchHit> hits;
        for (const HarborSearchHit &h : r->hits) {
            RepositorySearchHit hit;
            hit.repository = h.repository;
            hit.pulls = h.pulls;
            hit.artifacts = h.artifacts;
            hit.sources = RepositorySearchHit::HarborSearch;
            hits.append(hit);
        }
        m_summary.truncated = r->truncated;
        deliver(hits);
        succeed();
    });
    query->start();
}

void RepositorySearch::searchCatalog()
{
    auto *query = new CatalogQuery(m_client, qMax(1, m_options.catalogPageSize), this);
    query->setMaxPages(qMax(1, m_options.catalogPages));
    m_current = query;
    connect(query, &CatalogQuery::pageReady, this, &RepositorySearch::onCatalogPage);
    connect(query, &CatalogQuery::finished, this, [this, query](const ListResult &r) {
        m_current = nullptr;
        query->deleteLater();
        if (!r) {
            if (r.isCancelled()) {
                return;
            }
            if (meansNoCatalog(r.error())) {
                m_summary.note = QCoreApplication::translate("Minato::Client::RepositorySearch",
                                                             "This registry can't list its repositories: only the "
                                                             "pinned ones were searched.");
                qCInfo(lcClient).noquote() << "search: no catalog:" << r.error().technicalDetail();
                succeed();
                return;
            }
            finishWith(r.error());
            return;
        }
        m_summary.catalogPages = r->pages;
        m_summary.truncated = m_summary.truncated || query->stoppedAtPageLimit();
        succeed();
    });
    query->start();
}

void RepositorySearch::onCatalogPage(const QStringList &names)
{
    if (isFinished()) {
        return;
    }
    QList<RepositorySearchHit> hits;
    for (const QString &name : names) {
        if (m_summary.catalogNames >= m_options.catalogNames) {
            break;
        }
        ++m_summary.catalogNames;
        if (matches(name, m_text)) {
            RepositorySearchHit hit;
            hit.repository = name;
            hit.sources = RepositorySearchHit::Catalog;
            hits.append(hit);
        }
    }
    deliver(hits);
    if (m_summary.catalogNames >= m_options.catalogNames && !isFinished()) {
        // Enough names looked at: the listing stops here (not a failure — the search says it was bounded).
        m_summary.truncated = true;
        QObject *current = m_current;
        m_current = nullptr;
        if (current) {
            disconnect(current, nullptr, this, nullptr);
            if (auto *query = qobject_cast<CatalogQuery *>(current)) {
                query->cancel();
            }
            current->deleteLater();
        }
        succeed();
    }
}

void RepositorySearch::deliver(QList<RepositorySearchHit> hits)
{
    if (hits.isEmpty() || isFinished()) {
        return;
    }
    const QString name = connection();
    for (RepositorySearchHit &hit : hits) {
        hit.connection = name;
        auto it = m_seen.find(hit.repository);
        if (it == m_seen.end()) {
            m_seen.insert(hit.repository, hit.sources);
            ++m_summary.hits;
        } else {
            *it |= hit.sources;
            hit.sources = *it;
        }
    }
    emit hitsReady(hits);
}

void RepositorySearch::succeed()
{
    finishWith(m_summary);
}

void RepositorySearch::finishWith(const RepositorySearchResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

void RepositorySearch::finishCancelled()
{
    finishWith(ClientError::cancelled());
}

} // namespace Minato::Client
