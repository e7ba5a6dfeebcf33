#include "oci/digest.h"
#include "oci/sha256.h"
#include "oci/textutil.h"

#include "testsupport.h"

#include <QCryptographicHash>
#include <QSet>

#include <algorithm>

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

TEST_CASE("Digest::parse quotes a hostile algorithm short and escaped", "[digest]")
{
    // 4,000,000 characters of algorithm with a newline in it: the message stays short and has no raw
    // control character (it goes to logs and to the registry's error body).
    QString algorithm(4000000, u'a');
    algorithm[10] = u'\n';
    const auto d = Digest::parse(algorithm + QStringLiteral(":abc"));
    REQUIRE_FALSE(d.hasValue());
    const QString message = d.error().message();
    CHECK(message.size() < 300);
    CHECK_FALSE(message.contains(u'\n'));
    CHECK(message.contains(QStringLiteral("\\n")));
    CHECK(message.contains(QChar(0x2026))); // cut
    for (QChar c : message) {
        CHECK_FALSE((c.unicode() < 0x20 || c.unicode() == 0x7f));
    }
    // An unsupported but well-formed algorithm is quoted too.
    const auto md5 = Digest::parse(QString(100000, u'm') + QStringLiteral(":d41d8cd98f00b204e9800998ecf8427e"));
    REQUIRE_FALSE(md5.hasValue());
    CHECK(md5.error().reason.size() < 300);
    CHECK(md5.error().reason.contains(QStringLiteral("unsupported algorithm \"mmm")));
}

TEST_CASE("quoteInput and quoteBytes escape and cut", "[digest][text]")
{
    using Minato::Oci::quoteBytes;
    using Minato::Oci::quoteInput;
    CHECK(quoteInput(u"abc") == QStringLiteral("\"abc\""));
    CHECK(quoteInput(u"") == QStringLiteral("\"\""));
    CHECK(quoteInput(u"a\"b\\c") == QStringLiteral("\"a\\\"b\\\\c\""));
    CHECK(quoteInput(u"a\nb\rc\td") == QStringLiteral("\"a\\nb\\rc\\td\""));
    CHECK(quoteInput(QStringLiteral("\u0001\u007f\u0085\u200b\u202e\u2028")) ==
          QStringLiteral("\"\\u{1}\\u{7F}\\u{85}\\u{200B}\\u{202E}\\u{2028}\""));
    CHECK(quoteInput(QStringLiteral("\u00e4\u30bf\U0001F600")) == QStringLiteral("\"\u00e4\u30bf\U0001F600\""));
    CHECK(quoteInput(QString(QChar(0xd800))) == QStringLiteral("\"\\u{D800}\"")); // lone surrogate
    CHECK(quoteInput(u"abcdef", 3) == QStringLiteral("\"abc\u2026\""));
    // A cut never splits a surrogate pair.
    CHECK(quoteInput(QStringLiteral("ab\U0001F600"), 3) == QStringLiteral("\"ab\u2026\""));
    CHECK(quoteInput(QString(1000, u'x')).size() == 80 + 3);
    CHECK(quoteBytes("a\x01\xff\"") == QStringLiteral("\"a\\x01\\xFF\\\"\""));
    CHECK(quoteBytes(QByteArray(100, 'x'), 4) == QStringLiteral("\"xxxx\u2026\""));
}

TEST_CASE("Digest::fromParts validates in every build", "[digest]")
{
    const QString hex64 = QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(Digest::fromParts(Digest::Algorithm::Sha256, hex64).isValid());
    CHECK(Digest::fromParts(Digest::Algorithm::Sha256, hex64).toString() == QStringLiteral("sha256:") + hex64);
    CHECK_FALSE(Digest::fromParts(Digest::Algorithm::Sha256, hex64.left(63)).isValid());
    CHECK_FALSE(Digest::fromParts(Digest::Algorithm::Sha256, hex64 + u'0').isValid());
    CHECK_FALSE(Digest::fromParts(Digest::Algorithm::Sha256, hex64.toUpper()).isValid());
    CHECK_FALSE(Digest::fromParts(Digest::Algorithm::Sha256, QString(64, u'g')).isValid());
    CHECK_FALSE(Digest::fromParts(Digest::Algorithm::Sha256, QString()).isValid());
    CHECK_FALSE(Digest::fromParts(Digest::Algorithm::Sha512, hex64).isValid());
    CHECK(Digest::fromParts(Digest::Algorithm::Sha512, QString(128, u'0')).isValid());
    CHECK_FALSE(Digest::fromParts(static_cast<Digest::Algorithm>(7), hex64).isValid());
    CHECK(Digest::fromParts(Digest::Algorithm::Sha256, QString(64, u'G')).toString().isEmpty());
}

