#pragma once

// RepositorySearch: the repositories of one connection whose names match a text, found the best way that
// registry offers, with hits handed over as they arrive. The app runs one per connection and merges them
// (Ctrl+K); minatoctl could do the same.
//
//   RepositorySearch::Options o;
//   o.pinned = session.pins(name);                         // matched locally, reported at once
//   auto *s = new RepositorySearch(client, u"postgres"_s, o, this);
//   s->setDockerHubBaseUrl(url);                           // tests: a stand-in of hub.docker.com
//   connect(s, &RepositorySearch::hitsReady, model, &SearchModel::add);
//   connect(s, &RepositorySearch::finished, this, [s](const RepositorySearchResult &r) { …; s->deleteLater(); });
//   s->start();   …   s->cancel();                          // finished(Cancelled) at once, requests aborted
//
//   Kind        how
//   DockerHub   GET https://hub.docker.com/v2/search/repositories/?query=&page_size= (one page; dockerhubapi.h)
//   Harbor      GET /api/v2.0/search?q= with the connection's Basic login (harborapi.h: HarborSearchQuery)
//   others      the registry's /v2/_catalog walked page by page — at most Options::catalogNames names and
//               Options::catalogPages pages — keeping the names that contain the text (case-insensitive)
//   every kind  the connection's pinned repositories that contain the text, first
//
// A registry without a catalog (GHCR, ECR, a refused _catalog) is no failure here: the pinned repositories
// are what can be searched, and RepositorySearchSummary::note says why. The same repository found twice
// (pinned and listed) is handed over again with both sources, so a model can merge it; it is counted once.

#include "compositeoperation.h"
#include "result.h"

#include <QHash>
#include <QList>
#include <QPointer>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace Minato::Client {

class RegistryClient;
class VendorApi;

struct RepositorySearchHit
{
    // Where a hit came from; several when it was found more than one way.
    enum Source : unsigned {
        Pinned = 1U << 0,
        Catalog = 1U << 1,
        DockerHubSearch = 1U << 2,
        HarborSearch = 1U << 3,
    };

    QString connection; // the profile's name
    QString repository; // usable with the registry API ("library/nginx", "project/team/app")
    QString description;
    std::optional<int> stars;
    std::optional<qint64> pulls;
    std::optional<int> artifacts; // Harbor's artifact_count
    bool official = false;        // a Docker Official Image
    unsigned sources = 0;         // Source bits
};

struct RepositorySearchSummary
{
    int hits = 0;           // distinct repositories handed over
    qint64 total = -1;      // what the registry says matched in all (Docker Hub's "count"); -1 unknown
    bool truncated = false; // more may match: a limit was reached (catalog names/pages, one search page)
    int catalogPages = 0;   // catalog pages read
    int catalogNames = 0;   // catalog names looked at
    QString note;           // why only some of the registry was searched (no catalog); translated; empty else
};
using RepositorySearchResult = Result<RepositorySearchSummary>;

class RepositorySearch final : public CompositeOperation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RepositorySearch)

public:
    struct Options
    {
        QStringList pinned;      // the connection's pinned repositories
        int maxHits = 100;       // Docker Hub: the page size (at most 100); Harbor: hits kept
        int catalogNames = 5000; // names looked at, at most
        int catalogPages = 10;   // catalog pages read, at most
        int catalogPageSize = 500;
        QUrl dockerHubBaseUrl; // empty: https://hub.docker.com
    };

    RepositorySearch(RegistryClient *client, QString text, Options options, QObject *parent = nullptr);
    ~RepositorySearch() override;

    // Starts once; finished() may come before it returns (an empty text, no client).
    void start();
    const QString &text() const { return m_text; }
    QString connection() const;

    // True when `name` contains every word of `text` (case-insensitive): what the catalog and pins are
    // filtered with. "team api" finds team-a/api.
    static bool matches(const QString &name, const QString &text);

signals:
    void hitsReady(const QList<Minato::Client::RepositorySearchHit> &hits);
    void finished(const Minato::Client::RepositorySearchResult &result);

protected:
    void finishCancelled() override;

private:
    void searchPins();
    void searchDockerHub();
    void searchHarbor();
    void searchCatalog();
    void onCatalogPage(const QStringList &names);
    // Hands over the hits not seen yet (and those seen, with the sources merged).
    void deliver(QList<RepositorySearchHit> hits);
    void finishWith(const RepositorySearchResult &result);
    void succeed();

    QPointer<RegistryClient> m_client;
    QString m_text;
    Options m_options;
    VendorApi *m_vendor = nullptr;
    QHash<QString, unsigned> m_seen; // repository → sources handed over
    RepositorySearchSummary m_summary;
    bool m_started = false;
};

} // namespace Minato::Client
