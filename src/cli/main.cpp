// minatoctl: Minato's client as a command for scripts. Commands arrive with the client issues; the
// shell already answers --version and --help so packaging and CI can call it.
#include "client/clientinfo.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("minatoctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MINATO_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Minato's registry client for scripts."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QCoreApplication::translate("main", "Command to run."));
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        parser.showHelp(2);
    }
    QTextStream(stderr) << QCoreApplication::translate("main", "minatoctl: unknown command \"%1\"; try --help.")
                               .arg(args.first())
                        << Qt::endl;
    return 2;
}
