#include "tararchive.h"

#include <QFile>

#include <cstring>
#include <limits>
#include <optional>

namespace Minato::Client {

namespace {

// ustar header fields (POSIX pax, "ustar Interchange Format"): offset, length.
struct Field
{
    int offset;
    int length;
};
constexpr Field Name{0, 100};
constexpr Field Mode{100, 8};
constexpr Field Uid{108, 8};
constexpr Field Gid{116, 8};
constexpr Field Size{124, 12};
constexpr Field Mtime{136, 12};
constexpr Field Checksum{148, 8};
constexpr int TypeOffset = 156;
constexpr Field LinkName{157, 100};
constexpr Field Magic{257, 6};
constexpr Field Version{263, 2};
constexpr Field Uname{265, 32};
constexpr Field Gname{297, 32};
constexpr Field DevMajor{329, 8};
constexpr Field DevMinor{337, 8};
constexpr Field Prefix{345, 155};

constexpr qint64 Block = TarWriter::BlockBytes;

qint64 padded(qint64 size)
{
    return (size + Block - 1) / Block * Block;
}

// Writes value as (length - 1) zero-padded octal digits and a NUL; false when it does not fit.
bool putOctal(char *header, Field field, qint64 value)
{
    const int digits = field.length - 1;
    char *out = header + field.offset;
    for (int i = digits - 1; i >= 0; --i) {
        out[i] = char('0' + (value & 7));
        value >>= 3;
    }
    out[digits] = '\0';
    return value == 0;
}

// GNU base-256: the high bit of the first byte set, the value big-endian in the remaining bytes.
void putBase256(char *header, Field field, qint64 value)
{
    unsigned char *out = reinterpret_cast<unsigned char *>(header + field.offset);
    for (int i = field.length - 1; i >= 1; --i) {
        out[i] = static_cast<unsigned char>(value & 0xff);
        value >>= 8;
    }
    out[0] = 0x80;
}

void putBytes(char *header, Field field, const QByteArray &bytes)
{
    std::memcpy(header + field.offset, bytes.constData(), size_t(qMin<qsizetype>(bytes.size(), field.length)));
}

unsigned headerSum(const char *header)
{
    unsigned sum = 0;
    for (int i = 0; i < Block; ++i) {
        const bool inChecksum = i >= Checksum.offset && i < Checksum.offset + Checksum.length;
        sum += inChecksum ? unsigned(' ') : unsigned(static_cast<unsigned char>(header[i]));
    }
    return sum;
}

// Old writers summed signed chars; readers accept both (POSIX leaves it to the implementation).
int signedHeaderSum(const char *header)
{
    int sum = 0;
    for (int i = 0; i < Block; ++i) {
        const bool inChecksum = i >= Checksum.offset && i < Checksum.offset + Checksum.length;
        sum += inChecksum ? int(' ') : int(static_cast<signed char>(header[i]));
    }
    return sum;
}

// One pax record, "<length> <key>=<value>\n", the length counting the whole record.
QByteArray paxRecord(const QByteArray &key, const QByteArray &value)
{
    const qsizetype body = 1 + key.size() + 1 + value.size() + 1; // " key=value\n"
    qsizetype length = body + 1;
    while (QByteArray::number(length).size() + body != length) {
        length = QByteArray::number(length).size() + body;
    }
    return QByteArray::number(length) + ' ' + key + '=' + value + '\n';
}

QByteArray fieldBytes(const char *header, Field field)
{
    const char *start = header + field.offset;
    const void *nul = std::memchr(start, '\0', size_t(field.length));
    const qsizetype length = nul ? static_cast<const char *>(nul) - start : field.length;
    return QByteArray(start, length);
}

// A numeric field: octal digits (leading spaces and NULs, trailing spaces and NULs allowed), or GNU base-256.
bool parseNumber(const char *header, Field field, qint64 *value)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(header + field.offset);
    if (bytes[0] & 0x80) {
        if (bytes[0] != 0x80) {
            return false; // negative or over 63 bits: not a size or time we accept
        }
        qint64 v = 0;
        for (int i = 1; i < field.length; ++i) {
            if (v > (std::numeric_limits<qint64>::max() >> 8)) {
                return false;
            }
            v = (v << 8) | bytes[i];
        }
        *value = v;
        return true;
    }
    int i = 0;
    while (i < field.length && (bytes[i] == ' ' || bytes[i] == '\0')) {
        ++i;
    }
    qint64 v = 0;
    bool any = false;
    for (; i < field.length && bytes[i] >= '0' && bytes[i] <= '7'; ++i) {
        if (v > (std::numeric_limits<qint64>::max() >> 3)) {
            return false;
        }
        v = (v << 3) | (bytes[i] - '0');
        any = true;
    }
    for (; i < field.length; ++i) {
        if (bytes[i] != ' ' && bytes[i] != '\0') {
            return false;
        }
    }
    *value = any ? v : 0;
    return true;
}

bool allZero(const char *block)
{
    for (int i = 0; i < Block; ++i) {
        if (block[i] != 0) {
            return false;
        }
    }
    return true;
}

struct PaxValues
{
    std::optional<QString> path;
    std::optional<QString> linkPath;
    std::optional<qint64> size;
};

// The records of a pax extended header; false on a malformed record.
bool parsePax(const QByteArray &data, PaxValues *values)
{
    qsizetype pos = 0;
    while (pos < data.size()) {
        if (data.at(pos) == '\0') {
            break; // padding some writers leave
        }
        const qsizetype space = data.indexOf(' ', pos);
        if (space < 0) {
            return false;
        }
        bool ok = false;
        const qsizetype length = data.mid(pos, space - pos).toLongLong(&ok);
        if (!ok || length <= space - pos + 1 || pos + length > data.size() || data.at(pos + length - 1) != '\n') {
            return false;
        }
        const QByteArray record = data.mid(space + 1, pos + length - 1 - (space + 1));
        const qsizetype equals = record.indexOf('=');
        if (equals <= 0) {
            return false;
        }
        const QByteArray key = record.left(equals);
        const QByteArray value = record.mid(equals + 1);
        if (key == "path") {
            values->path = QString::fromUtf8(value);
        } else if (key == "linkpath") {
            values->linkPath = QString::fromUtf8(value);
        } else if (key == "size") {
            const qint64 size = value.toLongLong(&ok);
            if (!ok || size < 0) {
                return false;
            }
            values->size = size;
        }
        pos += length;
    }
    return true;
}

QString offsetField(qint64 offset)
{
    return QStringLiteral("tar header at offset %1").arg(offset);
}

} // namespace

