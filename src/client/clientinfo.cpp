#include "clientinfo.h"

namespace Minato::Client {

QString userAgent()
{
    return QStringLiteral("Minato/" MINATO_VERSION);
}

QString keychainVersion()
{
    return QStringLiteral(MINATO_QTKEYCHAIN_VERSION);
}

} // namespace Minato::Client
