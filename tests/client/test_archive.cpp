// The formats of export and import, without a registry: TarWriter/TarIndex (round trip, long names through ustar's
// prefix and pax headers, sizes from 8 GiB, truncated archives refused), FileRangeDevice, and OciLayout (written,
// read back, entries replaced by ref.name, a bad index.json and a missing blob refused with the file named).
#include "client/filerangedevice.h"
#include "client/ocilayout.h"
#include "client/tararchive.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

using namespace Minato::Client;
using Minato::Oci::Sha256Hasher;

namespace {

QByteArray readMember(const QString &path, const TarEntry &entry)
{
    FileRangeDevice device(path, entry.offset, entry.size);
    REQUIRE(device.open(QIODevice::ReadOnly));
    return device.readAll();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    REQUIRE(f.open(QIODevice::WriteOnly));
    REQUIRE(f.write(bytes) == bytes.size());
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    REQUIRE(f.open(QIODevice::ReadOnly));
    return f.readAll();
}

// Endless zeros, as fast as memset: the data of a member too large to keep anywhere.
class Zeros final : public QIODevice
{
public:
    Zeros() { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        std::memset(data, 0, size_t(maxSize));
        return maxSize;
    }
    qint64 writeData(const char *, qint64) override { return -1; }
};

// Keeps the first bytes written (the headers), counts the rest.
class HeadSink final : public QIODevice
{
public:
    HeadSink() { open(QIODevice::WriteOnly); }
    QByteArray head;
    qint64 total = 0;
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        if (head.size() < 4096) {
            head.append(data, qMin<qint64>(size, 4096 - head.size()));
        }
        total += size;
        return size;
    }
};

} // namespace

TEST_CASE("TarWriter and TarIndex: a round trip with long names, links and streamed members", "[client][archive]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a.tar"));
    const QString splittable = QStringLiteral("d%1/%2.txt").arg(QString(120, u'x'), QString(60, u'y')); // prefix+name
    const QString paxName = QStringLiteral("e/") + QString(300, u'z');                              // longer than 256
    const QString unsplittable = QString(140, u'n');                                                // no '/' at all
    const QString unicode = QStringLiteral("blobs/日本語/ファイル.json");
    QByteArray big(3 * 1024 * 1024 + 17, Qt::Uninitialized);
    for (qsizetype i = 0; i < big.size(); ++i) {
        big[i] = char(i * 7 + (i >> 12));
    }
    const QString bigSource = dir.filePath(QStringLiteral("big.bin"));
    writeFile(bigSource, big);
    {
        QFile out(path);
        REQUIRE(out.open(QIODevice::WriteOnly));
        TarWriter tar(&out);
        tar.setChunkBytes(100000); // many chunks, none aligned to a block
        REQUIRE(tar.addBytes(QStringLiteral("manifest.json"), "[]"));
        REQUIRE(tar.addBytes(QStringLiteral("empty"), {}));
        REQUIRE(tar.addDirectory(QStringLiteral("layer")));
        QFile source(bigSource);
        REQUIRE(source.open(QIODevice::ReadOnly));
        qint64 lastProgress = 0;
        REQUIRE(tar.addFile(QStringLiteral("layer/layer.tar"), &source, big.size(), [&](qint64 done) {
            CHECK(done > lastProgress);
            lastProgress = done;
            return true;
        }));
        CHECK(lastProgress == big.size());
        REQUIRE(tar.addBytes(splittable, "split"));
        REQUIRE(tar.addBytes(paxName, "pax"));
        REQUIRE(tar.addBytes(unsplittable, "flat"));
        REQUIRE(tar.addBytes(unicode, "unicode"));
        REQUIRE(tar.addSymLink(QStringLiteral("link.tar"), QStringLiteral("layer/layer.tar")));
        REQUIRE(tar.addSymLink(QStringLiteral("layer/up"), QStringLiteral("../manifest.json")));
        REQUIRE(tar.addSymLink(QStringLiteral("longlink"), QStringLiteral("./") + QString(130, u'.') +
                                                               QStringLiteral("/../layer/layer.tar")));
        REQUIRE(tar.finish());
        CHECK(tar.bytesWritten() == out.size());
        CHECK(out.size() % 512 == 0);
    }

    const auto index = TarIndex::read(path);
    INFO((index ? QString() : index.error().message()).toStdString());
    REQUIRE(index);
    CHECK(index->entries().size() == 11);
    const TarEntry *layer = index->find(QStringLiteral("./layer/layer.tar"));
    REQUIRE(layer);
    CHECK(layer->size == big.size());
    CHECK(readMember(path, *layer) == big);
    CHECK(index->find(QStringLiteral("empty"))->size == 0);
    CHECK(index->entry(QStringLiteral("layer/"))->type == TarEntry::Type::Directory);
    CHECK(readMember(path, *index->find(splittable)) == "split");
    CHECK(readMember(path, *index->find(paxName)) == "pax");
    CHECK(readMember(path, *index->find(unsplittable)) == "flat");
    CHECK(readMember(path, *index->find(unicode)) == "unicode");
    CHECK(index->entry(QStringLiteral("link.tar"))->type == TarEntry::Type::SymLink);
    CHECK(index->find(QStringLiteral("link.tar")) == layer);
    CHECK(readMember(path, *index->find(QStringLiteral("layer/up"))) == "[]");
    CHECK(index->find(QStringLiteral("longlink")) == layer);
    CHECK(index->find(QStringLiteral("absent")) == nullptr);

    // GNU tar reads the same names and bytes.
    QProcess tarList;
    tarList.start(QStringLiteral("tar"), {QStringLiteral("-tf"), path});
    REQUIRE(tarList.waitForFinished(30000));
    REQUIRE(tarList.exitCode() == 0);
    const QStringList listed = QString::fromUtf8(tarList.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    CHECK(listed.contains(splittable));
    CHECK(listed.contains(paxName));
    CHECK(listed.contains(unsplittable));
    CHECK(listed.contains(unicode));
    QProcess tarCat;
    tarCat.start(QStringLiteral("tar"), {QStringLiteral("-xOf"), path, QStringLiteral("layer/layer.tar")});
    REQUIRE(tarCat.waitForFinished(30000));
    CHECK(Sha256Hasher::digestOf(tarCat.readAllStandardOutput()) == Sha256Hasher::digestOf(big));
}

