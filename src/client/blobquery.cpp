#include "blobquery.h"

#include "manifestquery.h"
#include "registryclient.h"

#include "oci/reference.h"

namespace Minato::Client {

namespace {

struct CheckedBlob
{
    bool digestOk = false;
    std::optional<Oci::Expected<Oci::ImageConfig>> config;
};

} // namespace

BlobQuery::BlobQuery(RegistryClient *client, QString repository, Oci::Digest digest, Options options, QObject *parent)
    : Operation(client, parent)
    , m_repository(std::move(repository))
    , m_digest(std::move(digest))
    , m_options(options)
{}

void BlobQuery::run()
{
    if (const auto name = Oci::Reference::parseRepositoryPath(m_repository); !name) {
        fail(ClientError::invalidRequest(
            QStringLiteral("repository \"%1\": %2").arg(m_repository, name.error().message())));
        return;
    }
    if (!m_digest.isValid()) {
        fail(ClientError::invalidRequest(QStringLiteral("blob query without a digest")));
        return;
    }
    const ConnectionProfile &profile = client()->profile();
    HttpRequest request;
    request.url = profile.urlFor(profile.routes().path(Oci::Endpoint::GetBlob, m_repository, m_digest.toString()));
    request.scopes = {QStringLiteral("repository:%1:pull").arg(m_repository)};
    request.rawContent = true;
    request.blobTransfer = true;
    request.maxBodyBytes = m_options.maxBytes;
    send(request);
}

void BlobQuery::handleResponse(const HttpResponse &response)
{
    if (response.status != 200) {
        fail(errorFromResponse(response));
        return;
    }
    const QByteArray body = response.body;
    const Oci::Digest digest = m_digest;
    const bool parse = m_options.parseImageConfig;
    // Hashing and parsing together, off the GUI thread when large.
    parseMaybeOffThread<CheckedBlob>(
        body.size(),
        [body, digest, parse]() {
            CheckedBlob out;
            out.digestOk = digestMatches(digest, body);
            if (out.digestOk && parse) {
                out.config = Oci::ImageConfig::parse(body);
            }
            return out;
        },
        [this, response](const CheckedBlob &checked) {
            if (!checked.digestOk) {
                fail(ClientError::invalid(ClientError::Invalid::DigestMismatch,
                                          response.describe() + QStringLiteral(": body does not hash to ") +
                                              m_digest.toString()));
                return;
            }
            BlobData data;
            data.digest = m_digest;
            data.data = response.body;
            data.contentType = QString::fromLatin1(response.header("Content-Type"));
            if (checked.config) {
                if (!*checked.config) {
                    fail(ClientError::invalid(ClientError::Invalid::BadContent,
                                              response.describe() + QStringLiteral(": not an image config: ") +
                                                  checked.config->error().message()));
                    return;
                }
                data.config = checked.config->value();
            }
            if (beginFinish()) {
                emit finished(data);
            }
        });
}

} // namespace Minato::Client