TEST_CASE("Hasher streams sha256 and sha512 (FIPS 180-2 vectors)", "[sha256]")
{
    using Minato::Oci::Hasher;
    const QByteArray abc512 = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
    const QByteArray empty512 = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                                "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
    CHECK(Hasher::hexOf(Digest::Algorithm::Sha512, "abc") == abc512);
    CHECK(Hasher::hexOf(Digest::Algorithm::Sha512, "") == empty512);
    CHECK(Hasher::digestOf(Digest::Algorithm::Sha512, "abc").toString() ==
          QStringLiteral("sha512:") + QString::fromLatin1(abc512));
    CHECK(Hasher::hexOf(Digest::Algorithm::Sha256, "abc") ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    // Streaming in pieces gives the same digest as one call, and the hasher resets for reuse.
    Hasher h(Digest::Algorithm::Sha512);
    CHECK(h.ok());
    CHECK(h.algorithm() == Digest::Algorithm::Sha512);
    h.addData("a");
    h.addData("b", 1);
    h.addData(QByteArrayView("c"));
    CHECK(h.bytesHashed() == 3);
    const Digest d = h.digest();
    CHECK(d.algorithm() == Digest::Algorithm::Sha512);
    CHECK(d.hex() == QString::fromLatin1(abc512));
    CHECK(h.bytesHashed() == 0);
    CHECK(h.finalRaw().toHex() == empty512);

    // A multi-chunk stream against an independent implementation.
    QByteArray large(3 * 1024 * 1024 + 7, '\0');
    for (qsizetype i = 0; i < large.size(); ++i) {
        large[i] = static_cast<char>(i * 31 + 7);
    }
    Hasher big(Digest::Algorithm::Sha512);
    for (qsizetype at = 0; at < large.size(); at += 65536) {
        big.addData(QByteArrayView(large).sliced(at, std::min<qsizetype>(65536, large.size() - at)));
    }
    CHECK(big.finalRaw() == QCryptographicHash::hash(large, QCryptographicHash::Sha512));

    // Moves keep the state; the moved-from hasher starts over.
    Hasher moved(Digest::Algorithm::Sha512);
    moved.addData("ab");
    Hasher target = std::move(moved);
    target.addData("c");
    CHECK(target.digest().hex() == QString::fromLatin1(abc512));

    // Sha256Hasher keeps its API and is a Hasher.
    Sha256Hasher s;
    s.addData("abc");
    CHECK(s.algorithm() == Digest::Algorithm::Sha256);
    CHECK(s.ok());
    CHECK(s.digest() == Sha256Hasher::digestOf("abc"));
}

TEST_CASE("Hasher reports an OpenSSL failure instead of throwing", "[sha256]")
{
    using Minato::Oci::Hasher;
    // An algorithm OpenSSL is not given (a value outside the enum) puts the hasher in its failed state,
    // the same path as a failed EVP call.
    Hasher h(static_cast<Digest::Algorithm>(7));
    CHECK_FALSE(h.ok());
    h.addData("abc"); // ignored, no crash
    CHECK(h.bytesHashed() == 0);
    CHECK(h.finalRaw().isEmpty());
    CHECK_FALSE(h.digest().isValid());
    CHECK_FALSE(Hasher::digestOf(static_cast<Digest::Algorithm>(7), "abc").isValid());
    CHECK(Hasher::hexOf(static_cast<Digest::Algorithm>(7), "abc").isEmpty());
}
