// Every endpoint × anonymous / reader / writer / admin, under Basic and under token authentication: the
// authorization seam is asked by each handler, and each refusal has the right status — 401 with a challenge
// for anonymous requests, 403 DENIED for users the rules do not allow.
#include "accesstestsupport.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Minato::Registry;
using namespace Minato::Registry::Test;

namespace {

enum class Needs { Base, Catalog, Pull, Push, Delete };

struct Role
{
    const char *name;
    QByteArray user; // empty: anonymous
    QByteArray password;
    QList<Needs> may; // besides Base and Catalog, which every signed-in user may use
};

struct Row
{
    QByteArray method;
    QByteArray target;
    Needs needs;
    QByteArray body;
    QByteArray contentType;
};

QByteArray descriptorJson(const char *mediaType, const QByteArray &bytes)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("mediaType"), QString::fromLatin1(mediaType)},
                                     {QStringLiteral("digest"), Minato::Oci::Sha256Hasher::digestOf(bytes).toString()},
                                     {QStringLiteral("size"), bytes.size()}})
        .toJson(QJsonDocument::Compact);
}

void runMatrix(AccessHarness::Mode mode)
{
    AccessHarness h(mode);
    const QStringList allScopes{QStringLiteral("repository:team/app:pull,push,delete"),
                                QStringLiteral("registry:catalog:*")};
    auto authorizationOf = [&h, mode, &allScopes](const Role &role) -> QByteArray {
        if (role.user.isEmpty()) {
            return {};
        }
        if (mode == AccessHarness::Mode::Basic) {
            return basic(role.user, role.password);
        }
        return AccessHarness::bearer(h.token(basic(role.user, role.password), allScopes));
    };

    // The admin (carol) puts an image in team/app: a layer, a config, a manifest tagged v1 and "gone".
    const Role admin{"admin", "carol", "pw3", {Needs::Pull, Needs::Push, Needs::Delete}};
    const QByteArray adminAuth = authorizationOf(admin);
    const QByteArray config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    const QByteArray layer = "layer bytes";
    const QByteArray layerDigest = h.pushBlob("team/app", layer, adminAuth);
    h.pushBlob("team/app", config, adminAuth);
    const QByteArray manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                                R"("config":)" +
                                descriptorJson("application/vnd.oci.image.config.v1+json", config) + R"(,"layers":[)" +
                                descriptorJson("application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}";
    const QByteArray manifestType = "application/vnd.oci.image.manifest.v1+json";
    const QByteArray manifestDigest = Minato::Oci::Sha256Hasher::digestOf(manifest).toString().toLatin1();
    for (const QByteArray &tag : {QByteArray("v1"), QByteArray("gone")}) {
        auto put = h.send("PUT", "/v2/team/app/manifests/" + tag, adminAuth, manifest,
                          HttpHeaders{{"Content-Type", manifestType}});
        REQUIRE(put->status == 201);
    }

    const QByteArray session = "/v2/team/app/blobs/uploads/0b1c2d3e-0000-4000-8000-000000000000";
    const QList<Row> rows = {
        {"GET", "/v2/", Needs::Base, {}, {}},
        {"GET", "/v2/_catalog", Needs::Catalog, {}, {}},
        {"HEAD", "/v2/team/app/blobs/" + layerDigest, Needs::Pull, {}, {}},
        {"GET", "/v2/team/app/blobs/" + layerDigest, Needs::Pull, {}, {}},
        {"GET", "/v2/team/app/manifests/v1", Needs::Pull, {}, {}},
        {"HEAD", "/v2/team/app/manifests/" + manifestDigest, Needs::Pull, {}, {}},
        {"GET", "/v2/team/app/tags/list", Needs::Pull, {}, {}},
        {"GET", "/v2/team/app/referrers/" + manifestDigest, Needs::Pull, {}, {}},
        {"POST", "/v2/team/app/blobs/uploads/", Needs::Push, {}, {}},
        {"POST", "/v2/team/app/blobs/uploads/?mount=" + layerDigest + "&from=team/app", Needs::Push, {}, {}},
        {"POST", "/v2/team/app/blobs/uploads/?digest=" + layerDigest, Needs::Push, layer, {}},
        {"PATCH", session, Needs::Push, "abc", {}},
        {"PUT", session + "?digest=" + layerDigest, Needs::Push, {}, {}},
        {"GET", session, Needs::Push, {}, {}},
        {"DELETE", session, Needs::Push, {}, {}},
        {"PUT", "/v2/team/app/manifests/v2", Needs::Push, manifest, manifestType},
        {"DELETE", "/v2/team/app/manifests/gone", Needs::Delete, {}, {}},
        {"DELETE", "/v2/team/app/manifests/" + manifestDigest, Needs::Delete, {}, {}},
        {"DELETE", "/v2/team/app/blobs/" + layerDigest, Needs::Delete, {}, {}},
    };
    // Deletions come last in each row's run of roles, from the only role allowed to delete (the admin).
    const QList<Role> roles = {
        {"anonymous", {}, {}, {}},
        {"reader", "bob", "hunter2", {Needs::Pull}},
        {"writer", "alice", "secret", {Needs::Pull, Needs::Push}},
        admin,
    };
    for (const Role &role : roles) {
        const QByteArray authorization = authorizationOf(role);
        for (const Row &row : rows) {
            const bool anonymous = role.user.isEmpty();
            bool allowed = role.may.contains(row.needs);
            if (row.needs == Needs::Base) {
                allowed = !anonymous;
            } else if (row.needs == Needs::Catalog) {
                // Basic: anyone may ask (the list is filtered); tokens: registry:catalog:* needs a token.
                allowed = !anonymous || mode == AccessHarness::Mode::Basic;
            }
            HttpHeaders headers;
            if (!row.contentType.isEmpty()) {
                headers.add("Content-Type", row.contentType);
            }
            auto ex = h.send(row.method, row.target, authorization, row.body, headers);
            INFO((QString::fromLatin1(role.name) + u' ' + QString::fromLatin1(row.method + ' ' + row.target) +
                  QStringLiteral(" → %1 ").arg(ex->status) + QString::fromUtf8(ex->responseBody.left(200)))
                     .toStdString());
            if (allowed) {
                CHECK(ex->status != 401);
                CHECK(ex->status != 403);
            } else if (anonymous) {
                CHECK(ex->status == 401);
                CHECK(ex->errorCode() == QStringLiteral("UNAUTHORIZED"));
                CHECK_FALSE(ex->header("WWW-Authenticate").isEmpty());
            } else {
                CHECK(ex->status == 403);
                CHECK(ex->errorCode() == QStringLiteral("DENIED"));
            }
        }
    }
    // What the admin deleted is gone (the deletes really ran, not refused).
    CHECK(h.send("GET", "/v2/team/app/manifests/gone", adminAuth)->status == 404);
    CHECK(h.send("HEAD", "/v2/team/app/blobs/" + layerDigest, adminAuth)->status == 404);
}

} // namespace

TEST_CASE("Access matrix under Basic auth: every endpoint x anonymous, reader, writer, admin", "[registry][access]")
{
    runMatrix(AccessHarness::Mode::Basic);
}

TEST_CASE("Access matrix under token auth: every endpoint x anonymous, reader, writer, admin", "[registry][token]")
{
    runMatrix(AccessHarness::Mode::Token);
}
