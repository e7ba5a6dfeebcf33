#include "imageimport.h"

#include "blobupload.h"
#include "filerangedevice.h"
#include "manifestput.h"
#include "ocilayout.h"
#include "registryclient.h"
#include "tararchive.h"

#include "oci/mediatype.h"
#include "oci/reference.h"
#include "oci/sha256.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Minato::Client {

namespace {

constexpr qint64 MaxArchiveManifestBytes = qint64(4) * 1024 * 1024;
constexpr qint64 MaxConfigBytes = qint64(16) * 1024 * 1024;

ClientError archiveError(const QString &path, const QString &reason)
{
    return ClientError::localFile(QDir::toNativeSeparators(path), reason, QStringLiteral("%1: %2").arg(path, reason))
        .explained(QT_TRANSLATE_NOOP("Minato::Client::ClientError", "%1 is not a usable docker-archive: %2"),
                   {QDir::toNativeSeparators(path), reason});
}

Result<QByteArray> readMember(const QString &path, const TarEntry &entry, qint64 maxBytes)
{
    if (entry.size > maxBytes) {
        return archiveError(path, ClientError::tr("%1 is larger than %2 bytes").arg(entry.name).arg(maxBytes));
    }
    FileRangeDevice device(path, entry.offset, entry.size);
    if (!device.open(QIODevice::ReadOnly)) {
        return archiveError(path, device.errorString());
    }
    const QByteArray bytes = device.readAll();
    if (bytes.size() != entry.size) {
        return archiveError(path, ClientError::tr("%1 could not be read").arg(entry.name));
    }
    return bytes;
}

// The layer media type a docker schema 2 manifest gives a layer stored this way (compression from its magic
// bytes: gzip RFC 1952 §2.3.1, zstd RFC 8878 §3.1.1).
QString layerMediaType(const QByteArray &head)
{
    if (head.startsWith("\x1f\x8b")) {
        return Oci::MediaType::DockerLayerTarGzip.toString();
    }
    if (head.startsWith("\x28\xb5\x2f\xfd")) {
        return Oci::MediaType::DockerLayerTarZstd.toString();
    }
    return Oci::MediaType::DockerLayerTar.toString();
}

bool repoTagMatches(const QString &repoTag, const QString &name)
{
    if (repoTag == name) {
        return true;
    }
    const qsizetype colon = repoTag.lastIndexOf(u':');
    if (colon < 0 || colon < repoTag.lastIndexOf(u'/')) {
        return false;
    }
    return repoTag.mid(colon + 1) == name || repoTag.endsWith(u'/' + name);
}

QByteArray descriptorJson(const QString &mediaType, qint64 size, const Oci::Digest &digest)
{
    return QByteArrayLiteral("{\"mediaType\":\"") + mediaType.toUtf8() + QByteArrayLiteral("\",\"size\":") +
           QByteArray::number(size) + QByteArrayLiteral(",\"digest\":\"") + digest.toString().toUtf8() +
           QByteArrayLiteral("\"}");
}

} // namespace

ImageImport::ImageImport(RegistryClient *client, QString sourcePath, QString repository, QString tag, Options options,
                         QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_sourcePath(std::move(sourcePath))
    , m_options(std::move(options))
{
    m_info.sourcePath = m_sourcePath;
    m_info.repository = std::move(repository);
    m_info.tag = std::move(tag);
}

ImageImport::~ImageImport() = default; // uploads and devices are children: deleting them aborts the uploads

void ImageImport::finishWith(const ImageImportResult &result)
{
    if (!markFinished()) {
        return;
    }
    stopUploads();
    emit finished(result);
}

void ImageImport::stopUploads()
{
    const auto active = m_active;
    m_active.clear();
    for (auto it = active.begin(); it != active.end(); ++it) {
        it.key()->cancel(); // DELETEs its upload session; its finished() finds this import finished
        it.key()->deleteLater();
        it->device->deleteLater();
    }
}

void ImageImport::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::invalidRequest(QStringLiteral("import without a registry client")));
        return;
    }
    if (const auto name = Oci::Reference::parseRepositoryPath(m_info.repository); !name) {
        finishWith(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_info.repository, name.error().message())));
        return;
    }
    if (const auto tag = Oci::Reference::parseTag(m_info.tag); !tag) {
        finishWith(
            ClientError::invalidRequest(QStringLiteral("tag \"%1\": %2").arg(m_info.tag, tag.error().message())));
        return;
    }
    const QFileInfo source(m_sourcePath);
    if (!source.exists()) {
        finishWith(ClientError::localFile(QDir::toNativeSeparators(m_sourcePath), ClientError::tr("it does not exist"),
                                          QStringLiteral("no such file or directory: %1").arg(m_sourcePath)));
        return;
    }
    m_info.source = source.isDir() ? ImageImportInfo::Source::OciLayout : ImageImportInfo::Source::DockerArchive;
    const Result<bool> planned = source.isDir() ? planLayout() : planArchive();
    if (!planned) {
        finishWith(planned.error());
        return;
    }
    m_info.blobs = int(m_uploads.size());
    for (const Upload &u : std::as_const(m_uploads)) {
        m_info.totalBytes += u.size;
    }
    reportProgress();
    pump();
}

