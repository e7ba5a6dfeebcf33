#include "credentials.h"

#include <QDebugStateSaver>

namespace Minato::Client {

QDebug operator<<(QDebug debug, const Credentials &credentials)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "Credentials(" << credentials.username << ", "
                    << (credentials.isIdentityToken ? "identity token" : "secret") << ": <redacted>)";
    return debug;
}

QDebug operator<<(QDebug debug, const CredentialError &error)
{
    const QDebugStateSaver saver(debug);
    const char *kind = "Other";
    switch (error.kind()) {
    case CredentialError::Kind::NotFound:
        kind = "NotFound";
        break;
    case CredentialError::Kind::NoBackend:
        kind = "NoBackend";
        break;
    case CredentialError::Kind::Denied:
        kind = "Denied";
        break;
    case CredentialError::Kind::Timeout:
        kind = "Timeout";
        break;
    case CredentialError::Kind::Other:
        break;
    }
    debug.nospace() << "CredentialError(" << kind << ", " << error.message() << ')';
    return debug;
}

CredentialResult CredentialResult::success(Credentials credentials, QString origin)
{
    CredentialResult result;
    result.m_credentials = std::move(credentials);
    result.m_origin = std::move(origin);
    return result;
}

CredentialResult CredentialResult::failure(CredentialError error, QString origin)
{
    CredentialResult result;
    result.m_error = std::move(error);
    result.m_origin = std::move(origin);
    return result;
}

CredentialResult CredentialResult::failure(CredentialError::Kind kind, QString message, QString origin)
{
    return failure(CredentialError(kind, std::move(message)), std::move(origin));
}

const Credentials &CredentialResult::credentials() const
{
    Q_ASSERT(ok());
    return m_credentials;
}

const CredentialError &CredentialResult::error() const
{
    Q_ASSERT(!ok());
    return *m_error;
}

QDebug operator<<(QDebug debug, const CredentialResult &result)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "CredentialResult(";
    if (result.ok()) {
        debug << result.credentials();
    } else {
        debug << result.error();
    }
    if (!result.origin().isEmpty()) {
        debug << ", from " << result.origin();
    }
    debug << ')';
    return debug;
}

QString normalizeRegistryKey(QStringView registry)
{
    QStringView text = registry.trimmed();
    // Scheme: config.json keys are often URLs ("https://index.docker.io/v1/", "http://host:5000/v2/").
    if (const qsizetype scheme = text.indexOf(u"://"); scheme >= 0) {
        text = text.mid(scheme + 3);
    }
    // Path, query, fragment: docker's ConvertToHostname keeps what precedes the first '/'.
    for (const QChar end : {u'/', u'?', u'#'}) {
        if (const qsizetype at = text.indexOf(end); at >= 0) {
            text = text.left(at);
        }
    }
    // User info ("user@host") never belongs in a key.
    if (const qsizetype at = text.lastIndexOf(u'@'); at >= 0) {
        text = text.mid(at + 1);
    }
    QString key = text.toString().toLower();
    if (key.endsWith(u':')) {
        key.chop(1);
    }
    if (key.isEmpty() || key.startsWith(u':')) {
        return {};
    }
    if (key == u"docker.io" || key == u"index.docker.io" || key == u"registry-1.docker.io" ||
        key == u"registry.hub.docker.com") {
        return dockerHubKey();
    }
    return key;
}

} // namespace Minato::Client
