// Registry-level commands: `probe REGISTRY` (what the registry supports), `ls REGISTRY[/NAMESPACE]
// [--filter RE]` (the repositories, printed page by page as they arrive) and `tags REPO` (a repository's
// tags, likewise). Where the registry's vendor has an API of its own (vendorapi.h) it is used: ls lists a
// Docker Hub namespace, Harbor's repositories (its _catalog is for administrators only) or an Artifact
// Registry project's tree; tags prints each tag's size and date from Docker Hub's, Harbor's, GCR's or ACR's
// listing without a request per tag. Elsewhere ls reads the catalog and tags the registry's tag list.
// --json: probe prints one object; ls prints one JSON array of strings, streamed; tags prints strings, or
// objects {name, digest, mediaType, size, created, platforms} where the vendor API gives details.
//
// MINATO_DOCKERHUB_API_URL, when set, replaces https://hub.docker.com as Docker Hub's API (the tests point it
// at a stand-in); it is deliberately not an option.
#include "clicontext.h"
#include "commands.h"

#include "client/capabilitiesprobe.h"
#include "client/catalogquery.h"
#include "client/registryclient.h"
#include "client/tagmetadataprovider.h"
#include "client/tagsquery.h"
#include "client/vendorapi.h"
#include "client/vendortagsquery.h"

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

