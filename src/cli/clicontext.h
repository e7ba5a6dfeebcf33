#pragma once

// What every minatoctl command shares: its command line (common options), where its registry is (saved
// connections, docker's insecure-loopback rule, --insecure/--ca-file), how it signs in (keychain, docker
// config.json, credential helpers — or --username/--password-stdin for this run only), output (text tables
// or --json) and exit codes (exitcodes.h), and the event loop that drives one operation to its end.
//
//   CommandLine cl(u"tags"_s, tr("List the tags of a repository."), u"REPO"_s);
//   cl.addJson(); cl.addNetwork();
//   if (auto status = cl.parse(arguments, 1, 1)) return *status;        // --help, usage errors
//   Context ctx(cl);
//   if (!ctx.ok()) return ctx.status();                                    // --platform, --timeout, stdin
//   auto target = ctx.repositoryTarget(cl.positional(0));                // nullopt: reported, see status()
//   if (!target) return ctx.status();
//   RegistryClient *client = ctx.makeClient(*target);
//   return ctx.run([&] { … start an operation; on its finished(): ctx.finish(code) … });
//
// Registry resolution (REGISTRY, or the domain of REPO/REF):
//   1. an explicit URL "http(s)://host[:port][/prefix]" is used as written;
//   2. a saved connection's name (REGISTRY only), else a saved connection for the same host;
//   3. otherwise a generic connection: https, except plain http for loopback hosts (localhost,
//      127.0.0.0/8, [::1]) — docker treats those as insecure registries too — and with --insecure.
// --insecure also accepts any TLS certificate; --ca-file adds a CA for this run. Docker Hub names
// ("docker.io", "index.docker.io") reach registry-1.docker.io.

#include "exitcodes.h"

#include "client/connectionprofile.h"
#include "client/credentialstore.h"
#include "client/deleteplan.h"

#include "oci/platform.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QTextStream>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace Minato::Client {
class ClientError;
class RegistryClient;
class KeychainCredentialStore;
class CredentialResolver;
} // namespace Minato::Client

namespace Minato::Cli {

inline QString tr(const char *text)
{
    return QCoreApplication::translate("minatoctl", text);
}

// One command's command line: its options, and parsing with minatoctl's exit codes (2 for usage errors,
// 0 after --help).
class CommandLine
{
public:
    CommandLine(QString command, const QString &description, const QString &synopsis);

    void addJson();
    void addNetwork(); // --insecure, --ca-file, --username, --password-stdin, --timeout
    void addPlatform();
    QCommandLineParser &parser() { return m_parser; }

    // nullopt when the command should run; otherwise the exit status (help printed, or a usage error).
    std::optional<int> parse(const QStringList &arguments, int minPositional, int maxPositional);

    const QString &command() const { return m_command; }
    QString positional(int i) const { return m_parser.positionalArguments().value(i); }
    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }
    // True when the command declared the option (common options are added per command).
    bool has(const QString &name) const { return m_declared.contains(name); }

private:
    void add(const QCommandLineOption &option);

    QString m_command;
    QCommandLineParser m_parser;
    QStringList m_declared;
};

// A registry (and optionally a repository and a tag or digest) with the connection to reach it.
struct Target
{
    Client::ConnectionProfile profile;
    QString registryKey; // normalizeRegistryKey: the keychain's key ("127.0.0.1:5000", "docker.io")
    QString registry;    // as shown: "127.0.0.1:5000"
    QString repository;  // "team/app"; empty for a registry target
    QString reference;   // tag or digest; empty unless asked for
    bool savedProfile = false;

    // "registry/repository[:tag|@digest]" for display.
    QString display() const;
};

class Context
{
public:
    explicit Context(const CommandLine &commandLine);
    ~Context();
    Context(const Context &) = delete;
    Context &operator=(const Context &) = delete;

    bool json() const { return m_json; }
    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    const std::optional<Oci::Platform> &platform() const { return m_platform; }
    const std::optional<Client::Credentials> &explicitCredentials() const { return m_credentials; }

