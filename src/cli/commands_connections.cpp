// `connections` lists the saved connections (ProfileStore, the app's QSettings); `connections add NAME URL`
// and `connections remove NAME` change them. A saved connection is used by every command whose registry
// has the same host (or, for REGISTRY arguments, the same name). No secret is ever part of a connection.
#include "clicontext.h"
#include "commands.h"

#include "client/profilestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

using namespace Minato::Client;

namespace {

QJsonObject profileJson(const ConnectionProfile &p)
{
    return QJsonObject{
        {QStringLiteral("name"), p.name},
        {QStringLiteral("url"), p.baseUrl.toString()},
        {QStringLiteral("kind"), ProfileStore::kindId(p.kind)},
        {QStringLiteral("insecureTls"), p.allowInsecureTls},
        {QStringLiteral("caFile"), p.caCertificateFile},
        {QStringLiteral("timeoutMs"), p.timeoutMs},
    };
}

int storeStatus(Context &ctx, const ProfileStore::Error &e)
{
    if (e.ok()) {
        return ExitOk;
    }
    switch (e.kind) {
    case ProfileStore::Error::Kind::Invalid:
    case ProfileStore::Error::Kind::Duplicate:
        return ctx.usage(e.message);
    case ProfileStore::Error::Kind::NotFound:
        return ctx.failWith(ExitNotFound, e.message);
    case ProfileStore::Error::Kind::Storage:
    case ProfileStore::Error::Kind::None:
        break;
    }
    return ctx.failWith(ExitFailure, e.message);
}

} // namespace

int connectionsCommand(const QStringList &arguments)
{
    CommandLine cl(QStringLiteral("connections"),
                   tr("List the saved connections, or add or remove one. Commands use a saved connection when "
                      "their registry's host matches it (or REGISTRY is its name).\n"
                      "  connections [--json]\n"
                      "  connections add NAME URL [--kind KIND] [--insecure] [--ca-file FILE] [--timeout SECONDS]\n"
                      "  connections remove NAME"),
                   QStringLiteral("[list|add|remove] …"));
    cl.addJson();
    QCommandLineParser &parser = cl.parser();
    parser.addOption({QStringLiteral("kind"),
                      tr("add: generic, dockerhub, ecr, gar, acr, ghcr, quay, harbor or artifactory (default: "
                         "guessed from the host)."),
                      QStringLiteral("KIND")});
    parser.addOption({QStringLiteral("insecure"), tr("add: accept any TLS certificate for this connection.")});
    parser.addOption(
        {QStringLiteral("ca-file"), tr("add: trust the CA certificates in this PEM file."), QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("timeout"), tr("add: request timeout in seconds (default 30)."), QStringLiteral("SECONDS")});
    if (const auto status = cl.parse(arguments, 0, 3)) {
        return *status;
    }
    Context ctx(cl);
    ProfileStore store;
    const QString action = cl.positional(0).isEmpty() ? QStringLiteral("list") : cl.positional(0);
    const qsizetype count = parser.positionalArguments().size();

    if (action == u"list" && count <= 1) {
        const QList<ConnectionProfile> profiles = store.profiles();
        if (ctx.json()) {
            QJsonArray array;
            for (const ConnectionProfile &p : profiles) {
                array.append(profileJson(p));
            }
            ctx.out() << QJsonDocument(array).toJson(QJsonDocument::Compact) << Qt::endl;
            return ExitOk;
        }
        if (profiles.isEmpty()) {
            ctx.err() << tr("No saved connections (in %1).").arg(store.fileName()) << Qt::endl;
            return ExitOk;
        }
        QList<QStringList> rows{{tr("NAME"), tr("URL"), tr("KIND"), tr("TLS")}};
        for (const ConnectionProfile &p : profiles) {
            QString tls = p.baseUrl.scheme() == u"http" ? tr("plain http")
                          : p.allowInsecureTls          ? tr("unverified")
                                                        : tr("verified");
            if (!p.caCertificateFile.isEmpty()) {
                tls += tr(", CA %1").arg(p.caCertificateFile);
            }
            rows.append({p.name, p.baseUrl.toString(), ConnectionProfile::kindName(p.kind), tls});
        }
        printTable(ctx.out(), rows);
        return ExitOk;
    }
    if (action == u"add" && count == 3) {
        ConnectionProfile p;
        p.name = cl.positional(1);
        p.baseUrl = QUrl(cl.positional(2), QUrl::StrictMode);
        p.kind = ConnectionProfile::guessKind(p.baseUrl);
        if (cl.isSet(QStringLiteral("kind"))) {
            const auto kind = ProfileStore::kindFromId(cl.value(QStringLiteral("kind")));
            if (!kind) {
                return ctx.usage(tr("unknown --kind \"%1\"").arg(cl.value(QStringLiteral("kind"))));
            }
            p.kind = *kind;
        }
        p.allowInsecureTls = cl.isSet(QStringLiteral("insecure"));
        p.caCertificateFile = cl.value(QStringLiteral("ca-file"));
        if (cl.isSet(QStringLiteral("timeout"))) {
            bool ok = false;
            const double seconds = cl.value(QStringLiteral("timeout")).toDouble(&ok);
            if (!ok || seconds <= 0 || seconds > 24 * 3600) {
                return ctx.usage(tr("--timeout wants a positive number of seconds"));
            }
            p.timeoutMs = static_cast<int>(seconds * 1000);
        }
        if (const int status = storeStatus(ctx, store.add(p)); status != ExitOk) {
            return status;
        }
        ctx.out() << tr("Saved connection %1 (%2).").arg(p.name, p.baseUrl.toString()) << Qt::endl;
        return ExitOk;
    }
    if (action == u"remove" && count == 2) {
        if (const int status = storeStatus(ctx, store.remove(cl.positional(1))); status != ExitOk) {
            return status;
        }
        ctx.out() << tr("Removed connection %1.").arg(cl.positional(1)) << Qt::endl;
        return ExitOk;
    }
    return ctx.usage(tr("use: connections [list] | connections add NAME URL | connections remove NAME"));
}

} // namespace Minato::Cli
