#include "ocilayout.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

namespace Minato::Test {

namespace {

QString sha256Of(const QByteArray &bytes)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

bool writeBlob(const QString &layoutDir, const QByteArray &bytes)
{
    const QString hex = sha256Of(bytes).mid(7);
    return writeFile(layoutDir + QStringLiteral("/blobs/sha256/") + hex, bytes);
}

ProcessResult run(const QString &program, const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(10000)) {
        r.output = program + QStringLiteral(" did not start: ") + p.errorString();
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.output = program + QStringLiteral(" timed out\n") + QString::fromLocal8Bit(p.readAll());
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = QString::fromLocal8Bit(p.readAll());
    return r;
}

} // namespace

namespace {

// The layer, config and manifest blobs of one image (no index.json). An empty variant is left out of the
// config, so the amd64 image stays byte-identical to what OciLayoutImage::build always produced.
OciLayoutImage buildImageBlobs(const QString &layoutDir, const QString &tag,
                               const QList<QPair<QString, QByteArray>> &files, const QString &architecture,
                               const QString &variant)
{
    OciLayoutImage image;
    image.layoutDir = layoutDir;
    image.tag = tag;
    QTemporaryDir content;
    if (!QDir().mkpath(layoutDir + QStringLiteral("/blobs/sha256")) || !content.isValid()) {
        image.error = QStringLiteral("cannot create directories");
        return image;
    }
    for (const auto &[path, bytes] : files) {
        const QString full = content.filePath(path);
        QDir().mkpath(QFileInfo(full).absolutePath());
        if (!writeFile(full, bytes)) {
            image.error = QStringLiteral("cannot write ") + full;
            return image;
        }
    }
    // Deterministic tar: fixed owner, mode and mtime, sorted names.
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Beside the content, not in it (tar would archive itself), and in a directory of its own: "../layer.tar"
    // was one path in the temp directory shared by every test process running at the same time.
    QTemporaryDir tarDir;
    const QString tarPath = tarDir.filePath(QStringLiteral("layer.tar"));
    ProcessResult tar = run(QStringLiteral("tar"),
                            {QStringLiteral("--sort=name"), QStringLiteral("--owner=0"), QStringLiteral("--group=0"),
                             QStringLiteral("--numeric-owner"), QStringLiteral("--mtime=2024-01-01 00:00Z"),
                             QStringLiteral("-cf"), tarPath, QStringLiteral("-C"), content.path(), QStringLiteral(".")},
                            env, 30000);
    QFile tarFile(tarPath);
    if (tar.exitCode != 0 || !tarFile.open(QIODevice::ReadOnly)) {
        image.error = QStringLiteral("tar failed: ") + tar.output;
        return image;
    }
    const QByteArray tarBytes = tarFile.readAll();
    tarFile.close();
    QFile::remove(tarPath);

    QProcess gzip;
    gzip.start(QStringLiteral("gzip"), {QStringLiteral("-n"), QStringLiteral("-c")});
    gzip.write(tarBytes);
    gzip.closeWriteChannel();
    if (!gzip.waitForFinished(30000) || gzip.exitCode() != 0) {
        image.error = QStringLiteral("gzip failed");
        return image;
    }
    const QByteArray layer = gzip.readAllStandardOutput();

    image.diffId = sha256Of(tarBytes);
    image.layerDigest = sha256Of(layer);
    image.layerSize = layer.size();

    QJsonObject config{
        {QStringLiteral("created"), QStringLiteral("2024-01-01T00:00:00Z")},
        {QStringLiteral("architecture"), architecture},
        {QStringLiteral("os"), QStringLiteral("linux")},
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("Env"), QJsonArray{QStringLiteral("PATH=/usr/bin:/bin")}},
                     {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("/bin/sh")}}}},
        {QStringLiteral("rootfs"), QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                               {QStringLiteral("diff_ids"), QJsonArray{image.diffId}}}},
        {QStringLiteral("history"),
         QJsonArray{QJsonObject{{QStringLiteral("created"), QStringLiteral("2024-01-01T00:00:00Z")},
                                {QStringLiteral("created_by"), QStringLiteral("minato test image")}}}},
    };
    if (!variant.isEmpty()) {
        config.insert(QStringLiteral("variant"), variant);
    }
    image.config = QJsonDocument(config).toJson(QJsonDocument::Compact);
    image.configDigest = sha256Of(image.config);

    const QJsonObject manifest{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
        {QStringLiteral("config"),
         QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.config.v1+json")},
                     {QStringLiteral("digest"), image.configDigest},
                     {QStringLiteral("size"), image.config.size()}}},
        {QStringLiteral("layers"),
         QJsonArray{
             QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip")},
                         {QStringLiteral("digest"), image.layerDigest},
                         {QStringLiteral("size"), image.layerSize}}}},
    };
    image.manifest = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    image.manifestDigest = sha256Of(image.manifest);
    if (!writeBlob(layoutDir, layer) || !writeBlob(layoutDir, image.config) || !writeBlob(layoutDir, image.manifest)) {
        image.error = QStringLiteral("cannot write the blobs");
        return image;
    }
    image.ok = true;
    return image;
}

bool writeLayoutFiles(const QString &layoutDir, const QJsonObject &index)
{
    return writeFile(layoutDir + QStringLiteral("/index.json"), QJsonDocument(index).toJson(QJsonDocument::Compact)) &&
           writeFile(layoutDir + QStringLiteral("/oci-layout"),
                     QByteArrayLiteral("{\"imageLayoutVersion\":\"1.0.0\"}"));
}

} // namespace