// ---- TarIndex -------------------------------------------------------------------------------------------------

QString TarIndex::normalizedName(const QString &name)
{
    QStringList parts;
    for (const QString &part : name.split(u'/')) {
        if (part.isEmpty() || part == u'.') {
            continue;
        }
        if (part == QStringLiteral("..") && !parts.isEmpty() && parts.last() != QStringLiteral("..")) {
            parts.removeLast();
            continue;
        }
        parts.append(part);
    }
    return parts.join(u'/');
}

const TarEntry *TarIndex::entry(const QString &name) const
{
    const auto it = m_byName.constFind(normalizedName(name));
    return it == m_byName.constEnd() ? nullptr : &m_entries.at(*it);
}

const TarEntry *TarIndex::find(const QString &name) const
{
    const TarEntry *e = entry(name);
    for (int hops = 0; e && hops < 8; ++hops) {
        if (e->type == TarEntry::Type::HardLink) {
            e = entry(e->linkName);
        } else if (e->type == TarEntry::Type::SymLink) {
            const qsizetype slash = e->name.lastIndexOf(u'/');
            const QString dir = slash < 0 ? QString() : e->name.left(slash);
            e = entry(e->linkName.startsWith(u'/') ? e->linkName : dir + u'/' + e->linkName);
        } else {
            return e;
        }
    }
    return nullptr;
}

