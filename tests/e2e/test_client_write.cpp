// Writing to real registries — minato-registry and the CNCF reference registry (distribution 2.8, delete
// enabled and disabled): ManifestPut, Retag within and across repositories (mounts, an index's children, a
// blob that will not mount), DeletePlanQuery (other tags, children, referrers — exactly), DeleteTag (the OCI
// tag delete on minato-registry; on the reference registry 400 → delete by digest when it is the only tag,
// refused with a sentence when another tag names it), delete disabled, sign-in and permission sentences, and
// BulkDelete with per-item results, progress and cancel. Content is pushed with plain HTTP requests; skopeo
// reads back what a retag produced.
#include "embeddedregistryprocess.h"
#include "httpfetch.h"
#include "ocilayout.h"
#include "referenceregistry.h"
#include "registrycontent.h"

#include "client/bulkdelete.h"
#include "client/deleteimage.h"
#include "client/deleteplan.h"
#include "client/deletetag.h"
#include "client/manifestdelete.h"
#include "client/manifestput.h"
#include "client/manifestquery.h"
#include "client/registryclient.h"
#include "client/retag.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>

using namespace Minato::Client;
using namespace Minato::Test;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";

// ---- the registries --------------------------------------------------------------------------------------------

class Peer
{
public:
    enum class Kind { Minato, Reference, ReferenceNoDelete };

    explicit Peer(Kind kind)
        : m_kind(kind)
    {
        if (kind == Kind::Minato) {
            m_minato = std::make_unique<EmbeddedRegistryProcess>();
        } else {
            ReferenceRegistry::Options options;
            options.deleteEnabled = kind == Kind::Reference;
            m_reference = std::make_unique<ReferenceRegistry>(options);
        }
    }

    void start(const QStringList &arguments = {})
    {
        const bool ok = m_minato ? m_minato->start(arguments) : m_reference->start();
        INFO((m_minato ? m_minato->errorString() : m_reference->errorString()).toStdString());
        REQUIRE(ok);
    }
    QUrl baseUrl() const { return m_minato ? m_minato->baseUrl() : m_reference->baseUrl(); }
    QString hostPort() const { return m_minato ? m_minato->hostPort() : m_reference->hostPort(); }
    std::string name() const
    {
        switch (m_kind) {
        case Kind::Minato:
            return "minato-registry";
        case Kind::Reference:
            return "reference registry";
        case Kind::ReferenceNoDelete:
            break;
        }
        return "reference registry, delete disabled";
    }
    Kind kind() const { return m_kind; }
    EmbeddedRegistryProcess *minato() const { return m_minato.get(); }

private:
    Kind m_kind;
    std::unique_ptr<EmbeddedRegistryProcess> m_minato;
    std::unique_ptr<ReferenceRegistry> m_reference;
};

// ---- content, pushed with plain HTTP ---------------------------------------------------------------------------

struct Image
{
    QByteArray manifest;
    Digest digest;
    QByteArray config;
    QByteArray layer;
    QString architecture;
    QJsonObject descriptor() const
    {
        QJsonObject d = descriptorOf(QString::fromLatin1(kOciManifest), manifest);
        d.insert(QStringLiteral("platform"), QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                                         {QStringLiteral("architecture"), architecture}});
        return d;
    }
};

// An image (config and one layer, both unique to `seed`) in `repository`, pushed as `reference` (a tag, or
// empty: by its digest).
Image pushImage(const QUrl &base, const QString &repository, const QString &reference, const QString &seed,
                const QString &architecture = QStringLiteral("amd64"), const HttpHeaders &auth = {})
{
    Image image;
    image.architecture = architecture;
    image.config = QJsonDocument(QJsonObject{{QStringLiteral("architecture"), architecture},
                                             {QStringLiteral("os"), QStringLiteral("linux")},
                                             {QStringLiteral("rootfs"),
                                              QJsonObject{{QStringLiteral("type"), QStringLiteral("layers")},
                                                          {QStringLiteral("diff_ids"), QJsonArray()}}},
                                             {QStringLiteral("author"), seed}})
                       .toJson(QJsonDocument::Compact);
    image.layer = "layer of " + seed.toUtf8();
    pushBlob(base, repository, image.config, auth);
    pushBlob(base, repository, image.layer, auth);
    image.manifest =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), QString::fromLatin1(kOciManifest)},
                {QStringLiteral("config"),
                 descriptorOf(QStringLiteral("application/vnd.oci.image.config.v1+json"), image.config)},
                {QStringLiteral("layers"),
                 QJsonArray{descriptorOf(QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), image.layer)}}})
            .toJson(QJsonDocument::Compact);
    image.digest = Sha256Hasher::digestOf(image.manifest);
    putManifest(base, repository, reference.isEmpty() ? image.digest.toString() : reference, image.manifest,
                kOciManifest, auth);
    return image;
}

