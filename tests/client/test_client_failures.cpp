// How operations fail, against StandInServer: a stand-in, because these are misbehaviours on cue (never
// answering, HTML, a Link loop, 429, a cross-origin redirect) that no real peer produces on demand.
#include "clienttestsupport.h"
#include "standinserver.h"

#include "client/blobquery.h"
#include "client/manifestquery.h"
#include "client/pingquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include "oci/mediatype.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QElapsedTimer>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

ConnectionProfile profileFor(const QUrl &base, int timeoutMs = 10000)
{
    ConnectionProfile p;
    p.name = QStringLiteral("stand-in");
    p.baseUrl = base;
    p.timeoutMs = timeoutMs;
    return p;
}

const QByteArray ociManifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                               R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,)"
                               R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},)"
                               R"("layers":[]})";

} // namespace

TEST_CASE("A registry that never answers ends as Timeout, not Cancelled", "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    server.setHandler([](const StandInRequest &) { return StandInResponse::noAnswer(); });
    RegistryClient client(profileFor(server.baseUrl(), 300));
    int finishedCount = 0;
    const auto r = runToEnd<PingQuery, PingResult>(client.ping(), 10000, &finishedCount);
    REQUIRE(r);
    REQUIRE_FALSE(r->hasValue());
    CHECK(r->error().kind() == ClientError::Kind::Timeout);
    CHECK_FALSE(r->isCancelled());
    CHECK(finishedCount == 1);
}

TEST_CASE("cancel() ends an operation once, as Cancelled", "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    server.setHandler([](const StandInRequest &) { return StandInResponse::noAnswer(); });
    RegistryClient client(profileFor(server.baseUrl(), 500));
    auto *query = client.tags(QStringLiteral("team/app"));
    QSignalSpy finished(query, &TagsQuery::finished);
    QSignalSpy received(&server, &StandInServer::requestReceived);
    query->start();
    REQUIRE(received.wait(5000));
    query->cancel();
    REQUIRE(finished.count() == 1);
    const auto result = finished.first().first().value<ListResult>();
    CHECK(result.isCancelled());
    CHECK(result.error().kind() == ClientError::Kind::Cancelled);
    // Past the transfer timeout: nothing more arrives (no late Timeout after our own abort).
    CHECK_FALSE(finished.wait(1000));
    CHECK(finished.count() == 1);
    query->cancel();
    CHECK(finished.count() == 1);
}

TEST_CASE("Unusable answers are InvalidResponse", "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    const Digest good = Sha256Hasher::digestOf(ociManifest);
    const QByteArray other = Sha256Hasher::digestOf("something else").toString().toLatin1();
    server.setHandler([&](const StandInRequest &r) {
        if (r.path == "/v2/html/tags/list") {
            StandInResponse html;
            html.body = "<html><body>Sign in to Corporate Proxy</body></html>";
            html.headers.append(qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/html")));
            return html;
        }
        if (r.path.startsWith("/v2/lying/manifests/")) {
            StandInResponse lying;
            lying.body = ociManifest;
            lying.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                             {"Docker-Content-Digest", other}};
            return lying;
        }
        if (r.path.startsWith("/v2/honest/manifests/")) {
            StandInResponse ok;
            ok.body = ociManifest;
            ok.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}};
            return ok;
        }
        if (r.path.startsWith("/v2/huge/manifests/")) {
            StandInResponse big;
            big.body = QByteArray(5 * 1024 * 1024, ' ');
            return big;
        }
        return StandInResponse::json(404, "{}");
    });
    RegistryClient client(profileFor(server.baseUrl()));

    SECTION("HTML instead of JSON")
    {
        QList<QStringList> chunks;
        const auto r = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("html")), chunks);
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::InvalidResponse);
        CHECK(r->error().invalidReason() == ClientError::Invalid::BadContent);
        CHECK(chunks.isEmpty());
    }
    SECTION("Docker-Content-Digest disagrees with the body")
    {
        const auto r =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("lying"), QStringLiteral("v1")));
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().kind() == ClientError::Kind::InvalidResponse);
        CHECK(r->error().invalidReason() == ClientError::Invalid::DigestMismatch);
    }
    SECTION("the body does not hash to the digest asked for")
    {
        const auto ok =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("honest"), good.toString()));
        REQUIRE(ok);
        REQUIRE(ok->hasValue());
        const auto r = runToEnd<ManifestQuery, ManifestResult>(
            client.manifest(QStringLiteral("honest"), QString::fromLatin1(other)));
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().invalidReason() == ClientError::Invalid::DigestMismatch);
    }
    SECTION("a manifest over 4 MiB is refused while it arrives")
    {
        const auto r =
            runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("huge"), QStringLiteral("v1")));
        REQUIRE(r);
        REQUIRE_FALSE(r->hasValue());
        CHECK(r->error().invalidReason() == ClientError::Invalid::TooLarge);
    }
    SECTION("every manifest and blob request asks for identity encoding and the Minato User-Agent")
    {
        runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("honest"), QStringLiteral("v1")));
        REQUIRE_FALSE(server.requests().isEmpty());
        const StandInRequest &req = server.requests().last();
        CHECK(req.header("Accept-Encoding") == "identity");
        CHECK(req.header("User-Agent").startsWith("Minato/"));
        CHECK(req.header("Accept").contains("application/vnd.oci.image.index.v1+json"));
    }
}

