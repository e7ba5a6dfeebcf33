#pragma once

// Docker Hub's pull rate limit as its registry reports it on manifest responses — a HEAD costs no pull and still
// carries the headers (Docker's "Docker Hub pull usage and limits": "ratelimit-limit: 100;w=21600",
// "ratelimit-remaining: 76;w=21600", the window in seconds after "w="; "docker-ratelimit-source" names what is
// counted: an IP address or an account). Accounts without a limit get no such headers.
//
//   auto limit = DockerHubRateLimit::fromHeaders(limitValue, remainingValue, sourceValue);   // DockerHubRateLimitQuery
//   if (auto seen = DockerHubRateLimit::fromResponse(response.headers)) { … }          // any answer (RegistryClient)

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace Minato::Client {

struct DockerHubRateLimit
{
    std::optional<int> limit;         // pulls per window
    std::optional<int> remaining;     // pulls left in the current window
    std::optional<int> windowSeconds; // "w=21600": 6 hours
    QString source;                   // docker-ratelimit-source: the IP address or account counted
    QDateTime seenAt;                 // UTC, when read from an answer

    bool isLimited() const { return limit.has_value(); }
    static DockerHubRateLimit fromHeaders(const QByteArray &limit, const QByteArray &remaining,
                                          const QByteArray &source);
    // From an answer's headers (names compared case-insensitively): nullopt unless both ratelimit-limit and
    // ratelimit-remaining are there and well formed.
    static std::optional<DockerHubRateLimit> fromResponse(const QList<QPair<QByteArray, QByteArray>> &headers);

    bool sameFigures(const DockerHubRateLimit &other) const
    {
        return limit == other.limit && remaining == other.remaining && windowSeconds == other.windowSeconds &&
               source == other.source;
    }
};

} // namespace Minato::Client