// An OCI index of `children` (already pushed) tagged `tag`; its bytes.
QByteArray pushIndex(const QUrl &base, const QString &repository, const QString &tag, const QList<Image> &children)
{
    QJsonArray manifests;
    for (const Image &child : children) {
        manifests.append(child.descriptor());
    }
    const QByteArray index = QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                                       {QStringLiteral("mediaType"), QString::fromLatin1(kOciIndex)},
                                                       {QStringLiteral("manifests"), manifests}})
                                 .toJson(QJsonDocument::Compact);
    putManifest(base, repository, tag, index, kOciIndex);
    return index;
}

// A cosign-style signature artifact referring to `subject`. A registry without the referrers API (the reference
// registry) gets the referrers tag schema's index too (spec "Pushing Manifests with Subject").
Digest pushSignature(const Peer &peer, const QString &repository, const Image &subject)
{
    const QUrl base = peer.baseUrl();
    const QString artifactType = QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json");
    pushBlob(base, repository, "{}");
    const QByteArray content = "signature of " + subject.digest.toString().toLatin1();
    pushBlob(base, repository, content);
    const QByteArray manifest =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), QString::fromLatin1(kOciManifest)},
                {QStringLiteral("artifactType"), artifactType},
                {QStringLiteral("config"), descriptorOf(QStringLiteral("application/vnd.oci.empty.v1+json"), "{}")},
                {QStringLiteral("layers"), QJsonArray{descriptorOf(artifactType, content)}},
                {QStringLiteral("subject"), descriptorOf(QString::fromLatin1(kOciManifest), subject.manifest)},
            })
            .toJson(QJsonDocument::Compact);
    const Digest digest = Sha256Hasher::digestOf(manifest);
    putManifest(base, repository, digest.toString(), manifest, kOciManifest);
    if (peer.kind() != Peer::Kind::Minato) {
        QJsonObject entry = descriptorOf(QString::fromLatin1(kOciManifest), manifest);
        entry.insert(QStringLiteral("artifactType"), artifactType);
        const QByteArray index =
            QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                      {QStringLiteral("mediaType"), QString::fromLatin1(kOciIndex)},
                                      {QStringLiteral("manifests"), QJsonArray{entry}}})
                .toJson(QJsonDocument::Compact);
        putManifest(base, repository, QStringLiteral("sha256-") + subject.digest.hex(), index, kOciIndex);
    }
    return digest;
}

QByteArray headDigest(const QUrl &base, const QString &repository, const QString &reference)
{
    return httpFetch("HEAD", urlOn(base, QStringLiteral("/v2/%1/manifests/%2").arg(repository, reference)),
                     {{"Accept", manifestAccept()}})
        .header("Docker-Content-Digest");
}

// ---- running operations ----------------------------------------------------------------------------------------

DeletePlanResult planOf(RegistryClient &client, const QString &repository, const QString &reference,
                        int maxTagChecks = 1000)
{
    DeletePlanQuery::Options options;
    options.maxTagChecks = maxTagChecks;
    return requireResult<DeletePlanQuery, DeletePlanResult>(
        new DeletePlanQuery(&client, repository, reference, options, &client));
}

DeleteResult deleteTag(RegistryClient &client, const QString &repository, const QString &tag)
{
    return requireResult<DeleteTag, DeleteResult>(new DeleteTag(&client, repository, tag, {}, &client));
}

QString why(const ClientError &e)
{
    return e.message() + QStringLiteral(" | ") + e.technicalDetail();
}

} // namespace

