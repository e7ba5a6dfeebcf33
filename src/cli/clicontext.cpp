#include "clicontext.h"

#include "client/clienterror.h"
#include "client/credentialresolver.h"
#include "client/credentialsource.h"
#include "client/dockerconfig.h"
#include "client/keychaincredentialstore.h"
#include "client/profilestore.h"
#include "client/registryclient.h"

#include "oci/mediatype.h"
#include "oci/reference.h"

#include <QFile>
#include <QHostAddress>
#include <QLocale>
#include <QTimer>

#include <cstdio>

namespace Minato::Cli {

using Client::ConnectionProfile;

namespace {

const QString kJson = QStringLiteral("json");
const QString kInsecure = QStringLiteral("insecure");
const QString kCaFile = QStringLiteral("ca-file");
const QString kUsername = QStringLiteral("username");
const QString kPasswordStdin = QStringLiteral("password-stdin");
const QString kTimeout = QStringLiteral("timeout");
const QString kPlatform = QStringLiteral("platform");

// "localhost", 127.0.0.0/8 and ::1, with or without a port: docker's default insecure registries.
bool isLoopbackDomain(const QString &domain)
{
    QString host = domain;
    if (host.startsWith(u'[')) {
        host = host.mid(1, host.indexOf(u']') - 1);
    } else if (const qsizetype colon = host.lastIndexOf(u':'); colon >= 0) {
        host.truncate(colon);
    }
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0) {
        return true;
    }
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Splits "http(s)://rest" into scheme and rest; scheme empty when there is none.
QPair<QString, QString> splitScheme(const QString &text)
{
    for (const QString &scheme : {QStringLiteral("http"), QStringLiteral("https")}) {
        const QString prefix = scheme + QStringLiteral("://");
        if (text.startsWith(prefix, Qt::CaseInsensitive)) {
            return {scheme, text.mid(prefix.size())};
        }
    }
    return {QString(), text};
}

} // namespace

QString Target::display() const
{
    QString text = registry;
    if (!repository.isEmpty()) {
        text += u'/' + repository;
    }
    if (!reference.isEmpty()) {
        text += (reference.contains(u':') ? u'@' : u':') + reference;
    }
    return text;
}

// ---- CommandLine ---------------------------------------------------------------------------------------

CommandLine::CommandLine(QString command, const QString &description, const QString &synopsis)
    : m_command(std::move(command))
{
    m_parser.setApplicationDescription(description + QStringLiteral("\n\nUsage: minatoctl ") + m_command + u' ' +
                                       synopsis +
                                       QStringLiteral("\n\nExit status: 0 ok, 1 failure, 2 usage, "
                                                      "3 not found, 4 auth, 5 network, 6 TLS."));
    m_parser.addHelpOption();
}

void CommandLine::add(const QCommandLineOption &option)
{
    m_parser.addOption(option);
    m_declared += option.names();
}

void CommandLine::addJson()
{
    add({kJson, tr("Print JSON for scripts instead of text.")});
}

void CommandLine::addNetwork()
{
    add({kInsecure, tr("Allow plain http (used for a registry given without a scheme) and accept "
                       "any TLS certificate. Loopback registries (localhost, 127.0.0.0/8, ::1) "
                       "use plain http anyway, as docker allows.")});
    add({kCaFile, tr("Trust the CA certificates in this PEM file for this run."), tr("FILE")});
    add({kUsername, tr("Sign in as this user for this run only (with --password-stdin)."), tr("USER")});
    add({kPasswordStdin, tr("Read the password or token from standard input.")});
    add({kTimeout, tr("Give up on a request after this many seconds without data (default 30)."), tr("SECONDS")});
}

void CommandLine::addPlatform()
{
    add({kPlatform, tr("Pick this platform from a multi-platform image, e.g. linux/arm64."), tr("OS/ARCH[/VARIANT]")});
}

std::optional<int> CommandLine::parse(const QStringList &arguments, int minPositional, int maxPositional)
{
    QTextStream err(stderr);
    if (!m_parser.parse(arguments)) {
        err << QStringLiteral("minatoctl %1: %2").arg(m_command, m_parser.errorText()) << Qt::endl;
        return ExitUsage;
    }
    if (m_parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << m_parser.helpText();
        return ExitOk;
    }
    const qsizetype count = m_parser.positionalArguments().size();
    if (count < minPositional || (maxPositional >= 0 && count > maxPositional)) {
        err << tr("minatoctl %1: wrong number of arguments; see minatoctl %1 --help").arg(m_command) << Qt::endl;
        return ExitUsage;
    }
    return std::nullopt;
}

// ---- Context -------------------------------------------------------------------------------------------

Context::Context(const CommandLine &commandLine)
    : m_out(stdout)
    , m_err(stderr)
    , m_command(commandLine.command())
{
    m_json = commandLine.has(kJson) && commandLine.isSet(kJson);
    if (!commandLine.has(kInsecure)) {
        return;
    }
    m_insecure = commandLine.isSet(kInsecure);
    m_caFile = commandLine.value(kCaFile);
    if (!m_caFile.isEmpty() && !QFile::exists(m_caFile)) {
        usage(tr("the CA file %1 does not exist").arg(m_caFile));
        return;
    }
    if (commandLine.isSet(kTimeout)) {
        bool ok = false;
        const double seconds = commandLine.value(kTimeout).toDouble(&ok);
        if (!ok || seconds <= 0 || seconds > 24 * 3600) {
            usage(tr("--timeout wants a positive number of seconds"));
            return;
        }
        m_timeoutMs = static_cast<int>(seconds * 1000);
    }
    if (commandLine.has(kPlatform) && commandLine.isSet(kPlatform)) {
        const auto platform = Oci::Platform::parse(commandLine.value(kPlatform));
        if (!platform) {
            usage(tr("--platform: %1").arg(platform.error().message()));
            return;
        }
        m_platform = *platform;
    }
    readPassword(commandLine);
}

Context::~Context()
{
    qDeleteAll(m_clients);
}

bool Context::readPassword(const CommandLine &commandLine)
{
    const bool user = commandLine.isSet(kUsername);
    const bool stdinPassword = commandLine.isSet(kPasswordStdin);
    if (!user && !stdinPassword) {
        return true;
    }
    if (!user || !stdinPassword) {
        usage(tr("--username and --password-stdin go together (a password is never given as an argument)"));
        return false;
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        usage(tr("standard input cannot be read"));
        return false;
    }
    QByteArray bytes = in.readAll();
    while (bytes.endsWith('\n') || bytes.endsWith('\r')) {
        bytes.chop(1);
    }
    if (bytes.isEmpty()) {
        usage(tr("no password on standard input"));
        return false;
    }
    m_credentials = Client::Credentials{commandLine.value(kUsername), QString::fromUtf8(bytes), false};
    return true;
}

int Context::usage(const QString &message)
{
    m_valid = false;
    return failWith(ExitUsage, message);
}

int Context::failWith(int status, const QString &message)
{
    m_err << QStringLiteral("minatoctl %1: %2").arg(m_command, message) << Qt::endl;
    m_status = status;
    return status;
}

int Context::fail(const Client::ClientError &error)
{
    failWith(exitCodeFor(error), error.message());
    if (!error.technicalDetail().isEmpty()) {
        m_err << QStringLiteral("  detail: ") << error.technicalDetail() << Qt::endl;
    }
    return m_status;
}

std::optional<Target> Context::resolve(const QString &domain, const QString &explicitScheme, bool allowProfileName)
{
    Target t;
    t.registry = domain;
    Client::ProfileStore store;
    std::optional<ConnectionProfile> saved;
    if (explicitScheme.isEmpty()) {
        saved = allowProfileName ? store.find(domain) : std::nullopt;
        if (!saved) {
            saved = store.findByHost(domain);
        }
    }
    if (saved) {
        t.profile = *saved;
        t.savedProfile = true;
        if (allowProfileName && saved->name.compare(domain, Qt::CaseInsensitive) == 0) {
            t.registry = saved->baseUrl.authority();
        }
    } else {
        if (const auto checked = Oci::Reference::parseDomain(domain); !checked) {
            usage(tr("\"%1\" is not a registry address: %2").arg(domain, checked.error().message()));
            return std::nullopt;
        }
        const bool hub = Client::normalizeRegistryKey(domain) == Client::dockerHubKey();
        QString scheme = explicitScheme;
        if (scheme.isEmpty()) {
            scheme =
                !hub && (m_insecure || isLoopbackDomain(domain)) ? QStringLiteral("http") : QStringLiteral("https");
        }
        const QString host = hub ? Oci::Reference::dockerHubApiHost() : domain;
        t.profile.name = domain;
        t.profile.baseUrl = QUrl(scheme + QStringLiteral("://") + host, QUrl::StrictMode);
        t.profile.kind = ConnectionProfile::guessKind(t.profile.baseUrl);
        if (hub) {
            t.registry = Client::dockerHubKey();
        }
    }
    if (m_insecure) {
        // --insecure is docker's "insecure registry": any certificate, and plain http (also when an https
        // registry redirects to an http address).
        t.profile.allowInsecureTls = true;
        t.profile.allowPlainHttp = true;
    }
    if (!m_caFile.isEmpty()) {
        t.profile.caCertificateFile = m_caFile;
    }
    if (m_timeoutMs != ConnectionProfile::DefaultTimeoutMs || !saved) {
        t.profile.timeoutMs = m_timeoutMs;
    }
    if (const QString problem = t.profile.validate(); !problem.isEmpty()) {
        usage(tr("\"%1\": %2").arg(domain, problem));
        return std::nullopt;
    }
    t.registryKey = Client::normalizeRegistryKey(t.profile.origin().toString());
    return t;
}

std::optional<Target> Context::registryTarget(const QString &text)
{
    const auto [scheme, rest] = splitScheme(text);
    QString domain = rest;
    while (domain.endsWith(u'/')) {
        domain.chop(1);
    }
    if (domain.endsWith(QStringLiteral("/v2"))) {
        domain.chop(3);
    }
    if (domain.contains(u'/')) {
        // A URL with a path prefix (Artifactory, reverse proxies): used as written.
        if (scheme.isEmpty()) {
            usage(tr("\"%1\" is not a registry address (give host[:port], or a URL for a path prefix)").arg(text));
            return std::nullopt;
        }
        const qsizetype slash = domain.indexOf(u'/');
        auto t = resolve(domain.left(slash), scheme, false);
        if (t) {
            t->profile.baseUrl = QUrl(scheme + QStringLiteral("://") + domain, QUrl::StrictMode);
            if (const QString problem = t->profile.validate(); !problem.isEmpty()) {
                usage(tr("\"%1\": %2").arg(text, problem));
                return std::nullopt;
            }
        }
        return t;
    }
    return resolve(domain, scheme, true);
}

std::optional<Target> Context::repositoryTarget(const QString &text)
{
    auto t = imageTarget(text);
    if (t) {
        t->reference.clear();
    }
    return t;
}

std::optional<Target> Context::imageTarget(const QString &text, bool *referenceGiven)
{
    const auto [scheme, rest] = splitScheme(text);
    const auto ref = Oci::Reference::parseNormalized(rest);
    if (!ref) {
        usage(tr("\"%1\" is not a valid reference: %2").arg(text, ref.error().message()));
        return std::nullopt;
    }
    auto t = resolve(ref->domain(), scheme, false);
    if (!t) {
        return std::nullopt;
    }
    t->repository = ref->path();
    if (referenceGiven) {
        *referenceGiven = ref->hasDigest() || ref->hasTag();
    }
    t->reference = ref->hasDigest() ? ref->digest().toString()
                   : ref->hasTag()  ? ref->tag()
                                    : Oci::Reference::defaultTag();
    return t;
}

Client::CredentialResolver &Context::credentials()
{
    if (!m_resolver) {
        auto config = Client::DockerConfig::load();
        if (!config) {
            m_err << tr("minatoctl: warning: %1 (ignored)").arg(config.error().message()) << Qt::endl;
        }
        m_keychain = std::make_unique<Client::KeychainCredentialStore>(
            Client::KeychainCredentialStore::configuredService());
        m_resolver = std::make_unique<Client::CredentialResolver>(config ? config.value() : Client::DockerConfig(),
                                                                  m_keychain.get());
    }
    return *m_resolver;
}

Client::RegistryClient *Context::makeClient(const Target &target)
{
    auto *client = new Client::RegistryClient(target.profile);
    m_clients.append(client);
    if (m_credentials) {
        client->setCredentials(m_credentials);
    } else {
        client->setCredentialSource(std::make_shared<Client::StoreCredentialSource>(&credentials()));
    }
    return client;
}

int Context::run(const std::function<void()> &start)
{
    QTimer kickoff; // start() runs once exec() has started, so that finish() can end the loop
    kickoff.setSingleShot(true);
    QObject::connect(&kickoff, &QTimer::timeout, qApp, start);
    kickoff.start(0);
    const int status = QCoreApplication::exec();
    m_out.flush();
    m_err.flush();
    return status;
}

void Context::finish(int status)
{
    m_status = status;
    m_out.flush();
    m_err.flush();
    QCoreApplication::exit(status);
}

void Context::writeRaw(const QByteArray &bytes)
{
    m_out.flush();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

QString humanSize(qint64 bytes)
{
    if (bytes < 0) {
        return QStringLiteral("?");
    }
    if (bytes < 1024) {
        return QCoreApplication::translate("minatoctl", "%n byte(s)", nullptr, static_cast<int>(bytes));
    }
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

void printTable(QTextStream &out, const QList<QStringList> &rows, const QString &indent, int minFirstWidth)
{
    QList<qsizetype> widths{minFirstWidth};
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) {
                widths.append(0);
            }
            widths[i] = std::max(widths[i], row.at(i).size());
        }
    }
    for (const QStringList &row : rows) {
        QString line = indent;
        for (qsizetype i = 0; i < row.size(); ++i) {
            line += i + 1 < row.size() ? row.at(i).leftJustified(widths.at(i) + 2) : row.at(i);
        }
        out << line << Qt::endl;
    }
}