// invalidRequestHint: printed instead of the error when the query refuses its input (a usage error then).
template<typename Query>
int runList(Context &ctx, Query *query, std::optional<QRegularExpression> filter,
            const QString &invalidRequestHint = {})
{
    ListPrinter printer(ctx, std::move(filter));
    QObject::connect(query, &Query::pageReady, query, [&printer](const QStringList &items) { printer.page(items); });
    QObject::connect(query, &Query::finished, query, [&ctx, &printer, invalidRequestHint](const ListResult &r) {
        printer.end(r.hasValue());
        if (!r && r.error().kind() == ClientError::Kind::InvalidRequest && !invalidRequestHint.isEmpty()) {
            ctx.finish(ctx.usage(invalidRequestHint));
            return;
        }
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

// The vendor API helper for a client, with Docker Hub's API where the environment names another.
void configureVendor(VendorApi &vendor)
{
    if (!qEnvironmentVariableIsEmpty("MINATO_DOCKERHUB_API_URL")) {
        vendor.setDockerHubBaseUrl(dockerHubApiUrl());
    }
}

// Streams tags with their details. Text: CREATED, SIZE and TAG columns — the tag last, so that rows arriving
// page by page line up without knowing the longest tag. JSON: one array of objects, written as pages arrive.
// Details arrive (metadataReady) before the page's names (pageReady); names without details print "?".
class TagDetailsPrinter
{
public:
    explicit TagDetailsPrinter(Context &ctx)
        : m_ctx(ctx)
    {}

    void supply(const QList<TagMetadata> &metadata)
    {
        for (const TagMetadata &m : metadata) {
            m_known.insert(m.tag, m);
        }
    }

    void page(const QStringList &tags)
    {
        for (const QString &tag : tags) {
            const TagMetadata m = m_known.take(tag);
            if (m_ctx.json()) {
                m_ctx.out() << (m_count ? u',' : u'[') << QJsonDocument(json(tag, m)).toJson(QJsonDocument::Compact);
            } else {
                if (!m_count) {
                    row(tr("CREATED"), tr("SIZE"), tr("TAG"));
                }
                const QString created = isoDate(m.created);
                row(created.isEmpty() ? QStringLiteral("?") : created, humanSize(m.size), tag);
            }
            ++m_count;
        }
        m_ctx.out().flush();
    }

    // As ListPrinter::end: a complete array on success, what was printed left unterminated on failure.
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

    qsizetype count() const { return m_count; }

private:
    static QJsonObject json(const QString &tag, const TagMetadata &m)
    {
        const bool loaded = m.state == TagMetadata::State::Loaded;
        QJsonArray platforms;
        for (const Oci::Platform &p : m.platforms) {
            platforms.append(p.toString());
        }
        const QString created = isoDate(m.created);
        return QJsonObject{
            {QStringLiteral("name"), tag},
            {QStringLiteral("digest"), loaded ? QJsonValue(m.digest.toString()) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("mediaType"),
             m.mediaType.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(m.mediaType)},
            {QStringLiteral("size"), m.size >= 0 ? QJsonValue(m.size) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("created"), created.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(created)},
            {QStringLiteral("platforms"), platforms},
        };
    }

    void row(const QString &created, const QString &size, const QString &tag)
    {
        m_ctx.out() << created.leftJustified(20) << QStringLiteral("  ") << size.leftJustified(12)
                    << QStringLiteral("  ") << tag << u'\n';
    }

    Context &m_ctx;
    QHash<QString, TagMetadata> m_known;
    qsizetype m_count = 0;
};

// A vendor's tag listing with details. When it fails before anything was printed (the vendor API refuses
// this account — ACR's metadata_read is not every pull-only login's — or is unreachable: Docker Hub's API is
// another host), the registry's own tag list is read instead, with a warning: the names still come, in the
// same output shape, without details.
int runTagDetails(Context &ctx, RegistryClient *client, VendorTagsQuery *query, int pageSize)
{
    TagDetailsPrinter printer(ctx);
    QObject::connect(query, &VendorTagsQuery::metadataReady, query,
                     [&printer](const QList<TagMetadata> &metadata) { printer.supply(metadata); });
    QObject::connect(query, &ListQuery::pageReady, query, [&printer](const QStringList &tags) { printer.page(tags); });
    QObject::connect(
        query, &ListQuery::finished, query, [&ctx, &printer, client, query, pageSize](const ListResult &r) {
            if (r) {
                printer.end(true);
                ctx.finish(ExitOk);
                return;
            }
            if (printer.count() > 0 || r.isCancelled()) {
                printer.end(false);
                ctx.finish(ctx.fail(r.error()));
                return;
            }
            ctx.err() << tr("minatoctl tags: warning: %1's own API gave no tag details, so only the names are listed, "
                            "from the registry's tag list. %2")
                             .arg(ConnectionProfile::kindName(client->profile().kind), r.error().message())
                      << Qt::endl;
            if (!r.error().technicalDetail().isEmpty()) {
                ctx.err() << QStringLiteral("  detail: ") << r.error().technicalDetail() << Qt::endl;
            }
            TagsQuery *names = client->tags(query->repository(), pageSize);
            QObject::connect(names, &TagsQuery::pageReady, names,
                             [&printer](const QStringList &tags) { printer.page(tags); });
            QObject::connect(names, &TagsQuery::finished, names, [&ctx, &printer](const ListResult &fallback) {
                printer.end(fallback.hasValue());
                ctx.finish(fallback ? ExitOk : ctx.fail(fallback.error()));
            });
            names->start();
        });
    return ctx.run([query] { query->start(); });
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
                   tr("List the repositories of a registry, printed page by page as they arrive: the catalog, or "
                      "where the registry's vendor has an API for it, that: a Docker Hub namespace (docker.io/NAME "
                      "or --namespace NAME; your own when signed in), Harbor's repositories (of one project with "
                      "--namespace), the repositories below an Artifact Registry or GCR project "
                      "(REGISTRY/PROJECT)."),
                   QStringLiteral("[options] REGISTRY[/NAMESPACE]"));
    cl.addJson();
    cl.addNetwork();
    cl.parser().addOption(
        {QStringLiteral("filter"), tr("Only names matching this regular expression."), QStringLiteral("RE")});
    cl.parser().addOption({QStringLiteral("namespace"),
                           tr("Docker Hub: the namespace to list. Harbor: one project. Artifact Registry and GCR: "
                              "the project (or project/repository) to list below."),
                           QStringLiteral("NAME")});
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
    // REGISTRY/NAMESPACE: without a scheme, a path can only be a namespace (a URL with a path prefix has one).
    QString registry = cl.positional(0);
    QString scope = cl.value(QStringLiteral("namespace"));
    if (const qsizetype slash = registry.indexOf(u'/'); slash > 0 && !registry.contains(QStringLiteral("://"))) {
        QString pathScope = registry.mid(slash + 1);
        while (pathScope.endsWith(u'/')) {
            pathScope.chop(1);
        }
        registry.truncate(slash);
        if (!pathScope.isEmpty() && !scope.isEmpty() && pathScope != scope) {
            return ctx.usage(tr("give the namespace once: %1 or --namespace %2").arg(cl.positional(0), scope));
        }
        if (!pathScope.isEmpty()) {
            scope = pathScope;
        }
    }
    const auto target = ctx.registryTarget(registry);
    if (!target) {
        return ctx.status();
    }
    RegistryClient *client = ctx.makeClient(*target);
    VendorApi vendor(client);
    configureVendor(vendor);
    ListQuery *query = vendor.repositories(scope, pageSize);
    if (!query) {
        if (!scope.isEmpty()) {
            return ctx.usage(tr("%1 is a %2 connection, which has no namespaces to list: give the registry alone "
                                "to list its catalog (a saved connection's --kind says which registry it is)")
                                 .arg(target->registry, ConnectionProfile::kindName(target->profile.kind)));
        }
        query = client->catalog(pageSize);
    }
    QString hint;
    if (target->profile.kind == ConnectionProfile::Kind::DockerHub && scope.isEmpty()) {
        hint = tr("Docker Hub has no catalog: name a namespace (%1/NAME or --namespace NAME), or sign in to list "
                  "your own")
                   .arg(registry);
    }
    return runList(ctx, query, std::move(filter), hint);
}

int tagsCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("tags"),
                   tr("List the tags of a repository, printed page by page as they arrive. Where the registry's "
                      "vendor lists tags with details (Docker Hub, Harbor, Artifact Registry and GCR, Azure "
                      "Container Registry) each tag's creation date and size are printed too, without a request "
                      "per tag; --json then prints objects with name, digest, mediaType, size, created and "
                      "platforms."),
                   QStringLiteral("[options] [REGISTRY/]REPOSITORY"));
    cl.addJson();
    cl.addNetwork();
    addPageSize(cl);
    cl.parser().addOption({QStringLiteral("names-only"),
                           tr("Only the names, from the registry's tag list, even where the vendor's API gives "
                              "details (--json: an array of strings).")});
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
    RegistryClient *client = ctx.makeClient(*target);
    VendorApi vendor(client);
    configureVendor(vendor);
    if (!cl.isSet(QStringLiteral("names-only"))) {
        if (VendorTagsQuery *query = vendor.tags(target->repository, pageSize)) {
            return runTagDetails(ctx, client, query, pageSize);
        }
    }
    return runList(ctx, client->tags(target->repository, pageSize), std::nullopt);
}

} // namespace Minato::Cli