    // The exit status so far (set by usage(), fail(), finish()).
    int status() const { return m_status; }
    // False when the common options were unusable (reported; status() says how to exit).
    bool ok() const { return m_valid; }

    // Resolve the texts given on the command line; on failure the reason is printed and status() set.
    std::optional<Target> registryTarget(const QString &text);
    std::optional<Target> repositoryTarget(const QString &text); // tag or digest ignored
    // "latest" when neither is given; *referenceGiven (optional) tells whether the text named a tag or digest.
    std::optional<Target> imageTarget(const QString &text, bool *referenceGiven = nullptr);

    // A client for the target, signing in with --username/--password-stdin, else through the credential
    // resolver (docker config, helpers, keychain). Owned by the context.
    Client::RegistryClient *makeClient(const Target &target);
    // docker's config plus Minato's keychain (service "Minato", or $MINATO_KEYCHAIN_SERVICE for tests).
    Client::CredentialResolver &credentials();

    // Print and record an error; the return value is the exit status to return.
    int usage(const QString &message);
    int fail(const Client::ClientError &error);
    int failWith(int status, const QString &message);

    // Runs the event loop: start() is called once it runs; the loop ends at finish(status).
    int run(const std::function<void()> &start);
    void finish(int status);

    // Bytes to stdout unchanged (manifest and config bodies).
    void writeRaw(const QByteArray &bytes);

private:
    std::optional<Target> resolve(const QString &domain, const QString &explicitUrl, bool allowProfileName);
    bool readPassword(const CommandLine &commandLine);

    QTextStream m_out;
    QTextStream m_err;
    QString m_command;
    bool m_json = false;
    bool m_insecure = false;
    QString m_caFile;
    int m_timeoutMs = Client::ConnectionProfile::DefaultTimeoutMs;
    std::optional<Oci::Platform> m_platform;
    std::optional<Client::Credentials> m_credentials;
    int m_status = ExitOk;
    bool m_valid = true;
    std::unique_ptr<Client::KeychainCredentialStore> m_keychain;
    std::unique_ptr<Client::CredentialResolver> m_resolver;
    QList<Client::RegistryClient *> m_clients;
};

// "12.3 KiB" for tables; the exact byte count is in --json.
QString humanSize(qint64 bytes);
// Prints rows as left-aligned columns separated by two spaces (the last column is not padded); the first
// column is at least minFirstWidth wide, so that key/value blocks printed apart line up.
void printTable(QTextStream &out, const QList<QStringList> &rows, const QString &indent = {}, int minFirstWidth = 0);
// Key/value rows, keys padded to one width across a command's output.
inline void printFields(QTextStream &out, const QList<QStringList> &rows)
{
    printTable(out, rows, {}, 13);
}

// Small pieces several commands print or parse alike.
// Docker Hub's API from MINATO_DOCKERHUB_API_URL (the tests' stand-in); empty (the default API) when unset.
QUrl dockerHubApiUrl();
// The text without a leading "http://" or "https://" (any case).
QString withoutScheme(const QString &text);
// True when the text names a tag or a digest itself (not "team/app", which would mean :latest).
bool namesTagOrDigest(const QString &text);
// "OCI image manifest, 1234 bytes": a media type's display name and the size (left out when negative).
QString typeAndSize(const QString &mediaType, qint64 size);
// ISO 8601 in UTC, or empty for an invalid date (--json "created" fields and table cells).
QString isoDate(const QDateTime &when);
// How a delete went, as --json says it: "tag", "vendor-tag", "manifest" or "already-removed".
QString methodName(Client::DeleteOutcome::Method method);
// One tag of a BulkDelete as rm and retain report it: with --json an object {"tag", "ok", …} appended to `items`
// (`deleted` merged in when it went, "error"/"detail" when not); otherwise "deleted  <deletedText>" on stdout or
// "failed   <tag>: <sentence>" and its detail on stderr. The first failure's exit code goes to *firstFailure.
void reportDeleteItem(Context &ctx, const QString &tag, const Client::DeleteResult &result, const QJsonObject &deleted,
                      const QString &deletedText, int *firstFailure, QJsonArray *items);

} // namespace Minato::Cli
