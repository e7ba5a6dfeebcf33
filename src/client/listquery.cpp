#include "listquery.h"

#include "clientlog.h"
#include "registryclient.h"

#include "oci/link.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace Minato::Client {

namespace {

ListPage parseList(const QByteArray &body, const QString &key)
{
    ListPage out;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (!doc.isObject()) {
        out.error = error.error != QJsonParseError::NoError ? error.errorString() : QStringLiteral("not a JSON object");
        return out;
    }
    const QJsonValue value = doc.object().value(key);
    if (value.isNull() || value.isUndefined()) {
        out.ok = true; // distribution answers "tags": null for a repository whose tags were all deleted
        return out;
    }
    if (!value.isArray()) {
        out.error = QStringLiteral("\"%1\" is not an array").arg(key);
        return out;
    }
    const QJsonArray array = value.toArray();
    out.items.reserve(array.size());
    for (const QJsonValue &v : array) {
        if (!v.isString()) {
            out.error = QStringLiteral("\"%1\" holds a non-string").arg(key);
            return out;
        }
        out.items.append(v.toString());
    }
    out.ok = true;
    return out;
}

} // namespace

ListQuery::ListQuery(RegistryClient *client, int pageSize, QObject *parent)
    : Operation(client, parent)
    , m_pageSize(std::clamp(pageSize, 1, MaxPageSize))
{}

ListQuery::~ListQuery() = default;

void ListQuery::run()
{
    const std::optional<QUrl> url = firstPageUrl();
    if (url) {
        request(*url);
    }
}

ListPageParser ListQuery::pageParser() const
{
    return [key = listKey()](const QByteArray &body) { return parseList(body, key); };
}

HttpRequest ListQuery::pageRequest(const QUrl &url) const
{
    HttpRequest r;
    r.url = url;
    r.scopes = scopes();
    r.maxBodyBytes = MaxPageBytes;
    r.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    return r;
}

std::optional<QUrl> ListQuery::nextPageUrl(const HttpResponse &response, const ListPage &page) const
{
    const auto links = Oci::parseLinkHeader(response.headerValues("Link"));
    if (!links) {
        qCInfo(lcClient).noquote() << response.describe() << "unreadable Link header:" << links.error().message();
    } else if (const auto link = Oci::nextLink(*links)) {
        return link->resolved(response.url);
    }
    if (!page.next.isEmpty()) {
        return page.next;
    }
    return std::nullopt;
}

void ListQuery::pageParsed(const ListPage &page, const HttpResponse &response)
{
    Q_UNUSED(page)
    Q_UNUSED(response)
}

void ListQuery::request(const QUrl &url)
{
    m_visited.insert(url.toString(QUrl::FullyEncoded));
    send(pageRequest(url));
}

void ListQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    ++m_summary.pages;
    const QByteArray body = response.body;
    parseMaybeOffThread<ListPage>(
        body.size(), [body, parse = pageParser()]() { return parse(body); },
        [this, response](const ListPage &parsed) {
            if (!parsed.ok) {
                fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                          response.describe() + QStringLiteral(": ") + parsed.error));
                return;
            }
            deliver(parsed, response);
        });
}

void ListQuery::deliver(const ListPage &page, const HttpResponse &response)
{
    pageParsed(page, response);
    if (isFinished()) {
        return;
    }
    QStringList fresh;
    fresh.reserve(page.items.size());
    for (const QString &item : page.items) {
        if (HashedName key(item); !m_seen.contains(key)) {
            m_seen.insert(std::move(key));
            fresh.append(item);
        }
    }
    for (qsizetype i = 0; i < fresh.size(); i += m_pageSize) {
        m_pending.append(fresh.mid(i, m_pageSize));
    }

    QUrl next;
    if (const std::optional<QUrl> target = nextPageUrl(response, page)) {
        const bool nothingNew = fresh.isEmpty() && page.entries <= 0;
        next = target->isRelative() ? response.url.resolved(*target) : *target;
        if (!next.isValid() || next.isEmpty()) {
            qCInfo(lcClient).noquote() << response.describe() << "unusable next link";
            next = QUrl();
        } else if (m_visited.contains(next.toString(QUrl::FullyEncoded)) || (nothingNew && m_summary.pages > 1)) {
            qCInfo(lcClient).noquote() << response.describe() << "Link loop: listing stops";
            m_summary.stoppedOnLoop = true;
            next = QUrl();
        }
    }
    emitChunks(next);
}

void ListQuery::emitChunks(const QUrl &next)
{
    if (isFinished()) {
        return;
    }
    if (!m_pending.isEmpty()) {
        const QStringList chunk = m_pending.takeFirst();
        m_summary.items += chunk.size();
        emit pageReady(chunk);
        // One chunk per event-loop turn: the receiver's model updates stay small and the GUI keeps painting.
        QTimer::singleShot(0, this, [this, next]() { emitChunks(next); });
        return;
    }
    if (next.isValid()) {
        request(next);
        return;
    }
    if (beginFinish()) {
        emit finished(m_summary);
    }
}

} // namespace Minato::Client
