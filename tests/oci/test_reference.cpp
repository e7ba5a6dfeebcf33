#include "oci/reference.h"

#include "testsupport.h"

#include <QUrl>

using Minato::Oci::Digest;
using Minato::Oci::Reference;

// The input/expected pairs marked "distribution" are the published test tables of the distribution
// project's reference package (reference_test.go, normalize_test.go, regexp_test.go). Where Minato
// deliberately answers differently, the row says so and why.

namespace {

const QString kF64 = QString(64, u'f');
const QString kSha256F = QStringLiteral("sha256:") + kF64;
const QString kBusyboxDigest =
    QStringLiteral("sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa");
const QString kRedisDigest = QStringLiteral("sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c");
const QString kE669Digest = QStringLiteral("sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582");
const QString kBe17Digest = QStringLiteral("sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912");

QString repeat(QStringView s, int n)
{
    QString out;
    for (int i = 0; i < n; ++i) {
        out += s;
    }
    return out;
}

struct Valid
{
    QString input;
    QString domain;
    QString name; // domain/path as Name() prints it
    QString tag;
    QString digest;
};

struct Invalid
{
    QString input;
    QString field;
    QString reasonContains;
};

void checkValid(const Valid &c, const Minato::Oci::Expected<Reference> &r)
{
    INFO("input: " << c.input.toStdString());
    REQUIRE(r.hasValue());
    CHECK(r->isValid());
    CHECK(r->domain() == c.domain);
    CHECK(r->name() == c.name);
    CHECK(r->tag() == c.tag);
    CHECK(r->hasTag() == !c.tag.isEmpty());
    CHECK(r->digest().toString() == c.digest);
    CHECK(r->hasDigest() == !c.digest.isEmpty());
}

void checkInvalid(const Invalid &c, const Minato::Oci::Expected<Reference> &r)
{
    INFO("input: " << c.input.toStdString());
    REQUIRE_FALSE(r.hasValue());
    CHECK(r.error().field == c.field);
    INFO("reason: " << r.error().reason.toStdString());
    CHECK(r.error().reason.contains(c.reasonContains));
}

} // namespace

TEST_CASE("Reference::parse accepts distribution's TestReferenceParse valid rows", "[reference]")
{
    const Valid cases[] = {
        // distribution reference_test.go TestReferenceParse
        {QStringLiteral("test_com"), {}, QStringLiteral("test_com"), {}, {}},
        {QStringLiteral("test.com:tag"), {}, QStringLiteral("test.com"), QStringLiteral("tag"), {}},
        {QStringLiteral("test.com:5000"), {}, QStringLiteral("test.com"), QStringLiteral("5000"), {}},
        {QStringLiteral("test.com/repo:tag"),
         QStringLiteral("test.com"),
         QStringLiteral("test.com/repo"),
         QStringLiteral("tag"),
         {}},
        {QStringLiteral("test:5000/repo"), QStringLiteral("test:5000"), QStringLiteral("test:5000/repo"), {}, {}},
        {QStringLiteral("test:5000/repo:tag"),
         QStringLiteral("test:5000"),
         QStringLiteral("test:5000/repo"),
         QStringLiteral("tag"),
         {}},
        {QStringLiteral("test:5000/repo@") + kSha256F,
         QStringLiteral("test:5000"),
         QStringLiteral("test:5000/repo"),
         {},
         kSha256F},
        {QStringLiteral("test:5000/repo:tag@") + kSha256F, QStringLiteral("test:5000"),
         QStringLiteral("test:5000/repo"), QStringLiteral("tag"), kSha256F},
        {QStringLiteral("lowercase:Uppercase"), {}, QStringLiteral("lowercase"), QStringLiteral("Uppercase"), {}},
        {repeat(u"a/", 127) + QStringLiteral("a:tag-puts-this-over-max"),
         QStringLiteral("a"),
         repeat(u"a/", 127) + QStringLiteral("a"),
         QStringLiteral("tag-puts-this-over-max"),
         {}},
        {QStringLiteral("sub-dom1.foo.com/bar/baz/quux"),
         QStringLiteral("sub-dom1.foo.com"),
         QStringLiteral("sub-dom1.foo.com/bar/baz/quux"),
         {},
         {}},
        {QStringLiteral("sub-dom1.foo.com/bar/baz/quux:some-long-tag"),
         QStringLiteral("sub-dom1.foo.com"),
         QStringLiteral("sub-dom1.foo.com/bar/baz/quux"),
         QStringLiteral("some-long-tag"),
         {}},
        {QStringLiteral("b.gcr.io/test.example.com/my-app:test.example.com"),
         QStringLiteral("b.gcr.io"),
         QStringLiteral("b.gcr.io/test.example.com/my-app"),
         QStringLiteral("test.example.com"),
         {}},
        {QStringLiteral("xn--n3h.com/myimage:xn--n3h.com"),
         QStringLiteral("xn--n3h.com"),
         QStringLiteral("xn--n3h.com/myimage"),
         QStringLiteral("xn--n3h.com"),
         {}},
        {QStringLiteral("xn--7o8h.com/myimage:xn--7o8h.com@") + kSha256F, QStringLiteral("xn--7o8h.com"),
         QStringLiteral("xn--7o8h.com/myimage"), QStringLiteral("xn--7o8h.com"), kSha256F},
        {QStringLiteral("foo_bar.com:8080"), {}, QStringLiteral("foo_bar.com"), QStringLiteral("8080"), {}},
        {QStringLiteral("foo/foo_bar.com:8080"),
         QStringLiteral("foo"),
         QStringLiteral("foo/foo_bar.com"),
         QStringLiteral("8080"),
         {}},
        {QStringLiteral("192.168.1.1"), {}, QStringLiteral("192.168.1.1"), {}, {}},
        {QStringLiteral("192.168.1.1:tag"), {}, QStringLiteral("192.168.1.1"), QStringLiteral("tag"), {}},
        {QStringLiteral("192.168.1.1:5000"), {}, QStringLiteral("192.168.1.1"), QStringLiteral("5000"), {}},
        {QStringLiteral("192.168.1.1/repo"), QStringLiteral("192.168.1.1"), QStringLiteral("192.168.1.1/repo"), {}, {}},
        {QStringLiteral("192.168.1.1:5000/repo"),
         QStringLiteral("192.168.1.1:5000"),
         QStringLiteral("192.168.1.1:5000/repo"),
         {},
         {}},
        {QStringLiteral("192.168.1.1:5000/repo:5050"),
         QStringLiteral("192.168.1.1:5000"),
         QStringLiteral("192.168.1.1:5000/repo"),
         QStringLiteral("5050"),
         {}},
        {QStringLiteral("[2001:db8::1]/repo"),
         QStringLiteral("[2001:db8::1]"),
         QStringLiteral("[2001:db8::1]/repo"),
         {},
         {}},
        {QStringLiteral("[2001:db8:1:2:3:4:5:6]/repo:tag"),
         QStringLiteral("[2001:db8:1:2:3:4:5:6]"),
         QStringLiteral("[2001:db8:1:2:3:4:5:6]/repo"),
         QStringLiteral("tag"),
         {}},
        {QStringLiteral("[2001:db8::1]:5000/repo"),
         QStringLiteral("[2001:db8::1]:5000"),
         QStringLiteral("[2001:db8::1]:5000/repo"),
         {},
         {}},
        {QStringLiteral("[2001:db8::1]:5000/repo:tag"),
         QStringLiteral("[2001:db8::1]:5000"),
         QStringLiteral("[2001:db8::1]:5000/repo"),
         QStringLiteral("tag"),
         {}},
        {QStringLiteral("[2001:db8::1]:5000/repo@") + kSha256F,
         QStringLiteral("[2001:db8::1]:5000"),
         QStringLiteral("[2001:db8::1]:5000/repo"),
         {},
         kSha256F},
        {QStringLiteral("[2001:db8::1]:5000/repo:tag@") + kSha256F, QStringLiteral("[2001:db8::1]:5000"),
         QStringLiteral("[2001:db8::1]:5000/repo"), QStringLiteral("tag"), kSha256F},
        {QStringLiteral("[2001:db8::]:5000/repo"),
         QStringLiteral("[2001:db8::]:5000"),
         QStringLiteral("[2001:db8::]:5000/repo"),
         {},
         {}},
        {QStringLiteral("[::1]:5000/repo"), QStringLiteral("[::1]:5000"), QStringLiteral("[::1]:5000/repo"), {}, {}},
        {QStringLiteral("example.com/") + QString(255, u'a') + QStringLiteral(":tag"),
         QStringLiteral("example.com"),
         QStringLiteral("example.com/") + QString(255, u'a'),
         QStringLiteral("tag"),
         {}},
        // distribution: sha512 is "unsupported" there only because the test binary does not register it;
        // Minato supports sha512.
        {QStringLiteral("validname@sha512:") + QString(128, u'f'),
         {},
         QStringLiteral("validname"),
         {},
         QStringLiteral("sha512:") + QString(128, u'f')},
        // distribution reference_test.go TestSerialization
        {QStringLiteral("example.com:8000/named"),
         QStringLiteral("example.com:8000"),
         QStringLiteral("example.com:8000/named"),
         {},
         {}},
        {QStringLiteral("example.com:8000/named:tagged"),
         QStringLiteral("example.com:8000"),
         QStringLiteral("example.com:8000/named"),
         QStringLiteral("tagged"),
         {}},
        {QStringLiteral("other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112"),
         QStringLiteral("other.com"),
         QStringLiteral("other.com/named"),
         {},
         QStringLiteral("sha256:1234567890098765432112345667890098765432112345667890098765432112")},
        // FIXME in distribution: an upper-case first element is a valid domain, so this passes.
        {QStringLiteral("Uppercase/lowercase:tag"),
         QStringLiteral("Uppercase"),
         QStringLiteral("Uppercase/lowercase"),
         QStringLiteral("tag"),
         {}},
    };
    for (const Valid &c : cases) {
        const auto r = Reference::parse(c.input);
        checkValid(c, r);
        if (r) {
            CHECK(r->toString() == c.input); // parse() is exact: it prints back what it read
        }
    }
}

