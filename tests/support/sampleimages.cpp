#include "sampleimages.h"

#include <QCryptographicHash>
#include <QDateTime>

#include <cstring>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

namespace Minato::Test {

namespace {

QString sha256(const QByteArray &bytes)
{
    return QStringLiteral("sha256:")
           + QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// One file in a ustar archive (POSIX.1-1988 header, 512-byte blocks, two zero blocks at the end).
QByteArray tarWith(const QString &path, const QByteArray &content)
{
    QByteArray header(512, '\0');
    const QByteArray name = path.toUtf8().left(99);
    std::copy(name.begin(), name.end(), header.begin());
    const auto octal = [&header](int offset, int width, qint64 value) {
        const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
        std::copy(digits.begin(), digits.end(), header.begin() + offset);
    };
    octal(100, 8, 0644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, content.size());
    octal(136, 12, 1700000000);
    header[156] = '0';
    const QByteArray magic("ustar\0" "00", 8);
    std::copy(magic.begin(), magic.end(), header.begin() + 257);
    std::fill(header.begin() + 148, header.begin() + 156, ' ');
    int sum = 0;
    for (char c : std::as_const(header)) {
        sum += static_cast<unsigned char>(c);
    }
    const QByteArray check = QByteArray::number(sum, 8).rightJustified(6, '0') + QByteArray("\0 ", 2);
    std::copy(check.begin(), check.end(), header.begin() + 148);
    QByteArray tar = header + content;
    tar.append(QByteArray((512 - content.size() % 512) % 512, '\0'));
    tar.append(QByteArray(1024, '\0'));
    return tar;
}

QByteArray noise(quint32 seed, qsizetype size)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i + 4 <= size; i += 4) {
        const quint32 v = generator.generate();
        std::memcpy(bytes.data() + i, &v, 4);
    }
    for (qsizetype i = size - size % 4; i < size; ++i) {
        bytes[i] = char(generator.generate() & 0xff);
    }
    return bytes;
}

QJsonObject descriptor(const QString &mediaType, const QString &digest, qint64 size)
{
    return QJsonObject{{QStringLiteral("mediaType"), mediaType},
                       {QStringLiteral("digest"), digest},
                       {QStringLiteral("size"), size}};
}

const QString kOciManifest = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
const QString kOciIndex = QStringLiteral("application/vnd.oci.image.index.v1+json");
const QString kOciConfig = QStringLiteral("application/vnd.oci.image.config.v1+json");
const QString kOciLayer = QStringLiteral("application/vnd.oci.image.layer.v1.tar");
const QString kEmpty = QStringLiteral("application/vnd.oci.empty.v1+json");

} // namespace

SampleImages::SampleImages(QUrl base, QByteArray authorization)
    : m_base(std::move(base))
    , m_authorization(std::move(authorization))
    , m_network(new QNetworkAccessManager)
{}

SampleImages::~SampleImages()
{
    delete m_network;
}

QString SampleImages::digestOf(const QString &repositoryAndTag) const
{
    return m_digests.value(repositoryAndTag);
}

int SampleImages::request(const QByteArray &method, const QUrl &url, const QByteArray &body,
                          const QByteArray &contentType, QString *error, bool *exists)
{
    ++m_requests;
    QNetworkRequest req(url);
    if (!contentType.isEmpty()) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    }
    if (!m_authorization.isEmpty()) {
        req.setRawHeader("Authorization", m_authorization);
    }
    // HEAD through head(): a custom "HEAD" verb would make Qt wait for the body Content-Length announces.
    QNetworkReply *reply = method == "HEAD" ? m_network->head(req) : m_network->sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (exists) {
        *exists = status == 200;
    } else if (status < 200 || status >= 300) {
        *error = QStringLiteral("%1 %2 → %3 %4").arg(QString::fromLatin1(method), url.toString()).arg(status)
                     .arg(QString::fromUtf8(reply->readAll().left(300)));
    }
    reply->deleteLater();
    return status;
}

bool SampleImages::pushBlob(const QString &repository, const QByteArray &bytes, QString *error)
{
    const QString digest = sha256(bytes);
    bool exists = false;
    request("HEAD", m_base.resolved(QUrl(QStringLiteral("/v2/%1/blobs/%2").arg(repository, digest))), {}, {}, error,
            &exists);
    if (exists) {
        return true;
    }
    // Monolithic upload (distribution-spec "POST then PUT" in one request: POST ?digest=).
    QUrl url = m_base.resolved(QUrl(QStringLiteral("/v2/%1/blobs/uploads/").arg(repository)));
    url.setQuery(QStringLiteral("digest=") + digest);
    const int status = request("POST", url, bytes, "application/octet-stream", error);
    return status == 201;
}

