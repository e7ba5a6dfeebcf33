// ReferrersQuery against real registries: minato-registry answers the OCI 1.1 referrers API; the reference
// registry (distribution 2.8) has none, so the client falls back to the referrers tag schema. Artifacts
// (an SPDX SBOM and a cosign-style signature with `subject`) are pushed with plain HTTP requests.
#include "embeddedregistryprocess.h"
#include "ocilayout.h"
#include "referenceregistry.h"
#include "registrycontent.h"

#include "client/referrersquery.h"
#include "client/registryclient.h"
#include "oci/sha256.h"

#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Minato::Test;
using Minato::Client::ArtifactKind;
using Minato::Client::Referrer;
using Minato::Client::ReferrersQuery;
using Minato::Oci::Sha256Hasher;

namespace {

constexpr char ociManifest[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char ociIndex[] = "application/vnd.oci.image.index.v1+json";
constexpr char emptyJson[] = "application/vnd.oci.empty.v1+json";

// An artifact manifest (image-spec "Guidelines for Artifact Usage": empty config, artifactType) referring to
// subject; returns its bytes.
QByteArray pushArtifact(const QUrl &base, const QString &repository, const QJsonObject &subject,
                        const QString &artifactType, const QByteArray &content)
{
    pushBlob(base, repository, "{}");
    pushBlob(base, repository, content);
    const QJsonObject manifest{
        {QStringLiteral("schemaVersion"), 2},
        {QStringLiteral("mediaType"), QString::fromLatin1(ociManifest)},
        {QStringLiteral("artifactType"), artifactType},
        {QStringLiteral("config"), descriptorOf(QString::fromLatin1(emptyJson), "{}")},
        {QStringLiteral("layers"), QJsonArray{descriptorOf(artifactType, content)}},
        {QStringLiteral("subject"), subject},
    };
    const QByteArray bytes = QJsonDocument(manifest).toJson(QJsonDocument::Compact);
    putManifest(base, repository, Sha256Hasher::digestOf(bytes).toString(), bytes, ociManifest);
    return bytes;
}

Minato::Client::ReferrersResult referrersOf(const QUrl &base, const QString &repository,
                                            const Minato::Oci::Digest &subject, const QString &artifactType = {},
                                            const QStringList &knownTags = {})
{
    Minato::Client::ConnectionProfile profile;
    profile.baseUrl = base;
    Minato::Client::RegistryClient client(profile);
    auto *query = new ReferrersQuery(&client, repository, subject, artifactType, &client);
    query->setKnownTags(knownTags);
    QSignalSpy finished(query, &ReferrersQuery::finished);
    query->start();
    REQUIRE((finished.size() == 1 || finished.wait(30000)));
    return finished.first().first().value<Minato::Client::ReferrersResult>();
}

struct Pushed
{
    OciLayoutImage image;
    QJsonObject subject;
    Minato::Oci::Digest digest;
    QByteArray sbom;
    QByteArray signature;
};

Pushed pushSubjectAndArtifacts(const QUrl &base, const QString &hostPort, const QString &layoutDir)
{
    Pushed p;
    p.image = OciLayoutImage::build(layoutDir, QStringLiteral("v1"), {{QStringLiteral("app"), QByteArray("bin\n")}});
    REQUIRE(p.image.ok);
    const ProcessResult push =
        runSkopeo({QStringLiteral("copy"), QStringLiteral("--dest-tls-verify=false"), p.image.skopeoReference(),
                   QStringLiteral("docker://%1/sup/app:v1").arg(hostPort)});
    INFO(push.output.toStdString());
    REQUIRE(push.exitCode == 0);
    p.subject = descriptorOf(QString::fromLatin1(ociManifest), p.image.manifest);
    p.digest = *Minato::Oci::Digest::parse(p.image.manifestDigest);
    p.sbom = pushArtifact(base, QStringLiteral("sup/app"), p.subject, QStringLiteral("application/spdx+json"),
                          R"({"spdxVersion":"SPDX-2.3"})");
    p.signature = pushArtifact(base, QStringLiteral("sup/app"), p.subject,
                               QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json"), "signature");
    return p;
}

// A cosign-style signature stored under the sha256-<hex>.sig tag (cosign before OCI 1.1 support); its bytes.
QByteArray pushCosignSignatureTag(const QUrl &base, const Pushed &p)
{
    const QByteArray sig =
        pushArtifact(base, QStringLiteral("sup/app"), p.subject,
                     QStringLiteral("application/vnd.dev.cosign.simplesigning.v1+json"), "simplesigning payload");
    putManifest(base, QStringLiteral("sup/app"), ReferrersQuery::fallbackTag(p.digest) + QStringLiteral(".sig"), sig,
                ociManifest);
    return sig;
}

} // namespace

TEST_CASE("Referrers: artifact kinds and the fallback tag", "[client][referrers]")
{
    using Minato::Client::classifyArtifact;
    CHECK(classifyArtifact(QStringLiteral("application/spdx+json")) == ArtifactKind::Sbom);
    CHECK(classifyArtifact(QStringLiteral("application/vnd.cyclonedx+json")) == ArtifactKind::Sbom);
    CHECK(classifyArtifact(QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json")) ==
          ArtifactKind::Signature);
    CHECK(classifyArtifact(QStringLiteral("application/vnd.cncf.notary.signature")) == ArtifactKind::Signature);
    CHECK(classifyArtifact(QStringLiteral("application/vnd.dev.sigstore.bundle.v0.3+json")) == ArtifactKind::Signature);
    CHECK(classifyArtifact(QStringLiteral("application/vnd.in-toto+json")) == ArtifactKind::Attestation);
    CHECK(classifyArtifact(QStringLiteral("application/vnd.example.thing")) == ArtifactKind::Other);
    const auto digest = *Minato::Oci::Digest::parse(QStringLiteral("sha256:") + QString(64, u'a'));
    CHECK(ReferrersQuery::fallbackTag(digest) == QStringLiteral("sha256-") + QString(64, u'a'));
}

TEST_CASE("Referrers: minato-registry's referrers API, filtered and unfiltered", "[client][referrers]")
{
    QTemporaryDir dir;
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const Pushed p =
        pushSubjectAndArtifacts(registry.baseUrl(), registry.hostPort(), dir.filePath(QStringLiteral("l")));

    const auto all = referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), p.digest);
    INFO((all ? QString() : all.error().message()).toStdString());
    REQUIRE(all);
    CHECK(all->apiSupported);
    REQUIRE(all->referrers.size() == 2);
    QList<ArtifactKind> kinds;
    for (const Referrer &r : all->referrers) {
        kinds.append(r.kind);
        CHECK(r.source == Referrer::Source::Api);
    }
    CHECK(kinds.contains(ArtifactKind::Sbom));
    CHECK(kinds.contains(ArtifactKind::Signature));

    const auto sboms =
        referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), p.digest, QStringLiteral("application/spdx+json"));
    REQUIRE(sboms);
    REQUIRE(sboms->referrers.size() == 1);
    CHECK(sboms->referrers.first().descriptor.digest == Sha256Hasher::digestOf(p.sbom));

    // cosign's tag-based signatures are listed from known tags (only when unfiltered).
    const QString cosignTag = ReferrersQuery::fallbackTag(p.digest) + QStringLiteral(".sig");
    const auto withCosign =
        referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), p.digest, {}, {QStringLiteral("v1"), cosignTag});
    REQUIRE(withCosign);
    REQUIRE(withCosign->referrers.size() == 3);
    CHECK(withCosign->referrers.last().source == Referrer::Source::CosignTag);
    CHECK(withCosign->referrers.last().tag == cosignTag);
    CHECK(withCosign->referrers.last().kind == ArtifactKind::Signature);

    // A subject nothing refers to: an empty list, not an error.
    const auto none = referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), Sha256Hasher::digestOf("nothing"));
    REQUIRE(none);
    CHECK(none->referrers.isEmpty());
}