TEST_CASE("Reference::parse rejects distribution's TestReferenceParse invalid rows with a reason", "[reference]")
{
    const Invalid cases[] = {
        {QString(), QStringLiteral("name"), QStringLiteral("empty")},
        {QStringLiteral(":justtag"), QStringLiteral("name"), QStringLiteral("empty")},
        {QStringLiteral("@") + kSha256F, QStringLiteral("name"), QStringLiteral("empty")},
        {QStringLiteral("repo@sha256:ffffffffffffffffffffffffffffffffff"), QStringLiteral("digest"),
         QStringLiteral("64 hex characters, not 34")},
        {QStringLiteral("validname@invaliddigest:") + kF64, QStringLiteral("digest"),
         QStringLiteral("unsupported algorithm \"invaliddigest\"")},
        {QStringLiteral("Uppercase:tag"), QStringLiteral("name"), QStringLiteral("repository name must be lowercase")},
        {QStringLiteral("test:5000/Uppercase/lowercase:tag"), QStringLiteral("name"),
         QStringLiteral("repository name must be lowercase")},
        {QStringLiteral("domain/") + QString(256, u'a') + QStringLiteral(":tag"), QStringLiteral("name"),
         QStringLiteral("255 characters or fewer (it has 256)")},
        {QStringLiteral("aa/asdf$$^/aa"), QStringLiteral("name"), QStringLiteral("invalid character '$'")},
        {QStringLiteral("[2001:db8::1]"), QStringLiteral("name"), QStringLiteral("followed by '/'")},
        {QStringLiteral("[2001:db8::1]:5000"), QStringLiteral("name"), QStringLiteral("followed by '/'")},
        {QStringLiteral("[2001:db8::1]:tag"), QStringLiteral("name"), QStringLiteral("followed by '/'")},
        {QStringLiteral("[fe80::1%eth0]:5000/repo"), QStringLiteral("domain"),
         QStringLiteral("not a valid IPv6 address")},
        {QStringLiteral("[fe80::1%@invalidzone]:5000/repo"), QStringLiteral("domain"),
         QStringLiteral("\"fe80::1%@invalidzone\" is not a valid IPv6 address")},
    };
    for (const Invalid &c : cases) {
        checkInvalid(c, Reference::parse(c.input));
    }
}

TEST_CASE("Reference::parseDomain follows distribution's TestDomainRegexp", "[reference]")
{
    struct Case
    {
        QString input;
        bool distribution; // what the grammar's regular expression answers
        bool minato;       // what Minato answers: ports must be 1-65535 and IPv6 well formed
    };
    const Case cases[] = {
        {QStringLiteral("test.com"), true, true},
        {QStringLiteral("test.com:10304"), true, true},
        {QStringLiteral("test.com:http"), false, false},
        {QStringLiteral("localhost"), true, true},
        {QStringLiteral("localhost:8080"), true, true},
        {QStringLiteral("a"), true, true},
        {QStringLiteral("a.b"), true, true},
        {QStringLiteral("ab.cd.com"), true, true},
        {QStringLiteral("a-b.com"), true, true},
        {QStringLiteral("-ab.com"), false, false},
        {QStringLiteral("ab-.com"), false, false},
        {QStringLiteral("ab.c-om"), true, true},
        {QStringLiteral("ab.-com"), false, false},
        {QStringLiteral("ab.com-"), false, false},
        {QStringLiteral("0101.com"), true, true},
        {QStringLiteral("001a.com"), true, true},
        {QStringLiteral("b.gbc.io:443"), true, true},
        {QStringLiteral("b.gbc.io"), true, true},
        {QStringLiteral("xn--n3h.com"), true, true},
        {QStringLiteral("Asdf.com"), true, true},
        // The grammar defers these to "later validation"; Minato validates at once.
        {QStringLiteral("192.168.1.1:75050"), true, false},
        {QStringLiteral("192.168.1.1:750050"), true, false},
        {QStringLiteral("[fd00:1:2::3]:75050"), true, false},
        {QStringLiteral("[fd00:1:2::3]75050"), false, false},
        {QStringLiteral("[fd00:1:2::3]::75050"), false, false},
        {QStringLiteral("[fd00:1:2::3%eth0]:75050"), false, false},
        {QStringLiteral("[fd00123123123]:75050"), true, false},
        {QStringLiteral("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050"), true, false},
        {QStringLiteral("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505"), true, false},
        {QStringLiteral("fd00:1:2::3:75050"), false, false},
        // The same addresses with a usable port.
        {QStringLiteral("192.168.1.1:7505"), true, true},
        {QStringLiteral("[fd00:1:2::3]:7505"), true, true},
        {QStringLiteral("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:65535"), true, true},
        {QStringLiteral("[fd00123123123]:7505"), true, false},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString() << " (distribution: " << c.distribution << ")");
        const auto r = Reference::parseDomain(c.input);
        CHECK(r.hasValue() == c.minato);
        if (!r) {
            CHECK(r.error().field == QStringLiteral("domain"));
            CHECK_FALSE(r.error().reason.isEmpty());
        }
    }
}