bool SampleImages::putManifest(const QString &repository, const QString &reference, const QByteArray &bytes,
                               const QString &mediaType, QString *error)
{
    const int status = request("PUT", m_base.resolved(QUrl(QStringLiteral("/v2/%1/manifests/%2").arg(repository, reference))),
                               bytes, mediaType.toLatin1(), error);
    if (status == 201) {
        m_digests.insert(repository + QLatin1Char(':') + reference, sha256(bytes));
    }
    return status == 201;
}

SampleImages::Image SampleImages::pushImage(const QString &repository, const QString &arch, const QString &variant,
                                            int seed, int layers, const QString &created, QString *error)
{
    Image image;
    QJsonArray layerDescriptors;
    QJsonArray diffIds;
    QJsonArray history;
    static const char *const steps[] = {
        "ADD alpine-minirootfs.tar.gz / # buildkit",
        "RUN /bin/sh -c apk add --no-cache ca-certificates tzdata # buildkit",
        "COPY /build/app /usr/local/bin/app # buildkit",
        "RUN /bin/sh -c addgroup -S app && adduser -S app -G app # buildkit",
        "COPY static/ /srv/static/ # buildkit",
    };
    for (int i = 0; i < layers; ++i) {
        // Sizes in units: a large base, then smaller layers.
        const int units = i == 0 ? 28 + (seed % 7) : qMax(1, 9 - 2 * i + seed % 3);
        const QByteArray tar = tarWith(QStringLiteral("layer%1/data.bin").arg(i),
                                       noise(quint32(seed * 131 + i), qsizetype(units) * m_scale));
        if (!pushBlob(repository, tar, error)) {
            return image;
        }
        layerDescriptors.append(descriptor(kOciLayer, sha256(tar), tar.size()));
        diffIds.append(sha256(tar));
        history.append(QJsonObject{{QStringLiteral("created"), created},
                                   {QStringLiteral("created_by"), QString::fromLatin1(steps[i % 5])}});
        image.size += tar.size();
    }
    history.append(QJsonObject{{QStringLiteral("created"), created},
                               {QStringLiteral("created_by"), QStringLiteral("CMD [\"app\", \"--serve\"]")},
                               {QStringLiteral("empty_layer"), true}});
    QJsonObject config{
        {QStringLiteral("created"), created},
        {QStringLiteral("architecture"), arch},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("config"),
         QJsonObject{
             {QStringLiteral("Env"), QJsonArray{QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                                                QStringLiteral("APP_ENV=production"),
                                                QStringLiteral("TZ=UTC")}},
             {QStringLiteral("Entrypoint"), QJsonArray{QStringLiteral("/docker-entrypoint.sh")}},
             {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("app"), QStringLiteral("--serve")}},
             {QStringLiteral("WorkingDir"), QStringLiteral("/srv")},
             {QStringLiteral("User"), QStringLiteral("app")},
             {QStringLiteral("ExposedPorts"), QJsonObject{{QStringLiteral("8080/tcp"), QJsonObject()}}},
             {QStringLiteral("Labels"),
              QJsonObject{{QStringLiteral("org.opencontainers.image.source"),
                           QStringLiteral("https://github.com/example/") + repository.section(QLatin1Char('/'), -1)},
                          {QStringLiteral("org.opencontainers.image.version"), QString::number(seed)}}}}},
        {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                               {QStringLiteral("diff_ids"), diffIds}}},
        {QStringLiteral("history"), history}};
    if (!variant.isEmpty()) {
        config.insert(QStringLiteral("variant"), variant);
    }
    const QByteArray configBytes = QJsonDocument(config).toJson(QJsonDocument::Compact);
    if (!pushBlob(repository, configBytes, error)) {
        return image;
    }
    const QJsonObject manifest{{QStringLiteral("schemaVersion"), 2},
                               {QStringLiteral("mediaType"), kOciManifest},
                               {QStringLiteral("config"), descriptor(kOciConfig, sha256(configBytes), configBytes.size())},
                               {QStringLiteral("layers"), layerDescriptors}};
    image.manifest = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    image.digest = sha256(image.manifest);
    image.size += configBytes.size();
    return image;
}

