#pragma once

// DockerConfig: what docker's ~/.docker/config.json and podman's containers-auth.json say about registry
// logins, read as they are and never written.
//
//   auto config = DockerConfig::load();                  // DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_… honoured
//   if (!config) { showError(config.error().message()); } // "/home/a/.docker/config.json: not valid JSON (…)"
//   config->credHelper(u"gcr.io")   == "gcloud"           // credHelpers, per registry
//   config->credsStore()            == "desktop"          // the default helper, if any
//   config->auth(u"docker.io")      → Credentials         // from "auths" (user:password or identity token)
//
// Files and their order (DockerConfig::Sources::fromEnvironment()):
//   1. $DOCKER_CONFIG/config.json, or ~/.docker/config.json;
//   2. podman's auth files: $REGISTRY_AUTH_FILE alone when set; otherwise
//      $XDG_RUNTIME_DIR/containers/auth.json, then ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json.
// Files that do not exist are skipped. When several files (or several keys of one file) name the same
// registry, the first wins: docker's file before podman's, like the docker CLI which Minato imitates.
//
// Parsing is strict about what it uses and lenient about the rest: unknown fields ("HttpHeaders",
// "psFormat", "email", …) are ignored; a used field of the wrong type, an "auth" that is not base64 of
// "user:password", or malformed JSON is an error naming the file and the field. An "auths" entry with no
// secret (docker writes `"ghcr.io": {}` when a credsStore keeps the secret) is simply not a login.
//
// Keys: "https://index.docker.io/v1/" (Docker Hub, as docker writes it), bare hosts, host:port, and URLs with
// scheme and path are all normalised (normalizeRegistryKey). When several keys normalise to the same registry,
// the one written exactly as the host wins, then a URL form, then a podman namespace key ("quay.io/org",
// which is meant for one namespace and is only a fallback for the whole host here).

#include "credentials.h"

#include "oci/expected.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Client {

class DockerConfig
{
    Q_DECLARE_TR_FUNCTIONS(Minato::Client::DockerConfig)
public:
    // Config files are small; anything larger is not a config file.
    static constexpr qint64 MaxFileSize = qint64{4} * 1024 * 1024;

    struct Sources
    {
        QString dockerConfig;        // a config.json path; empty to skip
        QStringList podmanAuthFiles; // auth.json paths, in order
        static Sources fromEnvironment();
    };

    DockerConfig() = default;

    // Parses one file's contents; `fileName` is only used in error messages and origins.
    static Oci::Expected<DockerConfig> parse(const QByteArray &json, const QString &fileName);
    // Reads one file; a missing file is an error here.
    static Oci::Expected<DockerConfig> loadFile(const QString &path);
    // Reads the sources that exist and merges them in order.
    static Oci::Expected<DockerConfig> load(const Sources &sources = Sources::fromEnvironment());

    // The default credential helper's name ("desktop", "pass", "osxkeychain"); empty when unset.
    const QString &credsStore() const { return m_credsStore; }
    // The helper configured for this registry in "credHelpers"; empty when none.
    QString credHelper(QStringView registry) const;
    // All "credHelpers", by normalised registry key.
    QMap<QString, QString> credHelpers() const;
    // The login "auths" holds for this registry.
    std::optional<Credentials> auth(QStringView registry) const;
    // The file that login came from; empty when there is none.
    QString authFile(QStringView registry) const;
    // Registries (normalised keys) with a login in "auths", sorted.
    QStringList authRegistries() const;
    // The files that were read, in order.
    const QStringList &files() const { return m_files; }

    // Adds what `later` says about registries this config does not know yet.
    void merge(const DockerConfig &later);

private:
    struct AuthEntry
    {
        Credentials credentials;
        QString file;
        int rank = 0; // how exactly the key named the registry: 0 host as written, 1 URL form, 2 namespace
    };
    struct HelperEntry
    {
        QString helper;
        int rank = 0;
    };

    QHash<QString, AuthEntry> m_auths;
    QHash<QString, HelperEntry> m_credHelpers;
    QString m_credsStore;
    QStringList m_files;
};

} // namespace Minato::Client
