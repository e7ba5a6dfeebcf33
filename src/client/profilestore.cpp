#include "profilestore.h"

#include "credentials.h"

namespace Minato::Client {

namespace {

const QString kArray = QStringLiteral("connections");

struct KindId
{
    ConnectionProfile::Kind kind;
    const char *id;
};

constexpr KindId kKindIds[] = {
    {ConnectionProfile::Kind::Generic, "generic"},
    {ConnectionProfile::Kind::DockerHub, "dockerhub"},
    {ConnectionProfile::Kind::Ecr, "ecr"},
    {ConnectionProfile::Kind::Gar, "gar"},
    {ConnectionProfile::Kind::Acr, "acr"},
    {ConnectionProfile::Kind::Ghcr, "ghcr"},
    {ConnectionProfile::Kind::Quay, "quay"},
    {ConnectionProfile::Kind::Harbor, "harbor"},
    {ConnectionProfile::Kind::Artifactory, "artifactory"},
};

QString registryKeyOf(const ConnectionProfile &profile)
{
    return normalizeRegistryKey(profile.baseUrl.toString());
}

} // namespace

ProfileStore::ProfileStore()
    : m_owned(std::make_unique<QSettings>(organization(), application()))
    , m_settings(m_owned.get())
{}

ProfileStore::ProfileStore(const QString &path)
    : m_owned(std::make_unique<QSettings>(path, QSettings::IniFormat))
    , m_settings(m_owned.get())
{}

ProfileStore::ProfileStore(QSettings *settings)
    : m_settings(settings)
{}

ProfileStore::~ProfileStore() = default;

QString ProfileStore::fileName() const
{
    return m_settings->fileName();
}

QString ProfileStore::kindId(ConnectionProfile::Kind kind)
{
    for (const KindId &k : kKindIds) {
        if (k.kind == kind) {
            return QString::fromLatin1(k.id);
        }
    }
    return QStringLiteral("generic");
}

std::optional<ConnectionProfile::Kind> ProfileStore::kindFromId(const QString &id)
{
    for (const KindId &k : kKindIds) {
        if (id.compare(QLatin1String(k.id), Qt::CaseInsensitive) == 0) {
            return k.kind;
        }
    }
    return std::nullopt;
}

QList<ConnectionProfile> ProfileStore::profiles() const
{
    QList<ConnectionProfile> result;
    const int count = m_settings->beginReadArray(kArray);
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        ConnectionProfile p;
        p.name = m_settings->value(QStringLiteral("name")).toString();
        p.baseUrl = QUrl(m_settings->value(QStringLiteral("baseUrl")).toString(), QUrl::StrictMode);
        p.kind =
            kindFromId(m_settings->value(QStringLiteral("kind")).toString()).value_or(ConnectionProfile::Kind::Generic);
        p.allowInsecureTls = m_settings->value(QStringLiteral("allowInsecureTls"), false).toBool();
        p.allowPlainHttp = m_settings->value(QStringLiteral("allowPlainHttp"), false).toBool();
        p.caCertificateFile = m_settings->value(QStringLiteral("caCertificateFile")).toString();
        p.clientCertificateFile = m_settings->value(QStringLiteral("clientCertificateFile")).toString();
        p.clientKeyFile = m_settings->value(QStringLiteral("clientKeyFile")).toString();
        const QString proxy = m_settings->value(QStringLiteral("proxy")).toString();
        if (proxy == u"none") {
            p.proxy.mode = ProxySetting::Mode::None;
        } else if (proxy.startsWith(QStringLiteral("http://"))) {
            p.proxy.mode = ProxySetting::Mode::Http;
            p.proxy.url = QUrl(proxy, QUrl::StrictMode);
        }
        bool ok = false;
        const int timeout = m_settings->value(QStringLiteral("timeoutMs")).toInt(&ok);
        p.timeoutMs = ok && timeout > 0 ? timeout : ConnectionProfile::DefaultTimeoutMs;
        if (!p.name.isEmpty() && p.validate().isEmpty()) {
            result.append(p);
        }
    }
    m_settings->endArray();
    return result;
}

qsizetype ProfileStore::indexOf(const QList<ConnectionProfile> &profiles, const QString &name)
{
    for (qsizetype i = 0; i < profiles.size(); ++i) {
        if (profiles.at(i).name.compare(name, Qt::CaseInsensitive) == 0) {
            return i;
        }
    }
    return -1;
}

std::optional<ConnectionProfile> ProfileStore::find(const QString &name) const
{
    const QList<ConnectionProfile> all = profiles();
    const qsizetype i = indexOf(all, name);
    return i < 0 ? std::nullopt : std::optional<ConnectionProfile>(all.at(i));
}