TEST_CASE("Reference::parseDomain checks ports and IPv6 literals", "[reference]")
{
    struct Case
    {
        QString input;
        QString reasonContains; // empty: valid
    };
    const Case cases[] = {
        {QStringLiteral("localhost:1"), {}},
        {QStringLiteral("localhost:65535"), {}},
        {QStringLiteral("localhost:65536"), QStringLiteral("from 1 to 65535")},
        {QStringLiteral("localhost:0"), QStringLiteral("from 1 to 65535")},
        {QStringLiteral("localhost:99999999999999999999"), QStringLiteral("from 1 to 65535")},
        {QStringLiteral("localhost:"), QStringLiteral("port after ':' is empty")},
        {QStringLiteral("localhost:80a"), QStringLiteral("must be a number")},
        {QStringLiteral("[::]"), {}},
        {QStringLiteral("[::1]"), {}},
        {QStringLiteral("[1::]"), {}},
        {QStringLiteral("[1:2:3:4:5:6:7:8]"), {}},
        {QStringLiteral("[1:2:3:4:5:6:7::]"), {}},
        {QStringLiteral("[1:2:3:4:5:6:7:8:9]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[1:2:3:4:5:6:7]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[1::2::3]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[:::1]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[12345::1]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[::ffff:192.0.2.1]"), QStringLiteral("not a valid IPv6")},
        {QStringLiteral("[::1"), QStringLiteral("no closing ']'")},
        {QStringLiteral("[::1]x"), QStringLiteral("only \":port\"")},
        {QStringLiteral("[::1]:0"), QStringLiteral("from 1 to 65535")},
        {QStringLiteral("a..b"), QStringLiteral("empty component")},
        {QStringLiteral(".a"), QStringLiteral("empty component")},
        {QStringLiteral("a."), QStringLiteral("empty component")},
        {QStringLiteral("a_b.com"), QStringLiteral("invalid character '_'")},
        {QString(), QStringLiteral("empty")},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parseDomain(c.input);
        if (c.reasonContains.isEmpty()) {
            CHECK(r.hasValue());
        } else {
            REQUIRE_FALSE(r.hasValue());
            INFO("reason: " << r.error().reason.toStdString());
            CHECK(r.error().reason.contains(c.reasonContains));
        }
    }
}

TEST_CASE("Reference::parseName follows distribution's TestFullNameRegexp and TestDomainAndPath", "[reference]")
{
    struct Case
    {
        QString input;
        bool match;
        QString domain;
        QString path;
    };
    const Case cases[] = {
        {QString(), false, {}, {}},
        {QStringLiteral("short"), true, {}, QStringLiteral("short")},
        {QStringLiteral("simple/name"), true, QStringLiteral("simple"), QStringLiteral("name")},
        {QStringLiteral("library/ubuntu"), true, QStringLiteral("library"), QStringLiteral("ubuntu")},
        {QStringLiteral("docker/stevvooe/app"), true, QStringLiteral("docker"), QStringLiteral("stevvooe/app")},
        {QStringLiteral("aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb"), true, QStringLiteral("aa"),
         QStringLiteral("aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb")},
        {QStringLiteral("aa/aa/bb/bb/bb"), true, QStringLiteral("aa"), QStringLiteral("aa/bb/bb/bb")},
        {QStringLiteral("a/a/a/a"), true, QStringLiteral("a"), QStringLiteral("a/a/a")},
        {QStringLiteral("a/a/a/a/"), false, {}, {}},
        {QStringLiteral("a//a/a"), false, {}, {}},
        {QStringLiteral("a"), true, {}, QStringLiteral("a")},
        {QStringLiteral("a/aa"), true, QStringLiteral("a"), QStringLiteral("aa")},
        {QStringLiteral("a/aa/a"), true, QStringLiteral("a"), QStringLiteral("aa/a")},
        {QStringLiteral("foo.com"), true, {}, QStringLiteral("foo.com")},
        {QStringLiteral("foo.com/"), false, {}, {}},
        {QStringLiteral("foo.com:8080/bar"), true, QStringLiteral("foo.com:8080"), QStringLiteral("bar")},
        {QStringLiteral("foo.com:http/bar"), false, {}, {}},
        {QStringLiteral("foo.com/bar"), true, QStringLiteral("foo.com"), QStringLiteral("bar")},
        {QStringLiteral("foo.com/bar/baz"), true, QStringLiteral("foo.com"), QStringLiteral("bar/baz")},
        {QStringLiteral("localhost:8080/bar"), true, QStringLiteral("localhost:8080"), QStringLiteral("bar")},
        {QStringLiteral("sub-dom1.foo.com/bar/baz/quux"), true, QStringLiteral("sub-dom1.foo.com"),
         QStringLiteral("bar/baz/quux")},
        {QStringLiteral("blog.foo.com/bar/baz"), true, QStringLiteral("blog.foo.com"), QStringLiteral("bar/baz")},
        {QStringLiteral("a^a"), false, {}, {}},
        {QStringLiteral("aa/asdf$$^/aa"), false, {}, {}},
        {QStringLiteral("asdf$$^/aa"), false, {}, {}},
        {QStringLiteral("aa-a/a"), true, QStringLiteral("aa-a"), QStringLiteral("a")},
        {repeat(u"a/", 128) + QStringLiteral("a"), true, QStringLiteral("a"), repeat(u"a/", 127) + QStringLiteral("a")},
        {QStringLiteral("a-/a/a/a"), false, {}, {}},
        {QStringLiteral("foo.com/a-/a/a"), false, {}, {}},
        {QStringLiteral("-foo/bar"), false, {}, {}},
        {QStringLiteral("foo/bar-"), false, {}, {}},
        {QStringLiteral("foo-/bar"), false, {}, {}},
        {QStringLiteral("foo/-bar"), false, {}, {}},
        {QStringLiteral("_foo/bar"), false, {}, {}},
        {QStringLiteral("foo_bar"), true, {}, QStringLiteral("foo_bar")},
        {QStringLiteral("foo_bar.com"), true, {}, QStringLiteral("foo_bar.com")},
        {QStringLiteral("foo_bar.com:8080"), false, {}, {}},
        {QStringLiteral("foo_bar.com:8080/app"), false, {}, {}},
        {QStringLiteral("foo.com/foo_bar"), true, QStringLiteral("foo.com"), QStringLiteral("foo_bar")},
        {QStringLiteral("____/____"), false, {}, {}},
        {QStringLiteral("_docker/_docker"), false, {}, {}},
        {QStringLiteral("docker_/docker_"), false, {}, {}},
        {QStringLiteral("b.gcr.io/test.example.com/my-app"), true, QStringLiteral("b.gcr.io"),
         QStringLiteral("test.example.com/my-app")},
        {QStringLiteral("xn--n3h.com/myimage"), true, QStringLiteral("xn--n3h.com"), QStringLiteral("myimage")},
        {QStringLiteral("xn--7o8h.com/myimage"), true, QStringLiteral("xn--7o8h.com"), QStringLiteral("myimage")},
        {QStringLiteral("example.com/xn--7o8h.com/myimage"), true, QStringLiteral("example.com"),
         QStringLiteral("xn--7o8h.com/myimage")},
        {QStringLiteral("example.com/some_separator__underscore/myimage"), true, QStringLiteral("example.com"),
         QStringLiteral("some_separator__underscore/myimage")},
        {QStringLiteral("example.com/__underscore/myimage"), false, {}, {}},
        {QStringLiteral("example.com/..dots/myimage"), false, {}, {}},
        {QStringLiteral("example.com/.dots/myimage"), false, {}, {}},
        {QStringLiteral("example.com/nodouble..dots/myimage"), false, {}, {}},
        {QStringLiteral("docker./docker"), false, {}, {}},
        {QStringLiteral(".docker/docker"), false, {}, {}},
        {QStringLiteral("docker-/docker"), false, {}, {}},
        {QStringLiteral("-docker/docker"), false, {}, {}},
        {QStringLiteral("do..cker/docker"), false, {}, {}},
        {QStringLiteral("do__cker:8080/docker"), false, {}, {}},
        {QStringLiteral("do__cker/docker"), true, {}, QStringLiteral("do__cker/docker")},
        {QStringLiteral("registry.io/foo/project--id.module--name.ver---sion--name"), true,
         QStringLiteral("registry.io"), QStringLiteral("foo/project--id.module--name.ver---sion--name")},
        {QStringLiteral("Asdf.com/foo/bar"), true, QStringLiteral("Asdf.com"), QStringLiteral("foo/bar")},
        {QStringLiteral("Foo/FarB"), false, {}, {}},
        // distribution TestDomainAndPath
        {QStringLiteral("test.com/foo"), true, QStringLiteral("test.com"), QStringLiteral("foo")},
        {QStringLiteral("test_com/foo"), true, {}, QStringLiteral("test_com/foo")},
        {QStringLiteral("test:8080/foo"), true, QStringLiteral("test:8080"), QStringLiteral("foo")},
        {QStringLiteral("test.com:8080/foo"), true, QStringLiteral("test.com:8080"), QStringLiteral("foo")},
        {QStringLiteral("test-com:8080/foo"), true, QStringLiteral("test-com:8080"), QStringLiteral("foo")},
        {QStringLiteral("xn--n3h.com:18080/foo"), true, QStringLiteral("xn--n3h.com:18080"), QStringLiteral("foo")},
        // distribution TestWithNameFailure
        {QStringLiteral(":justtag"), false, {}, {}},
        {QStringLiteral("@") + kSha256F, false, {}, {}},
        {QStringLiteral("validname@invaliddigest:") + kF64, false, {}, {}},
        {QStringLiteral("example.com/repo:tag"), false, {}, {}},
        {QStringLiteral("example.com/") + QString(256, u'a'), false, {}, {}},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parseName(c.input);
        CHECK(r.hasValue() == c.match);
        if (r && c.match) {
            CHECK(r->domain() == c.domain);
            CHECK(r->path() == c.path);
            CHECK(r->isNameOnly());
        }
        if (!r) {
            CHECK_FALSE(r.error().reason.isEmpty());
        }
    }
}

