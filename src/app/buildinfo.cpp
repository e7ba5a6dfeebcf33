#include "buildinfo.h"

#include "client/clientinfo.h"
#include "embedded_registry/registryinfo.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QSslSocket>
#include <QSysInfo>

namespace Minato::App {

QList<ComponentVersion> componentVersions()
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("BuildInfo", text); };
    QString ssl = QSslSocket::sslLibraryVersionString();
    if (ssl.isEmpty()) {
        ssl = tr(QT_TRANSLATE_NOOP("BuildInfo", "not available"));
    }
    return {
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "Minato")), QStringLiteral(MINATO_VERSION)},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "Qt (runtime)")), QString::fromLatin1(qVersion())},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "Qt (built with)")), QStringLiteral(QT_VERSION_STR)},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "TLS library")), ssl},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "QtKeychain")), Client::keychainVersion()},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "OCI distribution-spec")), Registry::distributionSpecVersion()},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "Operating system")), QSysInfo::prettyProductName()},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "Architecture")), QSysInfo::currentCpuArchitecture()},
        {tr(QT_TRANSLATE_NOOP("BuildInfo", "Display platform")), QGuiApplication::platformName()},
    };
}

QString componentVersionsText()
{
    QString text;
    for (const ComponentVersion &c : componentVersions()) {
        text += c.name + QStringLiteral(": ") + c.version + u'\n';
    }
    return text;
}

} // namespace Minato::App
