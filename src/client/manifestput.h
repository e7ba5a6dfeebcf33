#pragma once

// ManifestPut: pushes one manifest — PUT /v2/<name>/manifests/<tag|digest> with exactly the given bytes and
// their media type as Content-Type (distribution-spec v1.1 "Pushing Manifests", end-7) — and checks the
// answer: 201 Created (any 2xx is taken), and Docker-Content-Digest, which the spec says "MUST be equal to
// the client provided digest", equal to the digest of the bytes sent. A registry that stored other bytes
// (re-serialised JSON) would make the digest name something else, so a mismatch is an error.
//
//   auto *put = new ManifestPut(client, u"team/app"_s, u"stable"_s, bytes, mediaType, this);
//   connect(put, &ManifestPut::finished, this, [put](const ManifestPutResult &r) {
//       if (r) { r->digest; r->location; }
//       put->deleteLater();
//   });
//   put->start();
//
// The spec: "If a manifest includes a mediaType field, clients MUST set the Content-Type header to the value
// specified by the mediaType field" — pass the manifest's own type (ManifestInfo::mediaType does). Pushed by
// digest, the bytes must hash to that digest (checked before sending; InvalidRequest otherwise). Token scope:
// repository:<name>:pull,push. A manifest with `subject` answered with OCI-Subject was indexed for the
// referrers API (subjectIndexed); without it, "Pushing Manifests with Subject" leaves updating the referrers
// tag schema to the client — not done here.
//
// Errors carry sentences for what a push meets: blobs or child manifests missing in the repository
// (MANIFEST_BLOB_UNKNOWN, BLOB_UNKNOWN), a manifest the registry refuses (MANIFEST_INVALID, 413), pushes
// refused (DENIED, UNSUPPORTED).

#include "operation.h"
#include "result.h"

#include "oci/digest.h"

namespace Minato::Client {

struct ManifestPutInfo
{
    QString repository;
    QString reference;  // the tag or digest pushed to
    Oci::Digest digest; // of the bytes sent (sha256, or the digest pushed to)
    QString mediaType;
    qint64 size = 0;
    QString location;             // the registry's Location header (a pullable URL), as sent
    bool digestConfirmed = false; // Docker-Content-Digest was present (and equal)
    bool subjectIndexed = false;  // OCI-Subject was answered
};
using ManifestPutResult = Result<ManifestPutInfo>;

class ManifestPut final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManifestPut)

public:
    // reference: a tag or a digest ("sha256:…"); bytes at most Oci::kMaxManifestBytes.
    ManifestPut(RegistryClient *client, QString repository, QString reference, QByteArray bytes, QString mediaType,
                QObject *parent = nullptr);
    ~ManifestPut() override;

signals:
    void finished(const Minato::Client::ManifestPutResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    QString m_repository;
    QString m_reference;
    QByteArray m_bytes;
    QString m_mediaType;
    Oci::Digest m_digest;
};

} // namespace Minato::Client
