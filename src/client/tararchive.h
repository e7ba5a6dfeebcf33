#pragma once

// Tar archives as docker-archive files need them: TarWriter streams members into a device (POSIX ustar headers,
// pax extended headers where ustar falls short), TarIndex lists the members of a tar file without reading their
// data, so each member can then be read through a FileRangeDevice (filerangedevice.h).
//
//   QFile out(path + u".part"_s);  out.open(QIODevice::WriteOnly);
//   TarWriter tar(&out);
//   tar.addBytes(u"manifest.json"_s, json);
//   QFile layer(layerPath);  layer.open(QIODevice::ReadOnly);
//   tar.addFile(u"<hex>/layer.tar"_s, &layer, layer.size());   // 1 MiB at a time, never the whole member
//   if (!tar.finish()) fail(tar.errorString());
//
//   auto index = TarIndex::read(path);                // Expected<TarIndex>; a truncated file is an error
//   if (const TarEntry *e = index->find(u"manifest.json"_s)) … e->offset, e->size …
//
// The format is POSIX.1-2001 pax (the "ustar Interchange Format" plus "pax Interchange Format", IEEE 1003.1
// `pax`), which Go's archive/tar (docker load, skopeo), GNU tar and bsdtar read:
// - a name up to 100 bytes goes in `name`; up to 256 it is split at a '/' into `prefix` (155) and `name` (100);
//   longer, or a link target over 100 bytes, gets a pax extended header (typeflag 'x') with `path`/`linkpath`;
// - a size below 8 GiB is 11 octal digits; from 8 GiB the pax record `size` carries it, and the ustar field
//   holds it in GNU's base-256 form too (high bit set, big-endian), for readers that skip pax headers;
// - owner 0:0, mode 0644 (0755 for directories), mtime 0 unless given: the same members give the same bytes.
// Members are padded to 512-byte blocks; finish() writes the end-of-archive marker (two zero blocks).
//
// TarIndex reads ustar, pax ('x' path/linkpath/size; 'g' global headers skipped), GNU long names ('L'/'K') and
// base-256 sizes, and checks every header's checksum. It refuses, with the member and offsets named: a header
// cut short, a member whose data runs past the end of the file, and a file that ends without the end-of-archive
// marker — all signs of a truncated download or copy.

#include "oci/expected.h"

#include <QByteArray>
#include <QHash>
#include <QIODevice>
#include <QList>
#include <QString>

#include <functional>

namespace Minato::Client {

struct TarEntry
{
    enum class Type { File, HardLink, SymLink, Directory, Other };

    QString name; // normalised: no leading "./" or "/", no trailing '/'
    Type type = Type::File;
    qint64 size = 0;       // data bytes (0 for links and directories)
    qint64 offset = 0;     // where the data starts in the file
    QString linkName;      // HardLink: a path in the archive; SymLink: relative to the link's directory
    qint64 headerOffset = 0; // the member's first header (pax or GNU headers included)
};

class TarIndex
{
public:
    // Limits against hostile input: at most this many members, pax/GNU long-name data at most this long.
    static constexpr int MaxEntries = 1000000;
    static constexpr qint64 MaxExtendedHeaderBytes = qint64(1024) * 1024;

    // Reads the headers of the tar file at path (seeking over member data). Errors name the file offset and
    // the member ("field" of the ParseError: the member's name, or "tar header at offset N").
    static Oci::Expected<TarIndex> read(const QString &path);
    static Oci::Expected<TarIndex> read(QIODevice *device);

    const QList<TarEntry> &entries() const { return m_entries; }
    // The entry named `name` ("./x" and "x" alike), links followed (at most 8) to the file they name; nullptr
    // when absent, or when a link leads nowhere or in a loop.
    const TarEntry *find(const QString &name) const;
    // The entry itself, links not followed.
    const TarEntry *entry(const QString &name) const;

    // "./a//b/" → "a/b"; ".." components are resolved lexically (a name climbing above the root is kept as is).
    static QString normalizedName(const QString &name);

private:
    QList<TarEntry> m_entries;
    QHash<QString, qsizetype> m_byName; // the last member of a name wins, as when extracting
};

class TarWriter
{
public:
    // The device must be open for writing; it is not owned.
    explicit TarWriter(QIODevice *device);

    // Streams `size` bytes of `source` (from its current position) as a regular file. progress(bytes) is called
    // after each chunk with the member's bytes so far; returning false stops the write (an error "cancelled").
    bool addFile(const QString &name, QIODevice *source, qint64 size,
                 const std::function<bool(qint64)> &progress = {});
    bool addBytes(const QString &name, const QByteArray &bytes);
    bool addDirectory(const QString &name);
    bool addSymLink(const QString &name, const QString &target);
    // The end-of-archive marker. Nothing may be added after it.
    bool finish();

    void setModificationTime(qint64 secondsSinceEpoch) { m_mtime = secondsSinceEpoch; }
    // Chunk size for addFile (tests use small ones).
    void setChunkBytes(qint64 bytes) { m_chunk = bytes; }
    qint64 bytesWritten() const { return m_written; }
    const QString &errorString() const { return m_error; }

    static constexpr qint64 BlockBytes = 512;
    // The largest size an ustar octal size field holds: 8 GiB - 1.
    static constexpr qint64 MaxOctalSize = (qint64(1) << 33) - 1;

private:
    struct Header
    {
        QString name;
        char type = '0';
        qint64 size = 0;
        int mode = 0644;
        QString linkName;
    };
    bool writeHeader(const Header &header);
    bool writeRaw(const char *data, qint64 size);
    bool pad(qint64 size);
    bool failWith(const QString &error);

    QIODevice *m_device = nullptr;
    qint64 m_mtime = 0;
    qint64 m_chunk = qint64(1024) * 1024;
    qint64 m_written = 0;
    bool m_finished = false;
    QString m_error;
};

} // namespace Minato::Client