QUrl dockerHubApiUrl()
{
    const QString hub = qEnvironmentVariable("MINATO_DOCKERHUB_API_URL");
    return hub.isEmpty() ? QUrl() : QUrl(hub, QUrl::StrictMode);
}

QString withoutScheme(const QString &text)
{
    return splitScheme(text).second;
}

bool namesTagOrDigest(const QString &text)
{
    const auto ref = Oci::Reference::parseNormalized(withoutScheme(text));
    return ref && !ref->isNameOnly();
}

QString typeAndSize(const QString &mediaType, qint64 size)
{
    QString text = Oci::MediaType::displayName(mediaType);
    if (size >= 0) {
        text += QStringLiteral(", %1 bytes").arg(size);
    }
    return text;
}

QString isoDate(const QDateTime &when)
{
    return when.isValid() ? when.toUTC().toString(Qt::ISODate) : QString();
}

QString methodName(Client::DeleteOutcome::Method method)
{
    using Method = Client::DeleteOutcome::Method;
    switch (method) {
    case Method::Tag:
        return QStringLiteral("tag");
    case Method::VendorTag:
        return QStringLiteral("vendor-tag");
    case Method::Manifest:
        return QStringLiteral("manifest");
    case Method::AlreadyRemoved:
        break;
    }
    return QStringLiteral("already-removed");
}

void reportDeleteItem(Context &ctx, const QString &tag, const Client::DeleteResult &result, const QJsonObject &deleted,
                      const QString &deletedText, int *firstFailure, QJsonArray *items)
{
    if (ctx.json()) {
        QJsonObject o{{QStringLiteral("tag"), tag}, {QStringLiteral("ok"), result.hasValue()}};
        if (result) {
            for (auto it = deleted.begin(); it != deleted.end(); ++it) {
                o.insert(it.key(), it.value());
            }
        } else {
            o.insert(QStringLiteral("error"), result.error().message());
            o.insert(QStringLiteral("detail"), result.error().technicalDetail());
        }
        items->append(o);
    } else if (result) {
        ctx.out() << tr("deleted  %1").arg(deletedText) << Qt::endl;
    } else {
        ctx.err() << tr("failed   %1: %2").arg(tag, result.error().message()) << Qt::endl;
        ctx.err() << QStringLiteral("  detail: ") << result.error().technicalDetail() << Qt::endl;
    }
    if (!result && *firstFailure == ExitOk) {
        *firstFailure = exitCodeFor(result.error());
    }
}

} // namespace Minato::Cli