TEST_CASE("TarIndex reads archives GNU tar writes", "[client][archive]")
{
    QTemporaryDir dir;
    QDir().mkpath(dir.filePath(QStringLiteral("src/") + QString(90, u'a') + u'/' + QString(90, u'b')));
    const QString deep = QString(90, u'a') + u'/' + QString(90, u'b') + QStringLiteral("/file.txt");
    writeFile(dir.filePath(QStringLiteral("src/") + deep), "deep");
    for (const QString &format : {QStringLiteral("gnu"), QStringLiteral("posix"), QStringLiteral("ustar")}) {
        INFO(format.toStdString());
        const QString path = dir.filePath(format + QStringLiteral(".tar"));
        QProcess tar;
        tar.start(QStringLiteral("tar"), {QStringLiteral("--format=") + format, QStringLiteral("-cf"), path,
                                          QStringLiteral("-C"), dir.filePath(QStringLiteral("src")), QStringLiteral(".")});
        REQUIRE(tar.waitForFinished(30000));
        REQUIRE(tar.exitCode() == 0);
        const auto index = TarIndex::read(path);
        INFO((index ? QString() : index.error().message()).toStdString());
        REQUIRE(index);
        const TarEntry *e = index->find(deep);
        REQUIRE(e);
        CHECK(readMember(path, *e) == "deep");
    }
}

