#include "clientlog.h"

namespace Minato::Client {

Q_LOGGING_CATEGORY(lcClient, "minato.client", QtWarningMsg)

QString logUrl(const QUrl &url, bool redactQuery)
{
    if (redactQuery && url.hasQuery()) {
        return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString() +
               QStringLiteral("?…");
    }
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveFragment).toString();
}

} // namespace Minato::Client
