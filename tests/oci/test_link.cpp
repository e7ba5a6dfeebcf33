#include "oci/link.h"

#include "testsupport.h"

using Minato::Oci::formatLinkHeader;
using Minato::Oci::formatNextLink;
using Minato::Oci::Link;
using Minato::Oci::linkHeaderMaxLinks;
using Minato::Oci::linkHeaderMaxParams;
using Minato::Oci::LinkParam;
using Minato::Oci::nextLink;
using Minato::Oci::parseLinkHeader;
using Minato::Oci::resolveLinkTarget;

TEST_CASE("Link parses pagination headers registries send", "[link]")
{
    struct Case
    {
        const char *name;
        QByteArray header;
        QString nextTarget; // empty: no next link
        int links;
    };
    const Case cases[] = {
        {"distribution catalog", R"(</v2/_catalog?last=b&n=2>; rel="next")", QStringLiteral("/v2/_catalog?last=b&n=2"),
         1},
        {"distribution tags", R"(</v2/library/alpine/tags/list?last=3.18&n=100>; rel="next")",
         QStringLiteral("/v2/library/alpine/tags/list?last=3.18&n=100"), 1},
        {"absolute (ghcr style)", R"(<https://ghcr.io/v2/o/r/tags/list?last=v1&n=100>; rel="next")",
         QStringLiteral("https://ghcr.io/v2/o/r/tags/list?last=v1&n=100"), 1},
        {"unquoted rel token", "</v2/_catalog?n=10&last=x>; rel=next", QStringLiteral("/v2/_catalog?n=10&last=x"), 1},
        {"no spaces", R"(</a>;rel="next")", QStringLiteral("/a"), 1},
        {"lots of whitespace", "  </a>  ;   rel  =  \"next\"  ", QStringLiteral("/a"), 1},
        {"uppercase REL and NEXT", R"(</a>; REL="NEXT")", QStringLiteral("/a"), 1},
        {"several relation types", R"(</a>; rel="prefetch next")", QStringLiteral("/a"), 1},
        {"tab between relation types", "</a>; rel=\"prefetch\tnext\"", QStringLiteral("/a"), 1},
        {"prev then next", R"(</p>; rel="prev", </n>; rel="next")", QStringLiteral("/n"), 2},
        {"comma and semicolon inside the target", R"(</v2/x?a=1,2;b>; rel="next")", QStringLiteral("/v2/x?a=1,2;b"), 1},
        {"other params first", R"(</a>; title="Next, page"; type="application/json"; rel="next")", QStringLiteral("/a"),
         1},
        {"escaped quote in title", R"(</a>; title="say \"hi\""; rel="next")", QStringLiteral("/a"), 1},
        {"second rel ignored", R"(</a>; rel="prev"; rel="next")", QString(), 1},
        {"no rel", "</a>; title=x", QString(), 1},
        {"param without value", "</a>; crossorigin; rel=next", QStringLiteral("/a"), 1},
        {"empty list elements", ", ,</a>; rel=next,,  ,", QStringLiteral("/a"), 1},
        {"joined header lines", "</p>; rel=prev\n</n>; rel=next", QStringLiteral("/n"), 2},
        {"trailing semicolon", "</a>; rel=next;", QStringLiteral("/a"), 1},
        {"empty value", "", QString(), 0},
        {"only whitespace", "   ", QString(), 0},
        {"unquoted value with slash (lenient)", "</a>; type=text/html; rel=next", QStringLiteral("/a"), 1},
    };
    for (const Case &c : cases) {
        INFO(c.name);
        auto links = parseLinkHeader(c.header);
        REQUIRE(links.hasValue());
        CHECK(links->size() == c.links);
        const auto next = nextLink(*links);
        CHECK(next.has_value() == !c.nextTarget.isEmpty());
        if (next) {
            CHECK(next->target == c.nextTarget);
        }
    }
}