TEST_CASE("A Link loop ends the listing with what was listed", "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    server.setHandler([](const StandInRequest &r) {
        if (r.queryValue("last") == "b") {
            return StandInResponse::json(200, R"({"name":"loop","tags":["c","d"]})")
                .withHeader("Link", R"(</v2/loop/tags/list?n=2>; rel="next")");
        }
        return StandInResponse::json(200, R"({"name":"loop","tags":["a","b"]})")
            .withHeader("Link", R"(</v2/loop/tags/list?n=2&last=b>; rel="next")");
    });
    RegistryClient client(profileFor(server.baseUrl()));
    QList<QStringList> chunks;
    const auto r = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("loop"), 2), chunks, 10000);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().stoppedOnLoop);
    CHECK(flatten(chunks) ==
          QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")});
    CHECK(server.requests().size() == 2);
}

TEST_CASE("429 with Retry-After is RateLimited", "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    server.setHandler([](const StandInRequest &) {
        return StandInResponse::json(429, R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})")
            .withHeader("Retry-After", "7");
    });
    RegistryClient client(profileFor(server.baseUrl()));
    const auto r =
        runToEnd<ManifestQuery, ManifestResult>(client.manifest(QStringLiteral("a/b"), QStringLiteral("v1")));
    REQUIRE(r);
    REQUIRE_FALSE(r->hasValue());
    CHECK(r->error().kind() == ClientError::Kind::RateLimited);
    CHECK(r->error().retryAfterSeconds() == 7);
    CHECK(r->error().httpStatus() == 429);
    CHECK(r->error().message().contains(QStringLiteral("7")));
}

TEST_CASE("A redirect to another host never carries the Authorization header", "[client][failures][auth]")
{
    // The registry on 127.0.0.1 wants Basic auth and redirects blob GETs to "storage" on 127.0.0.2, as
    // registries do to CDNs and presigned URLs. Qt alone would re-send Authorization there (PLATFORM.md).
    StandInServer storage(QHostAddress(QStringLiteral("127.0.0.2")));
    if (!storage.listen()) {
        FAIL("cannot listen on 127.0.0.2");
    }
    const QByteArray blob =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
    const Digest digest = Sha256Hasher::digestOf(blob);
    bool leaked = false;
    storage.setHandler([&](const StandInRequest &r) {
        leaked = leaked || r.hasHeader("Authorization") || r.hasHeader("Cookie");
        if (r.path == "/blobs/denied") {
            return StandInResponse::json(403, R"({"errors":[{"code":"DENIED"}]})");
        }
        StandInResponse ok;
        ok.body = blob;
        ok.headers = {{"Content-Type", "application/octet-stream"}};
        return ok;
    });

    StandInServer registry;
    REQUIRE(registry.listen());
    const QByteArray expected = "Basic " + QByteArray("user:pw").toBase64();
    registry.setHandler([&](const StandInRequest &r) {
        if (r.header("Authorization") != expected) {
            return StandInResponse::json(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})")
                .withHeader("WWW-Authenticate", R"(Basic realm="stand-in")");
        }
        StandInResponse redirect;
        redirect.status = 307;
        const QByteArray target = r.path.endsWith(digest.toString().toLatin1()) ? "/blobs/x" : "/blobs/denied";
        redirect.headers = {{"Location", storage.baseUrl().toEncoded() + target + "?X-Amz-Signature=secret"},
                            {"Set-Cookie", "session=abc; Path=/"}};
        return redirect;
    });

    RegistryClient client(profileFor(registry.baseUrl()));
    client.setCredentials(Credentials{QStringLiteral("user"), QStringLiteral("pw"), false});
    BlobQuery::Options options;
    options.parseImageConfig = true;
    const auto r =
        runToEnd<BlobQuery, BlobResult>(new BlobQuery(&client, QStringLiteral("team/app"), digest, options, &client));
    REQUIRE(r);
    INFO((r->hasValue() ? QString() : r->error().technicalDetail()).toStdString());
    REQUIRE(r->hasValue());
    CHECK(r->value().data == blob);
    REQUIRE(storage.requests().size() == 1);
    CHECK(storage.requests().first().query == "X-Amz-Signature=secret");
    CHECK_FALSE(leaked);
    CHECK(registry.requests().size() == 2); // challenge, then Basic (known up front from now on)

    // A failure at the storage host: its presigned query never reaches the error's detail (logs).
    const Digest missing = Sha256Hasher::digestOf("missing");
    const auto denied =
        runToEnd<BlobQuery, BlobResult>(new BlobQuery(&client, QStringLiteral("team/app"), missing, {}, &client));
    REQUIRE(denied);
    REQUIRE_FALSE(denied->hasValue());
    CHECK(denied->error().kind() == ClientError::Kind::Registry);
    CHECK(denied->error().technicalDetail().contains(QStringLiteral("127.0.0.2")));
    CHECK_FALSE(denied->error().technicalDetail().contains(QStringLiteral("secret")));
    CHECK(registry.requests().size() == 3); // Basic sent pre-emptively: no second challenge
    CHECK_FALSE(leaked);
}