OciLayoutImage OciLayoutImage::build(const QString &layoutDir, const QString &tag,
                                     const QList<QPair<QString, QByteArray>> &files)
{
    OciLayoutImage image = buildImageBlobs(layoutDir, tag, files, QStringLiteral("amd64"), QString());
    if (!image.ok) {
        return image;
    }
    image.ok = false;
    const QJsonObject index{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
        {QStringLiteral("manifests"),
         QJsonArray{
             QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                         {QStringLiteral("digest"), image.manifestDigest},
                         {QStringLiteral("size"), image.manifest.size()},
                         {QStringLiteral("annotations"),
                          QJsonObject{{QStringLiteral("org.opencontainers.image.ref.name"), tag}}}}}},
    };
    if (!writeLayoutFiles(layoutDir, index)) {
        image.error = QStringLiteral("cannot write the layout");
        return image;
    }
    image.ok = true;
    return image;
}

OciLayoutIndex OciLayoutIndex::build(const QString &layoutDir, const QString &tag,
                                     const QList<QPair<QString, QByteArray>> &files)
{
    OciLayoutIndex result;
    result.layoutDir = layoutDir;
    result.tag = tag;
    struct Arch
    {
        QString architecture;
        QString variant;
    };
    const QList<Arch> arches{{QStringLiteral("amd64"), QString()}, {QStringLiteral("arm64"), QStringLiteral("v8")}};
    QJsonArray entries;
    for (const Arch &arch : arches) {
        // A file naming the platform makes each image's layer (and so every digest) distinct.
        QList<QPair<QString, QByteArray>> imageFiles = files;
        imageFiles.append({QStringLiteral("etc/minato-platform"),
                           QByteArrayLiteral("linux/") + arch.architecture.toLatin1() +
                               (arch.variant.isEmpty() ? QByteArray() : '/' + arch.variant.toLatin1()) + '\n'});
        OciLayoutImage image = buildImageBlobs(layoutDir, tag, imageFiles, arch.architecture, arch.variant);
        if (!image.ok) {
            result.error = image.error;
            return result;
        }
        QJsonObject platform{{QStringLiteral("architecture"), arch.architecture},
                             {QStringLiteral("os"), QStringLiteral("linux")}};
        if (!arch.variant.isEmpty()) {
            platform.insert(QStringLiteral("variant"), arch.variant);
        }
        entries.append(
            QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                        {QStringLiteral("digest"), image.manifestDigest},
                        {QStringLiteral("size"), image.manifest.size()},
                        {QStringLiteral("platform"), platform}});
        result.images.append(std::move(image));
    }
    const QJsonObject imageIndex{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
        {QStringLiteral("manifests"), entries},
    };
    result.index = QJsonDocument(imageIndex).toJson(QJsonDocument::Compact);
    result.indexDigest = sha256Of(result.index);
    const QJsonObject layoutIndex{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
        {QStringLiteral("manifests"),
         QJsonArray{
             QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
                         {QStringLiteral("digest"), result.indexDigest},
                         {QStringLiteral("size"), result.index.size()},
                         {QStringLiteral("annotations"),
                          QJsonObject{{QStringLiteral("org.opencontainers.image.ref.name"), tag}}}}}},
    };
    if (!writeBlob(layoutDir, result.index) || !writeLayoutFiles(layoutDir, layoutIndex)) {
        result.error = QStringLiteral("cannot write the layout");
        return result;
    }
    result.ok = true;
    return result;
}

ProcessResult runSkopeo(const QStringList &arguments, int timeoutMs)
{
    QTemporaryDir scratch;
    const QString policy = scratch.filePath(QStringLiteral("policy.json"));
    writeFile(policy, QByteArrayLiteral("{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // A private blob-info cache: skopeo keeps it under XDG_DATA_HOME when it believes it is rootless.
    env.insert(QStringLiteral("_CONTAINERS_ROOTLESS_UID"), QStringLiteral("65534"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), scratch.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), scratch.filePath(QStringLiteral("run")));
    QDir().mkpath(scratch.filePath(QStringLiteral("run")));
    QStringList args{QStringLiteral("--policy"), policy};
    args += arguments;
    return run(QStringLiteral("skopeo"), args, env, timeoutMs);
}

ProcessResult runPodman(const QString &stateDir, const QStringList &arguments, int timeoutMs)
{
    QStringList args{QStringLiteral("--storage-driver"), QStringLiteral("vfs"),
                     QStringLiteral("--root"),           stateDir + QStringLiteral("/storage"),
                     QStringLiteral("--runroot"),        stateDir + QStringLiteral("/run"),
                     QStringLiteral("--cgroup-manager"), QStringLiteral("cgroupfs"),
                     QStringLiteral("--events-backend"), QStringLiteral("none")};
    args += arguments;
    return run(QStringLiteral("podman"), args, QProcessEnvironment::systemEnvironment(), timeoutMs);
}

bool writeHtpasswd(const QString &path, const QString &user, const QString &password)
{
    const ProcessResult result = run(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), user, password},
                                     QProcessEnvironment::systemEnvironment(), 30000);
    if (result.exitCode != 0) {
        return false;
    }
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(result.output.trimmed().toUtf8() + '\n') > 0;
}

} // namespace Minato::Test