TEST_CASE("ManifestPut: the exact bytes under a tag or a digest, the answer's digest checked", "[client][write]")
{
    Peer peer(GENERATE(Peer::Kind::Minato, Peer::Kind::Reference));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const Image image = pushImage(base, QStringLiteral("put/app"), QStringLiteral("base"), QStringLiteral("put"));
    RegistryClient client(profileFor(base));

    // The same manifest written differently: other bytes, another digest — kept byte for byte.
    const QByteArray pretty = QJsonDocument::fromJson(image.manifest).toJson(QJsonDocument::Indented);
    REQUIRE(pretty != image.manifest);
    const ManifestPutResult byTag = requireResult<ManifestPut, ManifestPutResult>(new ManifestPut(
        &client, QStringLiteral("put/app"), QStringLiteral("pretty"), pretty, QString::fromLatin1(kOciManifest)));
    INFO((byTag ? QString() : why(byTag.error())).toStdString());
    REQUIRE(byTag);
    CHECK(byTag->digest == Sha256Hasher::digestOf(pretty));
    CHECK(byTag->digestConfirmed);
    const HttpResult read =
        httpFetch("GET", urlOn(base, QStringLiteral("/v2/put/app/manifests/pretty")), {{"Accept", manifestAccept()}});
    CHECK(read.body == pretty);
    CHECK(read.header("Content-Type") == kOciManifest);

    const ManifestPutResult byDigest = requireResult<ManifestPut, ManifestPutResult>(
        new ManifestPut(&client, QStringLiteral("put/other"), image.digest.toString(), image.manifest,
                        QString::fromLatin1(kOciManifest)));
    // put/other has none of the blobs: the registry refuses, and the sentence says what is missing.
    REQUIRE_FALSE(byDigest);
    CHECK(byDigest.error().message().contains(QStringLiteral("lacks blobs")));

    const ManifestPutResult again = requireResult<ManifestPut, ManifestPutResult>(
        new ManifestPut(&client, QStringLiteral("put/app"), image.digest.toString(), image.manifest,
                        QString::fromLatin1(kOciManifest)));
    REQUIRE(again);
    CHECK(again->digest == image.digest);

    const ManifestPutResult wrong = requireResult<ManifestPut, ManifestPutResult>(
        new ManifestPut(&client, QStringLiteral("put/app"), Sha256Hasher::digestOf("other").toString(), image.manifest,
                        QString::fromLatin1(kOciManifest)));
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().kind() == ClientError::Kind::InvalidRequest);
}

TEST_CASE("Retag: within a repository and across, the digest unchanged", "[client][write][retag]")
{
    Peer peer(GENERATE(Peer::Kind::Minato, Peer::Kind::Reference));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const QString src = QStringLiteral("src/app");
    const Image v1 = pushImage(base, src, QStringLiteral("v1"), QStringLiteral("retag v1"));
    const Image amd64 = pushImage(base, src, {}, QStringLiteral("retag amd64"));
    const Image arm64 = pushImage(base, src, {}, QStringLiteral("retag arm64"), QStringLiteral("arm64"));
    const QByteArray index = pushIndex(base, src, QStringLiteral("multi"), {amd64, arm64});
    RegistryClient client(profileFor(base));

    auto retag = [&client](const QString &fromRepo, const QString &fromRef, const QString &toRepo, const QString &toTag,
                           QList<int> *progress = nullptr) {
        Retag::Image from;
        from.repository = fromRepo;
        from.reference = fromRef;
        Retag::Image to;
        to.repository = toRepo;
        to.reference = toTag;
        auto *job = new Retag(&client, from, to, &client);
        if (progress) {
            QObject::connect(job, &Retag::progress, job, [progress](int done, int) { progress->append(done); });
        }
        return requireResult<Retag, RetagResult>(job);
    };

    SECTION("within the repository, by tag and by digest")
    {
        const RetagResult stable = retag(src, QStringLiteral("v1"), src, QStringLiteral("stable"));
        INFO((stable ? QString() : why(stable.error())).toStdString());
        REQUIRE(stable);
        CHECK(stable->digest == v1.digest);
        CHECK(stable->mountedBlobs == 0);
        CHECK(headDigest(base, src, QStringLiteral("stable")) == v1.digest.toString().toLatin1());
        const RetagResult pinned = retag(src, v1.digest.toString(), src, QStringLiteral("pinned"));
        REQUIRE(pinned);
        CHECK(headDigest(base, src, QStringLiteral("pinned")) == v1.digest.toString().toLatin1());
        const RetagResult multi = retag(src, QStringLiteral("multi"), src, QStringLiteral("multi-stable"));
        REQUIRE(multi);
        CHECK(multi->digest == Sha256Hasher::digestOf(index));
        CHECK(multi->childManifests == 0);
    }
    SECTION("into another repository: blobs mounted, bytes identical (skopeo inspect --raw)")
    {
        QList<int> progress;
        const RetagResult copied =
            retag(src, QStringLiteral("v1"), QStringLiteral("dst/app"), QStringLiteral("v1"), &progress);
        INFO((copied ? QString() : why(copied.error())).toStdString());
        REQUIRE(copied);
        CHECK(copied->digest == v1.digest);
        CHECK(copied->mountedBlobs == 2);
        CHECK_FALSE(progress.isEmpty());
        CHECK(skopeoDigest(peer.hostPort(), QStringLiteral("dst/app:v1")) == v1.digest);
        // The blobs are there, mounted: a pull of the config works from the new repository.
        CHECK(httpFetch(
                  "HEAD",
                  urlOn(base, QStringLiteral("/v2/dst/app/blobs/%1").arg(Sha256Hasher::digestOf(v1.layer).toString())))
                  .status == 200);

        const RetagResult multi =
            retag(src, QStringLiteral("multi"), QStringLiteral("dst/multi"), QStringLiteral("latest"));
        INFO((multi ? QString() : why(multi.error())).toStdString());
        REQUIRE(multi);
        CHECK(multi->digest == Sha256Hasher::digestOf(index));
        CHECK(multi->childManifests == 2);
        CHECK(multi->mountedBlobs == 4);
        const ManifestResult read = requireResult<ManifestQuery, ManifestResult>(
            client.manifest(QStringLiteral("dst/multi"), QStringLiteral("latest")));
        REQUIRE(read);
        CHECK(read->digest == Sha256Hasher::digestOf(index));
        CHECK(headStatus(base, QStringLiteral("dst/multi"), amd64.digest.toString()) == 200);
        CHECK(headStatus(base, QStringLiteral("dst/multi"), arm64.digest.toString()) == 200);
    }
}

