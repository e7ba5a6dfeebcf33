#pragma once

// Reference: an image reference in the docker grammar, "[domain/]path[:tag][@digest]".
//
//   auto r = Reference::parseNormalized(u"alpine:3.19");         // what a person types, docker CLI style
//   r->toString()        == "docker.io/library/alpine:3.19"
//   r->familiarString()  == "alpine:3.19"
//   r->registryHost()    == "registry-1.docker.io";  r->path() == "library/alpine"
//
//   auto s = Reference::parse(u"[::1]:5000/team/app@sha256:…");  // strict: exactly what was written
//   s->domain() == "[::1]:5000";  s->host() == "[::1]";  s->port() == 5000;  s->hasDigest()
//
// The grammar is that of the distribution project's reference package (reference.go):
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] path
//   domain           := host [':' port-number]
//   host             := domain-name | IPv4address | '[' IPv6address ']'
//   domain-name      := domain-component ['.' domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   port-number      := /[0-9]+/
//   path             := path-component ['/' path-component]*      (at most 255 characters)
//   path-component   := alpha-numeric [separator alpha-numeric]*
//   alpha-numeric    := /[a-z0-9]+/
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//
// Where the grammar leaves a check to "later validation", Reference does it at once, so that a reference
// that parses can also be used: a port must be 1–65535, an IPv6 literal must be a well-formed address, and
// a digest must be one Digest::parse accepts (sha256 or sha512 with lowercase hex; the grammar's other
// algorithms are rejected as unsupported, as docker does for algorithms it has not registered).
//
// The first path element is a domain in parse() when it is a valid domain and more elements follow
// ("a/b" → domain "a"). parseNormalized() follows docker's splitDockerDomain instead: it is a domain only
// when it contains '.' or ':', is "localhost", or has upper case ("Foo/bar" → domain "Foo"); otherwise the
// name is on Docker Hub ("docker.io"), where single names get the "library/" namespace.
//
// familiarString() drops "docker.io/" (and a lone "library/") as docker does, except where docker's
// familiar form would read back as another registry ("docker.io/foo.io/app" stays as it is).
//
// Every error names the part ("name", "domain", "tag", "digest") and the reason in plain words.
// A default-constructed Reference is invalid (isValid() == false) and prints as an empty string.

#include "digest.h"
#include "expected.h"

#include <QString>
#include <QUrl>

namespace Minato::Oci {

class Reference
{
public:
    static constexpr int MaxPathLength = 255; // reference.go RepositoryNameTotalLengthMax (path only)
    static constexpr int MaxTagLength = 128;

    Reference() = default;

    // The reference exactly as written: no domain is added, nothing is renamed.
    static Expected<Reference> parse(QStringView text);
    // Docker CLI style (ParseNormalizedNamed): "alpine" → docker.io/library/alpine, "user/app" →
    // docker.io/user/app, "index.docker.io/x" → docker.io/library/x. A 64-hex-character name is refused
    // as ambiguous with an image ID. No tag is added: call withDefaultTag() for "latest".
    static Expected<Reference> parseNormalized(QStringView text);
    // docker's ParseDockerRef: parseNormalized(), then "latest" when there is neither tag nor digest, and
    // only the digest when both are present (the digest is what gets pulled).
    static Expected<Reference> parseDockerRef(QStringView text);

    // A name alone ("[domain/]path"), strict like parse(); a tag or digest is an error.
    static Expected<Reference> parseName(QStringView text);

    // Component validators, shared with Routes and the UI's input checks. Each returns its input on success.
    static Expected<QString> parseTag(QStringView tag);             // field "tag"
    static Expected<QString> parseRepositoryPath(QStringView path); // field "name"; the /v2/<name>/ part
    static Expected<QString> parseDomain(QStringView domain);       // field "domain"; host[:port]
    static bool isValidTag(QStringView tag) { return parseTag(tag).hasValue(); }
    static bool isValidRepositoryPath(QStringView path) { return parseRepositoryPath(path).hasValue(); }

    static QString dockerHubDomain() { return QStringLiteral("docker.io"); }
    static QString dockerHubApiHost() { return QStringLiteral("registry-1.docker.io"); }
    static QString defaultTag() { return QStringLiteral("latest"); }

    bool isValid() const { return !m_path.isEmpty(); }

    const QString &domain() const { return m_domain; } // "docker.io", "[::1]:5000"; empty when none was given
    const QString &path() const { return m_path; }     // "library/alpine"
    QString name() const;                              // domain/path, or path when there is no domain
    const QString &tag() const { return m_tag; }       // empty when absent
    const Digest &digest() const { return m_digest; }  // invalid when absent
    bool hasTag() const { return !m_tag.isEmpty(); }
    bool hasDigest() const { return m_digest.isValid(); }
    bool isNameOnly() const { return !hasTag() && !hasDigest(); }

    // The domain split in two: host keeps IPv6 brackets ("[::1]"); port is -1 when absent.
    QString host() const;
    int port() const;
    // True for "localhost", 127.0.0.0/8 and [::1]: registries docker treats as insecure by default.
    bool isLoopback() const;
    // True when the domain is Docker Hub's: "docker.io" (also the legacy "index.docker.io" and the API host
    // "registry-1.docker.io"). A reference without a domain is NOT Docker Hub here.
    bool isDockerHub() const;

    // Use parseNormalized() (or parseDockerRef()) results for network access: they always have a domain.
    // A strict parse() of "alpine" has none, and its path lacks Hub's "library/" namespace, so it names no
    // registry: registryHost() is then empty and apiEndpoint() an invalid QUrl.
    //
    // Where the HTTP API lives: "registry-1.docker.io" for Docker Hub, otherwise the domain including its
    // port; empty when there is no domain.
    QString registryHost() const;
    // "<scheme>://<registryHost>" as a URL (IPv6 and port handled), e.g. https://registry-1.docker.io;
    // an invalid QUrl when there is no domain.
    QUrl apiEndpoint(const QString &scheme = QStringLiteral("https")) const;

    QString toString() const;       // "docker.io/library/alpine:3.19@sha256:…"
    QString familiarName() const;   // name() with docker.io and a lone "library/" dropped: "alpine"
    QString familiarString() const; // "alpine:3.19", "user/app", "ghcr.io/o/app:1"

    // Copies with one part changed. withTag validates; withDigest takes a digest already valid.
    Expected<Reference> withTag(QStringView tag) const;
    Reference withDigest(const Digest &digest) const;
    Reference withoutTag() const;
    Reference withoutDigest() const;
    Reference nameOnly() const;
    // docker's TagNameOnly: adds "latest" when there is neither tag nor digest.
    Reference withDefaultTag() const;

    bool operator==(const Reference &) const = default;

private:
    Reference(QString domain, QString path, QString tag, Digest digest);

    QString m_domain;
    QString m_path;
    QString m_tag;
    Digest m_digest;
};

} // namespace Minato::Oci
