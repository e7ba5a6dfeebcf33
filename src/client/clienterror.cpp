#include "clienterror.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>

namespace Minato::Client {

using Oci::ErrorBody;
using Oci::ErrorCode;

namespace {

QString kindNameOf(ClientError::Kind kind)
{
    switch (kind) {
    case ClientError::Kind::Transport:
        return QStringLiteral("Transport");
    case ClientError::Kind::Tls:
        return QStringLiteral("Tls");
    case ClientError::Kind::Timeout:
        return QStringLiteral("Timeout");
    case ClientError::Kind::Http:
        return QStringLiteral("Http");
    case ClientError::Kind::Registry:
        return QStringLiteral("Registry");
    case ClientError::Kind::AuthRequired:
        return QStringLiteral("AuthRequired");
    case ClientError::Kind::Auth:
        return QStringLiteral("Auth");
    case ClientError::Kind::NotFound:
        return QStringLiteral("NotFound");
    case ClientError::Kind::NotFoundOrPrivate:
        return QStringLiteral("NotFoundOrPrivate");
    case ClientError::Kind::RateLimited:
        return QStringLiteral("RateLimited");
    case ClientError::Kind::Cancelled:
        return QStringLiteral("Cancelled");
    case ClientError::Kind::InvalidResponse:
        return QStringLiteral("InvalidResponse");
    case ClientError::Kind::InvalidRequest:
        return QStringLiteral("InvalidRequest");
    case ClientError::Kind::CredentialStore:
        return QStringLiteral("CredentialStore");
    case ClientError::Kind::LocalFile:
        return QStringLiteral("LocalFile");
    }
    return QStringLiteral("Unknown");
}

} // namespace

ClientError ClientError::transport(QString detail)
{
    return {Kind::Transport, std::move(detail)};
}

ClientError ClientError::tls(QString detail)
{
    return {Kind::Tls, std::move(detail)};
}

ClientError ClientError::tls(TlsProblem problem, QString host, QStringList certificateNames, QString detail)
{
    ClientError e(Kind::Tls, std::move(detail));
    e.m_tlsProblem = problem;
    e.m_host = std::move(host);
    e.m_certificateNames = std::move(certificateNames);
    return e;
}

ClientError ClientError::plainHttpRedirect(QString host, QString target, QString detail)
{
    ClientError e(Kind::Tls, std::move(detail));
    e.m_tlsProblem = TlsProblem::PlainHttpRedirect;
    e.m_host = std::move(host);
    e.m_target = std::move(target);
    return e;
}

ClientError ClientError::credentialStore(const QString &storeMessage, QString detail)
{
    ClientError e(Kind::CredentialStore, std::move(detail));
    e.m_storeMessage = storeMessage;
    return e;
}

ClientError ClientError::timeout(QString detail)
{
    return {Kind::Timeout, std::move(detail)};
}

ClientError ClientError::cancelled()
{
    return {Kind::Cancelled, QStringLiteral("cancelled by the caller")};
}

ClientError ClientError::authRequired(QString detail)
{
    return {Kind::AuthRequired, std::move(detail)};
}

ClientError ClientError::authFailed(QString detail)
{
    return {Kind::Auth, std::move(detail)};
}

ClientError ClientError::notFoundOrPrivate(bool signedIn, QString detail)
{
    ClientError e(Kind::NotFoundOrPrivate, std::move(detail));
    e.m_signedIn = signedIn;
    return e;
}

ClientError ClientError::invalid(Invalid what, QString detail)
{
    ClientError e(Kind::InvalidResponse, std::move(detail));
    e.m_invalid = what;
    return e;
}

ClientError ClientError::invalidRequest(QString detail)
{
    return {Kind::InvalidRequest, std::move(detail)};
}

ClientError ClientError::localFile(QString path, QString reason, QString detail)
{
    ClientError e(Kind::LocalFile, std::move(detail));
    e.m_localPath = std::move(path);
    e.m_localReason = std::move(reason);
    return e;
}

ClientError ClientError::fromHttp(int status, const QByteArray &body, const QByteArray &retryAfter, QString detail)
{
    const auto parsed = ErrorBody::parse(body, status);
    QList<Oci::RegistryError> errors;
    if (parsed) {
        errors = parsed->errors;
        detail += QStringLiteral(" — ") + parsed->summary();
    }
    Kind kind = Kind::Http;
    if (status == 429) {
        kind = Kind::RateLimited;
    } else if (status == 404) {
        kind = Kind::NotFound;
    } else if (status == 401) {
        kind = Kind::AuthRequired;
    } else if (!errors.isEmpty()) {
        kind = Kind::Registry;
    }
    ClientError e(kind, std::move(detail));
    e.m_status = status;
    e.m_registryErrors = std::move(errors);
    if (kind == Kind::RateLimited) {
        e.m_retryAfter = parseRetryAfter(retryAfter);
    }
    return e;
}

ClientError ClientError::explained(const char *sentence, const QStringList &args, const QString &note) const
{
    ClientError e = *this;
    e.m_sentence = sentence;
    e.m_sentenceArgs = args;
    if (!note.isEmpty()) {
        e.m_detail += (e.m_detail.isEmpty() ? QString() : QStringLiteral("; ")) + note;
    }
    return e;
}

bool ClientError::hasRegistryCode(ErrorCode code) const
{
    for (const auto &e : m_registryErrors) {
        if (e.errorCode() == code) {
            return true;
        }
    }
    return false;
}

std::optional<int> ClientError::parseRetryAfter(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty()) {
        return std::nullopt;
    }
    bool ok = false;
    const qlonglong seconds = v.toLongLong(&ok);
    if (ok) {
        if (seconds < 0) {
            return std::nullopt;
        }
        return static_cast<int>(std::min<qlonglong>(seconds, 7 * 24 * 3600));
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    const QDateTime when =
        QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid()) {
        return std::nullopt;
    }
    QDateTime utc = when;
    utc.setTimeSpec(Qt::UTC);
    const qint64 delta = QDateTime::currentDateTimeUtc().secsTo(utc);
    return static_cast<int>(std::clamp<qint64>(delta, 0, 7 * 24 * 3600));
}