TEST_CASE("TarIndex refuses truncated and foreign files with a clear error", "[client][archive]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a.tar"));
    {
        QFile out(path);
        REQUIRE(out.open(QIODevice::WriteOnly));
        TarWriter tar(&out);
        REQUIRE(tar.addBytes(QStringLiteral("config.json"), "{}"));
        REQUIRE(tar.addBytes(QStringLiteral("layer.tar"), QByteArray(5000, 'L')));
        REQUIRE(tar.finish());
    }
    const QByteArray whole = fileBytes(path);
    REQUIRE(TarIndex::read(path));

    const QString cut = dir.filePath(QStringLiteral("cut.tar"));
    SECTION("cut inside a member's data")
    {
        writeFile(cut, whole.left(512 + 512 + 512 + 3000));
        const auto index = TarIndex::read(cut);
        REQUIRE_FALSE(index);
        CHECK(index.error().field == QStringLiteral("layer.tar"));
        CHECK(index.error().message().contains(QStringLiteral("truncated")));
        CHECK(index.error().message().contains(QStringLiteral("5000 bytes")));
    }
    SECTION("cut inside a header")
    {
        writeFile(cut, whole.left(512 + 512 + 100));
        const auto index = TarIndex::read(cut);
        REQUIRE_FALSE(index);
        CHECK(index.error().message().contains(QStringLiteral("inside a header")));
        CHECK(index.error().message().contains(QStringLiteral("truncated")));
    }
    SECTION("cut at a block boundary, the end-of-archive marker missing")
    {
        writeFile(cut, whole.left(512 + 512 + 512 + 5120));
        const auto index = TarIndex::read(cut);
        REQUIRE_FALSE(index);
        CHECK(index.error().message().contains(QStringLiteral("end-of-archive marker")));
    }
    SECTION("not a tar")
    {
        writeFile(cut, QByteArray(2048, 'j'));
        const auto index = TarIndex::read(cut);
        REQUIRE_FALSE(index);
        CHECK(index.error().message().contains(QStringLiteral("not a tar archive")));
        writeFile(cut, {});
        CHECK(TarIndex::read(cut).error().message().contains(QStringLiteral("empty")));
    }
    SECTION("a damaged header")
    {
        QByteArray damaged = whole;
        damaged[1024 + 3] = 'Q'; // in the second member's name
        writeFile(cut, damaged);
        const auto index = TarIndex::read(cut);
        REQUIRE_FALSE(index);
        CHECK(index.error().message().contains(QStringLiteral("checksum")));
        CHECK(index.error().field.contains(QStringLiteral("1024")));
    }
}

TEST_CASE("TarWriter: a member of 8 GiB or more gets a pax size and a base-256 field", "[client][archive]")
{
    const qint64 size = TarWriter::MaxOctalSize + 1 + 5; // 8 GiB + 5
    HeadSink sink;
    TarWriter tar(&sink);
    tar.setChunkBytes(qint64(64) * 1024 * 1024);
    Zeros zeros;
    REQUIRE(tar.addFile(QStringLiteral("huge/layer.tar"), &zeros, size));
    REQUIRE(tar.finish());
    const qint64 expected = 512 + 512 /* pax header and records */ + 512 + ((size + 511) / 512 * 512) + 1024;
    CHECK(sink.total == expected);
    CHECK(sink.head.mid(512, 512).contains("size=8589934597\n"));
    const QByteArray ustar = sink.head.mid(1024, 512);
    CHECK(static_cast<unsigned char>(ustar.at(124)) == 0x80); // GNU base-256

    // The same headers on a sparse file of that size read back.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("huge.tar"));
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly));
    REQUIRE(file.write(sink.head.left(1536)) == 1536);
    REQUIRE(file.resize(expected));
    file.close();
    const auto index = TarIndex::read(path);
    INFO((index ? QString() : index.error().message()).toStdString());
    REQUIRE(index);
    REQUIRE(index->find(QStringLiteral("huge/layer.tar")));
    CHECK(index->find(QStringLiteral("huge/layer.tar"))->size == size);
    CHECK(index->find(QStringLiteral("huge/layer.tar"))->offset == 1536);
}

TEST_CASE("FileRangeDevice shows a range of a file, seekable", "[client][archive]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("f"));
    writeFile(path, "0123456789abcdef");
    FileRangeDevice range(path, 4, 8);
    REQUIRE(range.open(QIODevice::ReadOnly));
    CHECK(range.size() == 8);
    CHECK(range.readAll() == "456789ab");
    CHECK(range.atEnd());
    REQUIRE(range.seek(2));
    CHECK(range.read(3) == "678");
    REQUIRE(range.reset());
    CHECK(range.read(100) == "456789ab");
    FileRangeDevice tooLong(path, 10, 10);
    CHECK_FALSE(tooLong.open(QIODevice::ReadOnly));
    CHECK(tooLong.errorString().contains(QStringLiteral("16 bytes")));
}

