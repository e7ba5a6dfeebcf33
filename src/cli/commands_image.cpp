// Image commands: `inspect REF` (digest, platforms, layers and sizes, created, config summary), `manifest
// REF` and `config REF` (the verified bytes, unchanged, on stdout). --platform picks an index entry; with
// a multi-platform index and no --platform, inspect lists the platforms and config refuses (exit 2).
#include "clicontext.h"
#include "commands.h"

#include "client/imageinspector.h"
#include "client/manifestquery.h"
#include "client/registryclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QJsonObject entryJson(const IndexEntry &e)
{
    QJsonObject o{
        {QStringLiteral("platform"), e.platform ? e.platform->toString() : QString()},
        {QStringLiteral("digest"), e.digest.toString()},
        {QStringLiteral("mediaType"), e.mediaType},
        {QStringLiteral("size"), e.size},
    };
    if (e.attestation) {
        o.insert(QStringLiteral("attests"), e.attests.isValid() ? e.attests.toString() : QString());
    }
    return o;
}

QJsonObject configJson(const InspectedImage &image)
{
    QJsonObject o{
        {QStringLiteral("digest"), image.configDigest.toString()},
        {QStringLiteral("mediaType"), image.configMediaType},
        {QStringLiteral("size"), image.configSize},
    };
    if (!image.config) {
        return o;
    }
    const Oci::ImageConfig &c = *image.config;
    const Oci::ContainerConfig &cc = c.container;
    QJsonObject labels;
    for (auto it = cc.labels.cbegin(); it != cc.labels.cend(); ++it) {
        labels.insert(it.key(), it.value());
    }
    o.insert(QStringLiteral("created"), c.created ? Oci::formatRfc3339(*c.created) : QString());
    o.insert(QStringLiteral("author"), c.author);
    o.insert(QStringLiteral("platform"), c.platformString());
    o.insert(QStringLiteral("entrypoint"), QJsonArray::fromStringList(cc.entrypoint));
    o.insert(QStringLiteral("cmd"), QJsonArray::fromStringList(cc.cmd));
    o.insert(QStringLiteral("env"), QJsonArray::fromStringList(cc.env));
    o.insert(QStringLiteral("workingDir"), cc.workingDir);
    o.insert(QStringLiteral("user"), cc.user);
    o.insert(QStringLiteral("exposedPorts"), QJsonArray::fromStringList(cc.exposedPorts));
    o.insert(QStringLiteral("volumes"), QJsonArray::fromStringList(cc.volumes));
    o.insert(QStringLiteral("stopSignal"), cc.stopSignal);
    o.insert(QStringLiteral("labels"), labels);
    return o;
}

QJsonObject inspectionJson(const Target &target, const ImageInspection &in)
{
    QJsonArray platforms;
    for (const IndexEntry &e : in.platforms) {
        platforms.append(entryJson(e));
    }
    QJsonArray attestations;
    for (const IndexEntry &e : in.attestations) {
        attestations.append(entryJson(e));
    }
    QJsonObject o{
        {QStringLiteral("reference"), target.display()},
        {QStringLiteral("registry"), target.registry},
        {QStringLiteral("repository"), target.repository},
        {QStringLiteral("digest"), in.digest.toString()},
        {QStringLiteral("mediaType"), in.mediaType},
        {QStringLiteral("size"), in.size},
        {QStringLiteral("index"), in.isIndex},
        {QStringLiteral("platforms"), platforms},
        {QStringLiteral("attestations"), attestations},
        {QStringLiteral("image"), QJsonValue(QJsonValue::Null)},
    };
    if (in.image) {
        const InspectedImage &image = *in.image;
        QJsonArray layers;
        for (const InspectedLayer &l : image.layers) {
            layers.append(QJsonObject{{QStringLiteral("digest"), l.digest.toString()},
                                      {QStringLiteral("mediaType"), l.mediaType},
                                      {QStringLiteral("size"), l.size}});
        }
        o.insert(QStringLiteral("image"),
                 QJsonObject{
                     {QStringLiteral("platform"), image.platform ? image.platform->toString() : QString()},
                     {QStringLiteral("digest"), image.manifestDigest.toString()},
                     {QStringLiteral("mediaType"), image.manifestMediaType},
                     {QStringLiteral("size"), image.manifestSize},
                     {QStringLiteral("artifactType"), image.artifactType},
                     {QStringLiteral("layers"), layers},
                     {QStringLiteral("layersSize"), image.layersSize()},
                     {QStringLiteral("totalSize"), image.totalSize()},
                     {QStringLiteral("config"), configJson(image)},
                 });
    }
    return o;
}

