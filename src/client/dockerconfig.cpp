#include "dockerconfig.h"

#include "oci/jsonfields.h" // MINATO_OCI_TRY

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>

namespace Minato::Client {

namespace {

using Oci::Expected;
using Oci::ParseError;

// See the header: how exactly a key names its registry (lower is better).
int keyRank(const QString &rawKey, const QString &normalized)
{
    const QString raw = rawKey.trimmed().toLower();
    if (raw == dockerHubLegacyKey() || raw == normalized) {
        return 0;
    }
    if (raw.contains(u"://")) {
        return 1;
    }
    const qsizetype slash = raw.indexOf(u'/');
    if (slash >= 0 && slash + 1 < raw.size()) {
        return 2; // "quay.io/org": podman's per-namespace login
    }
    return 1;
}

QString quoted(const QString &key)
{
    return u'"' + key + u'"';
}

// A field that must be a string when present; `at` is the JSON path used in the message.
Expected<QString> optionalString(const QJsonObject &object, QLatin1String name, const QString &at, const QString &file)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() || value.isNull()) {
        return QString();
    }
    if (!value.isString()) {
        const QString field = at.isEmpty() ? QString(name) : at + u'.' + name;
        return ParseError{file, DockerConfig::tr("%1 must be a string").arg(field)};
    }
    return value.toString();
}

} // namespace

DockerConfig::Sources DockerConfig::Sources::fromEnvironment()
{
    Sources sources;
    const QString dockerDir = qEnvironmentVariable("DOCKER_CONFIG");
    sources.dockerConfig = (dockerDir.isEmpty() ? QDir::homePath() + QStringLiteral("/.docker") : dockerDir) +
                           QStringLiteral("/config.json");
    if (const QString authFile = qEnvironmentVariable("REGISTRY_AUTH_FILE"); !authFile.isEmpty()) {
        sources.podmanAuthFiles.append(authFile);
        return sources;
    }
    if (const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR"); !runtime.isEmpty()) {
        sources.podmanAuthFiles.append(runtime + QStringLiteral("/containers/auth.json"));
    }
    QString configHome = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (configHome.isEmpty()) {
        configHome = QDir::homePath() + QStringLiteral("/.config");
    }
    sources.podmanAuthFiles.append(configHome + QStringLiteral("/containers/auth.json"));
    return sources;
}

Expected<DockerConfig> DockerConfig::parse(const QByteArray &json, const QString &fileName)
{
    QJsonParseError jsonError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        // People open the file in an editor: a line and column say where to look, a byte offset does not.
        const qsizetype at = std::clamp<qsizetype>(jsonError.offset, 0, json.size());
        const QByteArray before = json.left(at);
        const qsizetype line = before.count('\n') + 1;
        const qsizetype column = at - (before.lastIndexOf('\n') + 1) + 1;
        return ParseError{fileName, tr("line %1, column %2 is not valid JSON (%3)")
                                        .arg(QString::number(line), QString::number(column), jsonError.errorString())};
    }
    if (!document.isObject()) {
        return ParseError{fileName, tr("the top level must be a JSON object")};
    }
    const QJsonObject root = document.object();
    DockerConfig config;
    config.m_files.append(fileName);

    const QJsonValue auths = root.value(QLatin1String("auths"));
    if (!auths.isUndefined() && !auths.isNull() && !auths.isObject()) {
        return ParseError{fileName, tr("\"auths\" must be an object")};
    }
    const QJsonObject authsObject = auths.toObject();
    for (auto it = authsObject.begin(); it != authsObject.end(); ++it) {
        const QString at = QStringLiteral("auths[%1]").arg(quoted(it.key()));
        const QString key = normalizeRegistryKey(it.key());
        if (key.isEmpty()) {
            return ParseError{fileName, tr("%1: the key names no registry").arg(at)};
        }
        if (!it.value().isObject()) {
            return ParseError{fileName, tr("%1 must be an object").arg(at)};
        }
        const QJsonObject entry = it.value().toObject();
        MINATO_OCI_TRY(QString auth, optionalString(entry, QLatin1String("auth"), at, fileName));
        MINATO_OCI_TRY(QString username, optionalString(entry, QLatin1String("username"), at, fileName));
        MINATO_OCI_TRY(QString password, optionalString(entry, QLatin1String("password"), at, fileName));
        MINATO_OCI_TRY(const QString identityToken,
                       optionalString(entry, QLatin1String("identitytoken"), at, fileName));
        if (!auth.isEmpty()) {
            // docker: "auth" is base64("user:password") and, when present, wins over the separate fields.
            const bool ascii = std::all_of(auth.cbegin(), auth.cend(), [](QChar c) { return c.unicode() < 128; });
            const auto decoded =
                QByteArray::fromBase64Encoding(auth.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            if (!ascii || !decoded) {
                return ParseError{fileName, tr("%1.auth is not valid base64").arg(at)};
            }
            const QString pair = QString::fromUtf8(*decoded);
            const qsizetype colon = pair.indexOf(u':');
            if (colon < 0) {
                return ParseError{fileName, tr("%1.auth must encode \"user:password\" (it has no ':')").arg(at)};
            }
            username = pair.left(colon);
            password = pair.mid(colon + 1);
        }
        Credentials credentials;
        if (!identityToken.isEmpty()) {
            credentials = Credentials{username, identityToken, true};
        } else if (!password.isEmpty()) {
            credentials = Credentials{username, password, false};
        } else {
            continue; // no secret here: a credsStore or helper keeps it, or the entry is a leftover
        }
        const int rank = keyRank(it.key(), key);
        const auto existing = config.m_auths.constFind(key);
        if (existing == config.m_auths.cend() || rank < existing->rank) {
            config.m_auths.insert(key, AuthEntry{credentials, fileName, rank});
        }
    }

    MINATO_OCI_TRY(config.m_credsStore, optionalString(root, QLatin1String("credsStore"), QString(), fileName));

    const QJsonValue helpers = root.value(QLatin1String("credHelpers"));
    if (!helpers.isUndefined() && !helpers.isNull() && !helpers.isObject()) {
        return ParseError{fileName, tr("\"credHelpers\" must be an object")};
    }
    const QJsonObject helpersObject = helpers.toObject();
    for (auto it = helpersObject.begin(); it != helpersObject.end(); ++it) {
        const QString at = QStringLiteral("credHelpers[%1]").arg(quoted(it.key()));
        const QString key = normalizeRegistryKey(it.key());
        if (key.isEmpty()) {
            return ParseError{fileName, tr("%1: the key names no registry").arg(at)};
        }
        if (!it.value().isString()) {
            return ParseError{fileName, tr("%1 must be a string (a helper name such as \"pass\")").arg(at)};
        }
        const QString helper = it.value().toString();
        if (helper.isEmpty()) {
            continue;
        }
        const int rank = keyRank(it.key(), key);
        const auto existing = config.m_credHelpers.constFind(key);
        if (existing == config.m_credHelpers.cend() || rank < existing->rank) {
            config.m_credHelpers.insert(key, HelperEntry{helper, rank});
        }
    }
    return config;
}