Oci::Expected<TarIndex> TarIndex::read(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Oci::Expected<TarIndex>::failure(path, file.errorString());
    }
    return read(&file);
}

Oci::Expected<TarIndex> TarIndex::read(QIODevice *device)
{
    using Failure = Oci::Expected<TarIndex>;
    TarIndex index;
    const qint64 total = device->size();
    qint64 pos = 0;
    PaxValues pax;
    std::optional<QString> longName;
    std::optional<QString> longLink;
    qint64 memberStart = -1; // first header of the member being read (extended headers included)
    char header[Block];
    for (;;) {
        if (pos >= total) {
            if (index.m_entries.isEmpty() && memberStart < 0) {
                return Failure::failure(QString(), total == 0 ? QStringLiteral("the file is empty, not a tar archive")
                                                              : QStringLiteral("no tar header found"));
            }
            return Failure::failure(offsetField(pos),
                                    QStringLiteral("the archive ends at %1 bytes without its end-of-archive marker: "
                                                   "the file is truncated")
                                        .arg(total));
        }
        if (!device->seek(pos)) {
            return Failure::failure(offsetField(pos), QStringLiteral("cannot seek: %1").arg(device->errorString()));
        }
        const qint64 got = device->read(header, Block);
        if (got < 0) {
            return Failure::failure(offsetField(pos), QStringLiteral("cannot read: %1").arg(device->errorString()));
        }
        if (got < Block) {
            return Failure::failure(offsetField(pos),
                                    QStringLiteral("the file ends inside a header (%1 of 512 bytes): the file is "
                                                   "truncated")
                                        .arg(got));
        }
        if (allZero(header)) {
            if (memberStart >= 0) {
                return Failure::failure(offsetField(memberStart),
                                        QStringLiteral("an extended header is followed by the end of the archive"));
            }
            return index; // an empty archive (two zero blocks at offset 0) is allowed
        }
        qint64 stored = 0;
        if (!parseNumber(header, Checksum, &stored) ||
            (stored != qint64(headerSum(header)) && stored != qint64(signedHeaderSum(header)))) {
            return Failure::failure(offsetField(pos),
                                    pos == 0 ? QStringLiteral("not a tar archive (the header checksum does not match)")
                                             : QStringLiteral("the header checksum does not match: the archive is "
                                                              "damaged"));
        }
        if (memberStart < 0) {
            memberStart = pos;
        }
        const char type = header[TypeOffset];
        qint64 size = 0;
        if (!parseNumber(header, Size, &size)) {
            return Failure::failure(offsetField(pos), QStringLiteral("the size field is not a number"));
        }
        QString name = QString::fromUtf8(fieldBytes(header, Name));
        const QByteArray magic = fieldBytes(header, Magic);
        if (magic == "ustar") { // POSIX ustar: the prefix field extends the name (GNU's "ustar  " has no prefix)
            if (const QByteArray prefix = fieldBytes(header, Prefix); !prefix.isEmpty() &&
                                                                      std::memcmp(header + Version.offset, "00", 2) == 0) {
                name = QString::fromUtf8(prefix) + u'/' + name;
            }
        }
        const qint64 dataOffset = pos + Block;
        if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
            if (size > MaxExtendedHeaderBytes) {
                return Failure::failure(offsetField(pos),
                                        QStringLiteral("an extended header of %1 bytes (more than allowed)").arg(size));
            }
        } else if (pax.size) {
            size = *pax.size;
        }
        if (size > total - dataOffset) {
            const QString who = longName.value_or(pax.path.value_or(name));
            return Failure::failure(who.isEmpty() ? offsetField(pos) : who,
                                    QStringLiteral("the member needs %1 bytes from offset %2, but the file ends at %3: "
                                                   "the file is truncated")
                                        .arg(size)
                                        .arg(dataOffset)
                                        .arg(total));
        }
        const qint64 next = dataOffset + padded(size);
        if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
            QByteArray data(size, Qt::Uninitialized);
            if (!device->seek(dataOffset) || device->read(data.data(), size) != size) {
                return Failure::failure(offsetField(pos), QStringLiteral("cannot read an extended header"));
            }
            if (type == 'x') {
                if (!parsePax(data, &pax)) {
                    return Failure::failure(offsetField(pos), QStringLiteral("a malformed pax extended header"));
                }
            } else if (type == 'L' || type == 'K') {
                const qsizetype nul = data.indexOf('\0');
                const QString value = QString::fromUtf8(nul < 0 ? data : data.left(nul));
                (type == 'L' ? longName : longLink) = value;
            } else {
                memberStart = -1; // a global header describes no member of its own
            }
            pos = next;
            continue;
        }
        TarEntry entry;
        entry.name = normalizedName(pax.path.value_or(longName.value_or(name)));
        entry.linkName = pax.linkPath.value_or(longLink.value_or(QString::fromUtf8(fieldBytes(header, LinkName))));
        entry.size = size;
        entry.offset = dataOffset;
        entry.headerOffset = memberStart;
        switch (type) {
        case '0':
        case '\0':
        case '7':
            entry.type = TarEntry::Type::File;
            break;
        case '1':
            entry.type = TarEntry::Type::HardLink;
            break;
        case '2':
            entry.type = TarEntry::Type::SymLink;
            break;
        case '5':
            entry.type = TarEntry::Type::Directory;
            break;
        default:
            entry.type = TarEntry::Type::Other;
            break;
        }
        if (index.m_entries.size() >= MaxEntries) {
            return Failure::failure(offsetField(pos), QStringLiteral("more than %1 members").arg(MaxEntries));
        }
        if (!entry.name.isEmpty()) {
            index.m_byName.insert(entry.name, index.m_entries.size());
        }
        index.m_entries.append(entry);
        pax = PaxValues();
        longName.reset();
        longLink.reset();
        memberStart = -1;
        pos = next;
    }
}

