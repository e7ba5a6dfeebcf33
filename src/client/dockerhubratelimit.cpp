#include "dockerhubratelimit.h"

#include "capabilitiesprobe.h"

namespace Minato::Client {

DockerHubRateLimit DockerHubRateLimit::fromHeaders(const QByteArray &limit, const QByteArray &remaining,
                                                   const QByteArray &source)
{
    DockerHubRateLimit r;
    if (const auto l = CapabilitiesProbe::parseRateLimit(limit)) {
        r.limit = l->first;
        if (l->second > 0) {
            r.windowSeconds = l->second;
        }
    }
    if (const auto left = CapabilitiesProbe::parseRateLimit(remaining)) {
        r.remaining = left->first;
        if (!r.windowSeconds && left->second > 0) {
            r.windowSeconds = left->second;
        }
    }
    r.source = QString::fromLatin1(source.trimmed());
    return r;
}

std::optional<DockerHubRateLimit> DockerHubRateLimit::fromResponse(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray limit;
    QByteArray remaining;
    QByteArray source;
    for (const auto &[name, value] : headers) {
        if (name.compare("ratelimit-limit", Qt::CaseInsensitive) == 0) {
            limit = value;
        } else if (name.compare("ratelimit-remaining", Qt::CaseInsensitive) == 0) {
            remaining = value;
        } else if (name.compare("docker-ratelimit-source", Qt::CaseInsensitive) == 0) {
            source = value;
        }
    }
    if (limit.isEmpty() || remaining.isEmpty()) {
        return std::nullopt;
    }
    DockerHubRateLimit result = fromHeaders(limit, remaining, source);
    if (!result.limit || !result.remaining) {
        return std::nullopt;
    }
    result.seenAt = QDateTime::currentDateTimeUtc();
    return result;
}

} // namespace Minato::Client
