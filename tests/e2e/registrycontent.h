#pragma once

// Helpers shared by the suites that put content into a real registry themselves (the e2e client suites and the
// CLI suites): blobs and manifests pushed with plain HTTP requests (httpfetch.h), what the registry holds checked
// with HEAD, the tag list or skopeo, and a client operation run to its end.
//
//   pushBlob(base, u"team/app"_s, config);                                   // POST, then PUT ?digest=
//   putManifest(base, u"team/app"_s, u"v1"_s, manifest, "application/vnd.oci.image.manifest.v1+json");
//   CHECK(headStatus(base, u"team/app"_s, u"v1"_s) == 200);
//   RegistryClient client(profileFor(base));
//   const RetagResult r = requireResult<Retag, RetagResult>(new Retag(&client, from, to, &client));

#include "../client/clienttestsupport.h"
#include "httpfetch.h"

#include "client/connectionprofile.h"
#include "oci/digest.h"

#include "testsupport.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Minato::Test {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// {mediaType, digest, size} of the bytes.
QJsonObject descriptorOf(const QString &mediaType, const QByteArray &bytes);
// A blob pushed monolithically; fails the test unless the registry answers 202, then 201. auth: extra headers.
void pushBlob(const QUrl &base, const QString &repository, const QByteArray &bytes, const HttpHeaders &auth = {});
// The exact bytes PUT as a manifest under a tag or digest; fails the test unless the registry answers 201.
void putManifest(const QUrl &base, const QString &repository, const QString &reference, const QByteArray &bytes,
                 const QByteArray &mediaType, const HttpHeaders &auth = {});
// The status of a HEAD of /v2/<repository>/<kind>/<reference> (kind "manifests" or "blobs").
int headStatus(const QUrl &base, const QString &repository, const QString &reference,
               const QString &kind = QStringLiteral("manifests"));
// The repository's tags, sorted; fails the test unless the registry answers 200.
QStringList tagList(const QUrl &base, const QString &repository);
// The digest of the bytes `skopeo inspect --raw` (with config: `--config --raw`) prints for
// docker://hostPort/repositoryAndTag: what the registry serves, read by another client. Fails the test when
// skopeo fails.
Oci::Digest skopeoDigest(const QString &hostPort, const QString &repositoryAndTag, bool config = false);

// A plain-HTTP connection to base (the name is base's host:port; timeoutMs per request).
Client::ConnectionProfile profileFor(const QUrl &base, int timeoutMs = 20000);

// runToEnd (clienttestsupport.h) for a result the test needs: fails the test when finished never came; the
// operation is deleted later.
template<typename Op, typename R>
R requireResult(Op *op, int timeoutMs = 60000)
{
    const std::optional<R> result = runToEnd<Op, R>(op, timeoutMs);
    REQUIRE(result);
    op->deleteLater();
    return *result;
}

} // namespace Minato::Test