// ---- TarWriter ------------------------------------------------------------------------------------------------

TarWriter::TarWriter(QIODevice *device)
    : m_device(device)
{}

bool TarWriter::failWith(const QString &error)
{
    if (m_error.isEmpty()) {
        m_error = error;
    }
    return false;
}

bool TarWriter::writeRaw(const char *data, qint64 size)
{
    if (!m_error.isEmpty()) {
        return false;
    }
    qint64 done = 0;
    while (done < size) {
        const qint64 n = m_device->write(data + done, size - done);
        if (n <= 0) {
            return failWith(m_device->errorString().isEmpty() ? QStringLiteral("write failed")
                                                              : m_device->errorString());
        }
        done += n;
    }
    m_written += size;
    return true;
}

bool TarWriter::pad(qint64 size)
{
    static const char zeros[Block] = {};
    const qint64 extra = padded(size) - size;
    return extra == 0 || writeRaw(zeros, extra);
}

bool TarWriter::writeHeader(const Header &h)
{
    if (m_finished) {
        return failWith(QStringLiteral("a member added after the end of the archive"));
    }
    const QByteArray name = h.name.toUtf8();
    const QByteArray link = h.linkName.toUtf8();
    QByteArray records;
    QByteArray nameField = name;
    QByteArray prefixField;
    if (name.size() > Name.length) {
        // ustar: split at a '/' so that prefix ≤ 155 and name ≤ 100 bytes; else a pax `path` record.
        bool split = false;
        for (qsizetype i = qMin<qsizetype>(name.size() - 1, Prefix.length); i > 0 && !split; --i) {
            if (name.at(i) == '/' && name.size() - i - 1 <= Name.length && name.size() - i - 1 > 0) {
                prefixField = name.left(i);
                nameField = name.mid(i + 1);
                split = true;
            }
        }
        if (!split) {
            records += paxRecord("path", name);
            nameField = name.left(Name.length);
            prefixField.clear();
        }
    }
    if (link.size() > LinkName.length) {
        records += paxRecord("linkpath", link);
    }
    if (h.size > MaxOctalSize) {
        records += paxRecord("size", QByteArray::number(h.size));
    }
    auto putHeader = [this](const QByteArray &nameBytes, const QByteArray &prefixBytes, char type, qint64 size, int mode,
                       const QByteArray &linkBytes) {
        char header[Block] = {};
        putBytes(header, Name, nameBytes);
        putOctal(header, Mode, mode);
        putOctal(header, Uid, 0);
        putOctal(header, Gid, 0);
        if (!putOctal(header, Size, size)) {
            putBase256(header, Size, size);
        }
        putOctal(header, Mtime, m_mtime);
        header[TypeOffset] = type;
        putBytes(header, LinkName, linkBytes.left(LinkName.length));
        putBytes(header, Magic, QByteArrayLiteral("ustar\0"));
        putBytes(header, Version, QByteArrayLiteral("00"));
        putBytes(header, Uname, QByteArrayLiteral("root"));
        putBytes(header, Gname, QByteArrayLiteral("root"));
        putOctal(header, DevMajor, 0);
        putOctal(header, DevMinor, 0);
        putBytes(header, Prefix, prefixBytes);
        // "chksum": six octal digits, a NUL and a space, summed with the field itself as spaces.
        const unsigned sum = headerSum(header);
        putOctal(header, Field{Checksum.offset, 7}, sum);
        header[Checksum.offset + 7] = ' ';
        return writeRaw(header, Block);
    };
    if (!records.isEmpty()) {
        // The pax header's own name is informative only; keep it short and inside ustar's limits.
        const QByteArray base = name.mid(name.lastIndexOf('/') + 1).left(80);
        if (!putHeader(QByteArrayLiteral("PaxHeaders/") + base, {}, 'x', records.size(), 0644, {}) ||
            !writeRaw(records.constData(), records.size()) || !pad(records.size())) {
            return false;
        }
    }
    return putHeader(nameField, prefixField, h.type, h.size, h.mode, link);
}

