#pragma once

// Builds small but real images as OCI image layouts on disk (image-spec image-layout.md), so tests can
// push them to registries with skopeo: a gzip-compressed tar layer (made with tar and gzip), an OCI
// image config whose rootfs.diff_ids match the layer, an OCI image manifest and index.json.
//
//   OciLayoutImage image = OciLayoutImage::build(dir.path(), QStringLiteral("v1"), {{"hello.txt", "hi"}});
//   REQUIRE(image.ok);
//   runSkopeo({"copy", image.skopeoReference(), "docker://127.0.0.1:5000/team/app:v1", "--dest-tls-verify=false"});

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace Minato::Test {

struct OciLayoutImage
{
    bool ok = false;
    QString error;
    QString layoutDir;
    QString tag;
    QString manifestDigest; // "sha256:…" of the manifest bytes
    QString configDigest;
    QString layerDigest; // of the compressed layer
    QString diffId;      // of the uncompressed tar
    qint64 layerSize = 0;
    QByteArray manifest;
    QByteArray config;

    QString skopeoReference() const { return QStringLiteral("oci:") + layoutDir + u':' + tag; }

    // files: (path inside the layer, content). Deterministic: the same input gives the same digests.
    static OciLayoutImage build(const QString &layoutDir, const QString &tag,
                                const QList<QPair<QString, QByteArray>> &files);
};

// An OCI image index of two platform images, linux/amd64 and linux/arm64/v8, in one layout: index.json
// names the index blob under `tag`, and the index lists the two image manifests with their platforms.
// Each image carries `files` plus etc/minato-platform (so their layers differ); its config states its
// architecture (and variant "v8" for arm64).
//
//   OciLayoutIndex multi = OciLayoutIndex::build(dir.path(), QStringLiteral("v1"), {{"hello.txt", "hi"}});
//   runSkopeo({"copy", "--all", multi.skopeoReference(), "docker://…/team/app:v1", "--dest-tls-verify=false"});
struct OciLayoutIndex
{
    bool ok = false;
    QString error;
    QString layoutDir;
    QString tag;
    QString indexDigest; // "sha256:…" of the index bytes
    QByteArray index;
    QList<OciLayoutImage> images; // amd64, then arm64/v8 (their own layoutDir/tag fields name this layout)

    QString skopeoReference() const { return QStringLiteral("oci:") + layoutDir + u':' + tag; }

    static OciLayoutIndex build(const QString &layoutDir, const QString &tag,
                                const QList<QPair<QString, QByteArray>> &files);
};

struct ProcessResult
{
    int exitCode = -1;
    QString output; // stdout and stderr, merged
};

// Runs skopeo with a permissive signature policy of its own and a private, empty blob-info cache
// (PLATFORM.md: otherwise skopeo may mount blobs it saw in earlier runs instead of uploading them).
ProcessResult runSkopeo(const QStringList &arguments, int timeoutMs = 120000);
// podman as root with vfs storage, its state (storage, run root) under stateDir (PLATFORM.md):
//   runPodman(dir.path(), {"login", "--tls-verify=false", "--authfile", authFile, hostPort, "-u", "ci", …});
ProcessResult runPodman(const QString &stateDir, const QStringList &arguments, int timeoutMs = 120000);
// `htpasswd -Bbn user password` (bcrypt) written to path; false when htpasswd failed or the file could not be
// written.
bool writeHtpasswd(const QString &path, const QString &user, const QString &password);

} // namespace Minato::Test