TEST_CASE("Referrers: the reference registry through the referrers tag schema", "[client][referrers][reference]")
{
    QTemporaryDir dir;
    ReferenceRegistry registry;
    REQUIRE(registry.start());
    const Pushed p =
        pushSubjectAndArtifacts(registry.baseUrl(), registry.hostPort(), dir.filePath(QStringLiteral("l")));

    // Without the API and without a fallback tag: nothing, and no error.
    const auto before = referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), p.digest);
    INFO((before ? QString() : before.error().message()).toStdString());
    REQUIRE(before);
    CHECK_FALSE(before->apiSupported);
    CHECK(before->referrers.isEmpty());

    // Spec "Pushing Manifests with Subject": a client of a registry without the API maintains an index
    // under the tag sha256-<hex> listing the referrers.
    QJsonObject sbomEntry = descriptorOf(QString::fromLatin1(ociManifest), p.sbom);
    sbomEntry.insert(QStringLiteral("artifactType"), QStringLiteral("application/spdx+json"));
    QJsonObject sigEntry = descriptorOf(QString::fromLatin1(ociManifest), p.signature);
    sigEntry.insert(QStringLiteral("artifactType"), QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json"));
    const QByteArray index = QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                                       {QStringLiteral("mediaType"), QString::fromLatin1(ociIndex)},
                                                       {QStringLiteral("manifests"), QJsonArray{sbomEntry, sigEntry}}})
                                 .toJson(QJsonDocument::Compact);
    putManifest(registry.baseUrl(), QStringLiteral("sup/app"), ReferrersQuery::fallbackTag(p.digest), index, ociIndex);

    const auto after = referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), p.digest);
    REQUIRE(after);
    CHECK_FALSE(after->apiSupported);
    REQUIRE(after->referrers.size() == 2);
    CHECK(after->referrers.at(0).kind == ArtifactKind::Sbom);
    CHECK(after->referrers.at(0).source == Referrer::Source::TagSchema);
    CHECK(after->referrers.at(1).kind == ArtifactKind::Signature);
    const auto filtered = referrersOf(registry.baseUrl(), QStringLiteral("sup/app"), p.digest,
                                      QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json"));
    REQUIRE(filtered);
    REQUIRE(filtered->referrers.size() == 1); // filtered here: the tag schema has no server-side filter
    CHECK(filtered->referrers.first().descriptor.digest == Sha256Hasher::digestOf(p.signature));
}

