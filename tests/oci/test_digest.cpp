#include "oci/digest.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QCryptographicHash>
#include <QSet>

using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

TEST_CASE("Digest parses the registered algorithms", "[digest]")
{
    const QString sha256 = QStringLiteral("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    auto d = Digest::parse(sha256);
    REQUIRE(d.hasValue());
    CHECK(d->algorithm() == Digest::Algorithm::Sha256);
    CHECK(d->algorithmName() == QStringLiteral("sha256"));
    CHECK(d->hex() == sha256.mid(7));
    CHECK(d->toString() == sha256);
    CHECK(d->shortHex() == QStringLiteral("e3b0c44298fc"));

    const QString sha512 = QStringLiteral("sha512:") + QString(128, u'a');
    auto d512 = Digest::parse(sha512);
    REQUIRE(d512.hasValue());
    CHECK(d512->algorithm() == Digest::Algorithm::Sha512);
    CHECK(d512->toString() == sha512);
}

TEST_CASE("Digest rejects malformed input with a reason", "[digest]")
{
    struct Case
    {
        QString input;
        QString reasonContains;
    };
    const QString hex64 = QString(64, u'0');
    const Case cases[] = {
        {QString(), QStringLiteral("empty")},
        {QStringLiteral("sha256"), QStringLiteral("no ':'")},
        {QStringLiteral(":") + hex64, QStringLiteral("algorithm before ':' is empty")},
        {QStringLiteral("sha256:"), QStringLiteral("encoded part after ':' is empty")},
        {QStringLiteral("SHA256:") + hex64, QStringLiteral("invalid character")},
        {QStringLiteral("sha256+:") + hex64, QStringLiteral("ends with a separator")},
        {QStringLiteral("+sha256:") + hex64, QStringLiteral("invalid character")},
        {QStringLiteral("sha256:") + hex64 + QStringLiteral("/"), QStringLiteral("invalid character")},
        {QStringLiteral("sha256:") + QString(63, u'0'), QStringLiteral("64 hex characters, not 63")},
        {QStringLiteral("sha256:") + QString(65, u'0'), QStringLiteral("64 hex characters, not 65")},
        {QStringLiteral("sha256:") + QString(64, u'A'), QStringLiteral("lowercase hex")},
        {QStringLiteral("sha256:") + QString(64, u'g'), QStringLiteral("lowercase hex")},
        {QStringLiteral("sha512:") + hex64, QStringLiteral("128 hex characters, not 64")},
        {QStringLiteral("md5:d41d8cd98f00b204e9800998ecf8427e"), QStringLiteral("unsupported algorithm \"md5\"")},
        {QStringLiteral("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"),
         QStringLiteral("unsupported algorithm")},
        {QStringLiteral("sha256:") + hex64 + QChar(0), QStringLiteral("invalid character")},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        auto d = Digest::parse(c.input);
        REQUIRE_FALSE(d.hasValue());
        CHECK(d.error().field == QStringLiteral("digest"));
        CHECK(d.error().reason.contains(c.reasonContains));
        CHECK_FALSE(Digest::isValidString(c.input));
    }
}

TEST_CASE("Default Digest is invalid and digests hash and order", "[digest]")
{
    Digest none;
    CHECK_FALSE(none.isValid());
    CHECK(none.toString().isEmpty());

    auto a = Digest::parse(QStringLiteral("sha256:") + QString(64, u'a')).value();
    auto b = Digest::parse(QStringLiteral("sha256:") + QString(64, u'b')).value();
    CHECK(a < b);
    CHECK_FALSE(a == b);
    QSet<Digest> set{a, b, a};
    CHECK(set.size() == 2);
}

TEST_CASE("Sha256Hasher matches known vectors and streams", "[sha256]")
{
    // FIPS 180-2 test vectors.
    CHECK(Sha256Hasher::digestOf(QByteArray()).toString() ==
          QStringLiteral("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(Sha256Hasher::hexOf("abc") == QByteArray("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    // One million 'a' fed in uneven pieces equals the one-shot value.
    const QByteArray million(1000000, 'a');
    Sha256Hasher h;
    qsizetype pos = 0;
    qsizetype step = 1;
    while (pos < million.size()) {
        const qsizetype n = std::min(step, million.size() - pos);
        h.addData(million.constData() + pos, n);
        pos += n;
        step = step * 3 + 1;
    }
    CHECK(h.bytesHashed() == million.size());
    CHECK(h.digest().hex() == QStringLiteral("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    // digest() resets: the hasher starts over.
    CHECK(h.bytesHashed() == 0);
    h.addData(QByteArrayView("abc"));
    CHECK(h.digest().hex() == QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    // Agrees with Qt's implementation on arbitrary data.
    QByteArray data;
    for (int i = 0; i < 100000; ++i) {
        data.append(static_cast<char>((i * 7919) & 0xff));
    }
    CHECK(Sha256Hasher::hexOf(data) == QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());

    // Moving keeps the state.
    Sha256Hasher first;
    first.addData(QByteArrayView("ab"));
    Sha256Hasher moved(std::move(first));
    moved.addData(QByteArrayView("c"));
    CHECK(moved.digest().hex() == QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}
