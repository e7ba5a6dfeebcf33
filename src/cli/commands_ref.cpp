// `minatoctl ref [--json] REFERENCE…`: normalised name, familiar form, API host, path, tag, digest.
// Exit status 1 when any reference is invalid, with the reason on stderr; 2 when none is given.
#include "clicontext.h"
#include "commands.h"

#include "oci/reference.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Cli {

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
        return ExitUsage;
    }
    int status = ExitOk;
    for (const QString &text : refs) {
        const auto ref = Oci::Reference::parseNormalized(text);
        if (!ref) {
            err << tr("minatoctl ref: \"%1\" is not a valid reference: %2").arg(text, ref.error().message())
                << Qt::endl;
            status = ExitFailure;
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

} // namespace Minato::Cli
