#include "application.h"

#include <QApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

// The resources live in a static library: their initialiser must be referenced explicitly, and
// Q_INIT_RESOURCE cannot be used inside a namespace.
static void initMinatoResources()
{
    Q_INIT_RESOURCE(minato);
}

namespace Minato::App {

void initApplication(QApplication &app)
{
    initMinatoResources();
    QApplication::setApplicationName(QStringLiteral("Minato"));
    QApplication::setOrganizationName(QStringLiteral("Minato"));
    QApplication::setOrganizationDomain(QStringLiteral("minato.github.io"));
    QApplication::setApplicationVersion(QStringLiteral(MINATO_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.minato.Minato"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/minato.svg")));

    // Qt's own strings (standard buttons, dialogs) in the user's language; ours follow with minato_*.qm.
    auto *qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QApplication::installTranslator(qtTranslator);
    }
}

} // namespace Minato::App
