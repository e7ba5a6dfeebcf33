// Registry-level commands: `probe REGISTRY` (what the registry supports), `ls REGISTRY [--filter RE]`
// (the catalog, printed page by page as it arrives) and `tags REPO` (a repository's tags, likewise).
// --json: probe prints one object; ls and tags print one JSON array of strings, streamed.
#include "clicontext.h"
#include "commands.h"

#include "client/capabilitiesprobe.h"
#include "client/catalogquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QString schemeName(AuthSession::Scheme scheme)
{
    switch (scheme) {
    case AuthSession::Scheme::Anonymous:
        return QStringLiteral("anonymous");
    case AuthSession::Scheme::Basic:
        return QStringLiteral("basic");
    case AuthSession::Scheme::Bearer:
        return QStringLiteral("bearer");
    case AuthSession::Scheme::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QJsonValue jsonOptional(const std::optional<bool> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue jsonOptional(const std::optional<int> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QString yesNo(const std::optional<bool> &value)
{
    return value ? (*value ? QStringLiteral("yes") : QStringLiteral("no")) : QStringLiteral("unknown");
}

QString jsonString(const QString &s)
{
    const QByteArray array = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

// Streams a ListQuery's items: text one per line, or one JSON array written as the pages arrive.
class ListPrinter
{
public:
    ListPrinter(Context &ctx, std::optional<QRegularExpression> filter)
        : m_ctx(ctx)
        , m_filter(std::move(filter))
    {}

    void page(const QStringList &items)
    {
        for (const QString &item : items) {
            if (m_filter && !m_filter->match(item).hasMatch()) {
                continue;
            }
            if (m_ctx.json()) {
                m_ctx.out() << (m_count ? u',' : u'[') << jsonString(item);
            } else {
                m_ctx.out() << item << u'\n';
            }
            ++m_count;
        }
        m_ctx.out().flush();
    }
    // A complete array on success; on failure, what was printed is left unterminated (the exit status
    // says the list is incomplete), and nothing is printed when nothing had arrived.
    void end(bool ok)
    {
        if (!m_ctx.json()) {
            return;
        }
        if (ok) {
            m_ctx.out() << (m_count ? QStringLiteral("]") : QStringLiteral("[]")) << Qt::endl;
        } else if (m_count) {
            m_ctx.out() << Qt::endl;
        }
    }

private:
    Context &m_ctx;
    std::optional<QRegularExpression> m_filter;
    qsizetype m_count = 0;
};

template<typename Query>
int runList(Context &ctx, Query *query, std::optional<QRegularExpression> filter)
{
    ListPrinter printer(ctx, std::move(filter));
    QObject::connect(query, &Query::pageReady, query, [&printer](const QStringList &items) { printer.page(items); });
    QObject::connect(query, &Query::finished, query, [&ctx, &printer](const ListResult &r) {
        printer.end(r.hasValue());
        ctx.finish(r ? ExitOk : ctx.fail(r.error()));
    });
    return ctx.run([query] { query->start(); });
}

int pageSizeOption(const CommandLine &cl, Context &ctx, int *pageSize)
{
    if (!cl.isSet(QStringLiteral("page-size"))) {
        return ExitOk;
    }
    bool ok = false;
    *pageSize = cl.value(QStringLiteral("page-size")).toInt(&ok);
    if (!ok || *pageSize < 1 || *pageSize > ListQuery::MaxPageSize) {
        return ctx.usage(tr("--page-size wants a number from 1 to %1").arg(ListQuery::MaxPageSize));
    }
    return ExitOk;
}

void addPageSize(CommandLine &cl)
{
    cl.parser().addOption(
        {QStringLiteral("page-size"), tr("Ask the registry for pages of N names (default 100)."), QStringLiteral("N")});
}

} // namespace

int probeCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("probe"),
                   tr("Ask a registry what it supports: API reachable, sign-in scheme, catalog, delete, referrers "
                      "API, Docker Hub's pull limits."),
                   QStringLiteral("[options] REGISTRY"));
    cl.addJson();
    cl.addNetwork();
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    const auto target = ctx.registryTarget(cl.positional(0));
    if (!target) {
        return ctx.status();
    }
    CapabilitiesProbe *probe = ctx.makeClient(*target)->probeCapabilities();
    QObject::connect(probe, &CapabilitiesProbe::finished, probe, [&ctx, &target](const CapabilitiesResult &r) {
        if (!r) {
            ctx.finish(ctx.fail(r.error()));
            return;
        }
        const Capabilities &c = r.value();
        const QString url = target->profile.baseUrl.toString();
        if (ctx.json()) {
            QJsonObject o{
                {QStringLiteral("registry"), target->registry},
                {QStringLiteral("url"), url},
                {QStringLiteral("savedConnection"), target->savedProfile ? target->profile.name : QString()},
                {QStringLiteral("auth"), schemeName(c.authScheme)},
                {QStringLiteral("tokenRealm"), c.tokenRealm},
                {QStringLiteral("catalog"), jsonOptional(c.catalog)},
                {QStringLiteral("delete"), jsonOptional(c.deleteEnabled)},
                {QStringLiteral("referrers"), jsonOptional(c.referrersApi)},
                {QStringLiteral("rateLimit"), jsonOptional(c.rateLimit)},
                {QStringLiteral("rateRemaining"), jsonOptional(c.rateRemaining)},
                {QStringLiteral("notes"), QJsonArray::fromStringList(c.notes)},
            };
            ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            QList<QStringList> rows{
                {tr("Registry"), target->registry},
                {tr("URL"), url},
                {tr("Sign-in"), schemeName(c.authScheme) + (c.tokenRealm.isEmpty() ? QString() : u' ' + c.tokenRealm)},
                {tr("Catalog"), yesNo(c.catalog)},
                {tr("Delete"), yesNo(c.deleteEnabled)},
                {tr("Referrers API"), yesNo(c.referrersApi)},
            };
            if (target->savedProfile) {
                rows.insert(1, {tr("Connection"), target->profile.name});
            }
            if (c.rateLimit) {
                rows.append(
                    {tr("Pull limit"), tr("%1 of %2 left").arg(c.rateRemaining.value_or(-1)).arg(*c.rateLimit)});
            }
            for (const QString &note : c.notes) {
                rows.append({tr("Note"), note});
            }
            printFields(ctx.out(), rows);
        }
        ctx.finish(ExitOk);
    });
    return ctx.run([probe] { probe->start(); });
}

int lsCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("ls"),
                   tr("List the repositories of a registry (its catalog), printed page by page as they arrive."),
                   QStringLiteral("[options] REGISTRY"));
    cl.addJson();
    cl.addNetwork();
    cl.parser().addOption(
        {QStringLiteral("filter"), tr("Only names matching this regular expression."), QStringLiteral("RE")});
    addPageSize(cl);
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    std::optional<QRegularExpression> filter;
    if (cl.isSet(QStringLiteral("filter"))) {
        filter = QRegularExpression(cl.value(QStringLiteral("filter")));
        if (!filter->isValid()) {
            return ctx.usage(tr("--filter: %1").arg(filter->errorString()));
        }
    }
    int pageSize = 100;
    if (const int status = pageSizeOption(cl, ctx, &pageSize); status != ExitOk) {
        return status;
    }
    const auto target = ctx.registryTarget(cl.positional(0));
    if (!target) {
        return ctx.status();
    }
    return runList(ctx, ctx.makeClient(*target)->catalog(pageSize), std::move(filter));
}

int tagsCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("tags"), tr("List the tags of a repository, printed page by page as they arrive."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY"));
    cl.addJson();
    cl.addNetwork();
    addPageSize(cl);
    if (const auto status = cl.parse(arguments, 1, 1)) {
        return *status;
    }
    Context ctx(cl);
    if (!ctx.ok()) {
        return ctx.status();
    }
    int pageSize = 100;
    if (const int status = pageSizeOption(cl, ctx, &pageSize); status != ExitOk) {
        return status;
    }
    const auto target = ctx.repositoryTarget(cl.positional(0));
    if (!target) {
        return ctx.status();
    }
    return runList(ctx, ctx.makeClient(*target)->tags(target->repository, pageSize), std::nullopt);
}

} // namespace Minato::Cli