std::optional<ConnectionProfile> ProfileStore::findByHost(const QString &registry) const
{
    const QString key = normalizeRegistryKey(registry);
    if (key.isEmpty()) {
        return std::nullopt;
    }
    for (const ConnectionProfile &p : profiles()) {
        if (registryKeyOf(p) == key) {
            return p;
        }
    }
    return std::nullopt;
}

ProfileStore::Error ProfileStore::check(const ConnectionProfile &profile)
{
    if (profile.name.trimmed().isEmpty()) {
        return {Error::Kind::Invalid, QStringLiteral("a connection needs a name")};
    }
    // validate() refuses user info too; say it plainly, since that is where a password would hide.
    if (!profile.baseUrl.userInfo().isEmpty()) {
        return {Error::Kind::Invalid,
                QStringLiteral("the URL must not contain a user name or password; sign in with a login instead")};
    }
    if (const QString problem = profile.validate(); !problem.isEmpty()) {
        return {Error::Kind::Invalid, problem};
    }
    return {};
}

ProfileStore::Error ProfileStore::add(const ConnectionProfile &profile)
{
    if (Error e = check(profile); !e.ok()) {
        return e;
    }
    QList<ConnectionProfile> all = profiles();
    if (indexOf(all, profile.name) >= 0) {
        return {Error::Kind::Duplicate, QStringLiteral("a connection named \"%1\" exists already").arg(profile.name)};
    }
    all.append(profile);
    return save(all);
}

ProfileStore::Error ProfileStore::update(const QString &name, const ConnectionProfile &profile)
{
    if (Error e = check(profile); !e.ok()) {
        return e;
    }
    QList<ConnectionProfile> all = profiles();
    const qsizetype i = indexOf(all, name);
    if (i < 0) {
        return {Error::Kind::NotFound, QStringLiteral("no connection named \"%1\"").arg(name)};
    }
    const qsizetype other = indexOf(all, profile.name);
    if (other >= 0 && other != i) {
        return {Error::Kind::Duplicate, QStringLiteral("a connection named \"%1\" exists already").arg(profile.name)};
    }
    all[i] = profile;
    return save(all);
}

ProfileStore::Error ProfileStore::remove(const QString &name)
{
    QList<ConnectionProfile> all = profiles();
    const qsizetype i = indexOf(all, name);
    if (i < 0) {
        return {Error::Kind::NotFound, QStringLiteral("no connection named \"%1\"").arg(name)};
    }
    all.removeAt(i);
    return save(all);
}

ProfileStore::Error ProfileStore::save(const QList<ConnectionProfile> &profiles)
{
    m_settings->remove(kArray);
    m_settings->beginWriteArray(kArray, static_cast<int>(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        const ConnectionProfile &p = profiles.at(i);
        m_settings->setArrayIndex(i);
        m_settings->setValue(QStringLiteral("name"), p.name);
        m_settings->setValue(QStringLiteral("baseUrl"), p.baseUrl.toString(QUrl::RemoveUserInfo));
        m_settings->setValue(QStringLiteral("kind"), kindId(p.kind));
        m_settings->setValue(QStringLiteral("allowInsecureTls"), p.allowInsecureTls);
        m_settings->setValue(QStringLiteral("allowPlainHttp"), p.allowPlainHttp);
        m_settings->setValue(QStringLiteral("caCertificateFile"), p.caCertificateFile);
        m_settings->setValue(QStringLiteral("clientCertificateFile"), p.clientCertificateFile);
        m_settings->setValue(QStringLiteral("clientKeyFile"), p.clientKeyFile);
        // "system", "none" or the proxy's URL (validate() refused user info: no secret reaches the file).
        switch (p.proxy.mode) {
        case ProxySetting::Mode::System:
            m_settings->setValue(QStringLiteral("proxy"), QStringLiteral("system"));
            break;
        case ProxySetting::Mode::None:
            m_settings->setValue(QStringLiteral("proxy"), QStringLiteral("none"));
            break;
        case ProxySetting::Mode::Http:
            m_settings->setValue(QStringLiteral("proxy"), p.proxy.url.toString(QUrl::RemoveUserInfo));
            break;
        }
        m_settings->setValue(QStringLiteral("timeoutMs"), p.timeoutMs);
    }
    m_settings->endArray();
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        return {Error::Kind::Storage,
                QStringLiteral("the connections could not be saved to %1").arg(m_settings->fileName())};
    }
    return {};
}

} // namespace Minato::Client
