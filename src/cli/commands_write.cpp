// Commands that change a registry: `tag SRC NEWTAG` (another name for an image, no data moved: Retag) and
// `rm REF… [--plan]` (deletes safely: DeletePlanQuery first, then DeleteTag, DeleteImage or BulkDelete).
// Output follows the read commands: aligned fields and tables, or one JSON document with --json; exit codes
// from exitcodes.h. MINATO_DOCKERHUB_API_URL replaces https://hub.docker.com, as for `ls` and `tags`.
#include "clicontext.h"
#include "commands.h"

#include "client/bulkdelete.h"
#include "client/deleteimage.h"
#include "client/deleteplan.h"
#include "client/deletetag.h"
#include "client/registryclient.h"
#include "client/retag.h"

#include "oci/reference.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString joinOrNone(const QStringList &items)
{
    return items.isEmpty() ? tr("none") : items.join(QStringLiteral(", "));
}

QJsonArray digestsJson(const QList<Oci::Digest> &digests)
{
    QJsonArray out;
    for (const Oci::Digest &d : digests) {
        out.append(d.toString());
    }
    return out;
}

// ---- tag ---------------------------------------------------------------------------------------------------

// NEWTAG: "stable" (same repository), "team/other:stable", or the same registry written out
// ("127.0.0.1:5000/team/other:stable"). Sets repository and tag; false after a usage error.
bool parseNewTag(Context &ctx, const Target &source, const QString &text, QString *repository, QString *tag)
{
    if (!text.contains(u':') && !text.contains(u'/') && !text.contains(u'@')) {
        if (const auto checked = Oci::Reference::parseTag(text); !checked) {
            ctx.usage(tr("\"%1\" is not a valid tag: %2").arg(text, checked.error().message()));
            return false;
        }
        *repository = source.repository;
        *tag = text;
        return true;
    }
    if (text.contains(u'@')) {
        ctx.usage(tr("NEWTAG is a tag or REPOSITORY:TAG, not a digest"));
        return false;
    }
    QString rest = withoutScheme(text);
    const QString registryPrefix = source.registry + u'/';
    if (rest.startsWith(registryPrefix)) {
        rest = rest.mid(registryPrefix.size());
    } else {
        const QString first = rest.section(u'/', 0, 0);
        if (rest.contains(u'/') &&
            (first.contains(u'.') || first.contains(u':') || first == QStringLiteral("localhost"))) {
            ctx.usage(tr("NEWTAG must be in the same registry as SRC (%1); to put an image in another registry, "
                         "copy it")
                          .arg(source.registry));
            return false;
        }
    }
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon <= 0 || rest.indexOf(u'/', colon) >= 0) {
        ctx.usage(tr("\"%1\": give the new tag too, e.g. %2:stable").arg(text, rest));
        return false;
    }
    *repository = rest.left(colon);
    *tag = rest.mid(colon + 1);
    if (const auto checked = Oci::Reference::parseRepositoryPath(*repository); !checked) {
        ctx.usage(tr("\"%1\" is not a valid repository: %2").arg(*repository, checked.error().message()));
        return false;
    }
    if (const auto checked = Oci::Reference::parseTag(*tag); !checked) {
        ctx.usage(tr("\"%1\" is not a valid tag: %2").arg(*tag, checked.error().message()));
        return false;
    }
    return true;
}

// ---- rm: printing plans and outcomes -------------------------------------------------------------------------

QString displayOf(const Target &target, const QString &reference)
{
    Target t = target;
    t.reference = reference;
    return t.display();
}