TEST_CASE("Reference::parse follows distribution's TestReferenceRegexp", "[reference]")
{
    struct Case
    {
        QString input;
        bool match;
        QString name;
        QString tag;
        QString digest;
    };
    const Case cases[] = {
        {QStringLiteral("registry.com:8080/myapp:tag"),
         true,
         QStringLiteral("registry.com:8080/myapp"),
         QStringLiteral("tag"),
         {}},
        {QStringLiteral("registry.com:8080/myapp@") + kBe17Digest,
         true,
         QStringLiteral("registry.com:8080/myapp"),
         {},
         kBe17Digest},
        {QStringLiteral("registry.com:8080/myapp:tag2@") + kBe17Digest, true, QStringLiteral("registry.com:8080/myapp"),
         QStringLiteral("tag2"), kBe17Digest},
        {QStringLiteral("registry.com:8080/myapp@sha256:badbadbadbad"), false, {}, {}, {}},
        {QStringLiteral("registry.com:8080/myapp:invalid~tag"), false, {}, {}, {}},
        {QStringLiteral("bad_hostname.com:8080/myapp:tag"), false, {}, {}, {}},
        // "localhost" is the name and 8080 its tag.
        {QStringLiteral("localhost:8080@") + kBe17Digest, true, QStringLiteral("localhost"), QStringLiteral("8080"),
         kBe17Digest},
        {QStringLiteral("localhost:8080/name@") + kBe17Digest,
         true,
         QStringLiteral("localhost:8080/name"),
         {},
         kBe17Digest},
        {QStringLiteral("localhost:http/name@") + kBe17Digest, false, {}, {}, {}},
        {QStringLiteral("localhost@") + kBe17Digest, true, QStringLiteral("localhost"), {}, kBe17Digest},
        {QStringLiteral("registry.com:8080/myapp@bad"), false, {}, {}, {}},
        {QStringLiteral("registry.com:8080/myapp@2bad"), false, {}, {}, {}},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parse(c.input);
        REQUIRE(r.hasValue() == c.match);
        if (r) {
            CHECK(r->name() == c.name);
            CHECK(r->tag() == c.tag);
            CHECK(r->digest().toString() == c.digest);
        }
    }
}

TEST_CASE("Reference errors name the part and the reason", "[reference]")
{
    const Invalid cases[] = {
        {QStringLiteral("registry.com:8080/myapp@sha256:badbadbadbad"), QStringLiteral("digest"),
         QStringLiteral("64 hex characters, not 12")},
        {QStringLiteral("registry.com:8080/myapp:invalid~tag"), QStringLiteral("tag"),
         QStringLiteral("invalid character '~'")},
        {QStringLiteral("bad_hostname.com:8080/myapp:tag"), QStringLiteral("domain"),
         QStringLiteral("invalid character '_'")},
        {QStringLiteral("localhost:http/name"), QStringLiteral("domain"), QStringLiteral("must be a number")},
        {QStringLiteral("registry.com:8080/myapp@bad"), QStringLiteral("digest"), QStringLiteral("no ':'")},
        {QStringLiteral("registry.com:8080/myapp@md5:d41d8cd98f00b204e9800998ecf8427e"), QStringLiteral("digest"),
         QStringLiteral("unsupported algorithm \"md5\"")},
        {QStringLiteral("repo@SHA256:") + kF64, QStringLiteral("digest"), QStringLiteral("invalid character")},
        {QStringLiteral("repo@sha256:") + QString(64, u'F'), QStringLiteral("digest"), QStringLiteral("lowercase hex")},
        {QStringLiteral("repo@sha256:") + kF64 + QStringLiteral("@x"), QStringLiteral("digest"),
         QStringLiteral("invalid character")},
        // tag: 128 is the limit
        {QStringLiteral("repo:") + QString(129, u'a'), QStringLiteral("tag"),
         QStringLiteral("must be 128 characters or fewer (it has 129)")},
        {QStringLiteral("repo:"), QStringLiteral("tag"), QStringLiteral("empty")},
        {QStringLiteral("repo:-tag"), QStringLiteral("tag"),
         QStringLiteral("must start with a letter, a digit or '_'")},
        {QStringLiteral("repo:.tag"), QStringLiteral("tag"), QStringLiteral("must start with")},
        {QStringLiteral("repo:t\u00e9"), QStringLiteral("tag"), QStringLiteral("U+00E9")},
        {QStringLiteral("repo:a@") + kSha256F + QStringLiteral("x"), QStringLiteral("digest"),
         QStringLiteral("not 65")},
        // name: separators, case, length
        {QStringLiteral("-foo"), QStringLiteral("name"), QStringLiteral("must start with a lowercase letter or digit")},
        {QStringLiteral("foo-"), QStringLiteral("name"), QStringLiteral("must end with a lowercase letter or digit")},
        {QStringLiteral("foo/bar_"), QStringLiteral("name"), QStringLiteral("must end with")},
        {QStringLiteral("foo/"), QStringLiteral("name"), QStringLiteral("is empty")},
        {QStringLiteral("/foo"), QStringLiteral("name"), QStringLiteral("empty path component")},
        {QStringLiteral("foo//bar"), QStringLiteral("name"), QStringLiteral("empty path component")},
        {QStringLiteral("dock..er/docker"), QStringLiteral("name"), QStringLiteral("invalid separator \"..\"")},
        {QStringLiteral("reg.io/dock_.er"), QStringLiteral("name"), QStringLiteral("invalid separator \"_.\"")},
        {QStringLiteral("reg.io/dock___er"), QStringLiteral("name"), QStringLiteral("invalid separator \"___\"")},
        {QStringLiteral("reg.io/dock-_er"), QStringLiteral("name"), QStringLiteral("invalid separator")},
        {QStringLiteral("reg.io/Foo"), QStringLiteral("name"), QStringLiteral("repository name must be lowercase")},
        {QStringLiteral("reg.io/") + QString(256, u'a'), QStringLiteral("name"),
         QStringLiteral("255 characters or fewer (it has 256)")},
        {QString(256, u'a'), QStringLiteral("name"), QStringLiteral("255 characters or fewer")},
        {QStringLiteral("foo bar"), QStringLiteral("name"), QStringLiteral("U+0020")},
        {QStringLiteral("foo\nbar"), QStringLiteral("name"), QStringLiteral("U+000A")},
        {QString(QChar(0)), QStringLiteral("name"), QStringLiteral("U+0000")},
        {QStringLiteral("[::1]:5000"), QStringLiteral("name"), QStringLiteral("followed by '/'")},
        {QStringLiteral("[::1:5000/foo"), QStringLiteral("domain"), QStringLiteral("no closing ']'")},
        {QStringLiteral("localhost:0/foo"), QStringLiteral("domain"), QStringLiteral("from 1 to 65535")},
        {QStringLiteral("localhost:65536/foo"), QStringLiteral("domain"), QStringLiteral("from 1 to 65535")},
    };
    for (const Invalid &c : cases) {
        checkInvalid(c, Reference::parse(c.input));
    }
    // Messages quote long input cut short, so a hostile string cannot flood a dialog or a log.
    const auto longError = Reference::parse(QStringLiteral("reg.io/") + QString(5000, u'a') + QStringLiteral("$"));
    REQUIRE_FALSE(longError.hasValue());
    CHECK(longError.error().message().size() < 300);
}

