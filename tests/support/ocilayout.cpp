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

OciLayoutImage OciLayoutImage::build(const QString &layoutDir, const QString &tag,
                                     const QList<QPair<QString, QByteArray>> &files)
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
    const QString tarPath = content.filePath(QStringLiteral("../layer.tar"));
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

    const QJsonObject config{
        {QStringLiteral("created"), QStringLiteral("2024-01-01T00:00:00Z")},
        {QStringLiteral("architecture"), QStringLiteral("amd64")},
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
    image.config = QJsonDocument(config).toJson(QJsonDocument::Compact);
    image.configDigest = sha256Of(image.config);

    const QJsonObject manifest{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
        {QStringLiteral("config"), QJsonObject{{QStringLiteral("mediaType"),
                                                QStringLiteral("application/vnd.oci.image.config.v1+json")},
                                               {QStringLiteral("digest"), image.configDigest},
                                               {QStringLiteral("size"), image.config.size()}}},
        {QStringLiteral("layers"),
         QJsonArray{QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip")},
                                {QStringLiteral("digest"), image.layerDigest},
                                {QStringLiteral("size"), image.layerSize}}}},
    };
    image.manifest = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    image.manifestDigest = sha256Of(image.manifest);

    const QJsonObject index{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.index.v1+json")},
        {QStringLiteral("manifests"),
         QJsonArray{QJsonObject{
             {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
             {QStringLiteral("digest"), image.manifestDigest},
             {QStringLiteral("size"), image.manifest.size()},
             {QStringLiteral("annotations"), QJsonObject{{QStringLiteral("org.opencontainers.image.ref.name"), tag}}}}}},
    };
    if (!writeBlob(layoutDir, layer) || !writeBlob(layoutDir, image.config) || !writeBlob(layoutDir, image.manifest) ||
        !writeFile(layoutDir + QStringLiteral("/index.json"), QJsonDocument(index).toJson(QJsonDocument::Compact)) ||
        !writeFile(layoutDir + QStringLiteral("/oci-layout"), QByteArrayLiteral("{\"imageLayoutVersion\":\"1.0.0\"}"))) {
        image.error = QStringLiteral("cannot write the layout");
        return image;
    }
    image.ok = true;
    return image;
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

} // namespace Minato::Test
