// minatoctl: Minato's client as a command for scripts (regctl/crane-like). Registry commands arrive with
// the client; `ref` already explains an image reference the way the app and docker read it.
#include "client/clientinfo.h"
#include "oci/reference.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("minatoctl", text);
}

// `minatoctl ref [--json] REFERENCE…`: normalised name, familiar form, API host, path, tag, digest.
// Exit status 1 when any reference is invalid, with the reason on stderr.
int refCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Explain image references: minatoctl ref [--json] REFERENCE…"));
    parser.addHelpOption();
    const QCommandLineOption json(QStringLiteral("json"), tr("Print one JSON object per reference."));
    parser.addOption(json);
    parser.addPositionalArgument(QStringLiteral("reference"), tr("An image reference, such as alpine:3.19."));
    parser.process(arguments);

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList refs = parser.positionalArguments();
    if (refs.isEmpty()) {
        err << tr("minatoctl ref: give at least one reference, such as alpine:3.19") << Qt::endl;
        return 2;
    }
    int status = 0;
    for (const QString &text : refs) {
        const auto ref = Minato::Oci::Reference::parseNormalized(text);
        if (!ref) {
            err << tr("minatoctl ref: \"%1\" is not a valid reference: %2").arg(text, ref.error().message())
                << Qt::endl;
            status = 1;
            continue;
        }
        const QJsonObject o{
            {QStringLiteral("input"), text},
            {QStringLiteral("reference"), ref->toString()},
            {QStringLiteral("familiar"), ref->familiarString()},
            {QStringLiteral("domain"), ref->domain()},
            {QStringLiteral("registry"), ref->registryHost()},
            {QStringLiteral("repository"), ref->path()},
            {QStringLiteral("tag"), ref->hasTag() ? ref->tag() : QString()},
            {QStringLiteral("digest"), ref->hasDigest() ? ref->digest().toString() : QString()},
            {QStringLiteral("pull"), ref->withDefaultTag().toString()},
        };
        if (parser.isSet(json)) {
            out << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
        } else {
            if (&text != &refs.first()) {
                out << Qt::endl; // a blank line between references
            }
            for (const char *key : {"reference", "familiar", "registry", "repository", "tag", "digest", "pull"}) {
                const QString value = o.value(QLatin1String(key)).toString();
                if (!value.isEmpty()) {
                    out << QString::fromLatin1(key).leftJustified(11) << value << Qt::endl;
                }
            }
        }
    }
    return status;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("minatoctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MINATO_VERSION));

    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() > 1 && arguments.at(1) == u"ref") {
        QStringList rest = arguments;
        rest.removeAt(1);
        return refCommand(rest);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Minato's registry client for scripts.\n\nCommands:\n"
                                        "  ref REFERENCE…   explain image references (normalised, registry, tag)"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), tr("Command to run."));
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        parser.showHelp(2);
    }
    QTextStream(stderr) << tr("minatoctl: unknown command \"%1\"; try --help.").arg(args.first()) << Qt::endl;
    return 2;
}