Result<bool> ImageImport::planLayout()
{
    const OciLayout layout(m_sourcePath);
    const auto index = layout.readIndex();
    if (!index) {
        return index.error();
    }
    const auto entry = OciLayout::findEntry(index.value(), m_options.name, m_info.tag);
    if (!entry) {
        return entry.error();
    }
    m_info.sourceName = entry->annotation(Oci::Annotation::RefName);
    const auto image = layout.readImage(entry.value());
    if (!image) {
        return image.error();
    }
    for (const Oci::Descriptor &blob : image->blobs) {
        Upload u;
        u.filePath = layout.blobPath(blob.digest);
        u.label = QDir(m_sourcePath).relativeFilePath(u.filePath);
        u.size = blob.size;
        u.digest = blob.digest;
        m_uploads.append(u);
    }
    for (qsizetype i = 0; i < image->manifests.size(); ++i) {
        const LayoutManifest &m = image->manifests.at(i);
        PushStep step;
        step.reference = i + 1 == image->manifests.size() ? m_info.tag : m.digest.toString();
        step.bytes = m.bytes;
        step.mediaType = m.mediaType;
        m_pushes.append(step);
    }
    if (const auto *manifest = std::get_if<Oci::Manifest>(&image->manifests.constLast().manifest)) {
        m_info.configDigest = manifest->config.digest;
    }
    return true;
}