QJsonObject planJson(const Target &target, const DeletePlan &plan)
{
    const QList<Oci::Digest> orphans = plan.orphanedChildren();
    QJsonArray children;
    for (const PlannedChild &c : plan.children) {
        children.append(QJsonObject{
            {QStringLiteral("digest"), c.descriptor.digest.toString()},
            {QStringLiteral("mediaType"), c.descriptor.mediaType},
            {QStringLiteral("size"), c.descriptor.size},
            {QStringLiteral("platform"), c.descriptor.platform ? c.descriptor.platform->toString() : QString()},
            {QStringLiteral("tags"), QJsonArray::fromStringList(c.tags)},
            {QStringLiteral("sharedWith"), QJsonArray::fromStringList(c.sharedWith)},
            {QStringLiteral("deletedWithImage"), orphans.contains(c.descriptor.digest)},
        });
    }
    QJsonArray referrers;
    for (const PlannedReferrer &p : plan.referrers) {
        const Referrer &r = p.referrer;
        referrers.append(QJsonObject{
            {QStringLiteral("subject"), p.subject.toString()},
            {QStringLiteral("kind"), artifactKindName(r.kind)},
            {QStringLiteral("artifactType"), r.descriptor.artifactType},
            {QStringLiteral("mediaType"), r.descriptor.mediaType},
            {QStringLiteral("digest"), r.descriptor.digest.isValid() ? r.descriptor.digest.toString() : QString()},
            {QStringLiteral("tag"), r.tag},
        });
    }
    // -1: the tag list itself could not be read.
    const qsizetype unchecked =
        plan.tagIndex.unchecked.contains(QStringLiteral("*")) ? -1 : plan.tagIndex.unchecked.size();
    return QJsonObject{
        {QStringLiteral("reference"), displayOf(target, plan.reference)},
        {QStringLiteral("repository"), plan.repository},
        {QStringLiteral("tag"), plan.tag},
        {QStringLiteral("digest"), plan.digest.toString()},
        {QStringLiteral("mediaType"), plan.mediaType},
        {QStringLiteral("size"), plan.size},
        {QStringLiteral("index"), plan.isIndex},
        {QStringLiteral("otherTags"), QJsonArray::fromStringList(plan.otherTags)},
        {QStringLiteral("tagsTotal"), plan.tagIndex.tags.size()},
        {QStringLiteral("tagsUnchecked"), unchecked},
        {QStringLiteral("tagsComplete"), plan.tagIndex.complete()},
        {QStringLiteral("children"), children},
        {QStringLiteral("childrenChecked"), plan.childrenChecked},
        {QStringLiteral("referrers"), referrers},
        {QStringLiteral("referrersChecked"), plan.referrersChecked},
        {QStringLiteral("notes"), QJsonArray::fromStringList(plan.notes)},
    };
}

