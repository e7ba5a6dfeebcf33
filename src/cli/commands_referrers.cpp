// `minatoctl referrers REF [--artifact-type TYPE]`: what refers to an image — signatures, SBOMs,
// attestations — through the OCI 1.1 referrers API, the referrers tag schema where the registry has no API,
// and cosign's sha256-<hex>.sig/.att/.sbom tags (a HEAD each). A tag is resolved to its digest first (HEAD).
#include "clicontext.h"
#include "commands.h"

#include "client/manifestquery.h"
#include "client/referrersquery.h"
#include "client/registryclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString sourceName(Referrer::Source source)
{
    switch (source) {
    case Referrer::Source::Api:
        return QStringLiteral("referrers API");
    case Referrer::Source::TagSchema:
        return QStringLiteral("referrers tag");
    case Referrer::Source::CosignTag:
        break;
    }
    return QStringLiteral("cosign tag");
}

void print(Context &ctx, const Target &target, const ReferrersInfo &info)
{
    if (ctx.json()) {
        QJsonArray entries;
        for (const Referrer &r : info.referrers) {
            entries.append(QJsonObject{
                {QStringLiteral("kind"), artifactKindName(r.kind)},
                {QStringLiteral("artifactType"), r.descriptor.artifactType},
                {QStringLiteral("mediaType"), r.descriptor.mediaType},
                {QStringLiteral("digest"), r.descriptor.digest.toString()},
                {QStringLiteral("size"), r.descriptor.size},
                {QStringLiteral("source"), sourceName(r.source)},
                {QStringLiteral("tag"), r.tag},
            });
        }
        const QJsonObject o{{QStringLiteral("subject"), info.subject.toString()},
                            {QStringLiteral("referrersApi"), info.apiSupported},
                            {QStringLiteral("referrers"), entries}};
        ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        return;
    }
    ctx.out() << QCoreApplication::translate("minatoctl", "%1 (%2): %n referrer(s)", nullptr,
                                             int(info.referrers.size()))
                     .arg(target.display(), info.subject.toString())
              << Qt::endl;
    if (!info.apiSupported) {
        ctx.out() << tr("(this registry has no referrers API; read the sha256-<hex> fallback tag instead)") << Qt::endl;
    }
    if (info.referrers.isEmpty()) {
        return;
    }
    QList<QStringList> rows{{tr("KIND"), tr("ARTIFACT TYPE"), tr("DIGEST"), tr("SIZE"), tr("FOUND BY")}};
    for (const Referrer &r : info.referrers) {
        const QString type = r.descriptor.artifactType.isEmpty() ? r.descriptor.mediaType : r.descriptor.artifactType;
        rows.append({artifactKindName(r.kind), type.isEmpty() ? QStringLiteral("-") : type,
                     r.descriptor.digest.isValid() ? r.descriptor.digest.toString() : QStringLiteral("-"),
                     r.descriptor.size > 0 ? humanSize(r.descriptor.size) : QStringLiteral("-"),
                     r.tag.isEmpty() ? sourceName(r.source) : sourceName(r.source) + u' ' + r.tag});
    }
    printTable(ctx.out(), rows);
}

} // namespace

int referrersCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("referrers"),
                   tr("List what refers to an image: signatures, SBOMs and attestations (OCI referrers API, "
                      "the referrers tag schema, and cosign's .sig/.att/.sbom tags)."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY[:TAG|@DIGEST]"));
    cl.addJson();
    cl.addNetwork();
    const QCommandLineOption artifactType(QStringLiteral("artifact-type"),
                                          tr("Only referrers of this artifact type (e.g. application/spdx+json)."),
                                          QStringLiteral("type"));
    cl.parser().addOption(artifactType);
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    const auto target = ctx.imageTarget(cl.positional(0));
    if (!target) {
        return ctx.status();
    }
    RegistryClient *client = ctx.makeClient(*target);
    const QString filter = cl.value(QStringLiteral("artifact-type"));
    auto listReferrers = [&ctx, client, target, filter](const Oci::Digest &subject) {
        auto *query = new ReferrersQuery(client, target->repository, subject, filter, client);
        query->setProbeCosignTags(true);
        QObject::connect(query, &ReferrersQuery::finished, query, [&ctx, target](const ReferrersResult &r) {
            if (!r) {
                ctx.finish(ctx.fail(r.error()));
                return;
            }
            print(ctx, *target, r.value());
            ctx.finish(ExitOk);
        });
        query->start();
    };
    if (const auto digest = Oci::Digest::parse(target->reference)) {
        return ctx.run([&listReferrers, digest] { listReferrers(*digest); });
    }
    // A tag: its digest first (a HEAD, which Docker Hub does not count as a pull).
    ManifestQuery *head = client->manifest(target->repository, target->reference, true);
    QObject::connect(head, &ManifestQuery::finished, head, [&ctx, &listReferrers](const ManifestResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        listReferrers(r->digest);
    });
    return ctx.run([head] { head->start(); });
}

} // namespace Minato::Cli
