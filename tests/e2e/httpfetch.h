#pragma once

// Helpers shared by the end-to-end suites: a blocking HTTP helper for tests only (waits with QSignalSpy,
// never in product code), the manifest Accept header, URLs on a registry, file contents.
//
//   HttpResult r = httpFetch("GET", url, {{"Accept", "…"}});

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>

namespace Minato::Test {

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString error;

    QByteArray header(const QByteArray &name) const;
};

// The Accept header a client sends for manifests (every manifest media type; PLATFORM.md).
QByteArray manifestAccept();
// base + path, for a registry's base URL and a Routes path.
QUrl urlOn(const QUrl &base, const QString &path);
// A whole file, or empty when it cannot be read.
QByteArray readFile(const QString &path);

HttpResult httpFetch(const QByteArray &method, const QUrl &url,
                     const QList<QPair<QByteArray, QByteArray>> &headers = {}, const QByteArray &body = {});

} // namespace Minato::Test
