#pragma once

// ClientError: why a registry operation failed, typed for code and worded for people.
//
//   if (!result) {
//       statusBar->showMessage(result.error().message());          // a sentence a person can act on
//       qCWarning(lcClient) << result.error().technicalDetail();   // method, redacted URL, status, codes
//       if (result.error().kind() == ClientError::Kind::RateLimited) retryIn(*result.error().retryAfterSeconds());
//   }
//
// message() is translated at call time (QCoreApplication::translate, context "Minato::Client::ClientError"),
// so a language switch applies to errors already stored. technicalDetail() is English, for logs and the
// "Details" fold of an error dialog; it never contains credentials, tokens or query strings of redirect
// targets (presigned URLs carry signatures there).

#include "oci/errorcode.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Client {

class ClientError
{
    Q_DECLARE_TR_FUNCTIONS(Minato::Client::ClientError)

public:
    enum class Kind {
        Transport,         // no HTTP answer: refused, DNS, reset, proxy
        Tls,               // certificate or handshake failure
        Timeout,           // the transfer timeout fired (Qt reports it as OperationCanceledError)
        Http,              // an HTTP status with no more specific meaning (500, 502, 418 …)
        Registry,          // the registry's error body names codes (DENIED, UNSUPPORTED, …)
        AuthRequired,      // the registry wants credentials and none are configured
        Auth,              // the credentials were refused (wrong user name or password/token)
        NotFound,          // 404: repository, manifest or blob does not exist
        NotFoundOrPrivate, // token granted without access: missing, or private (Docker Hub answers this way)
        RateLimited,       // 429, with Retry-After when the registry sent one
        Cancelled,         // cancel() was called: not a failure to show
        InvalidResponse,   // bad JSON, digest mismatch, too large, unexpected shape
        InvalidRequest,    // the caller's input cannot form a request (malformed repository name, digest)
        CredentialStore,   // the saved login could not be read (keychain or credential helper failed): not "none"
        LocalFile,         // a local file could not be read or written (a blob transfer's source or target)
    };

    // What exactly was wrong with an InvalidResponse.
    // UploadIncomplete: the registry acknowledged an upload chunk without holding all the bytes sent (its Range
    // did not advance to them; ECR has been seen answering 201 and dropping later chunks).
    enum class Invalid { None, BadContent, DigestMismatch, TooLarge, UploadIncomplete };
    // What a Tls error was about: the sentence says what to do about each.
    enum class TlsProblem {
        Other,             // a handshake failure without a certificate verdict (protocol, client certificate asked)
        Untrusted,         // self-signed or issued by an authority this connection does not trust
        HostNameMismatch,  // the certificate is valid, but for other names
        Expired,           // expired or not yet valid
        ClientCertificate, // the server asked for a client certificate, or refused the one presented
        PlainHttpRedirect, // an https:// registry redirected to an http:// address, and plain http is not allowed
    };

    ClientError() = default;

    static ClientError transport(QString detail);
    static ClientError tls(QString detail);
    // host: the certs.d name of the origin that failed ("registry.example.com:5000"); certificateNames: the
    // DNS names and IP addresses the server's certificate is for (subject alternative names, else its CN).
    static ClientError tls(TlsProblem problem, QString host, QStringList certificateNames, QString detail);
    // Tls/PlainHttpRedirect: `host` (host[:port] of the https origin) redirected to http://`target` (host[:port]),
    // which was not followed because the connection does not allow plain http.
    static ClientError plainHttpRedirect(QString host, QString target, QString detail);
    // The credential store's own error (its message is a translated sentence naming the store).
    static ClientError credentialStore(const QString &storeMessage, QString detail);
    static ClientError timeout(QString detail);
    static ClientError cancelled();
    // From an HTTP answer that is not a success: picks NotFound, RateLimited, Registry or Http by status and
    // error body (ErrorBody::parse). retryAfter is the raw Retry-After header (seconds or an HTTP date).
    static ClientError fromHttp(int status, const QByteArray &body, const QByteArray &retryAfter, QString detail);
    static ClientError authRequired(QString detail);
    static ClientError authFailed(QString detail);
    // signedIn: the token was obtained with credentials (the sentence then does not suggest signing in).
    static ClientError notFoundOrPrivate(bool signedIn, QString detail);
    static ClientError invalid(Invalid what, QString detail);
    static ClientError invalidRequest(QString detail);
    // path: the local file; reason: what the system said ("No space left on device").
    static ClientError localFile(QString path, QString reason, QString detail);

    // The same error told with a sentence of the operation that met it (a delete the registry has disabled, a
    // tag that cannot be deleted alone, a blob that must be copied): `sentence` is the English source text,
    // marked where it is written with QT_TRANSLATE_NOOP("Minato::Client::ClientError", "…") and translated by
    // message() at call time like every other sentence here; %1, %2 … are filled from args (each once, so an
    // argument containing "%1" stays as it is). Kind, status and registry codes are kept — callers and exit
    // codes still branch on them; `note` (English) is appended to technicalDetail().
    ClientError explained(const char *sentence, const QStringList &args = {}, const QString &note = {}) const;
    bool isExplained() const { return m_sentence != nullptr; }

    Kind kind() const { return m_kind; }
    Invalid invalidReason() const { return m_invalid; }
    int httpStatus() const { return m_status; } // 0 when there was no HTTP answer
    const QList<Oci::RegistryError> &registryErrors() const { return m_registryErrors; }
    bool hasRegistryCode(Oci::ErrorCode code) const;
    std::optional<int> retryAfterSeconds() const { return m_retryAfter; }
    TlsProblem tlsProblem() const { return m_tlsProblem; }
    // Tls: the names the server's certificate is for (HostNameMismatch, Untrusted); else empty.
    const QStringList &certificateNames() const { return m_certificateNames; }

    // A translated sentence for the person at the keyboard: what happened and what to do.
    QString message() const;
    // English, for logs: "GET http://host/v2/x/tags/list → 404 NAME_UNKNOWN: repository name not known…".
    QString technicalDetail() const { return m_detail; }
    // kindName(): "Timeout", "RateLimited", … for logs and tests.
    QString kindName() const;

    // Retry-After: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); nullopt when absent or malformed.
    static std::optional<int> parseRetryAfter(const QByteArray &value);

private:
    QString tlsMessage() const;

    ClientError(Kind kind, QString detail)
        : m_kind(kind)
        , m_detail(std::move(detail))
    {}

    Kind m_kind = Kind::Transport;
    Invalid m_invalid = Invalid::None;
    TlsProblem m_tlsProblem = TlsProblem::Other;
    QString m_host;   // Tls: host[:port] of the origin that failed
    QString m_target; // Tls/PlainHttpRedirect: host[:port] of the http:// address redirected to
    QStringList m_certificateNames;
    QString m_storeMessage; // CredentialStore: the store's sentence
    QString m_localPath;    // LocalFile: the file, and why it failed
    QString m_localReason;
    int m_status = 0;
    bool m_signedIn = false;
    std::optional<int> m_retryAfter;
    QList<Oci::RegistryError> m_registryErrors;
    QString m_detail;
    const char *m_sentence = nullptr; // explained(): a QT_TRANSLATE_NOOP source text with static storage
    QStringList m_sentenceArgs;
};

} // namespace Minato::Client
