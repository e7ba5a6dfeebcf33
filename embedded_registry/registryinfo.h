#pragma once

// Facts about the embedded registry that both the headless server and the app show.
//
//   qInfo() << Minato::Registry::serverName();   // "minato-registry/0.1.0"

#include <QString>

namespace Minato::Registry {

// "minato-registry/<version>", sent as the Server header and printed by --version.
QString serverName();
// The OCI distribution-spec version the server implements.
QString distributionSpecVersion();

} // namespace Minato::Registry
