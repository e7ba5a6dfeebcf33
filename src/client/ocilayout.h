#pragma once

// OciLayout: an OCI image layout directory (image-spec image-layout.md), read for an import and written by an
// export — the format `skopeo copy … oci:DIR:TAG`, `crane pull --format=oci`, buildx `type=oci` and
// containerd's export use.
//
//   OciLayout layout(dir);
//   auto index = layout.readIndex();                           // Result<Oci::ImageIndex>: oci-layout + index.json
//   auto top = OciLayout::findEntry(*index, u"v1"_s);          // by org.opencontainers.image.ref.name
//   auto image = layout.readImage(*top);                       // manifests (children first), blobs, checked
//   for (const Oci::Descriptor &b : image->blobs) upload(layout.blobPath(b.digest));
//
//   layout.prepare();                                          // creates the directory, oci-layout, blobs/
//   layout.writeBlob(manifestBytes);                           // blobs/sha256/<hex>, atomically
//   layout.addReference(topDescriptor, u"v1"_s);               // index.json: that entry replaced, others kept
//
// What the spec decides here (image-layout.md):
// - "oci-layout file": a JSON object with imageLayoutVersion "1.0.0"; a layout without it is refused, and a
//   version other than 1.x too.
// - "Blobs": blobs/<alg>/<encoded>, the content addressed by its digest; "the blobs directory MAY be missing
//   referenced blobs, in which case the missing blobs SHOULD be fulfilled by an external blob store" — only
//   non-distributable layers with `urls` are allowed to be absent here (they are fetched from their urls);
//   any other missing blob is an error naming it. Blobs that are present must have the descriptor's size
//   (descriptor.md "size ... MUST"); manifests are also checked against their digest as they are read.
// - "index.json file": an image index (image-index.md); its entries name their manifests with the annotation
//   org.opencontainers.image.ref.name (annotations.md: "Reference name of the target"). An export adds its entry
//   and replaces the one with the same ref.name, keeping every other entry and field of an existing index.json.
// Files are replaced atomically (QSaveFile): an interrupted write never leaves half a blob or index.json.

#include "clienterror.h"
#include "result.h"

#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/imageindex.h"
#include "oci/manifest.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Minato::Client {

struct LayoutManifest
{
    Oci::Digest digest;
    QString mediaType;
    QByteArray bytes; // as stored: pushed unchanged, they keep their digest
    Oci::AnyManifest manifest;
};

struct LayoutImage
{
    Oci::Descriptor top;               // the index.json entry
    QList<LayoutManifest> manifests;   // children before the index naming them; the top last
    QList<Oci::Descriptor> blobs;      // configs and layers present in the layout, each once
    QList<Oci::Descriptor> absent;     // non-distributable layers with urls the layout does not hold
    qint64 blobBytes() const;
};

class OciLayout
{
public:
    static constexpr char16_t LayoutVersion[] = u"1.0.0";
    static constexpr int MaxManifests = 10000;

    explicit OciLayout(QString path);

    const QString &path() const { return m_path; }
    // <path>/blobs/<algorithm>/<hex>
    QString blobPath(const Oci::Digest &digest) const;
    // The oci-layout file exists.
    bool isLayout() const;
    // A file of the descriptor's size is at its blob path.
    bool hasBlob(const Oci::Descriptor &descriptor) const;

    // ---- reading
    Result<Oci::ImageIndex> readIndex() const;
    // The entry for `name`: its ref.name equal to it, or a full reference ending in ":name" (some tools write
    // "registry/repo:tag"); with an empty name, the only entry. When none (or several) match, the error lists the
    // ref.names the layout has. fallbackName is tried when name is empty and there are several entries.
    static Result<Oci::Descriptor> findEntry(const Oci::ImageIndex &index, const QString &name,
                                             const QString &fallbackName = {});
    // The ref.names of index.json's entries ("(none)" for an entry without one), for messages.
    static QStringList refNames(const Oci::ImageIndex &index);
    // A blob's bytes, checked against the descriptor's size and digest; at most maxBytes.
    Result<QByteArray> readBlob(const Oci::Descriptor &descriptor, qint64 maxBytes) const;
    // The manifest named by `top` and everything it reaches, each manifest verified, each blob checked present.
    Result<LayoutImage> readImage(const Oci::Descriptor &top) const;

    // ---- writing
    // Creates the directory, blobs/ and oci-layout when missing. An existing directory that is neither empty
    // nor a layout is refused (nothing is written into it).
    Result<bool> prepare() const;
    // bytes at blobPath(digest), atomically; nothing is written when the blob is there already. digest: the
    // sha256 of bytes when not given; a given one must match the bytes.
    Result<bool> writeBlob(const QByteArray &bytes, const Oci::Digest &digest = {}) const;
    // index.json gets `top` with ref.name = refName (no annotation when refName is empty), replacing an entry
    // with the same ref.name (or, without a name, an unnamed entry with the same digest).
    Result<bool> addReference(const Oci::Descriptor &top, const QString &refName) const;

private:
    ClientError layoutError(const QString &file, const QString &reason) const;

    QString m_path;
};

} // namespace Minato::Client