QString ClientError::kindName() const
{
    return kindNameOf(m_kind);
}

QString ClientError::message() const
{
    if (m_sentence) {
        // One pass over the translated sentence: %N (1–9) is replaced by args[N-1]; what an argument brings in
        // is never read as a placeholder again.
        const QString text = tr(m_sentence);
        QString out;
        out.reserve(text.size());
        for (qsizetype i = 0; i < text.size(); ++i) {
            const QChar c = text.at(i);
            if (c == u'%' && i + 1 < text.size() && text.at(i + 1) >= u'1' && text.at(i + 1) <= u'9') {
                const qsizetype n = text.at(i + 1).unicode() - u'1';
                if (n < m_sentenceArgs.size()) {
                    out += m_sentenceArgs.at(n);
                    ++i;
                    continue;
                }
            }
            out += c;
        }
        return out;
    }
    switch (m_kind) {
    case Kind::Transport:
        return tr("Could not reach the registry. Check the address, your network connection and any proxy "
                  "settings, then try again.");
    case Kind::Tls:
        return tlsMessage();
    case Kind::Timeout:
        return tr("The registry did not answer in time. Try again later, or raise the timeout in the "
                  "connection settings.");
    case Kind::Http:
        return tr("The registry answered with an unexpected error (HTTP %1). Try again later; if it persists, "
                  "the details below may help the registry's administrator.")
            .arg(m_status);
    case Kind::Registry:
        if (hasRegistryCode(ErrorCode::Denied)) {
            return tr("The registry refused this action: your account lacks the permission for it. Ask the "
                      "registry's administrator for access.");
        }
        if (hasRegistryCode(ErrorCode::Unsupported)) {
            return tr("The registry does not support this action (it may be disabled in its configuration).");
        }
        return tr("The registry reported an error: %1")
            .arg(m_registryErrors.isEmpty() ? QString::number(m_status) : m_registryErrors.first().toString());
    case Kind::AuthRequired:
        return tr("This registry requires you to sign in. Add a user name and password or token to the "
                  "connection.");
    case Kind::Auth:
        return tr("The registry did not accept your user name and password (or token). Check them in the "
                  "connection settings; a token may have expired or lack the needed scope.");
    case Kind::NotFound:
        return tr("Not found: the repository, tag or digest does not exist on this registry. Check the "
                  "spelling.");
    case Kind::NotFoundOrPrivate:
        if (m_signedIn) {
            return tr("Not found, or your account has no access to it. Check the name, or ask the owner "
                      "for access.");
        }
        return tr("Not found, or private — sign in to see private repositories.");
    case Kind::RateLimited:
        if (m_retryAfter) {
            return tr("The registry is limiting requests. Try again in %n second(s).", nullptr, *m_retryAfter);
        }
        return tr("The registry is limiting requests. Wait a while before trying again; signing in often "
                  "raises the limit.");
    case Kind::Cancelled:
        return tr("Cancelled.");
    case Kind::InvalidResponse:
        switch (m_invalid) {
        case Invalid::DigestMismatch:
            return tr("The content received does not match its digest: it was altered or corrupted on the way. "
                      "Try again; if it persists, the registry or a proxy is damaging data.");
        case Invalid::TooLarge:
            return tr("The registry sent more data than expected for this item, so it was not loaded.");
        case Invalid::UploadIncomplete:
            return tr("The registry confirmed part of the upload without keeping all the data sent, so the upload "
                      "was stopped. Try again; if it happens again, the registry or a proxy in front of it is "
                      "dropping data: tell its administrator.");
        case Invalid::BadContent:
        case Invalid::None:
            break;
        }
        return tr("The registry's answer could not be understood. The address may point at a web page or "
                  "proxy rather than a registry API.");
    case Kind::InvalidRequest:
        return tr("The name, tag or digest is not valid. Check what was entered.");
    case Kind::CredentialStore: {
        QString reason = m_storeMessage.trimmed();
        while (reason.endsWith(u'.')) {
            reason.chop(1);
        }
        if (reason.isEmpty()) {
            reason = m_detail;
        }
        return tr("The keychain could not be read: %1. Your saved login was not used; sign in again, or check "
                  "that the Secret Service (or the credential helper) is running and unlocked.")
            .arg(reason);
    }
    case Kind::LocalFile:
        return tr("The file %1 could not be read or written: %2. Check that its folder exists, that you may "
                  "write there, and that the disk has room.")
            .arg(m_localPath, m_localReason.isEmpty() ? m_detail : m_localReason);
    }
    return {};
}