void printEntries(QTextStream &out, const QList<IndexEntry> &entries, bool attestations)
{
    QList<QStringList> rows{{tr("PLATFORM"), tr("DIGEST"), tr("SIZE"), attestations ? tr("ATTESTS") : QString()}};
    for (const IndexEntry &e : entries) {
        rows.append({e.platform ? e.platform->toString() : QStringLiteral("-"), e.digest.toString(),
                     QString::number(e.size), attestations ? e.attests.toString() : QString()});
    }
    printTable(out, rows, QStringLiteral("  "));
}

void printInspection(QTextStream &out, const Target &target, const ImageInspection &in)
{
    QList<QStringList> head{
        {tr("Reference"), target.display()},
        {tr("Digest"), in.digest.toString()},
        {tr("Media type"), typeAndSize(in.mediaType, in.size)},
    };
    printFields(out, head);
    if (in.isIndex) {
        out << tr("Platforms (%1)").arg(in.platforms.size()) << Qt::endl;
        printEntries(out, in.platforms, false);
        if (!in.attestations.isEmpty()) {
            out << tr("Attestations (%1)").arg(in.attestations.size()) << Qt::endl;
            printEntries(out, in.attestations, true);
        }
    }
    if (!in.image) {
        out << tr("Several platforms: choose one with --platform to see its layers and config.") << Qt::endl;
        return;
    }
    const InspectedImage &image = *in.image;
    QList<QStringList> rows;
    rows.append({tr("Platform"), image.platform ? image.platform->toString() : QStringLiteral("-")});
    if (in.isIndex) {
        rows.append({tr("Manifest"), image.manifestDigest.toString() + QStringLiteral(" (") +
                                         typeAndSize(image.manifestMediaType, image.manifestSize) + u')'});
    }
    if (!image.artifactType.isEmpty()) {
        rows.append({tr("Artifact type"), image.artifactType});
    }
    if (image.configDigest.isValid()) {
        rows.append({tr("Config"), image.configDigest.toString() + QStringLiteral(" (") +
                                       typeAndSize(image.configMediaType, image.configSize) + u')'});
    }
    if (image.config && image.config->created) {
        rows.append({tr("Created"), Oci::formatRfc3339(*image.config->created)});
    }
    const qint64 layersSize = image.layersSize();
    QString size = tr("%1 bytes").arg(layersSize);
    if (layersSize >= 1024) {
        size += QStringLiteral(" (%1)").arg(humanSize(layersSize));
    }
    size += QCoreApplication::translate("minatoctl", " in %n layer(s)", nullptr, static_cast<int>(image.layers.size()));
    if (image.configSize > 0) {
        size += tr("; %1 bytes with the config").arg(image.totalSize());
    }
    rows.append({tr("Size"), size});
    printFields(out, rows);
    out << tr("Layers") << Qt::endl;
    QList<QStringList> layers{{QStringLiteral("#"), tr("DIGEST"), tr("SIZE"), tr("MEDIA TYPE")}};
    for (qsizetype i = 0; i < image.layers.size(); ++i) {
        const InspectedLayer &l = image.layers.at(i);
        layers.append({QString::number(i + 1), l.digest.toString(),
                       l.size < 0 ? QStringLiteral("?") : QString::number(l.size), l.mediaType});
    }
    printTable(out, layers, QStringLiteral("  "));
    if (!image.config) {
        return;
    }
    const Oci::ContainerConfig &cc = image.config->container;
    auto json = [](const QStringList &list) {
        return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
    };
    QList<QStringList> config;
    auto add = [&config](const QString &key, const QString &value) {
        if (!value.isEmpty()) {
            config.append({key, value});
        }
    };
    add(tr("Entrypoint"), cc.entrypoint.isEmpty() ? QString() : json(cc.entrypoint));
    add(tr("Cmd"), cc.cmd.isEmpty() ? QString() : json(cc.cmd));
    add(tr("Working dir"), cc.workingDir);
    add(tr("User"), cc.user);
    add(tr("Ports"), cc.exposedPorts.join(QStringLiteral(", ")));
    add(tr("Volumes"), cc.volumes.join(QStringLiteral(", ")));
    for (const QString &env : cc.env) {
        add(config.isEmpty() || config.last().first() != tr("Env") ? tr("Env") : QString(), env);
    }
    for (auto it = cc.labels.cbegin(); it != cc.labels.cend(); ++it) {
        config.append({config.isEmpty() || config.last().first() != tr("Label") ? tr("Label") : QString(),
                       it.key() + u'=' + it.value()});
    }
    printFields(out, config);
}

struct ImageCommand
{
    CommandLine cl;
    std::unique_ptr<Context> ctx;
    std::optional<Target> target;
};

// Parses REF and the common options; nullopt with *status set when the command cannot run.
std::optional<int> prepare(ImageCommand &cmd, const QStringList &arguments)
{
    cmd.cl.addNetwork();
    cmd.cl.addPlatform();
    if (const auto status = cmd.cl.parse(arguments, 1, 1)) {
        return status;
    }
    cmd.ctx = std::make_unique<Context>(cmd.cl);
    if (!cmd.ctx->ok()) {
        return cmd.ctx->status();
    }
    cmd.target = cmd.ctx->imageTarget(cmd.cl.positional(0));
    if (!cmd.target) {
        return cmd.ctx->status();
    }
    return std::nullopt;
}

