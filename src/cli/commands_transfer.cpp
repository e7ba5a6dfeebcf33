// minatoctl export REF DIR|FILE.tar and import DIR|FILE.tar REF: images between a registry and disk, as an OCI image
// layout directory (every platform, digests unchanged) or a docker-archive tar (`docker load`; one platform).
// Progress goes to stderr — one redrawn bar when stderr is a terminal, plain lines otherwise (--progress overrides);
// the summary to stdout (aligned fields, or one JSON object with --json).
#include "clicontext.h"
#include "commands.h"
#include "progress.h"

#include "client/imageexport.h"
#include "client/imageimport.h"
#include "client/registryclient.h"

#include "oci/reference.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString rateText(qint64 bytes, double seconds)
{
    if (seconds <= 0.0 || bytes <= 0) {
        return {};
    }
    return QStringLiteral(" in %1 s, %2/s").arg(seconds, 0, 'f', 1).arg(humanSize(qint64(double(bytes) / seconds)));
}

QJsonArray platformsJson(const QList<Oci::Platform> &platforms)
{
    QJsonArray out;
    for (const Oci::Platform &p : platforms) {
        out.append(p.toString());
    }
    return out;
}

} // namespace

int exportCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("export"),
                   tr("Write an image from a registry to disk. A PATH ending in .tar becomes a docker-archive "
                      "(what `docker load` reads): one platform of a multi-platform image, --platform or linux/amd64. "
                      "Any other PATH is an OCI image layout directory holding every platform with the registry's "
                      "digests; exporting into an existing layout adds the image to it (an entry with the same name "
                      "is replaced). A failure leaves nothing under the final name: FILE.tar is written as "
                      "FILE.tar.part and renamed when complete; a layout's index.json is written last."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY[:TAG|@DIGEST] DIR|FILE.tar"));
    cl.addJson();
    cl.addNetwork();
    cl.addPlatform();
    cl.parser().addOption({QStringLiteral("name"),
                           tr("The image's name in the output: the layout's org.opencontainers.image.ref.name "
                              "(default: the tag), or the archive's RepoTags entry (default: the reference)."),
                           QStringLiteral("NAME")});
    addTransferOptions(cl);
    if (const auto status = cl.parse(arguments, 2, 2)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    const auto mode = progressMode(ctx, cl);
    const auto parallel = parallelOption(ctx, cl);
    if (!mode || !parallel) {
        return ctx.status();
    }
    const auto source = ctx.imageTarget(cl.positional(0));
    if (!source) {
        return ctx.status();
    }
    const QString path = cl.positional(1);
    ImageExport::Options options;
    options.format = ImageExport::formatFor(path);
    options.platform = ctx.platform();
    options.parallel = *parallel;
    options.refName = cl.value(QStringLiteral("name"));
    if (options.format == ImageExport::Format::DockerArchive && options.refName.isEmpty() &&
        !source->reference.contains(u':')) {
        options.refName = source->display(); // RepoTags: "registry/repository:tag"
    }
    if (options.format == ImageExport::Format::OciLayout && ctx.platform()) {
        ctx.err() << tr("minatoctl export: note: an OCI image layout holds every platform; --platform is ignored")
                  << Qt::endl;
        options.platform.reset();
    }
    RegistryClient *client = ctx.makeClient(*source);
    auto *job = new ImageExport(client, source->repository, source->reference, path, options, client);
    auto printer = std::make_shared<ProgressPrinter>(ctx.err(), *mode);
    QObject::connect(job, &ImageExport::stageChanged, job, [printer](ImageExport::Stage stage) {
        printer->done();
        switch (stage) {
        case ImageExport::Stage::Reading:
            printer->stage(tr("reading manifests"));
            break;
        case ImageExport::Stage::Downloading:
            printer->stage(tr("downloading"));
            break;
        case ImageExport::Stage::Writing:
            printer->stage(tr("writing archive"));
            break;
        }
    });
    QObject::connect(job, &ImageExport::progress, job,
                     [printer](qint64 done, qint64 total) { printer->update(done, total); });
    const Target src = *source;
    QObject::connect(job, &ImageExport::finished, job, [&ctx, printer, src](const ImageExportResult &r) {
        printer->done();
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        const ImageExportInfo &info = r.value();
        const bool archive = info.format == ImageExport::Format::DockerArchive;
        const double seconds = printer->seconds();
        if (ctx.json()) {
            QJsonObject o{
                {QStringLiteral("source"), src.display()},
                {QStringLiteral("path"), info.path},
                {QStringLiteral("format"), archive ? QStringLiteral("docker-archive") : QStringLiteral("oci-layout")},
                {QStringLiteral("name"), info.refName},
                {QStringLiteral("digest"), info.digest.toString()},
                {QStringLiteral("mediaType"), info.mediaType},
                {QStringLiteral("size"), info.size},
                {QStringLiteral("configDigest"), info.configDigest.toString()},
                {QStringLiteral("platform"), info.platform ? info.platform->toString() : QString()},
                {QStringLiteral("platforms"), platformsJson(info.platforms)},
                {QStringLiteral("manifests"), info.manifests},
                {QStringLiteral("blobs"), info.blobs},
                {QStringLiteral("downloaded"), info.downloaded},
                {QStringLiteral("present"), info.present},
                {QStringLiteral("foreignSkipped"), info.foreignSkipped},
                {QStringLiteral("totalBytes"), info.totalBytes},
                {QStringLiteral("downloadedBytes"), info.downloadedBytes},
                {QStringLiteral("archiveBytes"), info.archiveBytes},
                {QStringLiteral("seconds"), seconds},
            };
            ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            QList<QStringList> rows{
                {tr("Exported"), src.display()},
                {tr("To"), archive ? tr("%1 (docker-archive, %2)").arg(info.path, humanSize(info.archiveBytes))
                                   : tr("%1 (OCI image layout)").arg(info.path)},
            };
            if (!info.refName.isEmpty()) {
                rows.append({archive ? tr("RepoTags") : tr("Name"), info.refName});
            }
            rows.append({tr("Digest"), info.digest.toString() + QStringLiteral(" (") +
                                           typeAndSize(info.mediaType, info.size) + u')'});
            if (info.configDigest.isValid()) {
                rows.append({tr("Config"), info.configDigest.toString()});
            }
            if (info.platform) {
                rows.append({tr("Platform"), info.platform->toString()});
            } else if (!info.platforms.isEmpty()) {
                QStringList names;
                for (const Oci::Platform &p : info.platforms) {
                    names.append(p.toString());
                }
                rows.append({tr("Platforms"), names.join(QStringLiteral(", "))});
            }
            QString blobs = QCoreApplication::translate("minatoctl", "%n blob(s)", nullptr, info.blobs) +
                            QStringLiteral(" (%1): ").arg(humanSize(info.totalBytes)) +
                            tr("%1 downloaded").arg(info.downloaded);
            if (!archive) {
                blobs += tr(", %1 already in the layout").arg(info.present);
            }
            blobs += rateText(info.downloadedBytes, seconds);
            rows.append({tr("Blobs"), blobs});
            if (info.foreignSkipped > 0) {
                rows.append({tr("Not fetched"), QCoreApplication::translate(
                                                    "minatoctl", "%n non-distributable layer(s), left to their URLs",
                                                    nullptr, info.foreignSkipped)});
            }
            printFields(ctx.out(), rows);
        }
        ctx.finish(ExitOk);
    });
    return ctx.run([job] { job->start(); });
}

int importCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("import"),
                   tr("Push an image from disk into a registry: an OCI image layout directory (the image named by "
                      "--name, else the only one, else the one named like REF's tag; every manifest and blob pushed "
                      "unchanged, so digests stay those of the layout) or a docker-archive tar from `docker save` or "
                      "skopeo (config and layers pushed as stored, under a new Docker schema 2 manifest). Blobs the "
                      "repository has already are not sent again."),
                   QStringLiteral("[options] DIR|FILE.tar [REGISTRY/]REPOSITORY[:TAG]"));
    cl.addJson();
    cl.addNetwork();
    cl.parser().addOption({QStringLiteral("name"),
                           tr("Which image of the layout (its ref.name) or archive (a RepoTags entry, or its tag)."),
                           QStringLiteral("NAME")});
    addTransferOptions(cl);
    if (const auto status = cl.parse(arguments, 2, 2)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    const auto mode = progressMode(ctx, cl);
    const auto parallel = parallelOption(ctx, cl);
    if (!mode || !parallel) {
        return ctx.status();
    }
    const QString path = cl.positional(0);
    const auto target = ctx.imageTarget(cl.positional(1));
    if (!target) {
        return ctx.status();
    }
    if (target->reference.contains(u':')) {
        return ctx.usage(tr("import pushes under a tag: give REPOSITORY:TAG, not a digest"));
    }
    if (!QFileInfo::exists(path)) {
        return ctx.usage(tr("\"%1\" does not exist").arg(path));
    }
    ImageImport::Options options;
    options.name = cl.value(QStringLiteral("name"));
    options.parallel = *parallel;
    RegistryClient *client = ctx.makeClient(*target);
    auto *job = new ImageImport(client, path, target->repository, target->reference, options, client);
    auto printer = std::make_shared<ProgressPrinter>(ctx.err(), *mode);
    printer->stage(tr("uploading"));
    QObject::connect(job, &ImageImport::progress, job,
                     [printer](qint64 done, qint64 total) { printer->update(done, total); });
    const Target dst = *target;
    QObject::connect(job, &ImageImport::finished, job, [&ctx, printer, dst, path](const ImageImportResult &r) {
        printer->done();
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        const ImageImportInfo &info = r.value();
        const bool archive = info.source == ImageImportInfo::Source::DockerArchive;
        const double seconds = printer->seconds();
        if (ctx.json()) {
            const QJsonObject o{
                {QStringLiteral("source"), path},
                {QStringLiteral("format"), archive ? QStringLiteral("docker-archive") : QStringLiteral("oci-layout")},
                {QStringLiteral("name"), info.sourceName},
                {QStringLiteral("target"), dst.display()},
                {QStringLiteral("digest"), info.digest.toString()},
                {QStringLiteral("mediaType"), info.mediaType},
                {QStringLiteral("size"), info.size},
                {QStringLiteral("configDigest"), info.configDigest.toString()},
                {QStringLiteral("manifests"), info.manifests},
                {QStringLiteral("blobs"), info.blobs},
                {QStringLiteral("uploaded"), info.uploaded},
                {QStringLiteral("skipped"), info.skipped},
                {QStringLiteral("totalBytes"), info.totalBytes},
                {QStringLiteral("uploadedBytes"), info.uploadedBytes},
                {QStringLiteral("seconds"), seconds},
            };
            ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            QList<QStringList> rows{
                {tr("Imported"), dst.display()},
                {tr("From"), archive ? tr("%1 (docker-archive)").arg(path) : tr("%1 (OCI image layout)").arg(path)},
            };
            if (!info.sourceName.isEmpty()) {
                rows.append({tr("Name"), info.sourceName});
            }
            rows.append({tr("Digest"), info.digest.toString() + QStringLiteral(" (") +
                                           typeAndSize(info.mediaType, info.size) + u')'});
            if (info.configDigest.isValid()) {
                rows.append({tr("Config"), info.configDigest.toString()});
            }
            rows.append({tr("Blobs"), QCoreApplication::translate("minatoctl", "%n blob(s)", nullptr, info.blobs) +
                                          QStringLiteral(" (%1): ").arg(humanSize(info.totalBytes)) +
                                          tr("%1 uploaded, %2 already there").arg(info.uploaded).arg(info.skipped) +
                                          rateText(info.uploadedBytes, seconds)});
            rows.append({tr("Manifests"), tr("%1 pushed").arg(info.manifests)});
            printFields(ctx.out(), rows);
        }
        ctx.finish(ExitOk);
    });
    return ctx.run([job] { job->start(); });
}

} // namespace Minato::Cli
