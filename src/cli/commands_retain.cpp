// `retain REPO --keep N [--older-than AGE] [--match RE] [--dry-run]`: retention rules over a repository's tags
// (client/retention.h). The plan comes first — a table TAG, CREATED, DIGEST, ACTION, REASON, newest first, and
// "would delete 7 of 20 tags" — and with --dry-run that is all. Otherwise the plan's delete set goes to one
// BulkDelete job (the same as `rm TAG…`: a tag alone where the registry can, else by digest only when no other
// tag names the image), with a line per tag and a summary. --json prints one object instead. Exit codes as for
// rm (exitcodes.h): a failed plan its error's code, a run with failed deletes the first failure's code.
#include "clicontext.h"
#include "commands.h"

#include "client/bulkdelete.h"
#include "client/registryclient.h"
#include "client/retention.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString shortDigest(const Oci::Digest &digest)
{
    return digest.isValid() ? digest.algorithmName() + u':' + digest.shortHex(12) : QStringLiteral("-");
}

QString actionName(RetentionItem::Action action)
{
    return action == RetentionItem::Action::Delete ? QStringLiteral("delete") : QStringLiteral("keep");
}

QString rulesText(const RetentionRules &rules)
{
    QStringList parts;
    if (rules.keepLast >= 0) {
        parts.append(tr("keep the %1 newest").arg(rules.keepLast));
    }
    if (rules.olderThanSeconds) {
        parts.append(tr("delete those older than %1").arg(describeRetentionAge(*rules.olderThanSeconds)));
    }
    QString text = parts.join(tr(", then "));
    text += rules.match.pattern().isEmpty() ? tr(", of all tags")
                                            : tr(", of the tags matching %1").arg(rules.match.pattern());
    return text;
}

QJsonObject planJson(const Target &target, const RetentionPlan &plan, bool dryRun)
{
    QJsonArray tags;
    for (const RetentionItem &item : plan.items) {
        const QString created = isoDate(item.created);
        tags.append(QJsonObject{
            {QStringLiteral("tag"), item.tag},
            {QStringLiteral("created"), created.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(created)},
            {QStringLiteral("digest"),
             item.digest.isValid() ? QJsonValue(item.digest.toString()) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("candidate"), item.candidate},
            {QStringLiteral("action"), actionName(item.action)},
            {QStringLiteral("reason"), item.reason},
            {QStringLiteral("sharesImageWith"), QJsonArray::fromStringList(item.sharesWithKept)},
        });
    }
    QJsonObject rules{{QStringLiteral("match"), plan.rules.match.pattern()}};
    rules.insert(QStringLiteral("keep"),
                 plan.rules.keepLast >= 0 ? QJsonValue(plan.rules.keepLast) : QJsonValue(QJsonValue::Null));
    rules.insert(QStringLiteral("olderThanSeconds"), plan.rules.olderThanSeconds
                                                         ? QJsonValue(double(*plan.rules.olderThanSeconds))
                                                         : QJsonValue(QJsonValue::Null));
    return QJsonObject{
        {QStringLiteral("repository"), target.display()},
        {QStringLiteral("dryRun"), dryRun},
        {QStringLiteral("now"), isoDate(plan.now)},
        {QStringLiteral("rules"), rules},
        {QStringLiteral("dateSource"), plan.dateSource},
        {QStringLiteral("tags"), tags},
        {QStringLiteral("total"), plan.items.size()},
        {QStringLiteral("toDelete"), plan.deleteCount()},
        {QStringLiteral("notes"), QJsonArray::fromStringList(plan.notes)},
    };
}

void printPlan(QTextStream &out, const Target &target, const RetentionPlan &plan)
{
    printFields(out, {{tr("Repository"), target.display()},
                      {tr("Rules"), rulesText(plan.rules)},
                      {tr("Dates"), tr("%1, ages measured from %2").arg(plan.dateSource, isoDate(plan.now))}});
    QList<QStringList> rows{{tr("TAG"), tr("CREATED"), tr("DIGEST"), tr("ACTION"), tr("REASON")}};
    for (const RetentionItem &item : plan.items) {
        const QString created = isoDate(item.created);
        rows.append({item.tag, created.isEmpty() ? QStringLiteral("-") : created, shortDigest(item.digest),
                     actionName(item.action), item.reason});
    }
    printTable(out, rows);
    for (const QString &note : plan.notes) {
        out << tr("Note: %1").arg(note) << Qt::endl;
    }
}

