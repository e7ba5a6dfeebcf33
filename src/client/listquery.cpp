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

struct ParsedList
{
    bool ok = false;
    QStringList items;
    QString error;
};

ParsedList parseList(const QByteArray &body, const QString &key)
{
    ParsedList out;
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

void ListQuery::request(const QUrl &url)
{
    m_visited.insert(url.toString(QUrl::FullyEncoded));
    HttpRequest r;
    r.url = url;
    r.scopes = scopes();
    r.maxBodyBytes = MaxPageBytes;
    r.headers = {{QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")}};
    send(r);
}

void ListQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    ++m_summary.pages;
    const QByteArray body = response.body;
    const QString key = listKey();
    parseMaybeOffThread<ParsedList>(
        body.size(), [body, key]() { return parseList(body, key); },
        [this, response](const ParsedList &parsed) {
            if (!parsed.ok) {
                fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                          response.describe() + QStringLiteral(": ") + parsed.error));
                return;
            }
            deliver(parsed.items, response);
        });
}

void ListQuery::deliver(const QStringList &items, const HttpResponse &response)
{
    QStringList fresh;
    fresh.reserve(items.size());
    for (const QString &item : items) {
        if (!m_seen.contains(item)) {
            m_seen.insert(item);
            fresh.append(item);
        }
    }
    for (qsizetype i = 0; i < fresh.size(); i += m_pageSize) {
        m_pending.append(fresh.mid(i, m_pageSize));
    }

    QUrl next;
    const auto links = Oci::parseLinkHeader(response.headerValues("Link"));
    if (!links) {
        qCInfo(lcClient).noquote() << response.describe() << "unreadable Link header:" << links.error().message();
    } else if (const auto link = Oci::nextLink(*links)) {
        next = link->resolved(response.url);
        if (!next.isValid()) {
            qCInfo(lcClient).noquote() << response.describe() << "unusable next link";
            next = QUrl();
        } else if (m_visited.contains(next.toString(QUrl::FullyEncoded)) || (fresh.isEmpty() && m_summary.pages > 1)) {
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
