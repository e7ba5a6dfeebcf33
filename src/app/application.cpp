#include "application.h"

#include <QApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>
#include <QtConcurrent>

#ifndef QT_NO_SSL
#include <QSslConfiguration>
#include <QSslSocket>
#endif

// The resources live in a static library: their initialiser must be referenced explicitly, and
// Q_INIT_RESOURCE cannot be used inside a namespace.
static void initMinatoResources()
{
    Q_INIT_RESOURCE(minato);
}

namespace Minato::App {

void warmUpTls()
{
#ifndef QT_NO_SSL
    // The first QSslCertificate/QSslKey/QSslConfiguration of the process loads the TLS backend plugin and
    // OpenSSL and initialises its ciphers: 5 ms on a quiet machine with a warm page cache, 20-30 ms under
    // load or from a cold one. RegistryClient meets it in its constructor (TlsMaterial), i.e. on the GUI
    // thread as a connection is selected — the longest stall of listing repositories (bench/gui_bench.sh).
    // Here it happens on a pool thread while the window is built and shown. This is thread-safe in Qt 6.4:
    // the backend collection, the plugin loader (whose instances are moved to the main thread) and
    // QSslSocketPrivate::tlsBackendInUse() each take a mutex, and the OpenSSL backend initialises under its
    // own; a GUI-thread call meanwhile waits for the same initialisation instead of repeating it.
    // QCoreApplication's destructor waits for the global pool, so quitting early is safe too.
    static bool started = false;
    if (started) {
        return;
    }
    started = true;
    // The future is not needed: nothing waits for it.
    (void)QtConcurrent::run([] {
        if (QSslSocket::supportsSsl()) {
            (void)QSslConfiguration::defaultConfiguration();
        }
    });
#endif
}

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
    warmUpTls();
}

} // namespace Minato::App
