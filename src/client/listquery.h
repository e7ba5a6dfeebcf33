#pragma once

// ListQuery: the paging machinery shared by CatalogQuery and TagsQuery. It asks for pages of `pageSize`
// (?n=&last=), follows the `Link: <…>; rel="next"` header page after page, and hands items over in
// pageReady() chunks of at most pageSize — one chunk per event-loop turn — so that neither a 10,000-
// repository catalog nor a registry that ignores n and returns 100,000 tags at once (the reference
// registry does) lands in a model in one go. Bodies over 256 KiB are parsed on a worker thread.
//
//   connect(q, &TagsQuery::pageReady, model, &TagModel::append);        // QStringList, in order
//   connect(q, &TagsQuery::finished, this, [](const ListResult &r) { r->items; r->stoppedOnLoop; });
//
// A Link loop (a next URL already visited) or a page with nothing new (a registry ignoring `last`) ends
// the listing successfully with stoppedOnLoop = true: what was listed is right, just not continued.

#include "hashedname.h"
#include "operation.h"
#include "result.h"

#include <QSet>
#include <QStringList>

#include <any>
#include <functional>

namespace Minato::Client {

// One page as a ListQuery reads it. Vendor APIs (dockerhubapi.h, harborapi.h) parse their own shapes into it.
struct ListPage
{
    bool ok = false;
    QStringList items; // names, in order
    QString error;     // English, when !ok
    QUrl next;         // a next page the body names (Docker Hub's "next"); resolved against the page's URL
    // Entries on the page when they are not all items (Harbor artifacts without tags); -1: items.size().
    // A page with entries but no new items is not a loop.
    qsizetype entries = -1;
    std::any extra; // anything else parsed with the items (tag metadata), handed to pageParsed()
};
// Runs on a worker thread for large bodies: it must not touch the query.
using ListPageParser = std::function<ListPage(const QByteArray &body)>;

struct ListSummary
{
    int pages = 0;       // HTTP pages fetched
    qsizetype items = 0; // items emitted through pageReady
    bool stoppedOnLoop = false;
};
using ListResult = Result<ListSummary>;

class ListQuery : public Operation
{
    Q_OBJECT

public:
    static constexpr int MaxPageSize = 1000; // distribution refuses larger n (USERS.md 5)
    static constexpr qint64 MaxPageBytes = qint64(64) * 1024 * 1024;

    int pageSize() const { return m_pageSize; }
    ~ListQuery() override;
    Q_DISABLE_COPY_MOVE(ListQuery)

signals:
    void pageReady(const QStringList &items);
    void finished(const Minato::Client::ListResult &result);

protected:
    ListQuery(RegistryClient *client, int pageSize, QObject *parent);

    // The first page's URL; nullopt after failing (invalid input).
    virtual std::optional<QUrl> firstPageUrl() = 0;
    // The JSON member holding the list ("repositories", "tags").
    virtual QString listKey() const = 0;
    virtual QStringList scopes() const = 0;

    // Hooks for vendor APIs; the defaults are the registry API's (?n=&last=, Link, {"<listKey>": [...]}).
    // How a page body is read.
    virtual ListPageParser pageParser() const;
    // The request for one page: GET with scopes() and Accept: application/json.
    virtual HttpRequest pageRequest(const QUrl &url) const;
    // The next page, nullopt for none: the Link header's rel="next", else the body's next (relative URLs are
    // resolved against the page's).
    virtual std::optional<QUrl> nextPageUrl(const HttpResponse &response, const ListPage &page) const;
    // Each parsed page, on this thread, before its items go out through pageReady().
    virtual void pageParsed(const ListPage &page, const HttpResponse &response);

    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    void request(const QUrl &url);
    void deliver(const ListPage &page, const HttpResponse &response);
    void emitChunks(const QUrl &next);

    int m_pageSize;
    QSet<QString> m_visited;
    QSet<HashedName> m_seen; // every name listed so far, to drop repeats (hashedname.h: why not QSet<QString>)
    QList<QStringList> m_pending;
    ListSummary m_summary;
};

} // namespace Minato::Client