ImageInspector *makeInspector(ImageCommand &cmd, bool fetchConfig)
{
    ImageInspector::Options options;
    options.platform = cmd.ctx->platform();
    options.fetchConfig = fetchConfig;
    RegistryClient *client = cmd.ctx->makeClient(*cmd.target);
    return new ImageInspector(client, cmd.target->repository, cmd.target->reference, options, client);
}

int needsPlatform(Context &ctx, const ImageInspection &in)
{
    QStringList names;
    for (const IndexEntry &e : in.platforms) {
        names.append(e.platform ? e.platform->toString() : e.digest.toString());
    }
    return ctx.usage(tr("this is an index of %1 platforms (%2): choose one with --platform")
                         .arg(in.platforms.size())
                         .arg(names.join(QStringLiteral(", "))));
}

} // namespace

int inspectCommand(const QStringList &arguments)
{
    ImageCommand cmd{CommandLine(QStringLiteral("inspect"),
                                 tr("Show an image: digest, media type, platforms (attestations apart), layers "
                                    "with compressed sizes, created date and config summary."),
                                 QStringLiteral("[options] [REGISTRY/]REPOSITORY[:TAG|@DIGEST]")),
                     nullptr, std::nullopt};
    cmd.cl.addJson();
    if (const auto status = prepare(cmd, arguments)) {
        return *status;
    }
    Context &ctx = *cmd.ctx;
    ImageInspector *inspector = makeInspector(cmd, true);
    QObject::connect(inspector, &ImageInspector::finished, inspector, [&ctx, &cmd](const InspectionResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        if (ctx.json()) {
            ctx.out() << QJsonDocument(inspectionJson(*cmd.target, r.value())).toJson(QJsonDocument::Indented);
        } else {
            printInspection(ctx.out(), *cmd.target, r.value());
        }
        ctx.finish(ExitOk);
    });
    return ctx.run([inspector] { inspector->start(); });
}

int manifestCommand(const QStringList &arguments)
{
    ImageCommand cmd{CommandLine(QStringLiteral("manifest"),
                                 tr("Print a manifest (or index) exactly as the registry serves it, after checking "
                                    "it against its digest. With --platform, the manifest of that platform."),
                                 QStringLiteral("[options] [REGISTRY/]REPOSITORY[:TAG|@DIGEST]")),
                     nullptr, std::nullopt};
    if (const auto status = prepare(cmd, arguments)) {
        return *status;
    }
    Context &ctx = *cmd.ctx;
    if (ctx.platform()) {
        ImageInspector *inspector = makeInspector(cmd, false);
        QObject::connect(inspector, &ImageInspector::finished, inspector, [&ctx](const InspectionResult &r) {
            if (!r) {
                ctx.finish(ctx.fail(r.error()));
                return;
            }
            ctx.writeRaw(r->image ? r->image->manifestRaw : r->raw);
            ctx.finish(ExitOk);
        });
        return ctx.run([inspector] { inspector->start(); });
    }
    ManifestQuery *query = ctx.makeClient(*cmd.target)->manifest(cmd.target->repository, cmd.target->reference);
    QObject::connect(query, &ManifestQuery::finished, query, [&ctx](const ManifestResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        ctx.writeRaw(Oci::rawOf(*r->manifest));
        ctx.finish(ExitOk);
    });
    return ctx.run([query] { query->start(); });
}

int configCommand(const QStringList &arguments)
{
    ImageCommand cmd{CommandLine(QStringLiteral("config"),
                                 tr("Print an image's config blob exactly as stored, after checking it against its "
                                    "digest. A multi-platform image needs --platform."),
                                 QStringLiteral("[options] [REGISTRY/]REPOSITORY[:TAG|@DIGEST]")),
                     nullptr, std::nullopt};
    if (const auto status = prepare(cmd, arguments)) {
        return *status;
    }
    Context &ctx = *cmd.ctx;
    ImageInspector *inspector = makeInspector(cmd, true);
    QObject::connect(inspector, &ImageInspector::finished, inspector, [&ctx](const InspectionResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        if (!r->image) {
            ctx.finish(needsPlatform(ctx, r.value()));
            return;
        }
        if (!r->image->configDigest.isValid()) {
            ctx.finish(ctx.failWith(ExitFailure, tr("a schema 1 manifest has no config blob")));
            return;
        }
        ctx.writeRaw(r->image->configRaw);
        ctx.finish(ExitOk);
    });
    return ctx.run([inspector] { inspector->start(); });
}

} // namespace Minato::Cli