void printPlan(QTextStream &out, const Target &target, const DeletePlan &plan)
{
    const QList<Oci::Digest> orphans = plan.orphanedChildren();
    QList<QStringList> fields{
        {tr("Reference"), displayOf(target, plan.reference)},
        {tr("Digest"), plan.digest.toString() + QStringLiteral(" (") + typeAndSize(plan.mediaType, plan.size) + u')'},
    };
    QString others = joinOrNone(plan.otherTags);
    if (!plan.tagIndex.complete()) {
        others += tr(" (not every tag could be checked)");
    }
    fields.append({plan.tag.isEmpty() ? tr("Tags") : tr("Other tags"),
                   plan.tag.isEmpty() ? joinOrNone(plan.tagsOnManifest()) : others});
    if (plan.tag.isEmpty()) {
        QString goes = tr("the image and every tag on it");
        if (!orphans.isEmpty()) {
            goes += QCoreApplication::translate("minatoctl", ", then %n child manifest(s) nothing else uses", nullptr,
                                                int(orphans.size()));
        }
        fields.append({tr("What goes"), goes});
    } else if (plan.otherTags.isEmpty() && plan.tagIndex.complete()) {
        fields.append({tr("What goes"),
                       tr("the tag %1; where the registry deletes only by digest, the image %2 with it (no other tag "
                          "names it)")
                           .arg(plan.tag, plan.digest.toString())});
    } else {
        fields.append(
            {tr("What goes"), tr("the tag %1 only; where the registry deletes only by digest, nothing (the delete is "
                                 "refused: other tags name the image, or not all could be checked)")
                                  .arg(plan.tag)});
    }
    printFields(out, fields);
    if (!plan.children.isEmpty()) {
        out << QCoreApplication::translate("minatoctl", "Child manifests (%n)", nullptr, int(plan.children.size()))
            << Qt::endl;
        QList<QStringList> rows{{tr("PLATFORM"), tr("DIGEST"), tr("WHEN THE IMAGE GOES")}};
        for (const PlannedChild &c : plan.children) {
            QString fate;
            if (orphans.contains(c.descriptor.digest)) {
                fate = tr("deleted too");
            } else if (!c.tags.isEmpty()) {
                fate = tr("kept: tagged %1").arg(c.tags.join(QStringLiteral(", ")));
            } else if (!c.sharedWith.isEmpty()) {
                fate = tr("kept: also in %1").arg(c.sharedWith.join(QStringLiteral(", ")));
            } else {
                fate = tr("kept: not every tag could be checked");
            }
            rows.append({c.descriptor.platform ? c.descriptor.platform->toString() : QStringLiteral("-"),
                         c.descriptor.digest.toString(), fate});
        }
        printTable(out, rows, QStringLiteral("  "));
    }
    if (!plan.referrers.isEmpty()) {
        out << QCoreApplication::translate("minatoctl", "Referrers (%n), left without their subject if it goes",
                                           nullptr, int(plan.referrers.size()))
            << Qt::endl;
        QList<QStringList> rows{{tr("KIND"), tr("DIGEST"), tr("SUBJECT")}};
        for (const PlannedReferrer &p : plan.referrers) {
            const Referrer &r = p.referrer;
            rows.append({artifactKindName(r.kind),
                         r.descriptor.digest.isValid() ? r.descriptor.digest.toString() : r.tag, p.subject.toString()});
        }
        printTable(out, rows, QStringLiteral("  "));
    } else if (!plan.referrersChecked) {
        out << tr("Referrers could not be listed.") << Qt::endl;
    }
    for (const QString &note : plan.notes) {
        out << tr("Note: %1").arg(note) << Qt::endl;
    }
}

QJsonObject outcomeJson(const DeleteOutcome &o)
{
    return QJsonObject{
        {QStringLiteral("reference"), o.reference},
        {QStringLiteral("method"), methodName(o.method)},
        {QStringLiteral("via"), o.via},
        {QStringLiteral("digest"), o.digest.isValid() ? o.digest.toString() : QString()},
        {QStringLiteral("removedTags"), QJsonArray::fromStringList(o.removedTags)},
        {QStringLiteral("removedManifests"), digestsJson(o.removedManifests)},
        {QStringLiteral("notes"), QJsonArray::fromStringList(o.notes)},
    };
}

QString outcomeText(const DeleteOutcome &o)
{
    switch (o.method) {
    case DeleteOutcome::Method::Tag:
    case DeleteOutcome::Method::VendorTag:
        return tr("tag %1 deleted (%2); the image stays").arg(o.reference, o.via);
    case DeleteOutcome::Method::Manifest: {
        QString text = tr("image %1 deleted, with its tags: %2").arg(o.digest.toString(), joinOrNone(o.removedTags));
        if (const qsizetype children = o.removedManifests.size() - 1; children > 0) {
            text += QCoreApplication::translate("minatoctl", "; and %n child manifest(s)", nullptr, int(children));
        }
        return text;
    }
    case DeleteOutcome::Method::AlreadyRemoved:
        break;
    }
    return tr("tag %1 went with %2 above").arg(o.reference, o.digest.toString());
}

struct RmItem
{
    Target target;
    QString reference; // tag or digest
};