TEST_CASE("Link keeps parameters and relations", "[link]")
{
    auto links = parseLinkHeader(R"(</a>; Rel="Prev  Next"; Title="a \\ b \"c\""; rel="other"; hreflang=en)");
    REQUIRE(links.hasValue());
    REQUIRE(links->size() == 1);
    const Link &l = links->first();
    CHECK(l.relations == QStringList{QStringLiteral("prev"), QStringLiteral("next")});
    CHECK(l.hasRelation(u"NEXT"));
    CHECK_FALSE(l.hasRelation(u"other"));
    CHECK(l.param(u"TITLE") == QStringLiteral("a \\ b \"c\""));
    CHECK(l.param(u"rel") == QStringLiteral("Prev  Next")); // the first occurrence
    CHECK(l.param(u"hreflang") == QStringLiteral("en"));
    CHECK_FALSE(l.param(u"anchor").has_value());
    CHECK(l.params.size() == 4);
    CHECK(l.params.at(1) == LinkParam{QStringLiteral("title"), QStringLiteral("a \\ b \"c\"")});

    // Several header lines.
    auto multi = parseLinkHeader(QList<QByteArray>{"</p>; rel=prev", "</n>; rel=next"});
    REQUIRE(multi.hasValue());
    CHECK(multi->size() == 2);
    CHECK(nextLink(*multi)->target == QStringLiteral("/n"));
}

TEST_CASE("Link targets resolve against the request URL", "[link]")
{
    struct Case
    {
        QString request;
        QString target;
        QString expected;
    };
    const Case cases[] = {
        {QStringLiteral("https://r.example/v2/_catalog?n=100"), QStringLiteral("/v2/_catalog?last=x&n=100"),
         QStringLiteral("https://r.example/v2/_catalog?last=x&n=100")},
        {QStringLiteral("http://127.0.0.1:5000/v2/a/b/tags/list"), QStringLiteral("/v2/a/b/tags/list?last=v2&n=2"),
         QStringLiteral("http://127.0.0.1:5000/v2/a/b/tags/list?last=v2&n=2")},
        {QStringLiteral("https://r.example/v2/_catalog"), QStringLiteral("https://cdn.example/v2/_catalog?last=z"),
         QStringLiteral("https://cdn.example/v2/_catalog?last=z")},
        {QStringLiteral("https://r.example/v2/a/tags/list?n=1"), QStringLiteral("list?last=t"),
         QStringLiteral("https://r.example/v2/a/tags/list?last=t")},
        {QStringLiteral("https://r.example/v2/a/tags/list"), QStringLiteral("?last=t&n=5"),
         QStringLiteral("https://r.example/v2/a/tags/list?last=t&n=5")},
        {QStringLiteral("https://r.example/v2/_catalog"), QStringLiteral("//other.example/v2/_catalog"),
         QStringLiteral("https://other.example/v2/_catalog")},
    };
    for (const Case &c : cases) {
        INFO("target: " << c.target.toStdString());
        CHECK(resolveLinkTarget(QUrl(c.request), c.target) == QUrl(c.expected));
        Link l;
        l.target = c.target;
        CHECK(l.resolved(QUrl(c.request)).toString() == c.expected);
    }
}