TEST_CASE("OciLayout: written, read back, entries replaced by ref.name", "[client][archive][layout]")
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("layout"));
    OciLayout layout(path);
    REQUIRE(layout.prepare());
    CHECK(fileBytes(path + QStringLiteral("/oci-layout")) == R"({"imageLayoutVersion":"1.0.0"})");

    const QByteArray config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const QByteArray layerBytes = "layer bytes";
    REQUIRE(layout.writeBlob(config));
    REQUIRE(layout.writeBlob(layerBytes));
    auto descriptor = [](const QString &type, const QByteArray &bytes) {
        return QJsonObject{{QStringLiteral("mediaType"), type},
                           {QStringLiteral("digest"), Sha256Hasher::digestOf(bytes).toString()},
                           {QStringLiteral("size"), bytes.size()}};
    };
    const QByteArray manifest =
        QJsonDocument(QJsonObject{
                          {QStringLiteral("schemaVersion"), 2},
                          {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
                          {QStringLiteral("config"),
                           descriptor(QStringLiteral("application/vnd.oci.image.config.v1+json"), config)},
                          {QStringLiteral("layers"),
                           QJsonArray{descriptor(QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"),
                                                 layerBytes)}}})
            .toJson(QJsonDocument::Indented); // any bytes: the digest is of these
    REQUIRE(layout.writeBlob(manifest));
    Minato::Oci::Descriptor top;
    top.mediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    top.digest = Sha256Hasher::digestOf(manifest);
    top.size = manifest.size();
    REQUIRE(layout.addReference(top, QStringLiteral("v1")));
    REQUIRE(layout.addReference(top, QStringLiteral("v2")));
    REQUIRE(layout.addReference(top, QStringLiteral("v1"))); // replaced, not added

    const auto index = layout.readIndex();
    REQUIRE(index);
    CHECK(OciLayout::refNames(index.value()) == QStringList{QStringLiteral("v2"), QStringLiteral("v1")});
    const auto entry = OciLayout::findEntry(index.value(), QStringLiteral("v1"));
    REQUIRE(entry);
    CHECK(entry->digest == top.digest);
    const auto missing = OciLayout::findEntry(index.value(), QStringLiteral("v3"));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message().contains(QStringLiteral("v2, v1")));
    CHECK_FALSE(OciLayout::findEntry(index.value(), {})); // two entries, no name
    CHECK(OciLayout::findEntry(index.value(), {}, QStringLiteral("v2")));

    const auto image = layout.readImage(entry.value());
    INFO((image ? QString() : image.error().technicalDetail()).toStdString());
    REQUIRE(image);
    REQUIRE(image->manifests.size() == 1);
    CHECK(image->manifests.first().bytes == manifest);
    CHECK(image->blobs.size() == 2);
    CHECK(image->blobBytes() == config.size() + layerBytes.size());

    SECTION("a missing blob is named")
    {
        REQUIRE(QFile::remove(layout.blobPath(Sha256Hasher::digestOf(layerBytes))));
        const auto broken = layout.readImage(entry.value());
        REQUIRE_FALSE(broken);
        CHECK(broken.error().message().contains(Sha256Hasher::digestOf(layerBytes).toString()));
        CHECK(broken.error().message().contains(QStringLiteral("missing")));
    }
    SECTION("a blob whose bytes changed")
    {
        writeFile(layout.blobPath(top.digest), QByteArray(manifest.size(), ' '));
        const auto broken = layout.readImage(entry.value());
        REQUIRE_FALSE(broken);
        CHECK(broken.error().message().contains(QStringLiteral("does not match its digest")));
    }
    SECTION("a bad index.json")
    {
        writeFile(path + QStringLiteral("/index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"x\"}]}");
        const auto bad = layout.readIndex();
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().contains(QStringLiteral("index.json")));
        CHECK(bad.error().message().contains(QStringLiteral("manifests[0]")));
        CHECK_FALSE(layout.addReference(top, QStringLiteral("v3"))); // never overwritten when unreadable
        writeFile(path + QStringLiteral("/index.json"), "not json");
        CHECK_FALSE(layout.readIndex());
        CHECK_FALSE(layout.prepare());
    }
    SECTION("no oci-layout file")
    {
        REQUIRE(QFile::remove(path + QStringLiteral("/oci-layout")));
        const auto bad = layout.readIndex();
        REQUIRE_FALSE(bad);
        CHECK(bad.error().message().contains(QStringLiteral("oci-layout")));
    }
}

TEST_CASE("OciLayout::prepare refuses a directory that holds something else", "[client][archive][layout]")
{
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("notes.txt")), "mine");
    OciLayout layout(dir.path());
    const auto prepared = layout.prepare();
    REQUIRE_FALSE(prepared);
    CHECK(prepared.error().message().contains(QStringLiteral("not empty")));
    CHECK_FALSE(QFileInfo::exists(dir.filePath(QStringLiteral("oci-layout"))));
}