bool TarWriter::addBytes(const QString &name, const QByteArray &bytes)
{
    Header h;
    h.name = name;
    h.size = bytes.size();
    return writeHeader(h) && writeRaw(bytes.constData(), bytes.size()) && pad(bytes.size());
}

bool TarWriter::addDirectory(const QString &name)
{
    Header h;
    h.name = name.endsWith(u'/') ? name : name + u'/';
    h.type = '5';
    h.mode = 0755;
    return writeHeader(h);
}

bool TarWriter::addSymLink(const QString &name, const QString &target)
{
    Header h;
    h.name = name;
    h.type = '2';
    h.mode = 0777;
    h.linkName = target;
    return writeHeader(h);
}

bool TarWriter::addFile(const QString &name, QIODevice *source, qint64 size, const std::function<bool(qint64)> &progress)
{
    Header h;
    h.name = name;
    h.size = size;
    if (!writeHeader(h)) {
        return false;
    }
    QByteArray buffer(qMin(m_chunk, qMax<qint64>(size, 1)), Qt::Uninitialized);
    qint64 done = 0;
    while (done < size) {
        const qint64 n = source->read(buffer.data(), qMin<qint64>(buffer.size(), size - done));
        if (n <= 0) {
            return failWith(QStringLiteral("%1: the source ended after %2 of %3 bytes%4")
                                .arg(name)
                                .arg(done)
                                .arg(size)
                                .arg(source->errorString().isEmpty() ? QString()
                                                                     : QStringLiteral(" (%1)").arg(source->errorString())));
        }
        if (!writeRaw(buffer.constData(), n)) {
            return false;
        }
        done += n;
        if (progress && !progress(done)) {
            return failWith(QStringLiteral("cancelled"));
        }
    }
    return pad(size);
}

bool TarWriter::finish()
{
    if (m_finished) {
        return m_error.isEmpty();
    }
    static const char zeros[2 * Block] = {};
    const bool ok = writeRaw(zeros, sizeof zeros);
    m_finished = true;
    return ok;
}

} // namespace Minato::Client
