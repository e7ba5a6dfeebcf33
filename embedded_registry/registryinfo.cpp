#include "registryinfo.h"

namespace Minato::Registry {

QString serverName()
{
    return QStringLiteral("minato-registry/" MINATO_VERSION);
}

QString distributionSpecVersion()
{
    return QStringLiteral("1.1");
}

} // namespace Minato::Registry