TEST_CASE("Retag: a blob the registry will not mount is reported, nothing is tagged", "[client][write][retag]")
{
    Peer peer(GENERATE(Peer::Kind::Minato, Peer::Kind::Reference));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const Image v1 = pushImage(base, QStringLiteral("gone/app"), QStringLiteral("v1"), QStringLiteral("unmountable"));
    // The layer is unlinked from the source repository: a mount from there cannot work (202 instead).
    const Digest layer = Sha256Hasher::digestOf(v1.layer);
    REQUIRE(httpFetch("DELETE", urlOn(base, QStringLiteral("/v2/gone/app/blobs/%1").arg(layer.toString()))).status ==
            202);
    RegistryClient client(profileFor(base));
    Retag::Image from;
    from.repository = QStringLiteral("gone/app");
    from.reference = QStringLiteral("v1");
    Retag::Image to;
    to.repository = QStringLiteral("gone/copy");
    to.reference = QStringLiteral("v1");
    auto *job = new Retag(&client, from, to, &client);
    QList<Minato::Oci::Descriptor> mustCopy;
    QObject::connect(job, &Retag::finished, job, [job, &mustCopy](const RetagResult &) { mustCopy = job->mustCopy(); });
    const RetagResult r = requireResult<Retag, RetagResult>(job);
    REQUIRE_FALSE(r);
    CHECK(r.error().message().contains(QStringLiteral("must be copied")));
    REQUIRE(mustCopy.size() == 1);
    CHECK(mustCopy.first().digest == layer);
    CHECK(headStatus(base, QStringLiteral("gone/copy"), QStringLiteral("v1")) == 404);
}