QString outcomeText(const DeleteOutcome &o)
{
    switch (o.method) {
    case DeleteOutcome::Method::Tag:
    case DeleteOutcome::Method::VendorTag:
        return tr("%1 (the tag alone, %2)").arg(o.reference, o.via);
    case DeleteOutcome::Method::Manifest:
        return tr("%1 with its image %2 (tags: %3)")
            .arg(o.reference, o.digest.toString(), o.removedTags.join(QStringLiteral(", ")));
    case DeleteOutcome::Method::AlreadyRemoved:
        break;
    }
    return tr("%1 (went with %2 above)").arg(o.reference, o.digest.toString());
}

// --keep, --older-than and --match as rules; nullopt after a usage error (printed, ctx.status() set).
std::optional<RetentionRules> rulesFrom(const CommandLine &cl, Context &ctx)
{
    RetentionRules rules;
    const bool keep = cl.isSet(QStringLiteral("keep"));
    const bool olderThan = cl.isSet(QStringLiteral("older-than"));
    if (!keep && !olderThan) {
        ctx.usage(tr("give a rule: --keep N (keep the N newest tags), --older-than AGE (delete tags older than "
                     "AGE), or both; --match RE alone deletes nothing"));
        return std::nullopt;
    }
    if (keep) {
        bool ok = false;
        rules.keepLast = cl.value(QStringLiteral("keep")).toInt(&ok);
        if (!ok || rules.keepLast < 0) {
            ctx.usage(tr("--keep wants a number of tags (0 or more)"));
            return std::nullopt;
        }
    }
    if (olderThan) {
        rules.olderThanSeconds = parseRetentionAge(cl.value(QStringLiteral("older-than")));
        if (!rules.olderThanSeconds) {
            ctx.usage(tr("--older-than wants an age such as 30d, 12h, 90m or 2w (s, m, h, d, w; more than 0)"));
            return std::nullopt;
        }
    }
    if (cl.isSet(QStringLiteral("match"))) {
        rules.match = QRegularExpression(cl.value(QStringLiteral("match")));
        if (!rules.match.isValid()) {
            ctx.usage(tr("--match: %1 is not a valid regular expression: %2")
                          .arg(rules.match.pattern(), rules.match.errorString()));
            return std::nullopt;
        }
    }
    if (const QString problem = rules.problem(); !problem.isEmpty()) {
        ctx.usage(problem);
        return std::nullopt;
    }
    return rules;
}

void apply(Context &ctx, RegistryClient *client, const Target &target, const RetentionPlan &plan)
{
    const QStringList tags = plan.toDelete();
    BulkDelete::Options options;
    options.dockerHubApiUrl = dockerHubApiUrl();
    auto *job = new BulkDelete(client, plan.repository, tags, options, client);
    auto firstFailure = std::make_shared<int>(ExitOk);
    auto results = std::make_shared<QJsonArray>();
    QObject::connect(job, &BulkDelete::itemFinished, job,
                     [&ctx, tags, firstFailure, results](int index, const DeleteResult &r) {
                         QJsonObject deleted;
                         if (r) {
                             deleted = QJsonObject{
                                 {QStringLiteral("method"), methodName(r->method)},
                                 {QStringLiteral("via"), r->via},
                                 {QStringLiteral("removedTags"), QJsonArray::fromStringList(r->removedTags)},
                             };
                         }
                         reportDeleteItem(ctx, tags.value(index), r, deleted, r ? outcomeText(r.value()) : QString(),
                                          firstFailure.get(), results.get());
                     });
    QObject::connect(
        job, &BulkDelete::finished, job, [&ctx, target, plan, firstFailure, results](const BulkDeleteResult &r) {
            if (!r) {
                ctx.finish(ctx.fail(r.error()));
                return;
            }
            if (ctx.json()) {
                QJsonObject o = planJson(target, plan, false);
                o.insert(QStringLiteral("deleted"), r->deleted);
                o.insert(QStringLiteral("failed"), r->failed);
                o.insert(QStringLiteral("results"), *results);
                ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
            } else {
                ctx.out() << tr("%1 of %2 deleted, %3 failed.").arg(r->deleted).arg(r->tags.size()).arg(r->failed)
                          << Qt::endl;
            }
            ctx.finish(*firstFailure);
        });
    job->start();
}

} // namespace

int retainCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("retain"),
                   tr("Delete a repository's old tags by rules. THIS DELETES unless --dry-run is given: the plan is "
                      "printed, then its tags are deleted without a question. Candidates are the tags --match finds "
                      "(all without it; others are always kept). Of the candidates, the --keep N most recently "
                      "created stay; of the rest, those older than --older-than go (without it, all the rest go; "
                      "with --older-than alone, the candidates older than it go). Dates come from the vendor's tag "
                      "API where there is one (Docker Hub: the last push), else from each image's config (an index: "
                      "its linux/amd64 image, else its first). Tags without a date are kept. A tag naming the same "
                      "image as a kept tag is deleted alone, or not at all where the registry deletes only by "
                      "digest."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY --keep N [--older-than AGE] [--match RE]"));
    cl.addJson();
    cl.addNetwork();
    cl.parser().addOption({QStringLiteral("keep"), tr("Keep the N most recently created candidate tags (0 or more)."),
                           QStringLiteral("N")});
    cl.parser().addOption({QStringLiteral("older-than"),
                           tr("Delete candidates created longer ago than AGE: 30d, 12h, 90m, 2w (combinable: 1w2d)."),
                           QStringLiteral("AGE")});
    cl.parser().addOption({QStringLiteral("match"),
                           tr("Only tags this regular expression finds are candidates (a search: anchor with ^…$)."),
                           QStringLiteral("RE")});
    cl.parser().addOption({QStringLiteral("dry-run"), tr("Print the plan and delete nothing.")});
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    const auto rules = rulesFrom(cl, ctx);
    if (!rules) {
        return ctx.status();
    }
    const QString text = cl.positional(0);
    if (namesTagOrDigest(text)) {
        return ctx.usage(tr("\"%1\": retain works on a whole repository; give it without a tag or digest").arg(text));
    }
    const auto target = ctx.repositoryTarget(text);
    if (!target) {
        return ctx.status();
    }
    const bool dryRun = cl.isSet(QStringLiteral("dry-run"));
    RegistryClient *client = ctx.makeClient(*target);
    RetentionPlanQuery::Options options;
    options.dockerHubApiUrl = dockerHubApiUrl();
    auto *query = new RetentionPlanQuery(client, target->repository, *rules, options, client);
    QObject::connect(query, &RetentionPlanQuery::finished, query,
                     [&ctx, client, query, target = *target, dryRun](const RetentionPlanResult &r) {
                         query->deleteLater();
                         if (!r) {
                             ctx.finish(ctx.fail(r.error()));
                             return;
                         }
                         const RetentionPlan &plan = r.value();
                         const int toDelete = plan.deleteCount();
                         const int total = int(plan.items.size());
                         if (dryRun || toDelete == 0) {
                             if (ctx.json()) {
                                 ctx.out()
                                     << QJsonDocument(planJson(target, plan, dryRun)).toJson(QJsonDocument::Compact)
                                     << Qt::endl;
                             } else {
                                 printPlan(ctx.out(), target, plan);
                                 ctx.out() << (dryRun ? tr("would delete %1 of %2 tags (dry run: nothing was deleted)")
                                                      : tr("nothing to delete (%1 of %2 tags)"))
                                                  .arg(toDelete)
                                                  .arg(total)
                                           << Qt::endl;
                             }
                             ctx.finish(ExitOk);
                             return;
                         }
                         if (!ctx.json()) {
                             printPlan(ctx.out(), target, plan);
                             ctx.out() << tr("deleting %1 of %2 tags").arg(toDelete).arg(total) << Qt::endl;
                         }
                         apply(ctx, client, target, plan);
                     });
    return ctx.run([query] { query->start(); });
}

} // namespace Minato::Cli