TEST_CASE("Reference length limits: path 255, tag 128", "[reference]")
{
    CHECK(Reference::parse(QString(255, u'a')).hasValue());
    CHECK_FALSE(Reference::parse(QString(256, u'a')).hasValue());
    CHECK(Reference::parse(QStringLiteral("example.com/") + QString(255, u'a')).hasValue());
    CHECK_FALSE(Reference::parse(QStringLiteral("example.com/") + QString(256, u'a')).hasValue());
    // The limit is on the path, not the domain: a long domain does not count.
    CHECK(Reference::parse(QString(300, u'h') + QStringLiteral(".com/") + QString(255, u'a')).hasValue());
    // Across components: 127 × "ab/" + "abcde" = 386 characters.
    CHECK_FALSE(Reference::parse(QStringLiteral("reg.io/") + repeat(u"ab/", 127) + QStringLiteral("abcde")).hasValue());
    CHECK(Reference::parse(QStringLiteral("reg.io/") + repeat(u"a/", 127) + QStringLiteral("a")).hasValue());

    CHECK(Reference::parse(QStringLiteral("repo:") + QString(128, u'a')).hasValue());
    CHECK_FALSE(Reference::parse(QStringLiteral("repo:") + QString(129, u'a')).hasValue());
    CHECK(Reference::isValidTag(QString(128, u'x')));
    CHECK_FALSE(Reference::isValidTag(QString(129, u'x')));
    CHECK(Reference::isValidTag(QStringLiteral("_")));
    CHECK(Reference::isValidTag(QStringLiteral("A.b-C_9")));
    CHECK_FALSE(Reference::isValidTag(QString()));
    CHECK(Reference::isValidRepositoryPath(QString(255, u'a')));
    CHECK_FALSE(Reference::isValidRepositoryPath(QString(256, u'a')));
}

TEST_CASE("Reference::parseNormalized follows distribution's TestValidateReferenceName", "[reference]")
{
    const QString valid[] = {
        QStringLiteral("docker/docker"),
        QStringLiteral("library/debian"),
        QStringLiteral("debian"),
        QStringLiteral("localhost/library/debian"),
        QStringLiteral("localhost/debian"),
        QStringLiteral("LOCALDOMAIN/library/debian"),
        QStringLiteral("LOCALDOMAIN/debian"),
        QStringLiteral("docker.io/docker/docker"),
        QStringLiteral("docker.io/library/debian"),
        QStringLiteral("docker.io/debian"),
        QStringLiteral("index.docker.io/docker/docker"),
        QStringLiteral("index.docker.io/library/debian"),
        QStringLiteral("index.docker.io/debian"),
        QStringLiteral("127.0.0.1:5000/docker/docker"),
        QStringLiteral("127.0.0.1:5000/library/debian"),
        QStringLiteral("127.0.0.1:5000/debian"),
        QStringLiteral("192.168.0.1"),
        QStringLiteral("192.168.0.1:80"),
        QStringLiteral("192.168.0.1:8/debian"),
        QStringLiteral("192.168.0.2:25000/debian"),
        QStringLiteral("thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"),
        QStringLiteral("[fc00::1]:5000/docker"),
        QStringLiteral("[fc00::1]:5000/docker/docker"),
        QStringLiteral("[fc00:1:2:3:4:5:6:7]:5000/library/debian"),
        QStringLiteral("docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"),
        QStringLiteral("Docker/docker"),
        QStringLiteral("DOCKER/docker"),
        // TestValidateRemoteName
        QStringLiteral("docker-rules/docker"),
        QStringLiteral("docker---rules/docker"),
        QStringLiteral("doc/docker"),
        QStringLiteral("d/docker"),
        QStringLiteral("jess/t"),
        QStringLiteral("dock__er/docker"),
    };
    for (const QString &input : valid) {
        INFO("input: " << input.toStdString());
        const auto r = Reference::parseNormalized(input);
        CHECK(r.hasValue());
        if (!r) {
            INFO("error: " << r.error().message().toStdString());
        }
    }

    const Invalid invalid[] = {
        {QStringLiteral("https://github.com/docker/docker"), QStringLiteral("domain"), QStringLiteral("port")},
        {QStringLiteral("docker/Docker"), QStringLiteral("name"), QStringLiteral("must be lowercase")},
        {QStringLiteral("-docker"), QStringLiteral("name"), QStringLiteral("must start with")},
        {QStringLiteral("-docker/docker"), QStringLiteral("name"), QStringLiteral("must start with")},
        {QStringLiteral("-docker.io/docker/docker"), QStringLiteral("domain"), QStringLiteral("'-'")},
        {QStringLiteral("docker///docker"), QStringLiteral("name"), QStringLiteral("empty path component")},
        {QStringLiteral("docker.io/docker/Docker"), QStringLiteral("name"), QStringLiteral("must be lowercase")},
        {QStringLiteral("docker.io/docker///docker"), QStringLiteral("name"), QStringLiteral("empty path component")},
        {QStringLiteral("[fc00::1]"), QStringLiteral("name"), QStringLiteral("invalid character '['")},
        {QStringLiteral("[fc00::1]:5000"), QStringLiteral("name"), QStringLiteral("invalid character '['")},
        {QStringLiteral("fc00::1:5000/debian"), QStringLiteral("domain"), QStringLiteral("must be a number")},
        {QStringLiteral("[fe80::1%eth0]:5000/debian"), QStringLiteral("domain"), QStringLiteral("IPv6")},
        {QStringLiteral("[2001:db8:3:4::192.0.2.33]:5000/debian"), QStringLiteral("domain"), QStringLiteral("IPv6")},
        {QStringLiteral("1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"), QStringLiteral("name"),
         QStringLiteral("ambiguous with an image ID")},
        // TestValidateRemoteName
        {QStringLiteral("docker-/docker"), QStringLiteral("name"), QStringLiteral("must end with")},
        {QStringLiteral("-docker-/docker"), QStringLiteral("name"), QStringLiteral("must start with")},
        {QStringLiteral("____/____"), QStringLiteral("name"), QStringLiteral("must start with")},
        {QStringLiteral("_docker/_docker"), QStringLiteral("name"), QStringLiteral("must start with")},
        {QStringLiteral("dock..er/docker"), QStringLiteral("domain"), QStringLiteral("empty component")},
        {QStringLiteral("dock_.er/docker"), QStringLiteral("domain"), QStringLiteral("invalid character '_'")},
        {QStringLiteral("dock-.er/docker"), QStringLiteral("domain"), QStringLiteral("'-'")},
        {QStringLiteral("docker/"), QStringLiteral("name"), QStringLiteral("empty path component")},
        {QStringLiteral("this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_"
                        "namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_"
                        "lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_"
                        "255/docker"),
         QStringLiteral("name"), QStringLiteral("255 characters or fewer")},
        // distribution TestInvalidReferenceComponents
        {QStringLiteral("-foo"), QStringLiteral("name"), QStringLiteral("must start with")},
        // Minato: a first element docker reads as a domain must be a valid domain. docker would instead fall
        // back to a domain-less path "foo_bar.com/app", which is not what was typed.
        {QStringLiteral("foo_bar.com/app"), QStringLiteral("domain"), QStringLiteral("invalid character '_'")},
        {QString(), QStringLiteral("name"), QStringLiteral("empty")},
        {QStringLiteral("alpine:"), QStringLiteral("tag"), QStringLiteral("empty")},
        {QStringLiteral("alpine@sha256:abc"), QStringLiteral("digest"), QStringLiteral("not 3")},
    };
    for (const Invalid &c : invalid) {
        checkInvalid(c, Reference::parseNormalized(c.input));
    }
}