TEST_CASE("Referrers: minatoctl referrers, by tag, with a cosign tag and a filter", "[client][referrers][cli]")
{
    QTemporaryDir dir;
    EmbeddedRegistryProcess registry;
    if (!registry.start()) {
        FAIL(registry.errorString().toStdString());
    }
    const Pushed p =
        pushSubjectAndArtifacts(registry.baseUrl(), registry.hostPort(), dir.filePath(QStringLiteral("l")));
    pushCosignSignatureTag(registry.baseUrl(), p);

    auto run = [](const QStringList &args) {
        QProcess process;
        process.start(binaryPath(u"minatoctl"), args);
        REQUIRE(process.waitForFinished(60000));
        return std::pair{process.exitCode(), process.readAllStandardOutput()};
    };
    const QString ref = registry.hostPort() + QStringLiteral("/sup/app:v1");
    const auto [status, out] = run({QStringLiteral("referrers"), ref, QStringLiteral("--json")});
    INFO(out.toStdString());
    REQUIRE(status == 0);
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    CHECK(o.value(QStringLiteral("subject")).toString() == p.image.manifestDigest);
    CHECK(o.value(QStringLiteral("referrersApi")).toBool());
    // The API lists three (the cosign payload has a subject too); the .sig tag names the same digest, so it
    // is not listed twice.
    const QJsonArray entries = o.value(QStringLiteral("referrers")).toArray();
    CHECK(entries.size() == 3);
    QStringList kinds;
    for (const QJsonValue &e : entries) {
        kinds.append(e.toObject().value(QStringLiteral("kind")).toString());
    }
    CHECK(kinds.count(QStringLiteral("signature")) == 2);
    CHECK(kinds.count(QStringLiteral("SBOM")) == 1);

    const auto [filteredStatus, filtered] =
        run({QStringLiteral("referrers"), ref, QStringLiteral("--json"), QStringLiteral("--artifact-type"),
             QStringLiteral("application/spdx+json")});
    REQUIRE(filteredStatus == 0);
    CHECK(QJsonDocument::fromJson(filtered).object().value(QStringLiteral("referrers")).toArray().size() == 1);

    const auto [textStatus, text] = run({QStringLiteral("referrers"), ref});
    CHECK(textStatus == 0);
    CHECK(text.contains("SBOM"));
    CHECK(text.contains("application/spdx+json"));
    // A missing tag is "not found" (exit 3).
    CHECK(run({QStringLiteral("referrers"), registry.hostPort() + QStringLiteral("/sup/app:nope")}).first == 3);
}

TEST_CASE("Referrers: cosign tags found by HEAD on a registry without the API", "[client][referrers][reference]")
{
    QTemporaryDir dir;
    ReferenceRegistry registry;
    REQUIRE(registry.start());
    const Pushed p =
        pushSubjectAndArtifacts(registry.baseUrl(), registry.hostPort(), dir.filePath(QStringLiteral("l")));
    const QByteArray sig = pushCosignSignatureTag(registry.baseUrl(), p);

    Minato::Client::ConnectionProfile profile;
    profile.baseUrl = registry.baseUrl();
    Minato::Client::RegistryClient client(profile);
    auto *query = new ReferrersQuery(&client, QStringLiteral("sup/app"), p.digest, {}, &client);
    query->setProbeCosignTags(true);
    QSignalSpy finished(query, &ReferrersQuery::finished);
    query->start();
    REQUIRE(finished.wait(30000));
    const auto result = finished.first().first().value<Minato::Client::ReferrersResult>();
    REQUIRE(result);
    CHECK_FALSE(result->apiSupported);
    REQUIRE(result->referrers.size() == 1); // no fallback index was written: only the cosign tag
    CHECK(result->referrers.first().source == Referrer::Source::CosignTag);
    CHECK(result->referrers.first().kind == ArtifactKind::Signature);
    CHECK(result->referrers.first().descriptor.digest == Sha256Hasher::digestOf(sig));
}
