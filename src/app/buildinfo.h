#pragma once

// The versions of Minato and of everything it runs on, for the About dialog and bug reports.
//
//   for (const auto &c : Minato::App::componentVersions()) { … c.name … c.version … }

#include <QList>
#include <QString>

namespace Minato::App {

struct ComponentVersion
{
    QString name;    // translated label: "Qt (runtime)"
    QString version; // "6.4.2"
};

QList<ComponentVersion> componentVersions();
// The same list as plain text, one "name: version" per line, for the clipboard.
QString componentVersionsText();

} // namespace Minato::App