TEST_CASE("Reference::parseNormalized follows distribution's TestParseRepositoryInfo", "[reference]")
{
    struct Case
    {
        QString remoteName; // path()
        QString familiarName;
        QString fullName;
        QString ambiguousName; // another spelling of the same name, or empty
        QString domain;
    };
    const Case cases[] = {
        {QStringLiteral("fooo"), QStringLiteral("localhost/fooo"), QStringLiteral("localhost/fooo"),
         QStringLiteral("localhost/fooo"), QStringLiteral("localhost")},
        {QStringLiteral("fooo/bar"), QStringLiteral("localhost/fooo/bar"), QStringLiteral("localhost/fooo/bar"),
         QStringLiteral("localhost/fooo/bar"), QStringLiteral("localhost")},
        {QStringLiteral("fooo"), QStringLiteral("LOCALDOMAIN/fooo"), QStringLiteral("LOCALDOMAIN/fooo"),
         QStringLiteral("LOCALDOMAIN/fooo"), QStringLiteral("LOCALDOMAIN")},
        {QStringLiteral("fooo/bar"), QStringLiteral("LOCALDOMAIN/fooo/bar"), QStringLiteral("LOCALDOMAIN/fooo/bar"),
         QStringLiteral("LOCALDOMAIN/fooo/bar"), QStringLiteral("LOCALDOMAIN")},
        {QStringLiteral("fooo/bar"), QStringLiteral("fooo/bar"), QStringLiteral("docker.io/fooo/bar"),
         QStringLiteral("index.docker.io/fooo/bar"), QStringLiteral("docker.io")},
        {QStringLiteral("library/ubuntu"), QStringLiteral("ubuntu"), QStringLiteral("docker.io/library/ubuntu"),
         QStringLiteral("library/ubuntu"), QStringLiteral("docker.io")},
        {QStringLiteral("nonlibrary/ubuntu"),
         QStringLiteral("nonlibrary/ubuntu"),
         QStringLiteral("docker.io/nonlibrary/ubuntu"),
         {},
         QStringLiteral("docker.io")},
        {QStringLiteral("other/library"),
         QStringLiteral("other/library"),
         QStringLiteral("docker.io/other/library"),
         {},
         QStringLiteral("docker.io")},
        {QStringLiteral("private/moonbase"),
         QStringLiteral("127.0.0.1:8000/private/moonbase"),
         QStringLiteral("127.0.0.1:8000/private/moonbase"),
         {},
         QStringLiteral("127.0.0.1:8000")},
        {QStringLiteral("privatebase"),
         QStringLiteral("127.0.0.1:8000/privatebase"),
         QStringLiteral("127.0.0.1:8000/privatebase"),
         {},
         QStringLiteral("127.0.0.1:8000")},
        {QStringLiteral("private/moonbase"),
         QStringLiteral("example.com/private/moonbase"),
         QStringLiteral("example.com/private/moonbase"),
         {},
         QStringLiteral("example.com")},
        {QStringLiteral("privatebase"),
         QStringLiteral("example.com/privatebase"),
         QStringLiteral("example.com/privatebase"),
         {},
         QStringLiteral("example.com")},
        {QStringLiteral("private/moonbase"),
         QStringLiteral("example.com:8000/private/moonbase"),
         QStringLiteral("example.com:8000/private/moonbase"),
         {},
         QStringLiteral("example.com:8000")},
        {QStringLiteral("privatebasee"),
         QStringLiteral("example.com:8000/privatebasee"),
         QStringLiteral("example.com:8000/privatebasee"),
         {},
         QStringLiteral("example.com:8000")},
        {QStringLiteral("library/ubuntu-12.04-base"), QStringLiteral("ubuntu-12.04-base"),
         QStringLiteral("docker.io/library/ubuntu-12.04-base"),
         QStringLiteral("index.docker.io/library/ubuntu-12.04-base"), QStringLiteral("docker.io")},
        {QStringLiteral("library/foo"), QStringLiteral("foo"), QStringLiteral("docker.io/library/foo"),
         QStringLiteral("docker.io/foo"), QStringLiteral("docker.io")},
        {QStringLiteral("library/foo/bar"),
         QStringLiteral("library/foo/bar"),
         QStringLiteral("docker.io/library/foo/bar"),
         {},
         QStringLiteral("docker.io")},
        {QStringLiteral("store/foo/bar"),
         QStringLiteral("store/foo/bar"),
         QStringLiteral("docker.io/store/foo/bar"),
         {},
         QStringLiteral("docker.io")},
        {QStringLiteral("bar"), QStringLiteral("Foo/bar"), QStringLiteral("Foo/bar"), {}, QStringLiteral("Foo")},
        {QStringLiteral("bar"), QStringLiteral("FOO/bar"), QStringLiteral("FOO/bar"), {}, QStringLiteral("FOO")},
    };
    for (const Case &c : cases) {
        QStringList spellings{c.familiarName, c.fullName};
        if (!c.ambiguousName.isEmpty()) {
            spellings.append(c.ambiguousName);
        }
        for (const QString &input : spellings) {
            INFO("input: " << input.toStdString());
            const auto r = Reference::parseNormalized(input);
            REQUIRE(r.hasValue());
            CHECK(r->familiarName() == c.familiarName);
            CHECK(r->toString() == c.fullName);
            CHECK(r->name() == c.fullName);
            CHECK(r->domain() == c.domain);
            CHECK(r->path() == c.remoteName);
            CHECK(r->isNameOnly());
        }
    }
}

