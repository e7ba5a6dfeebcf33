#pragma once

// A blocking HTTP helper for tests only (waits with QSignalSpy, never in product code).
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

HttpResult httpFetch(const QByteArray &method, const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers = {},
                     const QByteArray &body = {});

} // namespace Minato::Test