// Runs the plans one after the other, then done(plans) — or reports the first failure.
void planAll(Context &ctx, RegistryClient *client, const QList<RmItem> &items, int maxTagChecks, int index,
             std::shared_ptr<QList<DeletePlan>> plans, std::function<void()> done)
{
    if (index >= items.size()) {
        done();
        return;
    }
    DeletePlanQuery::Options options;
    options.maxTagChecks = maxTagChecks;
    const RmItem &item = items.at(index);
    auto *query = new DeletePlanQuery(client, item.target.repository, item.reference, options, client);
    QObject::connect(query, &DeletePlanQuery::finished, query,
                     [&ctx, client, items, maxTagChecks, index, plans, done, query](const DeletePlanResult &r) {
                         query->deleteLater();
                         if (!r) {
                             ctx.finish(ctx.fail(r.error()));
                             return;
                         }
                         plans->append(r.value());
                         planAll(ctx, client, items, maxTagChecks, index + 1, plans, done);
                     });
    query->start();
}

} // namespace

int tagCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("tag"),
                   tr("Give an image another tag in the same registry without moving data: the manifest is pushed "
                      "again, unchanged, under the new name (same digest). Into another repository its blobs are "
                      "mounted first; a registry that will not mount them leaves the image to be copied instead. "
                      "An existing NEWTAG is moved to this image."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY[:TAG|@DIGEST] NEWTAG|REPOSITORY:NEWTAG"));
    cl.addJson();
    cl.addNetwork();
    if (const auto status = cl.parse(arguments, 2, 2)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    const auto source = ctx.imageTarget(cl.positional(0));
    if (!source) {
        return ctx.status();
    }
    QString repository;
    QString tag;
    if (!parseNewTag(ctx, *source, cl.positional(1), &repository, &tag)) {
        return ctx.status();
    }
    Target target = *source;
    target.repository = repository;
    target.reference = tag;
    RegistryClient *client = ctx.makeClient(*source);
    Retag::Image from;
    from.repository = source->repository;
    from.reference = source->reference;
    Retag::Image to;
    to.repository = repository;
    to.reference = tag;
    auto *job = new Retag(client, from, to, client);
    QObject::connect(job, &Retag::finished, job, [&ctx, job, source, target](const RetagResult &r) {
        if (!r) {
            ctx.fail(r.error());
            for (const Oci::Descriptor &blob : job->mustCopy()) {
                ctx.err() << tr("  must be copied: %1 (%2)").arg(blob.digest.toString(), humanSize(blob.size))
                          << Qt::endl;
            }
            ctx.finish(ctx.status());
            return;
        }
        const RetagInfo &info = r.value();
        if (ctx.json()) {
            const QJsonObject o{
                {QStringLiteral("source"), source->display()},
                {QStringLiteral("target"), target.display()},
                {QStringLiteral("digest"), info.digest.toString()},
                {QStringLiteral("mediaType"), info.mediaType},
                {QStringLiteral("size"), info.size},
                {QStringLiteral("mountedBlobs"), info.mountedBlobs},
                {QStringLiteral("childManifests"), info.childManifests},
            };
            ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            QList<QStringList> rows{
                {tr("Tagged"), target.display()},
                {tr("From"), source->display()},
                {tr("Digest"),
                 info.digest.toString() + QStringLiteral(" (") + typeAndSize(info.mediaType, info.size) + u')'},
            };
            if (info.sourceRepository != info.targetRepository) {
                rows.append(
                    {tr("Mounted"), QCoreApplication::translate("minatoctl", "%n blob(s)", nullptr, info.mountedBlobs) +
                                        QCoreApplication::translate("minatoctl", ", %n child manifest(s) pushed",
                                                                    nullptr, info.childManifests)});
            }
            printFields(ctx.out(), rows);
        }
        ctx.finish(ExitOk);
    });
    return ctx.run([job] { job->start(); });
}

int rmCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("rm"),
                   tr("Delete tags or images. THIS DELETES: without --plan, what is listed is gone afterwards, with "
                      "no confirmation. A tag is deleted alone where the registry (or its vendor API: Docker Hub, "
                      "Harbor, ACR) can; elsewhere by digest, only when no other tag names the same image. A digest "
                      "deletes the image, every tag on it and the child manifests nothing else uses. Referrers "
                      "(signatures, SBOMs) are listed, not deleted. Several REFs (tags of one repository) are deleted "
                      "as one job, each with its own result; later ones may be bare tags."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY:TAG|@DIGEST [TAG…]"));
    cl.addJson();
    cl.addNetwork();
    cl.parser().addOption({QStringLiteral("plan"), tr("Print what would be deleted and delete nothing.")});
    cl.parser().addOption({QStringLiteral("max-tag-checks"),
                           tr("Check at most N other tags for the same image (default 1000)."), QStringLiteral("N")});
    if (const auto status = cl.parse(arguments, 1, -1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    int maxTagChecks = 1000;
    if (cl.isSet(QStringLiteral("max-tag-checks"))) {
        bool ok = false;
        maxTagChecks = cl.value(QStringLiteral("max-tag-checks")).toInt(&ok);
        if (!ok || maxTagChecks < 0) {
            return ctx.usage(tr("--max-tag-checks wants a number of tags (0 or more)"));
        }
    }
    const bool planOnly = cl.isSet(QStringLiteral("plan"));
    QList<RmItem> items;
    const QStringList positional = cl.parser().positionalArguments();
    for (qsizetype i = 0; i < positional.size(); ++i) {
        const QString &text = positional.at(i);
        RmItem item;
        if (i > 0 && !text.contains(u'/') && !text.contains(u'@') && Oci::Reference::isValidTag(text)) {
            item.target = items.first().target; // a bare tag of the first REF's repository
            item.reference = text;
        } else {
            if (!namesTagOrDigest(text)) {
                return ctx.usage(tr("\"%1\" names no tag or digest; rm never assumes :latest").arg(text));
            }
            const auto target = ctx.imageTarget(text);
            if (!target) {
                return ctx.status();
            }
            item.target = *target;
            item.reference = target->reference;
            if (i > 0 && (target->registryKey != items.first().target.registryKey ||
                          target->repository != items.first().target.repository)) {
                return ctx.usage(
                    tr("several REFs must be tags of one repository (%1)").arg(displayOf(items.first().target, {})));
            }
        }
        items.append(item);
    }
    const bool bulk = items.size() > 1;
    if (bulk && !planOnly) {
        for (const RmItem &item : std::as_const(items)) {
            if (item.reference.contains(u':')) {
                return ctx.usage(
                    tr("delete a digest on its own (minatoctl rm REPOSITORY@DIGEST), not with other REFs"));
            }
        }
    }
    RegistryClient *client = ctx.makeClient(items.first().target);
    const Target first = items.first().target;

    if (planOnly || !bulk) {
        auto plans = std::make_shared<QList<DeletePlan>>();
        auto afterPlans = [&ctx, client, items, plans, planOnly, first]() {
            if (planOnly) {
                if (ctx.json()) {
                    QJsonArray array;
                    for (const DeletePlan &plan : std::as_const(*plans)) {
                        array.append(planJson(first, plan));
                    }
                    const QJsonDocument doc =
                        plans->size() == 1 ? QJsonDocument(array.first().toObject()) : QJsonDocument(array);
                    ctx.out() << doc.toJson(QJsonDocument::Compact) << Qt::endl;
                } else {
                    for (qsizetype i = 0; i < plans->size(); ++i) {
                        if (i > 0) {
                            ctx.out() << Qt::endl;
                        }
                        printPlan(ctx.out(), first, plans->at(i));
                    }
                    ctx.out() << tr("Nothing was deleted (--plan).") << Qt::endl;
                }
                ctx.finish(ExitOk);
                return;
            }
            const DeletePlan plan = plans->first();
            if (!ctx.json()) {
                ctx.out() << tr("Deleting:") << Qt::endl;
                printPlan(ctx.out(), first, plan);
            }
            auto report = [&ctx, plan, first](const DeleteResult &r) {
                if (!r) {
                    if (ctx.json()) {
                        ctx.out() << QJsonDocument(QJsonObject{{QStringLiteral("plan"), planJson(first, plan)},
                                                               {QStringLiteral("deleted"), QJsonValue::Null},
                                                               {QStringLiteral("error"), r.error().message()}})
                                         .toJson(QJsonDocument::Compact)
                                  << Qt::endl;
                    }
                    ctx.finish(ctx.fail(r.error()));
                    return;
                }
                if (ctx.json()) {
                    ctx.out() << QJsonDocument(QJsonObject{{QStringLiteral("plan"), planJson(first, plan)},
                                                           {QStringLiteral("deleted"), outcomeJson(r.value())}})
                                     .toJson(QJsonDocument::Compact)
                              << Qt::endl;
                } else {
                    ctx.out() << tr("Deleted: %1").arg(outcomeText(r.value())) << Qt::endl;
                    for (const QString &note : r->notes) {
                        ctx.out() << tr("Note: %1").arg(note) << Qt::endl;
                    }
                }
                ctx.finish(ExitOk);
            };
            if (plan.tag.isEmpty()) {
                auto *del = new DeleteImage(client, plan, client);
                QObject::connect(del, &DeleteImage::finished, del, report);
                del->start();
            } else {
                DeleteTag::Options options;
                options.plan = plan;
                options.dockerHubApiUrl = dockerHubApiUrl();
                auto *del = new DeleteTag(client, plan.repository, plan.tag, options, client);
                QObject::connect(del, &DeleteTag::finished, del, report);
                del->start();
            }
        };
        return ctx.run([&ctx, client, items, maxTagChecks, plans, afterPlans] {
            planAll(ctx, client, items, maxTagChecks, 0, plans, afterPlans);
        });
    }

    // Several tags: one BulkDelete job, a line (or JSON object) per tag as each finishes.
    QStringList tags;
    for (const RmItem &item : std::as_const(items)) {
        tags.append(item.reference);
    }
    BulkDelete::Options options;
    options.maxTagChecks = maxTagChecks;
    options.dockerHubApiUrl = dockerHubApiUrl();
    auto *job = new BulkDelete(client, first.repository, tags, options, client);
    auto firstFailure = std::make_shared<int>(ExitOk);
    auto jsonItems = std::make_shared<QJsonArray>();
    QObject::connect(job, &BulkDelete::itemFinished, job,
                     [&ctx, tags, firstFailure, jsonItems](int index, const DeleteResult &r) {
                         reportDeleteItem(ctx, tags.value(index), r,
                                          r ? QJsonObject{{QStringLiteral("deleted"), outcomeJson(r.value())}} : QJsonObject(),
                                          r ? outcomeText(r.value()) : QString(), firstFailure.get(), jsonItems.get());
                     });
    QObject::connect(job, &BulkDelete::finished, job, [&ctx, firstFailure, jsonItems](const BulkDeleteResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        if (ctx.json()) {
            ctx.out() << QJsonDocument(QJsonObject{{QStringLiteral("deleted"), r->deleted},
                                                   {QStringLiteral("failed"), r->failed},
                                                   {QStringLiteral("items"), *jsonItems}})
                             .toJson(QJsonDocument::Compact)
                      << Qt::endl;
        } else {
            ctx.out() << tr("%1 of %2 deleted, %3 failed.").arg(r->deleted).arg(r->tags.size()).arg(r->failed)
                      << Qt::endl;
        }
        ctx.finish(*firstFailure);
    });
    return ctx.run([job] { job->start(); });
}

} // namespace Minato::Cli
