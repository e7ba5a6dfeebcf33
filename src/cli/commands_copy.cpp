// minatoctl cp: an image (every platform, or some) from one registry to another, with progress.

#include "clicontext.h"
#include "commands.h"
#include "progress.h"

#include "client/copyjob.h"
#include "client/registryclient.h"

#include "oci/reference.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString outcomeName(BlobCopyInfo::Outcome outcome)
{
    switch (outcome) {
    case BlobCopyInfo::Outcome::Copied:
        return tr("copied");
    case BlobCopyInfo::Outcome::Mounted:
        return tr("mounted");
    case BlobCopyInfo::Outcome::AlreadyPresent:
        return tr("already there");
    }
    return {};
}

} // namespace

int cpCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("cp"),
                   tr("Copy an image from one registry (or repository) to another: a single image or a whole index, "
                      "digests unchanged. Blobs the destination has are skipped, blobs within one registry are "
                      "mounted, the rest streamed (4 at a time) without touching the disk. Run it again after a "
                      "failure or Ctrl+C: what arrived is not sent twice. DST without a tag takes SRC's tag. "
                      "--platform (repeatable) copies only those platforms of an index: that writes a NEW index "
                      "with a new digest, and signatures made on the original do not apply to it."),
                   QStringLiteral("[options] SRC DST"));
    cl.addJson();
    cl.addNetwork();
    QCommandLineParser &parser = cl.parser();
    parser.addOption(QCommandLineOption(QStringLiteral("all-platforms"),
                                        tr("Copy every platform of an index (the default).")));
    parser.addOption(QCommandLineOption(QStringLiteral("platform"),
                                        tr("Copy only this platform of an index (os/arch[/variant]); repeatable."),
                                        QStringLiteral("PLATFORM")));
    parser.addOption(QCommandLineOption(QStringLiteral("referrers"),
                                        tr("Copy signatures, SBOMs and attestations that refer to the image too.")));
    parser.addOption(QCommandLineOption(QStringLiteral("foreign-layers"),
                                        tr("Copy the bytes of non-distributable (foreign) layers as well.")));
    addTransferOptions(cl);
    if (const auto status = cl.parse(arguments, 2, 2)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    if (cl.isSet(QStringLiteral("all-platforms")) && cl.isSet(QStringLiteral("platform"))) {
        return ctx.usage(tr("--all-platforms and --platform exclude each other"));
    }
    CopyJob::Options options;
    for (const QString &text : parser.values(QStringLiteral("platform"))) {
        const auto platform = Oci::Platform::parse(text);
        if (!platform) {
            return ctx.usage(tr("\"%1\" is not a platform (os/arch[/variant]): %2").arg(text, platform.error().message()));
        }
        options.platforms.append(*platform);
    }
    const auto parallel = parallelOption(ctx, cl);
    const auto mode = progressMode(ctx, cl);
    if (!parallel || !mode) {
        return ctx.status();
    }
    options.parallel = *parallel;
    options.referrers = cl.isSet(QStringLiteral("referrers"));
    options.foreignLayers = cl.isSet(QStringLiteral("foreign-layers"));

    const auto source = ctx.imageTarget(cl.positional(0));
    if (!source) {
        return ctx.status();
    }
    bool dstReferenceGiven = false;
    auto target = ctx.imageTarget(cl.positional(1), &dstReferenceGiven);
    if (!target) {
        return ctx.status();
    }
    if (!dstReferenceGiven) {
        target->reference.clear(); // the job takes SRC's tag (or pushes by digest)
    }
    RegistryClient *from = ctx.makeClient(*source);
    RegistryClient *to = ctx.makeClient(*target);
    CopyJob::Image src;
    src.repository = source->repository;
    src.reference = source->reference;
    CopyJob::Image dst;
    dst.repository = target->repository;
    dst.reference = target->reference;
    auto *job = new CopyJob(from, src, to, dst, options, from);

    auto printer = std::make_shared<ProgressPrinter>(ctx.err(), *mode);
    const bool lines = *mode == ProgressPrinter::Mode::Lines;
    QObject::connect(job, &CopyJob::planned, job, [&ctx, source, printer](const ImageGraph &graph) {
        const GraphManifest &top = graph.top();
        ctx.err() << tr("Copying %1 (%2): %3, %4, %5")
                         .arg(source->display(), top.digest.toString(),
                              QCoreApplication::translate("minatoctl", "%n manifest(s)", nullptr,
                                                          int(graph.manifests.size())),
                              QCoreApplication::translate("minatoctl", "%n blob(s)", nullptr, int(graph.blobs.size())),
                              humanSize(graph.blobBytes()))
                  << Qt::endl;
        if (graph.rewritten()) {
            ctx.err() << tr("Note: only some platforms are copied, so the destination gets a NEW index %1 (the "
                            "source's is %2). Signatures made on the source's index do not apply to it.")
                             .arg(top.digest.toString(), graph.originalDigest.toString())
                      << Qt::endl;
        }
        for (const GraphBlob &blob : graph.blobs) {
            if (blob.foreign) {
                ctx.err() << tr("Foreign layer %1 is referenced, not copied (see --foreign-layers)")
                                 .arg(blob.descriptor.digest.toString())
                          << Qt::endl;
            }
        }
        printer->stage(tr("copying"));
    });
    QObject::connect(job, &CopyJob::progress, job, [printer, lines](const CopyProgress &p) {
        if (!lines) { // lines mode: a line per blob (below) says more than tenths
            printer->update(p.doneBytes, p.totalBytes,
                            QCoreApplication::translate("minatoctl", "%1/%n blob(s)", nullptr, p.blobsTotal)
                                .arg(p.blobsDone),
                            p.bytesPerSecond);
        }
    });
    QObject::connect(job, &CopyJob::blobFinished, job,
                     [&ctx, lines](const Oci::Descriptor &blob, const BlobCopyResult &r) {
                         if (!lines) {
                             return;
                         }
                         if (r) {
                             ctx.err() << tr("blob %1 %2 (%3)")
                                              .arg(blob.digest.toString(), outcomeName(r->outcome), humanSize(blob.size))
                                       << Qt::endl;
                         } else {
                             ctx.err() << tr("blob %1 failed: %2").arg(blob.digest.toString(), r.error().message())
                                       << Qt::endl;
                         }
                     });
    QObject::connect(job, &CopyJob::finished, job, [&ctx, job, source, target, printer](const CopyResult &r) {
        printer->done();
        if (!r) {
            ctx.fail(r.error());
            for (const auto &[blob, error] : job->failedBlobs()) {
                ctx.err() << tr("  %1: %2").arg(blob.digest.toString(), error.message()) << Qt::endl;
            }
            ctx.finish(ctx.status());
            return;
        }
        const CopyInfo &info = r.value();
        Target shown = *target;
        shown.reference = info.targetReference;
        const double seconds = double(info.elapsedMs) / 1000.0;
        if (ctx.json()) {
            QJsonArray platforms;
            for (const Oci::Platform &p : info.platforms) {
                platforms.append(p.toString());
            }
            QJsonObject o{
                {QStringLiteral("source"), source->display()},
                {QStringLiteral("target"), shown.display()},
                {QStringLiteral("digest"), info.digest.toString()},
                {QStringLiteral("mediaType"), info.mediaType},
                {QStringLiteral("platforms"), platforms},
                {QStringLiteral("blobsCopied"), info.blobsCopied},
                {QStringLiteral("blobsMounted"), info.blobsMounted},
                {QStringLiteral("blobsPresent"), info.blobsPresent},
                {QStringLiteral("foreignLayersSkipped"), info.foreignSkipped},
                {QStringLiteral("manifestsPushed"), info.manifestsPushed},
                {QStringLiteral("referrersCopied"), info.referrersCopied},
                {QStringLiteral("fallbackIndexes"), info.fallbackIndexes},
                {QStringLiteral("bytesSent"), info.bytesSent},
                {QStringLiteral("elapsedMs"), info.elapsedMs},
            };
            if (info.originalDigest.isValid()) {
                o.insert(QStringLiteral("originalDigest"), info.originalDigest.toString());
            }
            ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            QList<QStringList> rows{
                {tr("Copied"), shown.display()},
                {tr("From"), source->display()},
                {tr("Digest"), info.digest.toString()},
                {tr("Blobs"), tr("%1 copied, %2 mounted, %3 already there")
                                  .arg(info.blobsCopied)
                                  .arg(info.blobsMounted)
                                  .arg(info.blobsPresent)},
                {tr("Sent"), tr("%1 in %2 s (%3)")
                                 .arg(humanSize(info.bytesSent))
                                 .arg(seconds, 0, 'f', 1)
                                 .arg(humanSize(seconds > 0 ? qint64(double(info.bytesSent) / seconds) : 0) +
                                      QStringLiteral("/s"))},
                {tr("Manifests"), QString::number(info.manifestsPushed)},
            };
            if (info.referrersCopied > 0) {
                rows.append({tr("Referrers"), info.fallbackIndexes > 0
                                                  ? tr("%1 (listed through the referrers tag schema: the "
                                                       "destination has no referrers API)")
                                                        .arg(info.referrersCopied)
                                                  : QString::number(info.referrersCopied)});
            }
            if (info.originalDigest.isValid()) {
                rows.append({tr("Rewritten"), tr("new index; the source's was %1").arg(info.originalDigest.toString())});
            }
            printFields(ctx.out(), rows);
        }
        ctx.finish(ExitOk);
    });
    return ctx.run([job] { job->start(); });
}

} // namespace Minato::Cli
