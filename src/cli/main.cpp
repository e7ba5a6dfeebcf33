// minatoctl: Minato's client as a command for scripts (regctl/crane-like), on Minato's saved connections and
// keychain. main() only dispatches; each command group lives in commands_*.cpp and shares clicontext.h.
#include "clicontext.h"
#include "commands.h"

#include "client/clientinfo.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <functional>
#include <map>

namespace {

using Minato::Cli::tr;

QString overview()
{
    return tr("Minato's registry client for scripts.\n"
              "\n"
              "Commands (minatoctl COMMAND --help for each):\n"
              "  probe REGISTRY          what a registry supports (sign-in, catalog, delete, referrers)\n"
              "  ls REGISTRY[/NAMESPACE] list repositories, page by page: the catalog, or a Docker Hub\n"
              "                          namespace, Harbor's, a GCR/Artifact Registry project's; --filter RE\n"
              "  tags REPO               list a repository's tags (with size and date from Docker Hub,\n"
              "                          Harbor, GCR/Artifact Registry and ACR)\n"
              "  inspect REF             digest, platforms, layers and sizes, created, config summary;\n"
              "                          --platform os/arch[/variant] picks from a multi-platform image\n"
              "  manifest REF            the manifest bytes, unchanged (checked against the digest)\n"
              "  config REF              the image config bytes, unchanged (checked against the digest)\n"
              "  referrers REF           signatures, SBOMs, attestations referring to an image;\n"
              "                          --artifact-type TYPE filters\n"
              "  tag SRC NEWTAG          another tag for an image, no data moved (NEWTAG: TAG or REPO:TAG\n"
              "                          in the same registry; blobs are mounted across repositories)\n"
              "  rm REF [TAG…]           DELETES tags or images: a tag alone where the registry can, else by\n"
              "                          digest only if no other tag names it; --plan shows what would go\n"
              "  cp SRC DST              copy an image (every platform, or --platform …) between registries,\n"
              "                          digests unchanged; --referrers takes signatures and SBOMs along\n"
              "  retain REPO --keep N    DELETES old tags by rules: the N newest stay; --older-than 30d,\n"
              "                          --match RE; the plan is printed first, --dry-run deletes nothing\n"
              "  export REF DIR|FILE.tar write an image to an OCI image layout directory (every platform,\n"
              "                          same digests) or a docker-archive for docker load (--platform)\n"
              "  import DIR|FILE.tar REF push an OCI image layout or a docker-archive into a registry;\n"
              "                          --name picks the image when there are several\n"
              "  login REGISTRY          check a login and save it in the keychain:\n"
              "                          --username USER --password-stdin\n"
              "  logout REGISTRY         remove a saved login\n"
              "  connections             list saved connections; connections add NAME URL | remove NAME\n"
              "  ref REFERENCE…          explain image references (normalised, registry, tag)\n"
              "\n"
              "REGISTRY is host[:port] (docker.io, 127.0.0.1:5000, [::1]:5000), an http(s):// URL, or the name of\n"
              "a saved connection. REPO and REF are docker references: host:port/team/app:v1, team/app@sha256:…,\n"
              "alpine (Docker Hub). A saved connection with the same host is used; otherwise https, except plain\n"
              "http for loopback hosts (localhost, 127.0.0.0/8, ::1) as docker allows, and with --insecure.\n"
              "Options common to registry commands: --json, --insecure, --ca-file FILE, --timeout SECONDS,\n"
              "--username USER --password-stdin (this run only; otherwise logins come from docker's\n"
              "config.json, its credential helpers, then the keychain).\n"
              "\n"
              "Exit status:\n"
              "  0  success\n"
              "  1  failure not listed below (invalid answer, registry error, keychain failure)\n"
              "  2  usage: bad arguments, an invalid reference, or an index that needs --platform\n"
              "     (ref: 2 when no reference is given, 1 for an invalid one)\n"
              "  3  not found: repository, tag, digest or platform (or private on a token registry)\n"
              "  4  authentication: sign-in required, credentials refused, or access denied\n"
              "  5  network: connection refused, DNS failure, reset, or timeout\n"
              "  6  TLS: handshake or certificate failure (see --ca-file, --insecure)");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("minatoctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MINATO_VERSION));

    using Command = std::function<int(const QStringList &)>;
    const std::map<QString, Command> commands{
        {QStringLiteral("ref"), Minato::Cli::refCommand},
        {QStringLiteral("probe"), Minato::Cli::probeCommand},
        {QStringLiteral("ls"), Minato::Cli::lsCommand},
        {QStringLiteral("tags"), Minato::Cli::tagsCommand},
        {QStringLiteral("inspect"), Minato::Cli::inspectCommand},
        {QStringLiteral("manifest"), Minato::Cli::manifestCommand},
        {QStringLiteral("config"), Minato::Cli::configCommand},
        {QStringLiteral("referrers"), Minato::Cli::referrersCommand},
        {QStringLiteral("tag"), Minato::Cli::tagCommand},
        {QStringLiteral("rm"), Minato::Cli::rmCommand},
        {QStringLiteral("cp"), Minato::Cli::cpCommand},
        {QStringLiteral("retain"), Minato::Cli::retainCommand},
        {QStringLiteral("export"), Minato::Cli::exportCommand},
        {QStringLiteral("import"), Minato::Cli::importCommand},
        {QStringLiteral("login"), Minato::Cli::loginCommand},
        {QStringLiteral("logout"), Minato::Cli::logoutCommand},
        {QStringLiteral("connections"), Minato::Cli::connectionsCommand},
    };

    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() > 1) {
        if (const auto it = commands.find(arguments.at(1)); it != commands.end()) {
            QStringList rest = arguments;
            rest.removeAt(1);
            return it->second(rest);
        }
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(overview());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("Command to run."));
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        parser.showHelp(Minato::Cli::ExitUsage);
    }
    QTextStream(stderr) << tr("minatoctl: unknown command \"%1\"; try --help.").arg(args.first()) << Qt::endl;
    return Minato::Cli::ExitUsage;
}