TEST_CASE("Delete plan: other tags, children and referrers, exactly", "[client][delete][plan]")
{
    Peer peer(GENERATE(Peer::Kind::Minato, Peer::Kind::Reference));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const QString repo = QStringLiteral("plan/app");
    const Image a = pushImage(base, repo, QStringLiteral("v1"), QStringLiteral("plan a"));
    putManifest(base, repo, QStringLiteral("v1-alias"), a.manifest, kOciManifest);
    const Image b = pushImage(base, repo, QStringLiteral("v2"), QStringLiteral("plan b"));
    const Image c1 = pushImage(base, repo, {}, QStringLiteral("child 1"));
    const Image c2 =
        pushImage(base, repo, QStringLiteral("c2-only"), QStringLiteral("child 2"), QStringLiteral("arm64"));
    const Image c3 = pushImage(base, repo, {}, QStringLiteral("child 3"), QStringLiteral("s390x"));
    const Image c4 = pushImage(base, repo, {}, QStringLiteral("child 4"), QStringLiteral("ppc64le"));
    const QByteArray multi = pushIndex(base, repo, QStringLiteral("multi"), {c1, c2, c3});
    pushIndex(base, repo, QStringLiteral("other"), {c1, c4});
    const Digest signature = pushSignature(peer, repo, a);
    RegistryClient client(profileFor(base));

    SECTION("a tag: the other tag on its digest, its referrer")
    {
        const DeletePlanResult plan = planOf(client, repo, QStringLiteral("v1"));
        INFO((plan ? QString() : why(plan.error())).toStdString());
        REQUIRE(plan);
        CHECK(plan->digest == a.digest);
        CHECK(plan->tag == QStringLiteral("v1"));
        CHECK_FALSE(plan->isIndex);
        CHECK(plan->otherTags == QStringList{QStringLiteral("v1-alias")});
        CHECK(plan->tagIndex.complete());
        CHECK(plan->tagsOnManifest() == QStringList{QStringLiteral("v1"), QStringLiteral("v1-alias")});
        CHECK(plan->referrersChecked);
        REQUIRE(plan->referrers.size() == 1);
        CHECK(plan->referrers.first().subject == a.digest);
        CHECK(plan->referrers.first().referrer.descriptor.digest == signature);
        CHECK(plan->referrers.first().referrer.kind == ArtifactKind::Signature);
        CHECK(plan->notes.isEmpty());

        const DeletePlanResult lone = planOf(client, repo, QStringLiteral("v2"));
        REQUIRE(lone);
        CHECK(lone->digest == b.digest);
        CHECK(lone->otherTags.isEmpty());
        CHECK(lone->referrers.isEmpty());
    }
    SECTION("an index: which children something else keeps")
    {
        const DeletePlanResult plan = planOf(client, repo, QStringLiteral("multi"));
        INFO((plan ? QString() : why(plan.error())).toStdString());
        REQUIRE(plan);
        CHECK(plan->isIndex);
        CHECK(plan->digest == Sha256Hasher::digestOf(multi));
        CHECK(plan->otherTags.isEmpty());
        REQUIRE(plan->children.size() == 3);
        CHECK(plan->children[0].descriptor.digest == c1.digest);
        CHECK(plan->children[0].sharedWith == QStringList{QStringLiteral("other")});
        CHECK(plan->children[0].tags.isEmpty());
        CHECK(plan->children[1].tags == QStringList{QStringLiteral("c2-only")});
        CHECK_FALSE(plan->children[2].kept());
        CHECK(plan->orphanedChildren() == QList<Digest>{c3.digest});
        CHECK(plan->childrenChecked);
    }
    SECTION("by digest: every tag on it goes")
    {
        const DeletePlanResult plan = planOf(client, repo, a.digest.toString());
        REQUIRE(plan);
        CHECK(plan->tag.isEmpty());
        CHECK(plan->tagsOnManifest() == QStringList{QStringLiteral("v1"), QStringLiteral("v1-alias")});
    }
    SECTION("a budget too small: said so, and nothing is taken for an orphan")
    {
        const DeletePlanResult plan = planOf(client, repo, QStringLiteral("multi"), 1);
        REQUIRE(plan);
        CHECK_FALSE(plan->tagIndex.complete());
        CHECK_FALSE(plan->notes.isEmpty());
        CHECK(plan->orphanedChildren().isEmpty());
    }
    SECTION("a tag that does not exist")
    {
        const DeletePlanResult plan = planOf(client, repo, QStringLiteral("nope"));
        REQUIRE_FALSE(plan);
        CHECK(plan.error().kind() == ClientError::Kind::NotFound);
        CHECK(plan.error().message().contains(QStringLiteral("nothing to delete")));
    }
}

TEST_CASE("DeleteTag on minato-registry: the OCI tag delete removes that tag only", "[client][delete]")
{
    Peer peer(Peer::Kind::Minato);
    peer.start();
    const QUrl base = peer.baseUrl();
    const Image a = pushImage(base, QStringLiteral("del/app"), QStringLiteral("v1"), QStringLiteral("tag only"));
    putManifest(base, QStringLiteral("del/app"), QStringLiteral("v1-alias"), a.manifest, kOciManifest);
    RegistryClient client(profileFor(base));
    const DeleteResult r = deleteTag(client, QStringLiteral("del/app"), QStringLiteral("v1"));
    INFO((r ? QString() : why(r.error())).toStdString());
    REQUIRE(r);
    CHECK(r->method == DeleteOutcome::Method::Tag);
    CHECK(r->removedTags == QStringList{QStringLiteral("v1")});
    CHECK(headStatus(base, QStringLiteral("del/app"), QStringLiteral("v1")) == 404);
    CHECK(headDigest(base, QStringLiteral("del/app"), QStringLiteral("v1-alias")) == a.digest.toString().toLatin1());

    const DeleteResult missing = deleteTag(client, QStringLiteral("del/app"), QStringLiteral("v1"));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind() == ClientError::Kind::NotFound);
}

