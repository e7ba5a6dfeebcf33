#include "httpfetch.h"

#include "oci/mediatype.h"

#include <QFile>

#include <QBuffer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>

namespace Minato::Test {

QByteArray manifestAccept()
{
    return Minato::Oci::MediaType::manifestAcceptHeader().toLatin1();
}

QUrl urlOn(const QUrl &base, const QString &path)
{
    return QUrl(base.toString() + path);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

HttpResult httpFetch(const QByteArray &method, const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                     const QByteArray &body)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(30000);
    request.setRawHeader("Accept-Encoding", "identity");
    for (const auto &[key, value] : headers) {
        request.setRawHeader(key, value);
    }
    QBuffer buffer;
    buffer.setData(body);
    // QNAM only knows a HEAD has no body when asked through head(); a custom "HEAD" waits for one.
    QNetworkReply *reply = method == "HEAD" ? nam.head(request)
                           : body.isEmpty() ? nam.sendCustomRequest(request, method)
                                            : nam.sendCustomRequest(request, method, &buffer);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    HttpResult result;
    if (!reply->isFinished() && !finished.wait(35000)) {
        result.error = QStringLiteral("timed out");
        reply->abort();
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = method == "HEAD" ? QByteArray() : reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (reply->error() != QNetworkReply::NoError && result.status == 0) {
        result.error = reply->errorString();
    }
    reply->deleteLater();
    return result;
}

} // namespace Minato::Test
