#include "manifestquery.h"

#include "registryclient.h"

#include "oci/mediatype.h"
#include "oci/reference.h"
#include "oci/sha256.h"

#include <QCryptographicHash>

namespace Minato::Client {

bool digestMatches(const Oci::Digest &expected, QByteArrayView data)
{
    if (expected.algorithm() == Oci::Digest::Algorithm::Sha512) {
        return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha512).toHex()) ==
               expected.hex();
    }
    return Oci::Sha256Hasher::digestOf(data) == expected;
}

ManifestQuery::ManifestQuery(RegistryClient *client, QString repository, QString reference, Method method,
                             QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_reference(std::move(reference))
    , m_method(method)
{}

void ManifestQuery::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    if (m_reference.contains(u':')) {
        const auto digest = Oci::Digest::parse(m_reference);
        if (!digest) {
            fail(ClientError::invalidRequest(
                QStringLiteral("digest \"%1\": %2").arg(m_reference, digest.error().message())));
            return;
        }
        m_requestedDigest = *digest;
    } else if (const auto tag = Oci::Reference::parseTag(m_reference); !tag) {
        fail(ClientError::invalidRequest(QStringLiteral("tag \"%1\": %2").arg(m_reference, tag.error().message())));
        return;
    }
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.method = m_method == Method::Head ? QByteArrayLiteral("HEAD") : QByteArrayLiteral("GET");
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetManifest, m_repository, m_reference));
    request.headers = {{QByteArrayLiteral("Accept"), Oci::MediaType::manifestAcceptHeader().toLatin1()}};
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    request.rawContent = true;
    request.maxBodyBytes = Oci::kMaxManifestBytes;
    send(request);
}

void ManifestQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    const QByteArray headerDigestText = response.header("Docker-Content-Digest").trimmed();
    Oci::Digest headerDigest;
    if (!headerDigestText.isEmpty()) {
        if (const auto d = Oci::Digest::parse(QString::fromLatin1(headerDigestText))) {
            headerDigest = *d;
        }
    }
    if (m_method == Method::Head) {
        ManifestInfo info;
        info.repository = m_repository;
        info.reference = m_reference;
        info.digest = headerDigest.isValid() ? headerDigest : m_requestedDigest;
        info.mediaType = Oci::MediaType::essence(QString::fromLatin1(response.header("Content-Type")));
        bool ok = false;
        const qint64 length = response.header("Content-Length").toLongLong(&ok);
        info.size = ok ? length : -1;
        if (m_requestedDigest.isValid() && headerDigest.isValid() && headerDigest != m_requestedDigest) {
            fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                      response.describe() +
                                          QStringLiteral(": Docker-Content-Digest %1, asked for %2")
                                              .arg(headerDigest.toString(), m_requestedDigest.toString())));
            return;
        }
        if (beginFinish()) {
            emit finished(info);
        }
        return;
    }
    const QByteArray body = response.body;
    const QString contentType = QString::fromLatin1(response.header("Content-Type"));
    parseMaybeOffThread<Oci::Expected<Oci::AnyManifest>>(
        body.size(), [body, contentType]() { return Oci::parseAnyManifest(body, contentType); },
        [this, response](const Oci::Expected<Oci::AnyManifest> &parsed) { finishGet(response, parsed); });
}

void ManifestQuery::finishGet(const HttpResponse &response, const Oci::Expected<Oci::AnyManifest> &parsed)
{
    if (!parsed) {
        fail(ClientError::invalid(ClientError::Invalid::BadContent, response.describe() +
                                                                        QStringLiteral(": not a manifest: ") +
                                                                        parsed.error().message()));
        return;
    }
    const Oci::Digest computed = Oci::digestOf(*parsed); // schema 1: over the JWS payload
    const bool schema1 = std::holds_alternative<Oci::Schema1Manifest>(*parsed);
    auto matches = [&](const Oci::Digest &expected) {
        if (expected.algorithm() == Oci::Digest::Algorithm::Sha256 || schema1) {
            return expected == computed;
        }
        return digestMatches(expected, response.body);
    };
    const QByteArray headerDigestText = response.header("Docker-Content-Digest").trimmed();
    if (!headerDigestText.isEmpty()) {
        const auto headerDigest = Oci::Digest::parse(QString::fromLatin1(headerDigestText));
        if (!headerDigest || !matches(*headerDigest)) {
            fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                      response.describe() +
                                          QStringLiteral(": body hashes to %1, Docker-Content-Digest says %2")
                                              .arg(computed.toString(), QString::fromLatin1(headerDigestText))));
            return;
        }
    }
    if (m_requestedDigest.isValid() && !matches(m_requestedDigest)) {
        fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                  response.describe() + QStringLiteral(": body hashes to %1, asked for %2")
                                                            .arg(computed.toString(), m_requestedDigest.toString())));
        return;
    }
    ManifestInfo info;
    info.repository = m_repository;
    info.reference = m_reference;
    info.digest = m_requestedDigest.isValid() ? m_requestedDigest : computed;
    info.mediaType = Oci::mediaTypeOf(*parsed);
    info.size = response.body.size();
    info.manifest = *parsed;
    if (beginFinish()) {
        emit finished(info);
    }
}

} // namespace Minato::Client