Result<bool> ImageImport::planArchive()
{
    const QString path = m_sourcePath;
    const auto index = TarIndex::read(path);
    if (!index) {
        return archiveError(path, index.error().message());
    }
    const TarEntry *manifestEntry = index->find(QStringLiteral("manifest.json"));
    if (!manifestEntry) {
        if (index->find(QStringLiteral("oci-layout")) && index->find(QStringLiteral("index.json"))) {
            return archiveError(path, ClientError::tr("it is an OCI image layout packed in a tar (no manifest.json); "
                                                      "extract it and import the directory"));
        }
        return archiveError(path, ClientError::tr("it has no manifest.json"));
    }
    const auto manifestBytes = readMember(path, *manifestEntry, MaxArchiveManifestBytes);
    if (!manifestBytes) {
        return manifestBytes.error();
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(manifestBytes.value(), &parseError);
    if (!doc.isArray() || doc.array().isEmpty()) {
        return archiveError(path, doc.isNull() ? ClientError::tr("manifest.json: %1").arg(parseError.errorString())
                                               : ClientError::tr("manifest.json is not a list of images"));
    }
    // Docker's image/spec v1.2: [{"Config": …, "RepoTags": […], "Layers": […]}, …].
    const QJsonArray images = doc.array();
    auto repoTagsOf = [](const QJsonObject &o) {
        QStringList tags;
        for (const QJsonValue &v : o.value(QStringLiteral("RepoTags")).toArray()) {
            tags.append(v.toString());
        }
        return tags;
    };
    auto matching = [&](const QString &name) {
        QList<QJsonObject> found;
        for (const QJsonValue &v : images) {
            const QStringList tags = repoTagsOf(v.toObject());
            if (std::any_of(tags.begin(), tags.end(), [&](const QString &t) { return repoTagMatches(t, name); })) {
                found.append(v.toObject());
            }
        }
        return found;
    };
    QList<QJsonObject> chosen;
    if (!m_options.name.isEmpty()) {
        chosen = matching(m_options.name);
    } else if (images.size() == 1) {
        chosen = {images.first().toObject()};
    } else {
        chosen = matching(m_info.tag);
    }
    if (chosen.size() != 1) {
        QStringList offered;
        for (const QJsonValue &v : images) {
            const QStringList tags = repoTagsOf(v.toObject());
            offered.append(tags.isEmpty() ? ClientError::tr("(untagged)") : tags.join(u'/'));
        }
        const QString wanted = m_options.name.isEmpty() ? m_info.tag : m_options.name;
        return archiveError(path, (chosen.isEmpty() ? ClientError::tr("no image in it is named \"%1\"; it has: %2")
                                                    : ClientError::tr("several images in it are named \"%1\": %2"))
                                      .arg(wanted, offered.join(QStringLiteral(", "))));
    }
    const QJsonObject image = chosen.first();
    const QStringList tags = repoTagsOf(image);
    m_info.sourceName = tags.isEmpty() ? QString() : tags.first();
    for (const QString &t : tags) {
        if (!m_options.name.isEmpty() && repoTagMatches(t, m_options.name)) {
            m_info.sourceName = t;
        }
    }

    const QString configName = image.value(QStringLiteral("Config")).toString();
    const TarEntry *configEntry = configName.isEmpty() ? nullptr : index->find(configName);
    if (!configEntry) {
        return archiveError(path, ClientError::tr("the config \"%1\" named in manifest.json is not in it").arg(configName));
    }
    const auto config = readMember(path, *configEntry, MaxConfigBytes);
    if (!config) {
        return config.error();
    }
    const QJsonDocument configDoc = QJsonDocument::fromJson(config.value());
    if (!configDoc.isObject()) {
        return archiveError(path, ClientError::tr("the config %1 is not a JSON object").arg(configName));
    }
    m_config = config.value();
    m_info.configDigest = Oci::Sha256Hasher::digestOf(m_config);
    Upload configUpload;
    configUpload.label = configName;
    configUpload.filePath = path;
    configUpload.offset = configEntry->offset;
    configUpload.size = configEntry->size;
    configUpload.digest = m_info.configDigest;
    m_uploads.append(configUpload);

    // config.md: rootfs.diff_ids are the digests of the uncompressed layers, in order.
    const QJsonArray diffIds =
        configDoc.object().value(QStringLiteral("rootfs")).toObject().value(QStringLiteral("diff_ids")).toArray();
    const QJsonArray layers = image.value(QStringLiteral("Layers")).toArray();
    QHash<qint64, int> uploadByOffset; // one member named twice is uploaded once
    for (qsizetype i = 0; i < layers.size(); ++i) {
        const QString name = layers.at(i).toString();
        const TarEntry *entry = name.isEmpty() ? nullptr : index->find(name);
        if (!entry || entry->type != TarEntry::Type::File) {
            return archiveError(path, ClientError::tr("the layer \"%1\" named in manifest.json is not in it").arg(name));
        }
        FileRangeDevice head(path, entry->offset, entry->size);
        if (!head.open(QIODevice::ReadOnly)) {
            return archiveError(path, head.errorString());
        }
        Oci::Descriptor layer;
        layer.mediaType = layerMediaType(head.read(4));
        layer.size = entry->size;
        if (layer.mediaType == Oci::MediaType::DockerLayerTar && diffIds.size() == layers.size()) {
            if (const auto diffId = Oci::Digest::parse(diffIds.at(i).toString())) {
                layer.digest = diffId.value(); // uncompressed: the digest is the diff_id (checked by the registry)
            }
        }
        m_layers.append(layer);
        if (const auto it = uploadByOffset.constFind(entry->offset); it != uploadByOffset.constEnd()) {
            m_uploads[*it].layers.append(int(i));
            continue;
        }
        Upload u;
        u.label = name;
        u.filePath = path;
        u.offset = entry->offset;
        u.size = entry->size;
        u.digest = layer.digest;
        u.layers = {int(i)};
        uploadByOffset.insert(entry->offset, int(m_uploads.size()));
        m_uploads.append(u);
    }
    if (m_layers.isEmpty()) {
        return archiveError(path, ClientError::tr("the image has no layers"));
    }
    return true;
}

void ImageImport::pump()
{
    if (isFinished()) {
        return;
    }
    const int parallel = qMax(1, m_options.parallel);
    while (m_active.size() < parallel && m_next < m_uploads.size()) {
        const int number = m_next++;
        const Upload &u = m_uploads.at(number);
        QIODevice *device = nullptr;
        if (u.offset >= 0) {
            device = new FileRangeDevice(u.filePath, u.offset, u.size, this);
        } else {
            device = new QFile(u.filePath, this);
        }
        if (!device->open(QIODevice::ReadOnly)) {
            const QString reason = device->errorString();
            delete device;
            finishWith(ClientError::localFile(QDir::toNativeSeparators(u.filePath), reason,
                                              QStringLiteral("open %1 (%2): %3").arg(u.filePath, u.label, reason)));
            return;
        }
        auto *upload = new BlobUpload(m_client, m_info.repository, u.digest, u.size, device, {}, this);
        Active active;
        active.upload = number;
        active.device = device;
        m_active.insert(upload, active);
        connect(upload, &BlobUpload::progress, this, [this, upload](qint64 sent, qint64) {
            if (const auto it = m_active.find(upload); it != m_active.end()) {
                it->sent = sent;
                reportProgress();
            }
        });
        connect(upload, &BlobUpload::finished, this,
                [this, upload](const BlobUploadResult &r) { onUploaded(upload, r); });
        upload->start();
        if (isFinished()) {
            return;
        }
    }
    if (m_active.isEmpty() && m_next >= m_uploads.size()) {
        if (m_info.source == ImageImportInfo::Source::DockerArchive && !buildArchiveManifest()) {
            return;
        }
        pushNext();
    }
}

void ImageImport::onUploaded(BlobUpload *upload, const BlobUploadResult &result)
{
    if (isFinished()) {
        return;
    }
    const auto it = m_active.find(upload);
    if (it == m_active.end()) {
        return;
    }
    const Active active = *it;
    m_active.erase(it);
    upload->deleteLater();
    active.device->deleteLater();
    if (!result) {
        finishWith(result.error());
        return;
    }
    const Upload &u = m_uploads.at(active.upload);
    ++m_done;
    m_doneBytes += u.size;
    if (result->outcome == BlobUploadInfo::Outcome::AlreadyPresent) {
        ++m_info.skipped;
    } else {
        ++m_info.uploaded;
        if (result->outcome == BlobUploadInfo::Outcome::Uploaded) {
            m_info.uploadedBytes += u.size;
        }
    }
    for (const int layer : u.layers) {
        m_layers[layer].digest = result->digest; // the digest the upload closed with (given or computed)
    }
    reportProgress();
    pump();
}

void ImageImport::reportProgress()
{
    qint64 done = m_doneBytes;
    for (const Active &a : std::as_const(m_active)) {
        done += a.sent;
    }
    emit progress(done, m_info.totalBytes);
}

bool ImageImport::buildArchiveManifest()
{
    // distribution docs/spec/manifest-v2-2.md "Image Manifest": schemaVersion 2, its mediaType, the config
    // (application/vnd.docker.container.image.v1+json) and the layers in order, base layer first.
    QByteArray json = QByteArrayLiteral("{\"schemaVersion\":2,\"mediaType\":\"") +
                      Oci::MediaType::DockerManifest.toString().toUtf8() + QByteArrayLiteral("\",\"config\":") +
                      descriptorJson(Oci::MediaType::DockerConfig.toString(), m_config.size(), m_info.configDigest) +
                      QByteArrayLiteral(",\"layers\":[");
    for (qsizetype i = 0; i < m_layers.size(); ++i) {
        const Oci::Descriptor &layer = m_layers.at(i);
        if (!layer.digest.isValid()) {
            finishWith(ClientError::invalidRequest(QStringLiteral("layer %1 has no digest after its upload").arg(i)));
            return false;
        }
        json += (i > 0 ? QByteArrayLiteral(",") : QByteArray()) +
                descriptorJson(layer.mediaType, layer.size, layer.digest);
    }
    json += QByteArrayLiteral("]}");
    PushStep step;
    step.reference = m_info.tag;
    step.bytes = json;
    step.mediaType = Oci::MediaType::DockerManifest.toString();
    m_pushes = {step};
    return true;
}

void ImageImport::pushNext()
{
    if (isFinished()) {
        return;
    }
    if (m_pushes.isEmpty()) {
        finishWith(m_info);
        return;
    }
    const PushStep step = m_pushes.takeFirst();
    const bool top = m_pushes.isEmpty();
    auto *put = new ManifestPut(m_client, m_info.repository, step.reference, step.bytes, step.mediaType, this);
    m_current = put;
    connect(put, &ManifestPut::finished, this, [this, put, top](const ManifestPutResult &r) {
        put->deleteLater();
        m_current = nullptr;
        if (!r) {
            finishWith(r.error());
            return;
        }
        ++m_info.manifests;
        if (top) {
            m_info.digest = r->digest;
            m_info.mediaType = r->mediaType;
            m_info.size = r->size;
        }
        pushNext();
    });
    put->start();
}

} // namespace Minato::Client