TEST_CASE("A registry that ignores n: 30,000 tags parsed off the GUI thread, handed over in pages",
          "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    QStringList all;
    for (int i = 0; i < 30000; ++i) {
        all.append(QStringLiteral("tag-%1").arg(i, 5, 10, QLatin1Char('0')));
    }
    const QByteArray body = "{\"name\":\"big\",\"tags\":[\"" + all.join(QStringLiteral("\",\"")).toLatin1() + "\"]}";
    REQUIRE(body.size() > Operation::OffThreadParseBytes);
    server.setHandler([&](const StandInRequest &) { return StandInResponse::json(200, body); });
    RegistryClient client(profileFor(server.baseUrl()));
    QList<QStringList> chunks;
    const auto r = runList<TagsQuery, ListResult>(client.tags(QStringLiteral("big"), 500), chunks);
    REQUIRE(r);
    REQUIRE(r->hasValue());
    CHECK(r->value().items == 30000);
    CHECK(chunks.size() == 60);
    CHECK(flatten(chunks) == all);
}

TEST_CASE("A path prefix (Artifactory style) goes before /v2/", "[client][failures]")
{
    StandInServer server;
    REQUIRE(server.listen());
    server.setHandler([](const StandInRequest &r) {
        if (r.path == "/artifactory/api/docker/local/v2/") {
            return StandInResponse::json(200, "{}").withHeader("Docker-Distribution-API-Version", "registry/2.0");
        }
        return StandInResponse::json(404, "{}");
    });
    QUrl base = server.baseUrl();
    base.setPath(QStringLiteral("/artifactory/api/docker/local"));
    RegistryClient client(profileFor(base));
    const auto ok = runToEnd<PingQuery, PingResult>(client.ping());
    REQUIRE(ok);
    REQUIRE(ok->hasValue());
    CHECK(ok->value().apiVersion == QStringLiteral("registry/2.0"));

    RegistryClient withoutPrefix(profileFor(server.baseUrl()));
    const auto wrong = runToEnd<PingQuery, PingResult>(withoutPrefix.ping());
    REQUIRE(wrong);
    REQUIRE_FALSE(wrong->hasValue());
    CHECK(wrong->error().kind() == ClientError::Kind::InvalidResponse);
}

TEST_CASE("A refused connection is a Transport error", "[client][failures]")
{
    quint16 port = 0;
    {
        StandInServer closed;
        REQUIRE(closed.listen());
        port = closed.port();
    }
    RegistryClient client(profileFor(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
    const auto r = runToEnd<PingQuery, PingResult>(client.ping());
    REQUIRE(r);
    REQUIRE_FALSE(r->hasValue());
    CHECK(r->error().kind() == ClientError::Kind::Transport);
}
