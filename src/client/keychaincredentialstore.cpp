#include "keychaincredentialstore.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <qt6keychain/keychain.h>

namespace Minato::Client {

namespace {

// libsecret's way of saying "there is no Secret Service to talk to" (see the header): D-Bus could not be
// reached, or nothing on it provides org.freedesktop.secrets.
bool isMissingServiceMessage(const QString &message)
{
    static const char *const markers[] = {
        "autolaunch",                 // no session bus address and no X11 display to autolaunch one
        "Could not connect",          // a bus address that leads nowhere
        "org.freedesktop.secrets",    // a bus, but no secrets service on it
        "ServiceUnknown",             // the same, as a D-Bus error name
        "No such interface",          // an old or partial Secret Service implementation
        "Cannot spawn a message bus", // GDBus autolaunch failing
    };
    for (const char *marker : markers) {
        if (message.contains(QLatin1String(marker), Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

// Finishes `job` with the failure QtKeychain reported; returns false when there was none.
bool failFromKeychain(CredentialJob *job, QKeychain::Error error, const QString &detail)
{
    using Kind = CredentialError::Kind;
    switch (error) {
    case QKeychain::NoError:
        return false;
    case QKeychain::EntryNotFound:
        job->fail(Kind::NotFound, KeychainCredentialStore::tr(
                                      "No login for %1 is saved in the system keychain (or the keychain is locked).")
                                      .arg(job->registryKey()));
        return true;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        job->fail(Kind::Denied,
                  KeychainCredentialStore::tr("The system keychain refused access (%1). Unlock it and allow Minato to "
                                              "use it, then try again.")
                      .arg(detail));
        return true;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        if (!isMissingServiceMessage(detail)) {
            job->fail(Kind::Other, KeychainCredentialStore::tr("The system keychain failed: %1").arg(detail));
            return true;
        }
        break;
    }
    job->fail(Kind::NoBackend,
              KeychainCredentialStore::tr(
                  "No keychain is available on this system (%1). Use a docker credential helper instead "
                  "(\"credsStore\" or \"credHelpers\" in ~/.docker/config.json), or start a Secret Service "
                  "such as GNOME Keyring or KWallet.")
                  .arg(detail.isEmpty() ? KeychainCredentialStore::tr("no Secret Service was found") : detail));
    return true;
}

// QtKeychain jobs get no parent and delete themselves when they finish: see the header on timeouts.
template<typename KeychainJob>
KeychainJob *newKeychainJob(const QString &service, CredentialJob *job)
{
    auto *keychainJob = new KeychainJob(service);
    keychainJob->setAutoDelete(true);
    keychainJob->setInsecureFallback(false); // never a plain-text file instead of the keychain
    keychainJob->setKey(job->registryKey());
    return keychainJob;
}

} // namespace

KeychainCredentialStore::KeychainCredentialStore(QString service)
    : m_service(std::move(service))
{}

KeychainCredentialStore::~KeychainCredentialStore() = default;

QString KeychainCredentialStore::displayName() const
{
    return tr("the system keychain");
}

QByteArray KeychainCredentialStore::encode(const Credentials &credentials)
{
    QJsonObject object;
    object.insert(QStringLiteral("username"), credentials.username);
    object.insert(QStringLiteral("secret"), credentials.secret);
    object.insert(QStringLiteral("identityToken"), credentials.isIdentityToken);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<Credentials> KeychainCredentialStore::decode(const QByteArray &data)
{
    const QJsonDocument document = QJsonDocument::fromJson(data);
    if (!document.isObject()) {
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    const QJsonValue username = object.value(QLatin1String("username"));
    const QJsonValue secret = object.value(QLatin1String("secret"));
    const QJsonValue identityToken = object.value(QLatin1String("identityToken"));
    if (!secret.isString() || secret.toString().isEmpty() || !(username.isString() || username.isUndefined()) ||
        !(identityToken.isBool() || identityToken.isUndefined())) {
        return std::nullopt;
    }
    return Credentials{username.toString(), secret.toString(), identityToken.toBool(false)};
}

void KeychainCredentialStore::startLookup(CredentialJob *job)
{
    auto *read = newKeychainJob<QKeychain::ReadPasswordJob>(m_service, job);
    QObject::connect(read, &QKeychain::Job::finished, job, [job, read] {
        if (failFromKeychain(job, read->error(), read->errorString())) {
            return;
        }
        std::optional<Credentials> credentials = decode(read->binaryData());
        if (!credentials) {
            job->fail(CredentialError::Kind::Other,
                      tr("The keychain item for %1 was not written by this version of Minato; log in again "
                         "to replace it.")
                          .arg(job->registryKey()));
            return;
        }
        job->finish(CredentialResult::success(std::move(*credentials), job->origin()));
    });
    read->start();
}

void KeychainCredentialStore::startStore(CredentialJob *job, const Credentials &credentials)
{
    auto *write = newKeychainJob<QKeychain::WritePasswordJob>(m_service, job);
    write->setTextData(QString::fromUtf8(encode(credentials)));
    QObject::connect(write, &QKeychain::Job::finished, job, [job, write] {
        if (!failFromKeychain(job, write->error(), write->errorString())) {
            job->finish(CredentialResult::success({}, job->origin()));
        }
    });
    write->start();
}

void KeychainCredentialStore::startErase(CredentialJob *job)
{
    auto *remove = newKeychainJob<QKeychain::DeletePasswordJob>(m_service, job);
    QObject::connect(remove, &QKeychain::Job::finished, job, [job, remove] {
        // Erasing what is not there leaves the state the caller asked for.
        if (remove->error() == QKeychain::EntryNotFound ||
            !failFromKeychain(job, remove->error(), remove->errorString())) {
            job->finish(CredentialResult::success({}, job->origin()));
        }
    });
    remove->start();
}

} // namespace Minato::Client
