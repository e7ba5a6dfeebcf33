#include "registrycontent.h"

#include "ocilayout.h"

#include "oci/sha256.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Minato::Test {

using Oci::Sha256Hasher;

QJsonObject descriptorOf(const QString &mediaType, const QByteArray &bytes)
{
    return {{QStringLiteral("mediaType"), mediaType},
            {QStringLiteral("digest"), Sha256Hasher::digestOf(bytes).toString()},
            {QStringLiteral("size"), bytes.size()}};
}

void pushBlob(const QUrl &base, const QString &repository, const QByteArray &bytes, const HttpHeaders &auth)
{
    // POST then PUT ?digest= (distribution-spec v1.1 "Pushing a blob monolithically", end-4a then end-6).
    const HttpResult start =
        httpFetch("POST", urlOn(base, QStringLiteral("/v2/%1/blobs/uploads/").arg(repository)), auth);
    REQUIRE(start.status == 202);
    QUrl location = base.resolved(QUrl(QString::fromLatin1(start.header("Location"))));
    QString query = location.query(QUrl::FullyEncoded);
    query += (query.isEmpty() ? QString() : QStringLiteral("&")) + QStringLiteral("digest=") +
             Sha256Hasher::digestOf(bytes).toString();
    location.setQuery(query, QUrl::StrictMode);
    const HttpResult put =
        httpFetch("PUT", location, auth + HttpHeaders{{"Content-Type", "application/octet-stream"}}, bytes);
    INFO(put.body.toStdString());
    REQUIRE(put.status == 201);
}

void putManifest(const QUrl &base, const QString &repository, const QString &reference, const QByteArray &bytes,
                 const QByteArray &mediaType, const HttpHeaders &auth)
{
    const HttpResult put =
        httpFetch("PUT", urlOn(base, QStringLiteral("/v2/%1/manifests/%2").arg(repository, reference)),
                  auth + HttpHeaders{{"Content-Type", mediaType}}, bytes);
    INFO(put.body.toStdString());
    REQUIRE(put.status == 201);
}

int headStatus(const QUrl &base, const QString &repository, const QString &reference, const QString &kind)
{
    return httpFetch("HEAD", urlOn(base, QStringLiteral("/v2/%1/%2/%3").arg(repository, kind, reference)),
                     {{"Accept", manifestAccept()}})
        .status;
}

QStringList tagList(const QUrl &base, const QString &repository)
{
    const HttpResult r = httpFetch("GET", urlOn(base, QStringLiteral("/v2/%1/tags/list").arg(repository)));
    REQUIRE(r.status == 200);
    QStringList tags;
    const QJsonArray array = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("tags")).toArray();
    for (const QJsonValue &v : array) {
        tags.append(v.toString());
    }
    tags.sort();
    return tags;
}

Oci::Digest skopeoDigest(const QString &hostPort, const QString &repositoryAndTag, bool config)
{
    QStringList args{QStringLiteral("inspect")};
    if (config) {
        args.append(QStringLiteral("--config"));
    }
    args += {QStringLiteral("--raw"), QStringLiteral("--tls-verify=false"),
             QStringLiteral("docker://%1/%2").arg(hostPort, repositoryAndTag)};
    const ProcessResult raw = runSkopeo(args);
    INFO(("skopeo " + args.join(u' ') + "\n" + raw.output).toStdString());
    REQUIRE(raw.exitCode == 0);
    return Sha256Hasher::digestOf(raw.output.toUtf8());
}

Client::ConnectionProfile profileFor(const QUrl &base, int timeoutMs)
{
    Client::ConnectionProfile profile;
    profile.name = base.authority();
    profile.baseUrl = base;
    profile.timeoutMs = timeoutMs;
    return profile;
}

} // namespace Minato::Test