TEST_CASE("Reference::parseNormalized follows distribution's split, any-reference and docker-ref tables", "[reference]")
{
    // TestNormalizedSplitHostname
    struct Split
    {
        QString input;
        QString domain;
        QString path;
    };
    const Split splits[] = {
        {QStringLiteral("test.com/foo"), QStringLiteral("test.com"), QStringLiteral("foo")},
        {QStringLiteral("test_com/foo"), QStringLiteral("docker.io"), QStringLiteral("test_com/foo")},
        {QStringLiteral("docker/migrator"), QStringLiteral("docker.io"), QStringLiteral("docker/migrator")},
        {QStringLiteral("test.com:8080/foo"), QStringLiteral("test.com:8080"), QStringLiteral("foo")},
        {QStringLiteral("test-com:8080/foo"), QStringLiteral("test-com:8080"), QStringLiteral("foo")},
        {QStringLiteral("foo"), QStringLiteral("docker.io"), QStringLiteral("library/foo")},
        {QStringLiteral("xn--n3h.com/foo"), QStringLiteral("xn--n3h.com"), QStringLiteral("foo")},
        {QStringLiteral("xn--n3h.com:18080/foo"), QStringLiteral("xn--n3h.com:18080"), QStringLiteral("foo")},
        {QStringLiteral("docker.io/foo"), QStringLiteral("docker.io"), QStringLiteral("library/foo")},
        {QStringLiteral("docker.io/library/foo"), QStringLiteral("docker.io"), QStringLiteral("library/foo")},
        {QStringLiteral("docker.io/library/foo/bar"), QStringLiteral("docker.io"), QStringLiteral("library/foo/bar")},
    };
    for (const Split &c : splits) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parseNormalized(c.input);
        REQUIRE(r.hasValue());
        CHECK(r->domain() == c.domain);
        CHECK(r->path() == c.path);
    }

    // TestParseAnyReference, the rows that are names (Minato has no digest-only reference; a bare 64-hex
    // string is refused as an image ID, like ParseNormalizedNamed does).
    struct Equivalent
    {
        QString input;
        QString full;
    };
    const Equivalent equivalents[] = {
        {QStringLiteral("redis"), QStringLiteral("docker.io/library/redis")},
        {QStringLiteral("redis:latest"), QStringLiteral("docker.io/library/redis:latest")},
        {QStringLiteral("docker.io/library/redis:latest"), QStringLiteral("docker.io/library/redis:latest")},
        {QStringLiteral("redis@") + kRedisDigest, QStringLiteral("docker.io/library/redis@") + kRedisDigest},
        {QStringLiteral("docker.io/library/redis@") + kRedisDigest,
         QStringLiteral("docker.io/library/redis@") + kRedisDigest},
        {QStringLiteral("dmcgowan/myapp"), QStringLiteral("docker.io/dmcgowan/myapp")},
        {QStringLiteral("dmcgowan/myapp:latest"), QStringLiteral("docker.io/dmcgowan/myapp:latest")},
        {QStringLiteral("docker.io/mcgowan/myapp:latest"), QStringLiteral("docker.io/mcgowan/myapp:latest")},
        {QStringLiteral("dmcgowan/myapp@") + kRedisDigest, QStringLiteral("docker.io/dmcgowan/myapp@") + kRedisDigest},
        {QStringLiteral("docker.io/dmcgowan/myapp@") + kRedisDigest,
         QStringLiteral("docker.io/dmcgowan/myapp@") + kRedisDigest},
        {kRedisDigest.mid(7, 63), QStringLiteral("docker.io/library/") + kRedisDigest.mid(7, 63)},
        {QStringLiteral("dbcc1"), QStringLiteral("docker.io/library/dbcc1")},
        // As docker's ParseNormalizedNamed reads it: the name "sha256" with a 64-character tag.
        {kRedisDigest, QStringLiteral("docker.io/library/") + kRedisDigest},
    };
    for (const Equivalent &c : equivalents) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parseNormalized(c.input);
        REQUIRE(r.hasValue());
        CHECK(r->toString() == c.full);
        // The full form parses strictly to the same reference.
        CHECK(Reference::parse(c.full).toOptional() == r.toOptional());
    }
    CHECK_FALSE(Reference::parseNormalized(kRedisDigest.mid(7)).hasValue());

    // TestParseDockerRef
    const Equivalent dockerRefs[] = {
        {QStringLiteral("busybox"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("busybox:latest"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("busybox@") + kE669Digest, QStringLiteral("docker.io/library/busybox@") + kE669Digest},
        {QStringLiteral("library/busybox"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("docker.io/busybox"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("docker.io/library/busybox"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("docker.io/busybox:latest"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("library/busybox:latest"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("docker.io/library/busybox:latest"), QStringLiteral("docker.io/library/busybox:latest")},
        {QStringLiteral("gcr.io/library/busybox"), QStringLiteral("gcr.io/library/busybox:latest")},
        {QStringLiteral("gcr.io/library/busybox:latest@") + kE669Digest,
         QStringLiteral("gcr.io/library/busybox@") + kE669Digest},
    };
    for (const Equivalent &c : dockerRefs) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parseDockerRef(c.input);
        REQUIRE(r.hasValue());
        CHECK(r->toString() == c.full);
        CHECK(Reference::parse(r->toString()).hasValue());
    }
}

TEST_CASE("Reference with tag and digest, familiar strings (TestParseReferenceWithTagAndDigest)", "[reference]")
{
    const QString shortRef = QStringLiteral("busybox:latest@") + kBusyboxDigest;
    const auto r = Reference::parseNormalized(shortRef);
    REQUIRE(r.hasValue());
    CHECK(r->toString() == QStringLiteral("docker.io/library/") + shortRef);
    CHECK(r->hasTag());
    CHECK(r->hasDigest());
    CHECK(r->familiarString() == shortRef);

    struct Familiar
    {
        QString input;
        QString familiar;
    };
    const Familiar cases[] = {
        {QStringLiteral("alpine"), QStringLiteral("alpine")},
        {QStringLiteral("alpine:3.19"), QStringLiteral("alpine:3.19")},
        {QStringLiteral("docker.io/library/alpine:3.19"), QStringLiteral("alpine:3.19")},
        {QStringLiteral("index.docker.io/library/alpine:3.19"), QStringLiteral("alpine:3.19")},
        {QStringLiteral("user/app"), QStringLiteral("user/app")},
        {QStringLiteral("docker.io/user/app:v1@") + kE669Digest, QStringLiteral("user/app:v1@") + kE669Digest},
        {QStringLiteral("library/foo/bar"), QStringLiteral("library/foo/bar")},
        {QStringLiteral("ghcr.io/owner/app:1"), QStringLiteral("ghcr.io/owner/app:1")},
        {QStringLiteral("localhost:5000/app"), QStringLiteral("localhost:5000/app")},
        {QStringLiteral("[::1]:5000/app"), QStringLiteral("[::1]:5000/app")},
        {QStringLiteral("registry-1.docker.io/library/alpine"), QStringLiteral("registry-1.docker.io/library/alpine")},
        // Found by fuzz_reference: docker would print "yboighcker.io/yo/d", which reads back as another
        // registry. Minato keeps the domain whenever the first element would be taken for one.
        {QStringLiteral("docker.io/yboighcker.io/yo/d"), QStringLiteral("docker.io/yboighcker.io/yo/d")},
        {QStringLiteral("docker.io/localhost/app"), QStringLiteral("docker.io/localhost/app")},
        {QStringLiteral("docker.io/library/foo.io"), QStringLiteral("foo.io")},
    };
    for (const Familiar &c : cases) {
        INFO("input: " << c.input.toStdString());
        const auto f = Reference::parseNormalized(c.input);
        REQUIRE(f.hasValue());
        CHECK(f->familiarString() == c.familiar);
        // The familiar string reads back to the same reference.
        CHECK(Reference::parseNormalized(f->familiarString()).toOptional() == f.toOptional());
    }
    // A strictly parsed reference without domain is its own familiar form.
    CHECK(Reference::parse(QStringLiteral("alpine:3")).value().familiarString() == QStringLiteral("alpine:3"));
}

TEST_CASE("Reference normalisation: alpine becomes docker.io/library/alpine:latest", "[reference]")
{
    const auto alpine = Reference::parseNormalized(QStringLiteral("alpine"));
    REQUIRE(alpine.hasValue());
    CHECK(alpine->toString() == QStringLiteral("docker.io/library/alpine"));
    CHECK(alpine->isNameOnly());
    const Reference tagged = alpine->withDefaultTag();
    CHECK(tagged.toString() == QStringLiteral("docker.io/library/alpine:latest"));
    CHECK(tagged.familiarString() == QStringLiteral("alpine:latest"));
    // withDefaultTag leaves references with a tag or a digest alone.
    const auto pinned = Reference::parseNormalized(QStringLiteral("alpine@") + kE669Digest).value();
    CHECK(pinned.withDefaultTag() == pinned);
    const auto versioned = Reference::parseNormalized(QStringLiteral("alpine:3")).value();
    CHECK(versioned.withDefaultTag() == versioned);
    CHECK(Reference().withDefaultTag() == Reference());

    // docker's FIXME, mirrored: a single element is never a domain, even "localhost:5000".
    const auto local = Reference::parseNormalized(QStringLiteral("localhost:5000")).value();
    CHECK(local.toString() == QStringLiteral("docker.io/library/localhost:5000"));
    CHECK(local.tag() == QStringLiteral("5000"));
    // Upper case in the repository is the clear error docker gives.
    const auto upper = Reference::parseNormalized(QStringLiteral("Alpine"));
    REQUIRE_FALSE(upper.hasValue());
    CHECK(upper.error().message().contains(QStringLiteral("repository name must be lowercase")));
    const auto upperTag = Reference::parseNormalized(QStringLiteral("alpine:LATEST"));
    REQUIRE(upperTag.hasValue());
    CHECK(upperTag->tag() == QStringLiteral("LATEST"));
}

TEST_CASE("Reference withTag, withDigest and the other copies (TestWithTag, TestWithDigest)", "[reference]")
{
    struct Case
    {
        QString name;
        QString digest;
        QString tag;
        QString combined;
    };
    const Case cases[] = {
        {QStringLiteral("test.com/foo"), {}, QStringLiteral("tag"), QStringLiteral("test.com/foo:tag")},
        {QStringLiteral("foo"), {}, QStringLiteral("tag2"), QStringLiteral("foo:tag2")},
        {QStringLiteral("test.com:8000/foo"), {}, QStringLiteral("tag4"), QStringLiteral("test.com:8000/foo:tag4")},
        {QStringLiteral("test.com:8000/foo"), {}, QStringLiteral("TAG5"), QStringLiteral("test.com:8000/foo:TAG5")},
        {QStringLiteral("test.com:8000/foo"), kE669Digest, QStringLiteral("TAG5"),
         QStringLiteral("test.com:8000/foo:TAG5@") + kE669Digest},
        {QStringLiteral("test.com/foo"), kE669Digest, {}, QStringLiteral("test.com/foo@") + kE669Digest},
        {QStringLiteral("foo"), kE669Digest, {}, QStringLiteral("foo@") + kE669Digest},
        {QStringLiteral("test.com:8000/foo"), kE669Digest, QStringLiteral("latest"),
         QStringLiteral("test.com:8000/foo:latest@") + kE669Digest},
    };
    for (const Case &c : cases) {
        INFO("name: " << c.name.toStdString());
        Reference r = Reference::parseName(c.name).value();
        if (!c.digest.isEmpty()) {
            r = r.withDigest(Digest::parse(c.digest).value());
        }
        if (!c.tag.isEmpty()) {
            const auto tagged = r.withTag(c.tag);
            REQUIRE(tagged.hasValue());
            r = tagged.value();
        }
        CHECK(r.toString() == c.combined);
        CHECK(Reference::parse(c.combined).value() == r);
    }

    const Reference busybox = Reference::parseNormalized(QStringLiteral("busybox")).value();
    const auto badTag = busybox.withTag(QStringLiteral("-foo"));
    REQUIRE_FALSE(badTag.hasValue());
    CHECK(badTag.error().field == QStringLiteral("tag"));

    const Reference both = Reference::parse(QStringLiteral("reg.io/a/b:v1@") + kE669Digest).value();
    CHECK(both.withoutTag().toString() == QStringLiteral("reg.io/a/b@") + kE669Digest);
    CHECK(both.withoutDigest().toString() == QStringLiteral("reg.io/a/b:v1"));
    CHECK(both.nameOnly().toString() == QStringLiteral("reg.io/a/b"));
    CHECK(both.nameOnly().isNameOnly());
}

TEST_CASE("Reference hosts, ports and the API endpoint", "[reference]")
{
    struct Case
    {
        QString input;
        QString host;
        int port;
        bool loopback;
        bool dockerHub;
        QString registryHost;
        QString endpoint;
    };
    const Case cases[] = {
        {QStringLiteral("alpine"), QStringLiteral("docker.io"), -1, false, true, QStringLiteral("registry-1.docker.io"),
         QStringLiteral("https://registry-1.docker.io")},
        {QStringLiteral("index.docker.io/user/app"), QStringLiteral("docker.io"), -1, false, true,
         QStringLiteral("registry-1.docker.io"), QStringLiteral("https://registry-1.docker.io")},
        {QStringLiteral("ghcr.io/o/app"), QStringLiteral("ghcr.io"), -1, false, false, QStringLiteral("ghcr.io"),
         QStringLiteral("https://ghcr.io")},
        {QStringLiteral("localhost/app"), QStringLiteral("localhost"), -1, true, false, QStringLiteral("localhost"),
         QStringLiteral("https://localhost")},
        {QStringLiteral("localhost:5000/app"), QStringLiteral("localhost"), 5000, true, false,
         QStringLiteral("localhost:5000"), QStringLiteral("https://localhost:5000")},
        {QStringLiteral("127.0.0.1:5000/app"), QStringLiteral("127.0.0.1"), 5000, true, false,
         QStringLiteral("127.0.0.1:5000"), QStringLiteral("https://127.0.0.1:5000")},
        {QStringLiteral("127.1.2.3/app"), QStringLiteral("127.1.2.3"), -1, true, false, QStringLiteral("127.1.2.3"),
         QStringLiteral("https://127.1.2.3")},
        {QStringLiteral("128.0.0.1/app"), QStringLiteral("128.0.0.1"), -1, false, false, QStringLiteral("128.0.0.1"),
         QStringLiteral("https://128.0.0.1")},
        {QStringLiteral("[::1]:5000/app"), QStringLiteral("[::1]"), 5000, true, false, QStringLiteral("[::1]:5000"),
         QStringLiteral("https://[::1]:5000")},
        {QStringLiteral("[0:0:0:0:0:0:0:1]/app"), QStringLiteral("[0:0:0:0:0:0:0:1]"), -1, true, false,
         QStringLiteral("[0:0:0:0:0:0:0:1]"), QStringLiteral("https://[::1]")},
        {QStringLiteral("[2001:db8::1]:443/app"), QStringLiteral("[2001:db8::1]"), 443, false, false,
         QStringLiteral("[2001:db8::1]:443"), QStringLiteral("https://[2001:db8::1]:443")},
        {QStringLiteral("LocalHost:80/app"), QStringLiteral("LocalHost"), 80, true, false,
         QStringLiteral("LocalHost:80"), QStringLiteral("https://localhost:80")},
    };
    for (const Case &c : cases) {
        INFO("input: " << c.input.toStdString());
        const auto r = Reference::parseNormalized(c.input);
        REQUIRE(r.hasValue());
        CHECK(r->host() == c.host);
        CHECK(r->port() == c.port);
        CHECK(r->isLoopback() == c.loopback);
        CHECK(r->isDockerHub() == c.dockerHub);
        CHECK(r->registryHost() == c.registryHost);
        CHECK(r->apiEndpoint().toString() == c.endpoint);
    }
    const auto local = Reference::parse(QStringLiteral("localhost:5000/app")).value();
    CHECK(local.apiEndpoint(QStringLiteral("http")).toString() == QStringLiteral("http://localhost:5000"));
    // A strictly parsed name without domain names no registry: its path lacks Hub's "library/", so sending
    // it to registry-1.docker.io would ask for the wrong repository. Network code uses parseNormalized().
    const auto bare = Reference::parse(QStringLiteral("alpine")).value();
    CHECK(bare.domain().isEmpty());
    CHECK(bare.path() == QStringLiteral("alpine"));
    CHECK_FALSE(bare.isDockerHub());
    CHECK(bare.registryHost().isEmpty());
    CHECK_FALSE(bare.apiEndpoint().isValid());
    CHECK(bare.apiEndpoint().isEmpty());
    const auto bareNested = Reference::parse(QStringLiteral("my_team/app:1")).value();
    CHECK(bareNested.domain().isEmpty());
    CHECK(bareNested.registryHost().isEmpty());
    CHECK_FALSE(bareNested.apiEndpoint().isValid());
    // The normalised form of the same text is Hub's (what `minatoctl ref` prints as "registry").
    const auto normalized = Reference::parseNormalized(QStringLiteral("alpine")).value();
    CHECK(normalized.path() == QStringLiteral("library/alpine"));
    CHECK(normalized.isDockerHub());
    CHECK(normalized.registryHost() == QStringLiteral("registry-1.docker.io"));
    CHECK(normalized.apiEndpoint().toString() == QStringLiteral("https://registry-1.docker.io"));
    // A stated Hub domain in a strict parse is Hub too.
    CHECK(Reference::parse(QStringLiteral("docker.io/library/alpine"))->registryHost() ==
          QStringLiteral("registry-1.docker.io"));
}

TEST_CASE("Default Reference is invalid", "[reference]")
{
    const Reference none;
    CHECK_FALSE(none.isValid());
    CHECK(none.toString().isEmpty());
    CHECK(none.familiarString().isEmpty());
    CHECK(none.port() == -1);
    CHECK_FALSE(none.hasTag());
    CHECK_FALSE(none.hasDigest());
}