TEST_CASE("DeleteTag on the reference registry: 400, then by digest only when no other tag names it",
          "[client][delete]")
{
    Peer peer(Peer::Kind::Reference);
    peer.start();
    const QUrl base = peer.baseUrl();
    const QString repo = QStringLiteral("ref/app");
    const Image a = pushImage(base, repo, QStringLiteral("v1"), QStringLiteral("shared"));
    putManifest(base, repo, QStringLiteral("v1-alias"), a.manifest, kOciManifest);
    const Image b = pushImage(base, repo, QStringLiteral("v2"), QStringLiteral("alone"));
    const Image c1 = pushImage(base, repo, {}, QStringLiteral("ref child 1"));
    const Image c2 =
        pushImage(base, repo, QStringLiteral("c2-only"), QStringLiteral("ref child 2"), QStringLiteral("arm64"));
    const Image c3 = pushImage(base, repo, {}, QStringLiteral("ref child 3"), QStringLiteral("s390x"));
    const QByteArray multi = pushIndex(base, repo, QStringLiteral("multi"), {c1, c2, c3});
    pushIndex(base, repo, QStringLiteral("other"), {c1});
    RegistryClient client(profileFor(base));

    SECTION("the only tag: the image goes by digest")
    {
        const DeleteResult r = deleteTag(client, repo, QStringLiteral("v2"));
        INFO((r ? QString() : why(r.error())).toStdString());
        REQUIRE(r);
        CHECK(r->method == DeleteOutcome::Method::Manifest);
        CHECK(r->digest == b.digest);
        CHECK(r->removedTags == QStringList{QStringLiteral("v2")});
        CHECK(r->removedManifests == QList<Digest>{b.digest});
        CHECK(headStatus(base, repo, QStringLiteral("v2")) == 404);
        CHECK(headStatus(base, repo, b.digest.toString()) == 404);
    }
    SECTION("another tag names it: refused, with the reason and what to do")
    {
        const DeleteResult r = deleteTag(client, repo, QStringLiteral("v1"));
        REQUIRE_FALSE(r);
        CHECK(r.error().httpStatus() == 400);
        const QString message = r.error().message();
        CHECK(message.contains(QStringLiteral("v1-alias")));
        CHECK(message.contains(QStringLiteral("cannot be deleted alone")));
        CHECK(message.contains(peer.hostPort() + u'/' + repo + u'@' + a.digest.toString()));
        CHECK(headStatus(base, repo, QStringLiteral("v1")) == 200);
        CHECK(headStatus(base, repo, QStringLiteral("v1-alias")) == 200);
    }
    SECTION("an index: its orphaned children go with it, shared and tagged ones stay")
    {
        const DeleteResult r = deleteTag(client, repo, QStringLiteral("multi"));
        INFO((r ? QString() : why(r.error())).toStdString());
        REQUIRE(r);
        CHECK(r->method == DeleteOutcome::Method::Manifest);
        CHECK(r->removedManifests == QList<Digest>{Sha256Hasher::digestOf(multi), c3.digest});
        CHECK(headStatus(base, repo, c1.digest.toString()) == 200);
        CHECK(headStatus(base, repo, c2.digest.toString()) == 200);
        CHECK(headStatus(base, repo, c3.digest.toString()) == 404);
        CHECK(headStatus(base, repo, QStringLiteral("other")) == 200);
    }
}

