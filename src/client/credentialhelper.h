#pragma once

// CredentialHelper: a CredentialStore backed by a docker credential helper, any `docker-credential-<name>`
// on PATH, spoken to with the docker-credential-helpers protocol (the same programs `docker login` uses:
// pass, secretservice, osxkeychain, wincred, desktop, ecr-login, gcloud, …).
//
//   CredentialHelper pass(QStringLiteral("pass"));        // runs docker-credential-pass
//   pass.lookup(u"ghcr.io", this, [](const CredentialResult &r) { … });
//   CredentialListJob *all = pass.list();                 // ServerURL → user name
//
// The protocol: one process per request, the action as its only argument, the payload on stdin.
//   get    stdin: the server URL           stdout: {"ServerURL":…,"Username":…,"Secret":…}
//   store  stdin: {"ServerURL":…,"Username":…,"Secret":…}
//   erase  stdin: the server URL
//   list   stdin: ignored                   stdout: {"<server URL>": "<user name>", …}
// A helper that has nothing says "credentials not found in native keychain" (stdout or stderr) and exits 1:
// that is Kind::NotFound (and a successful erase). The user name "<token>" marks an identity token.
// The server URL is the registry key, except Docker Hub, which docker files as "https://index.docker.io/v1/";
// Minato sends the same so that it shares logins with docker.
//
// Secrets travel only through the stdin/stdout pipes: never in arguments or the environment, and no error
// message quotes a helper's output except the first line of a failure (which is an error text, not a
// secret). Every request has the store's timeout; a helper still running then is killed. QProcess signals
// drive everything (no waitFor…). A helper that is not on PATH fails with Kind::NoBackend.

#include "credentialstore.h"

#include <QMap>
#include <QObject>

#include <optional>

namespace Minato::Client {

// The answer of CredentialHelper::list(): emits finished exactly once (within the timeout), then deletes
// itself.
class CredentialListJob final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialListJob)
public:
    CredentialListJob();
    ~CredentialListJob() override;

    bool ok() const { return !m_error.has_value(); }
    // Server URL → user name, as the helper reported them (no secrets). Valid after finished.
    const QMap<QString, QString> &entries() const { return m_entries; }
    // Precondition: !ok().
    const CredentialError &error() const { return *m_error; }

    // For CredentialHelper: the first call wins.
    void finish(QMap<QString, QString> entries, std::optional<CredentialError> error);

Q_SIGNALS:
    void finished();

private:
    QMap<QString, QString> m_entries;
    std::optional<CredentialError> m_error;
    bool m_finished = false;
};

class CredentialHelper final : public CredentialStore
{
    Q_DECLARE_TR_FUNCTIONS(Minato::Client::CredentialHelper)
public:
    // Helpers print at most a few hundred bytes; a chattier program is not speaking the protocol.
    static constexpr qint64 MaxOutputSize = qint64{1024} * 1024;

    // `name` as in config.json ("pass"), not the program name.
    explicit CredentialHelper(QString name);
    ~CredentialHelper() override;
    Q_DISABLE_COPY_MOVE(CredentialHelper)

    const QString &name() const { return m_name; }
    // "docker-credential-<name>"
    QString programName() const;
    // The absolute path found on PATH now; empty when it is not installed.
    QString programPath() const;
    // "docker-credential-pass", for messages and CredentialResult::origin.
    QString displayName() const override;

    // What the helper is told for a registry key (see the header comment).
    static QString serverUrl(const QString &registryKey);

    CredentialListJob *list();

protected:
    void startLookup(CredentialJob *job) override;
    void startStore(CredentialJob *job, const Credentials &credentials) override;
    void startErase(CredentialJob *job) override;

private:
    QString m_name;
};

} // namespace Minato::Client