TEST_CASE("Link formats the server's next link", "[link]")
{
    CHECK(formatNextLink(QUrl(QStringLiteral("/v2/_catalog?last=b&n=2"))) ==
          QByteArray(R"(</v2/_catalog?last=b&n=2>; rel="next")"));
    CHECK(formatNextLink(QUrl(QStringLiteral("/v2/a b/tags/list?last=x>y&n=1"))) ==
          QByteArray(R"(</v2/a%20b/tags/list?last=x%3Ey&n=1>; rel="next")"));
    CHECK(formatNextLink(QUrl(QStringLiteral("https://h.example:5000/v2/_catalog?n=1&last=a"))) ==
          QByteArray(R"(<https://h.example:5000/v2/_catalog?n=1&last=a>; rel="next")"));

    // What the server writes, the client reads back.
    const QUrl target(QStringLiteral("/v2/org/repo/tags/list?last=1.0&n=50"));
    auto parsed = parseLinkHeader(formatNextLink(target));
    REQUIRE(parsed.hasValue());
    CHECK(nextLink(*parsed)->resolved(QUrl(QStringLiteral("http://h/v2/org/repo/tags/list"))) ==
          QUrl(QStringLiteral("http://h/v2/org/repo/tags/list?last=1.0&n=50")));

    Link l;
    l.target = QStringLiteral("/a");
    l.params = {{QStringLiteral("rel"), QStringLiteral("next")},
                {QStringLiteral("title"), QStringLiteral("say \"hi\"\r\nX-Injected: 1")},
                {QStringLiteral("crossorigin"), QString()}};
    CHECK(l.toHeaderValue() == QByteArray(R"(</a>; rel="next"; title="say \"hi\"X-Injected: 1"; crossorigin)"));
    Link second;
    second.target = QStringLiteral("/b");
    second.params = {{QStringLiteral("rel"), QStringLiteral("prev")}};
    CHECK(formatLinkHeader({l, second}) ==
          QByteArray(R"(</a>; rel="next"; title="say \"hi\"X-Injected: 1"; crossorigin, </b>; rel="prev")"));
    // Characters outside the BMP (surrogate pairs in QString) survive formatting.
    Link emoji;
    emoji.target = QStringLiteral("/v2/😀");
    emoji.params = {{QStringLiteral("title"), QStringLiteral("タグ 😀")}};
    CHECK(emoji.toHeaderValue() == QStringLiteral("</v2/😀>; title=\"タグ 😀\"").toUtf8());
    auto roundTrip = parseLinkHeader(formatLinkHeader({l, second}));
    REQUIRE(roundTrip.hasValue());
    CHECK(roundTrip->size() == 2);
    CHECK(roundTrip->at(0).param(u"title") == QStringLiteral("say \"hi\"X-Injected: 1"));
    CHECK(roundTrip->at(1).hasRelation(u"prev"));
}

TEST_CASE("Link rejects malformed headers with a reason", "[link]")
{
    struct Case
    {
        QByteArray header;
        QString reasonContains;
    };
    QByteArray manyLinks;
    for (int i = 0; i <= linkHeaderMaxLinks; ++i) {
        manyLinks += "</a>; rel=next, ";
    }
    QByteArray manyParams = "</a>";
    for (int i = 0; i <= linkHeaderMaxParams; ++i) {
        manyParams += "; p=1";
    }
    const Case cases[] = {
        {"/v2/_catalog?last=b; rel=next", QStringLiteral("expected '<' to start a link at position 0")},
        {"rel=\"next\"", QStringLiteral("expected '<'")},
        {"</v2/_catalog; rel=next", QStringLiteral("not closed by '>'")},
        {"</a> rel=next", QStringLiteral("expected ';' or ','")},
        {"</a>; rel=\"next", QStringLiteral("not closed by '\"'")},
        {"</a>; rel=\"ne\\", QStringLiteral("not closed by '\"'")},
        {"</a>; =next", QStringLiteral("expected a parameter name")},
        {"</a>; rel=", QStringLiteral("has '=' but no value")},
        {"</a>; rel=; title=x", QStringLiteral("has '=' but no value")},
        {"</a>; rel=\"a\x01"
         "b\"",
         QStringLiteral("control character 0x01")},
        {QByteArray("</a\0b>; rel=next", 16), QStringLiteral("control character 0x00")},
        {"</a>; rel=next </b>", QStringLiteral("expected ';' or ','")},
        {"</a>; rel=\"next\"x", QStringLiteral("expected ';' or ','")},
        {"</a>, junk", QStringLiteral("expected '<'")},
        {manyLinks, QStringLiteral("more than 64 links")},
        {manyParams, QStringLiteral("more than 32 parameters")},
        {"<" + QByteArray(70000, 'a') + ">", QStringLiteral("more than the 65536 accepted")},
    };
    for (const Case &c : cases) {
        INFO("header: " << c.header.left(80).toStdString());
        auto links = parseLinkHeader(c.header);
        REQUIRE_FALSE(links.hasValue());
        CHECK(links.error().field == QStringLiteral("Link header"));
        CHECK(links.error().reason.contains(c.reasonContains));
    }
    auto multi = parseLinkHeader(QList<QByteArray>{"</a>; rel=next", "broken"});
    REQUIRE_FALSE(multi.hasValue());
    CHECK(multi.error().reason.contains(QStringLiteral("expected '<'")));
}

TEST_CASE("Link errors keep untrusted text out of the format string", "[link]")
{
    // A target holding "%2F" and more parameters than accepted: a chained .arg() used to substitute the
    // parameter limit into the target's "%2".
    QByteArray header = "</v2/a%2Fb%1%3/tags/list?last=%2F>";
    for (int i = 0; i < 200; ++i) {
        header += "; p" + QByteArray::number(i) + "=x";
    }
    const auto links = Minato::Oci::parseLinkHeader(header);
    REQUIRE_FALSE(links.hasValue());
    const QString reason = links.error().reason;
    INFO(reason.toStdString());
    CHECK(reason.contains(QStringLiteral("\"/v2/a%2Fb%1%3/tags/list?last=%2F\"")));
    CHECK(reason.contains(QStringLiteral("parameters")));
}