Expected<DockerConfig> DockerConfig::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return ParseError{path, tr("cannot be read: %1").arg(file.errorString())};
    }
    if (file.size() > MaxFileSize) {
        return ParseError{
            path,
            tr("is larger than %1 MiB, too large for a configuration file").arg(MaxFileSize / (qint64{1024} * 1024))};
    }
    // A FIFO or a growing file must not make us read forever.
    return parse(file.read(MaxFileSize + 1), path);
}

Expected<DockerConfig> DockerConfig::load(const Sources &sources)
{
    DockerConfig merged;
    QStringList paths;
    if (!sources.dockerConfig.isEmpty()) {
        paths.append(sources.dockerConfig);
    }
    paths.append(sources.podmanAuthFiles);
    for (const QString &path : std::as_const(paths)) {
        if (!QFileInfo::exists(path)) {
            continue;
        }
        MINATO_OCI_TRY(const DockerConfig one, loadFile(path));
        merged.merge(one);
    }
    return merged;
}

QString DockerConfig::credHelper(QStringView registry) const
{
    return m_credHelpers.value(normalizeRegistryKey(registry)).helper;
}

QMap<QString, QString> DockerConfig::credHelpers() const
{
    QMap<QString, QString> helpers;
    for (auto it = m_credHelpers.cbegin(); it != m_credHelpers.cend(); ++it) {
        helpers.insert(it.key(), it->helper);
    }
    return helpers;
}

std::optional<Credentials> DockerConfig::auth(QStringView registry) const
{
    const auto it = m_auths.constFind(normalizeRegistryKey(registry));
    if (it == m_auths.cend()) {
        return std::nullopt;
    }
    return it->credentials;
}

QString DockerConfig::authFile(QStringView registry) const
{
    return m_auths.value(normalizeRegistryKey(registry)).file;
}

QStringList DockerConfig::authRegistries() const
{
    QStringList keys = m_auths.keys();
    keys.sort();
    return keys;
}

void DockerConfig::merge(const DockerConfig &later)
{
    for (auto it = later.m_auths.cbegin(); it != later.m_auths.cend(); ++it) {
        if (!m_auths.contains(it.key())) {
            m_auths.insert(it.key(), *it);
        }
    }
    for (auto it = later.m_credHelpers.cbegin(); it != later.m_credHelpers.cend(); ++it) {
        if (!m_credHelpers.contains(it.key())) {
            m_credHelpers.insert(it.key(), *it);
        }
    }
    if (m_credsStore.isEmpty()) {
        m_credsStore = later.m_credsStore;
    }
    m_files.append(later.m_files);
}

} // namespace Minato::Client
