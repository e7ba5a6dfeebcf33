#pragma once

// Sample content for GUI tests, screenshots and the GUI benchmark: real OCI images (uncompressed tar layers
// whose diff_ids are right, image configs with Env/Cmd/labels/history, manifests and indexes) pushed to any
// registry over its HTTP API — monolithic blob uploads (POST ?digest=) and manifest PUTs.
//
//   SampleImages samples(QUrl(u"http://127.0.0.1:5000"_s));
//   samples.setLayerScale(1024);                       // bytes per size unit: small for tests, 1 MiB for shots
//   QString error;
//   REQUIRE(samples.pushDemoSet(&error));              // repositories below
//   samples.pushTagSeries(u"big/app"_s, 100000, &error);   // one image under many tags (scale tests)
//   samples.pushRepositories(u"scale"_s, 10000, &error);
//
// The demo set: library/alpine (3.18 … latest), library/nginx (a linux/amd64 + arm64/v8 + arm/v7 index with
// a buildx attestation entry, tags 1.25 … mainline), team-a/api (v1.0.0 … v1.2.3; v1.2.3 has a cosign-style
// signature and an SPDX SBOM as OCI 1.1 referrers), team-a/web, team-b/worker, team-b/cron, tools/ci-runner.
// Dates are spread over the past months so "created" columns read naturally. Deterministic: the same scale
// gives the same digests.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;

namespace Minato::Test {

class SampleImages
{
public:
    explicit SampleImages(QUrl base, QByteArray authorization = {});
    ~SampleImages();
    SampleImages(const SampleImages &) = delete;
    SampleImages &operator=(const SampleImages &) = delete;

    void setLayerScale(int bytesPerUnit) { m_scale = bytesPerUnit; }

    bool pushDemoSet(QString *error);
    bool pushTagSeries(const QString &repository, int count, QString *error);
    bool pushRepositories(const QString &prefix, int count, QString *error);

    // Digests pushed by the demo set, by "repository:tag" (manifests and indexes).
    QString digestOf(const QString &repositoryAndTag) const;
    int requests() const { return m_requests; }

private:
    struct Image
    {
        QByteArray manifest;
        QString digest;
        qint64 size = 0;
    };
    Image pushImage(const QString &repository, const QString &arch, const QString &variant, int seed,
                    int layers, const QString &created, QString *error);
    bool pushBlob(const QString &repository, const QByteArray &bytes, QString *error);
    bool putManifest(const QString &repository, const QString &reference, const QByteArray &bytes,
                     const QString &mediaType, QString *error);
    int request(const QByteArray &method, const QUrl &url, const QByteArray &body, const QByteArray &contentType,
                QString *error, bool *exists = nullptr);

    QUrl m_base;
    QByteArray m_authorization;
    QNetworkAccessManager *m_network = nullptr;
    int m_scale = 1024;
    int m_requests = 0;
    QHash<QString, QString> m_digests;
    QByteArray m_lastManifest;
};

} // namespace Minato::Test