TEST_CASE("Delete disabled: the sentence says how to enable it", "[client][delete]")
{
    SECTION("reference registry without storage.delete.enabled")
    {
        Peer peer(Peer::Kind::ReferenceNoDelete);
        peer.start();
        const QUrl base = peer.baseUrl();
        const Image b = pushImage(base, QStringLiteral("off/app"), QStringLiteral("v2"), QStringLiteral("disabled"));
        RegistryClient client(profileFor(base));
        const DeleteResult byTag = deleteTag(client, QStringLiteral("off/app"), QStringLiteral("v2"));
        REQUIRE_FALSE(byTag);
        CHECK(byTag.error().httpStatus() == 405);
        CHECK(byTag.error().message().contains(QStringLiteral("REGISTRY_STORAGE_DELETE_ENABLED=true")));
        const DeleteResult byDigest = requireResult<ManifestDelete, DeleteResult>(
            new ManifestDelete(&client, QStringLiteral("off/app"), b.digest.toString(), &client));
        REQUIRE_FALSE(byDigest);
        CHECK(byDigest.error().message().contains(QStringLiteral("REGISTRY_STORAGE_DELETE_ENABLED=true")));
        CHECK(headStatus(base, QStringLiteral("off/app"), QStringLiteral("v2")) == 200);
    }
    SECTION("minato-registry started with --read-only")
    {
        Peer peer(Peer::Kind::Minato);
        peer.start();
        pushImage(peer.baseUrl(), QStringLiteral("off/app"), QStringLiteral("v2"), QStringLiteral("read-only"));
        peer.minato()->stop();
        peer.start({QStringLiteral("--read-only")}); // the same root, on a new port
        RegistryClient client(profileFor(peer.baseUrl()));
        const DeleteResult r = deleteTag(client, QStringLiteral("off/app"), QStringLiteral("v2"));
        REQUIRE_FALSE(r);
        CHECK(r.error().httpStatus() == 405);
        CHECK(r.error().message().contains(QStringLiteral("--read-only")));
        CHECK(headStatus(peer.baseUrl(), QStringLiteral("off/app"), QStringLiteral("v2")) == 200);
    }
}

TEST_CASE("Delete: sign-in and permission sentences (minato-registry with access rules)", "[client][delete]")
{
    QTemporaryDir dir;
    const QString htpasswd = dir.filePath(QStringLiteral("htpasswd"));
    REQUIRE(writeHtpasswd(htpasswd, QStringLiteral("admin"), QStringLiteral("admin-pw")));
    QFile more(htpasswd);
    REQUIRE(
        writeHtpasswd(dir.filePath(QStringLiteral("writer")), QStringLiteral("writer"), QStringLiteral("writer-pw")));
    REQUIRE(more.open(QIODevice::Append));
    more.write(readFile(dir.filePath(QStringLiteral("writer"))));
    more.close();
    const QString config = dir.filePath(QStringLiteral("access.json"));
    QFile file(config);
    REQUIRE(file.open(QIODevice::WriteOnly));
    file.write(R"({"auth": "basic", "users": "htpasswd", "anonymousPull": true, "rules": [
        {"subject": "user:writer", "repositories": "**", "actions": ["pull", "push"]},
        {"subject": "user:admin", "repositories": "**", "actions": ["pull", "push", "delete"]}]})");
    file.close();
    Peer peer(Peer::Kind::Minato);
    peer.start({QStringLiteral("--auth-config"), config});
    const HttpHeaders admin{{"Authorization", "Basic " + QByteArrayLiteral("admin:admin-pw").toBase64()}};
    pushImage(peer.baseUrl(), QStringLiteral("acl/app"), QStringLiteral("v1"), QStringLiteral("acl"),
              QStringLiteral("amd64"), admin);

    auto deleteAs = [&peer](const QString &user, const QString &password) {
        RegistryClient client(profileFor(peer.baseUrl()));
        if (!user.isEmpty()) {
            Credentials c;
            c.username = user;
            c.secret = password;
            c.isIdentityToken = false;
            client.setCredentials(c);
        }
        return deleteTag(client, QStringLiteral("acl/app"), QStringLiteral("v1"));
    };
    const DeleteResult anonymous = deleteAs({}, {});
    REQUIRE_FALSE(anonymous);
    CHECK(anonymous.error().kind() == ClientError::Kind::AuthRequired);
    CHECK(anonymous.error().message().contains(QStringLiteral("needs a sign-in with delete permission")));
    const DeleteResult writer = deleteAs(QStringLiteral("writer"), QStringLiteral("writer-pw"));
    REQUIRE_FALSE(writer);
    CHECK(writer.error().hasRegistryCode(Minato::Oci::ErrorCode::Denied));
    CHECK(writer.error().message().contains(QStringLiteral("may not delete in acl/app")));
    const DeleteResult allowed = deleteAs(QStringLiteral("admin"), QStringLiteral("admin-pw"));
    INFO((allowed ? QString() : why(allowed.error())).toStdString());
    REQUIRE(allowed);
    CHECK(allowed->method == DeleteOutcome::Method::Tag);
}

