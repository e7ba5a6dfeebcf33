#pragma once

// BlobQuery: a small blob into memory — an image config, a signature payload, an SBOM — with a size cap,
// verified against its digest, optionally parsed as an ImageConfig. Layers are not for this class: they
// stream to files (BlobDownload, a later slice).
//
//   auto *q = client->configBlob(QStringLiteral("team/app"), manifest.config.digest);
//   connect(q, &BlobQuery::finished, this, [q](const BlobResult &r) {
//       if (r) showConfig(*r->config);   // r->data holds the verified bytes
//       q->deleteLater();
//   });
//   q->start();
//
// Registries often redirect blob GETs to storage or a CDN: followed by hand, without credentials there.
// HTTP/2 is off for blob requests and Accept-Encoding is identity (PLATFORM.md).

#include "operation.h"
#include "result.h"

#include "oci/digest.h"
#include "oci/imageconfig.h"

#include <optional>

namespace Minato::Client {

struct BlobData
{
    Oci::Digest digest; // verified
    QByteArray data;
    QString contentType;
    std::optional<Oci::ImageConfig> config; // when Options::parseImageConfig
};
using BlobResult = Result<BlobData>;

class BlobQuery final : public Operation
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlobQuery)

public:
    struct Options
    {
        qint64 maxBytes = Oci::ImageConfig::kMaxBytes; // 8 MiB
        bool parseImageConfig = false;
    };

    BlobQuery(RegistryClient *client, QString repository, Oci::Digest digest, Options options,
              QObject *parent = nullptr);

signals:
    void finished(const Minato::Client::BlobResult &result);

protected:
    void run() override;
    void handleResponse(const HttpResponse &response) override;
    void emitFailure(const ClientError &error) override { emit finished(error); }

private:
    QString m_repository;
    Oci::Digest m_digest;
    Options m_options;
};

} // namespace Minato::Client
