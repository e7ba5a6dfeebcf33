#pragma once

// ManifestQuery: one manifest by tag or digest — GET (bytes, parsed) or HEAD (digest, type, size only;
// on Docker Hub a HEAD does not count as a pull, USERS.md 12).
//
//   auto *q = client->manifest(QStringLiteral("team/app"), QStringLiteral("v1"));
//   connect(q, &ManifestQuery::finished, this, [q](const ManifestResult &r) {
//       if (r && std::holds_alternative<Oci::ImageIndex>(*r->manifest)) { … }
//       q->deleteLater();
//   });
//   q->start();
//
// Sends the full Accept list (MediaType::manifestAcceptHeader(): without the OCI types some registries
// answer 404) and Accept-Encoding: identity. The body (at most 4 MiB, Oci::kMaxManifestBytes) must match
// Docker-Content-Digest and, when asked by digest, that digest — for schema 1 the digest is over the JWS
// payload, which parseAnyManifest computes. Bodies over 256 KiB are parsed on a worker thread.

#include "operation.h"
#include "result.h"

#include "oci/digest.h"
#include "oci/manifest.h"

#include <optional>

namespace Minato::Client {

struct ManifestInfo
{
    QString repository;
    QString reference;                        // as asked: tag or digest
    Oci::Digest digest;                       // verified for GET; from Docker-Content-Digest for HEAD
    QString mediaType;                        // Content-Type essence (GET: the parsed manifest's type)
    qint64 size = -1;                         // bytes; -1 when a HEAD answer had no Content-Length
    std::optional<Oci::AnyManifest> manifest; // GET only
};
using ManifestResult = Result<ManifestInfo>;

class ManifestQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestQuery)

public:
    enum class Method { Get, Head };

    ManifestQuery(RegistryClient *client, QString repository, QString reference, Method method = Method::Get,
                  QObject *parent = nullptr);

signals:
    void finished(const Minato::Client::ManifestResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    void finishGet(const HttpResponse &response, const Oci::Expected<Oci::AnyManifest> &parsed);

    QString m_repository;
    QString m_reference;
    Method m_method;
    Oci::Digest m_requestedDigest;
};

// True when `data` hashes to `expected` (sha256 or sha512). Shared with BlobQuery.
bool digestMatches(const Oci::Digest &expected, QByteArrayView data);

} // namespace Minato::Client