TEST_CASE("BulkDelete: per-item results, progress, and cancel", "[client][delete][bulk]")
{
    Peer peer(GENERATE(Peer::Kind::Minato, Peer::Kind::Reference));
    INFO(peer.name());
    peer.start();
    const QUrl base = peer.baseUrl();
    const QString repo = QStringLiteral("bulk/app");
    const Image a = pushImage(base, repo, QStringLiteral("a1"), QStringLiteral("bulk a"));
    putManifest(base, repo, QStringLiteral("a2"), a.manifest, kOciManifest);
    const Image b = pushImage(base, repo, QStringLiteral("b1"), QStringLiteral("bulk b"));
    const Image c = pushImage(base, repo, QStringLiteral("c1"), QStringLiteral("bulk c"));
    putManifest(base, repo, QStringLiteral("keep"), c.manifest, kOciManifest);
    RegistryClient client(profileFor(base));

    SECTION("a result per tag")
    {
        const QStringList tags{QStringLiteral("a1"), QStringLiteral("a2"),      QStringLiteral("b1"),
                               QStringLiteral("c1"), QStringLiteral("missing"), QStringLiteral("a1")};
        auto *job = new BulkDelete(&client, repo, tags, {}, &client);
        QList<QPair<int, bool>> items;
        QList<int> progress;
        QObject::connect(job, &BulkDelete::itemFinished, job, [&items](int index, const DeleteResult &r) {
            items.append({index, r.hasValue()});
        });
        QObject::connect(job, &BulkDelete::progress, job, [&progress](int done, int) { progress.append(done); });
        const BulkDeleteResult r = requireResult<BulkDelete, BulkDeleteResult>(job);
        REQUIRE(r);
        REQUIRE(r->items.size() == 5); // "a1" given twice is deleted once
        CHECK(items.size() == 5);
        CHECK(progress.last() == 5);
        const auto &it = r->items;
        REQUIRE(it[0]);
        REQUIRE(it[1]);
        REQUIRE(it[2]);
        REQUIRE_FALSE(it[4]);
        CHECK(it[4].error().kind() == ClientError::Kind::NotFound);
        if (peer.kind() == Peer::Kind::Minato) {
            CHECK(it[0]->method == DeleteOutcome::Method::Tag);
            CHECK(it[1]->method == DeleteOutcome::Method::Tag);
            REQUIRE(it[3]);
            CHECK(it[3]->method == DeleteOutcome::Method::Tag);
            CHECK(r->deleted == 4);
            CHECK(r->failed == 1);
            CHECK(headStatus(base, repo, QStringLiteral("keep")) == 200);
        } else {
            // a1 and a2 name one image and both are in the job: one delete by digest, a2 went with it.
            CHECK(it[0]->method == DeleteOutcome::Method::Manifest);
            CHECK(it[0]->removedTags == QStringList{QStringLiteral("a1"), QStringLiteral("a2")});
            CHECK(it[1]->method == DeleteOutcome::Method::AlreadyRemoved);
            CHECK(it[2]->method == DeleteOutcome::Method::Manifest);
            // c1 shares its image with "keep", which is not in the job: refused.
            REQUIRE_FALSE(it[3]);
            CHECK(it[3].error().message().contains(QStringLiteral("keep")));
            CHECK(r->deleted == 3);
            CHECK(r->failed == 2);
            CHECK(headStatus(base, repo, QStringLiteral("c1")) == 200);
        }
        CHECK(headStatus(base, repo, QStringLiteral("a1")) == 404);
        CHECK(headStatus(base, repo, QStringLiteral("a2")) == 404);
        CHECK(headStatus(base, repo, QStringLiteral("b1")) == 404);
    }
    SECTION("cancel after the first item")
    {
        auto *job = new BulkDelete(&client, repo, {QStringLiteral("b1"), QStringLiteral("a1"), QStringLiteral("c1")},
                                   {}, &client);
        int itemsSeen = 0;
        QObject::connect(job, &BulkDelete::itemFinished, job, [job, &itemsSeen](int, const DeleteResult &) {
            ++itemsSeen;
            job->cancel();
        });
        const BulkDeleteResult r = requireResult<BulkDelete, BulkDeleteResult>(job);
        REQUIRE_FALSE(r);
        CHECK(r.isCancelled());
        CHECK(itemsSeen == 1);
        CHECK(headStatus(base, repo, QStringLiteral("b1")) == 404);
        CHECK(headStatus(base, repo, QStringLiteral("a1")) == 200);
        CHECK(headStatus(base, repo, QStringLiteral("c1")) == 200);
    }
}