bool SampleImages::pushDemoSet(QString *error)
{
    const auto date = [](int daysAgo) {
        return QDateTime(QDate(2026, 11, 28), QTime(9, 30), Qt::UTC).addDays(-daysAgo).toString(Qt::ISODate);
    };
    // Single-arch images under several tags.
    struct Series
    {
        QString repository;
        QStringList tags;
        int layers;
    };
    const QList<Series> singles = {
        {QStringLiteral("library/alpine"), {QStringLiteral("3.18"), QStringLiteral("3.19"), QStringLiteral("3.20"), QStringLiteral("latest")}, 1},
        {QStringLiteral("team-a/api"),
         {QStringLiteral("v1.0.0"), QStringLiteral("v1.0.1"), QStringLiteral("v1.1.0"), QStringLiteral("v1.1.1"),
          QStringLiteral("v1.1.2"), QStringLiteral("v1.2.0"), QStringLiteral("v1.2.1"), QStringLiteral("v1.2.2"),
          QStringLiteral("v1.2.3"), QStringLiteral("v1.10.0"), QStringLiteral("latest")},
         4},
        {QStringLiteral("team-a/web"), {QStringLiteral("2026.11.1"), QStringLiteral("2026.11.2"), QStringLiteral("latest")}, 3},
        {QStringLiteral("team-b/worker"), {QStringLiteral("main"), QStringLiteral("sha-3f9c2e1")}, 3},
        {QStringLiteral("team-b/cron"), {QStringLiteral("1.0")}, 2},
        {QStringLiteral("tools/ci-runner"), {QStringLiteral("bookworm"), QStringLiteral("latest")}, 5},
    };
    int seed = 1;
    for (const Series &s : singles) {
        QString previous;
        for (int i = 0; i < s.tags.size(); ++i) {
            const QString &tag = s.tags.at(i);
            if (tag == QStringLiteral("latest") && !previous.isEmpty()) {
                // latest = the newest release: the same manifest again.
                const QByteArray bytes = m_lastManifest;
                if (!putManifest(s.repository, tag, bytes, kOciManifest, error)) {
                    return false;
                }
                continue;
            }
            const int imageSeed = seed++;
            const Image image = pushImage(s.repository, QStringLiteral("amd64"), {}, imageSeed, s.layers,
                                          date(int(s.tags.size() - i) * 9 + imageSeed % 5), error);
            if (image.manifest.isEmpty() || !putManifest(s.repository, tag, image.manifest, kOciManifest, error)) {
                return false;
            }
            m_lastManifest = image.manifest;
            previous = tag;
        }
    }

    // Referrers of team-a/api:v1.2.3 — a cosign-style signature and an SPDX SBOM (OCI 1.1 subject field).
    {
        const QString subject = digestOf(QStringLiteral("team-a/api:v1.2.3"));
        const QByteArray empty("{}");
        if (!pushBlob(QStringLiteral("team-a/api"), empty, error)) {
            return false;
        }
        struct Artifact
        {
            QString artifactType;
            QString layerType;
            QByteArray content;
        };
        const QList<Artifact> artifacts = {
            {QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json"),
             QStringLiteral("application/vnd.dev.cosign.simplesigning.v1+json"),
             QByteArray("{\"critical\":{\"identity\":{\"docker-reference\":\"team-a/api\"},\"type\":\"cosign container image signature\"}}")},
            {QStringLiteral("application/spdx+json"), QStringLiteral("application/spdx+json"),
             QByteArray("{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"team-a/api\",\"packages\":[]}")},
        };
        // The subject descriptor needs the subject's size: the manifest's bytes.
        QNetworkRequest req(m_base.resolved(QUrl(QStringLiteral("/v2/team-a/api/manifests/") + subject)));
        req.setRawHeader("Accept", kOciManifest.toLatin1());
        QNetworkReply *reply = m_network->get(req);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        const qint64 subjectSize = reply->readAll().size();
        reply->deleteLater();
        for (const Artifact &a : artifacts) {
            if (!pushBlob(QStringLiteral("team-a/api"), a.content, error)) {
                return false;
            }
            const QJsonObject manifest{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), kOciManifest},
                {QStringLiteral("artifactType"), a.artifactType},
                {QStringLiteral("config"), descriptor(kEmpty, sha256(empty), empty.size())},
                {QStringLiteral("layers"), QJsonArray{descriptor(a.layerType, sha256(a.content), a.content.size())}},
                {QStringLiteral("subject"), descriptor(kOciManifest, subject, subjectSize)}};
            const QByteArray bytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
            if (!putManifest(QStringLiteral("team-a/api"), sha256(bytes), bytes, kOciManifest, error)) {
                return false;
            }
        }
    }

    // library/nginx: a three-platform index with a buildx attestation entry, under several tags.
    const QStringList nginxTags = {QStringLiteral("1.25"), QStringLiteral("1.26"), QStringLiteral("1.27"),
                                   QStringLiteral("1.27.3"), QStringLiteral("mainline"), QStringLiteral("latest")};
    for (int i = 0; i < nginxTags.size(); ++i) {
        const QString created = date(int(nginxTags.size() - i) * 12);
        QJsonArray entries;
        const QList<std::tuple<QString, QString>> platforms = {{QStringLiteral("amd64"), QString()},
                                                              {QStringLiteral("arm64"), QStringLiteral("v8")},
                                                              {QStringLiteral("arm"), QStringLiteral("v7")}};
        int platformIndex = 0;
        for (const auto &[arch, variant] : platforms) {
            // Each platform's layers differ (their own seed); the same platform shares nothing across tags.
            const Image image = pushImage(QStringLiteral("library/nginx"), arch, variant,
                                          100 + i * 7 + 3 * platformIndex++, 3, created, error);
            if (image.manifest.isEmpty()
                || !putManifest(QStringLiteral("library/nginx"), image.digest, image.manifest, kOciManifest, error)) {
                return false;
            }
            QJsonObject platform{{QStringLiteral("os"), QStringLiteral("linux")}, {QStringLiteral("architecture"), arch}};
            if (!variant.isEmpty()) {
                platform.insert(QStringLiteral("variant"), variant);
            }
            QJsonObject entry = descriptor(kOciManifest, image.digest, image.manifest.size());
            entry.insert(QStringLiteral("platform"), platform);
            entries.append(entry);
        }
        // An attestation manifest, as buildx writes it (platform unknown/unknown, annotated with its subject).
        {
            const QByteArray statement("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://slsa.dev/provenance/v0.2\"}");
            const QByteArray config("{\"architecture\":\"unknown\",\"os\":\"unknown\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
            if (!pushBlob(QStringLiteral("library/nginx"), statement, error)
                || !pushBlob(QStringLiteral("library/nginx"), config, error)) {
                return false;
            }
            const QJsonObject manifest{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), kOciManifest},
                {QStringLiteral("config"), descriptor(kOciConfig, sha256(config), config.size())},
                {QStringLiteral("layers"), QJsonArray{descriptor(QStringLiteral("application/vnd.in-toto+json"),
                                                                 sha256(statement), statement.size())}}};
            const QByteArray bytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
            if (!putManifest(QStringLiteral("library/nginx"), sha256(bytes), bytes, kOciManifest, error)) {
                return false;
            }
            QJsonObject entry = descriptor(kOciManifest, sha256(bytes), bytes.size());
            entry.insert(QStringLiteral("platform"), QJsonObject{{QStringLiteral("os"), QStringLiteral("unknown")},
                                                                 {QStringLiteral("architecture"), QStringLiteral("unknown")}});
            entry.insert(QStringLiteral("annotations"),
                         QJsonObject{{QStringLiteral("vnd.docker.reference.type"), QStringLiteral("attestation-manifest")},
                                     {QStringLiteral("vnd.docker.reference.digest"),
                                      entries.at(0).toObject().value(QStringLiteral("digest")).toString()}});
            entries.append(entry);
        }
        const QJsonObject index{{QStringLiteral("schemaVersion"), 2},
                                {QStringLiteral("mediaType"), kOciIndex},
                                {QStringLiteral("manifests"), entries}};
        const QByteArray bytes = QJsonDocument(index).toJson(QJsonDocument::Compact);
        if (!putManifest(QStringLiteral("library/nginx"), nginxTags.at(i), bytes, kOciIndex, error)) {
            return false;
        }
    }
    return true;
}

