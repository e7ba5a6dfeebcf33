// minato-registry: the embedded OCI registry, headless. The server itself lands with the embedded
// registry issue; until then `serve` says so plainly and exits non-zero instead of pretending to run.
#include "registryinfo.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("minato-registry"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MINATO_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Minato's OCI registry (distribution-spec %1), headless.")
            .arg(Minato::Registry::distributionSpecVersion()));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QCoreApplication::translate("main", "serve"));
    const QCommandLineOption addr(QStringLiteral("addr"),
                                  QCoreApplication::translate("main", "Address to listen on (default 127.0.0.1:5000)."),
                                  QStringLiteral("host:port"), QStringLiteral("127.0.0.1:5000"));
    const QCommandLineOption root(QStringLiteral("root"),
                                  QCoreApplication::translate("main", "Data directory (default ./registry-data)."),
                                  QStringLiteral("dir"), QStringLiteral("registry-data"));
    parser.addOption(addr);
    parser.addOption(root);
    parser.process(app);

    QTextStream err(stderr);
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        parser.showHelp(2);
    }
    if (args.first() == u"serve") {
        err << QCoreApplication::translate("main",
                                           "minato-registry: the server is not built yet (see the embedded registry "
                                           "issue); nothing is listening on %1.")
                   .arg(parser.value(addr))
            << Qt::endl;
        return 3;
    }
    err << QCoreApplication::translate("main", "minato-registry: unknown command \"%1\"; try --help.").arg(args.first())
        << Qt::endl;
    return 2;
}