QString ClientError::tlsMessage() const
{
    const QString host = m_host.isEmpty() ? tr("this registry") : m_host;
    const QString certsDir =
        QStringLiteral("~/.docker/certs.d/%1/").arg(m_host.isEmpty() ? QStringLiteral("<host:port>") : m_host);
    switch (m_tlsProblem) {
    case TlsProblem::Untrusted:
        return tr("The certificate of %1 is not trusted (self-signed, or issued by an authority this computer "
                  "does not know). Add the registry's CA certificate to the connection (CA file), or put it in "
                  "%2 as ca.crt. Allow insecure TLS only if you trust this network.")
            .arg(host, certsDir);
    case TlsProblem::HostNameMismatch:
        return tr("The certificate presented by %1 is for %2, not for this address. Connect with a name the "
                  "certificate covers, or ask the registry's administrator for a certificate that includes %1.")
            .arg(host, m_certificateNames.isEmpty() ? tr("other names") : m_certificateNames.join(u", "));
    case TlsProblem::Expired:
        return tr("The certificate of %1 has expired or is not valid yet. Check this computer's date and time, "
                  "or ask the registry's administrator to renew the certificate.")
            .arg(host);
    case TlsProblem::ClientCertificate:
        return tr("%1 asks for a client certificate, and none was presented or it refused the one presented. Add "
                  "your client certificate and its key to the connection, or put client.cert and client.key in %2.")
            .arg(host, certsDir);
    case TlsProblem::PlainHttpRedirect:
        return tr("%1 redirected this request to an unencrypted address (http://%2), so it was not followed: "
                  "what is sent and received there, sign-in tokens included, could be read or changed on the way. "
                  "If you trust this network, allow plain http in the connection's settings; otherwise ask the "
                  "registry's administrator to redirect to https.")
            .arg(host, m_target.isEmpty() ? tr("another host") : m_target);
    case TlsProblem::Other:
        break;
    }
    return tr("The secure connection to %1 could not be set up. If the registry uses its own certificate "
              "authority, add its CA certificate to the connection or put it in %2 as ca.crt; if it asks for a "
              "client certificate, add one to the connection or put client.cert and client.key in %2.")
        .arg(host, certsDir);
}

} // namespace Minato::Client