bool SampleImages::pushTagSeries(const QString &repository, int count, QString *error)
{
    const Image image = pushImage(repository, QStringLiteral("amd64"), {}, 7, 1, QStringLiteral("2026-10-01T00:00:00Z"), error);
    if (image.manifest.isEmpty()) {
        return false;
    }
    for (int i = 0; i < count; ++i) {
        if (!putManifest(repository, QStringLiteral("t-%1").arg(i, 6, 10, QLatin1Char('0')), image.manifest,
                         kOciManifest, error)) {
            return false;
        }
    }
    return true;
}

bool SampleImages::pushRepositories(const QString &prefix, int count, QString *error)
{
    for (int i = 0; i < count; ++i) {
        const QString repository = QStringLiteral("%1/g%2/r-%3").arg(prefix).arg(i / 100, 3, 10, QLatin1Char('0'))
                                       .arg(i, 5, 10, QLatin1Char('0'));
        const Image image = pushImage(repository, QStringLiteral("amd64"), {}, 3, 1, QStringLiteral("2026-10-01T00:00:00Z"), error);
        if (image.manifest.isEmpty() || !putManifest(repository, QStringLiteral("v1"), image.manifest, kOciManifest, error)) {
            return false;
        }
    }
    return true;
}

} // namespace Minato::Test
