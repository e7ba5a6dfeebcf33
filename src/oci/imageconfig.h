#pragma once

// ImageConfig: the image configuration blob a manifest's "config" descriptor points at. One JSON shape
// serves both the OCI image config (image-spec config.md, application/vnd.oci.image.config.v1+json) and
// Docker's (application/vnd.docker.container.image.v1+json, image v2 schema 2).
//
//   auto config = ImageConfig::parse(bytes);          // Expected<ImageConfig>
//   if (!config) { show(config.error().message()); return; }   // "rootfs.diff_ids[2]: …"
//   config->platformString();                         // "linux/arm64/v8"
//   config->container.entrypoint;  config->envMap();  config->container.labels;
//   for (const auto &row : config->historyLayers()) { … }       // history entry ↔ layer index
//   config->digest;                                   // sha256 of exactly the bytes received
//
// Validation is strict where the spec is (rootfs.type must be "layers", diff_ids must be digests, every
// field has its JSON type) and lenient where real images are:
// - JSON null for an empty list or map ("Env": null, "Labels": null, "history": null) is accepted (Go's
//   encoding/json writes nil slices and maps as null).
// - "created" may be missing, null, or a placeholder such as 1970-01-01T00:00:00Z (reproducible builds,
//   ko, buildkit with SOURCE_DATE_EPOCH) or Go's zero time 0001-01-01T00:00:00Z (Docker history entries).
// - Env items are kept as written; an item without '=' ("DEBUG") is accepted (Docker does not reject it)
//   and reads as a name with no value.
// - ExposedPorts and Volumes keys are kept as written ("80/tcp", "8080", "/data"); their values must be
//   objects ({}) or null. Entrypoint/Cmd/Shell written as one string read as a one-element list, as in
//   Docker's strslice.
// - Unknown fields (Docker's container, container_config, docker_version, Hostname, Tty, …) are ignored.
// - Whether history matches the layers is reported (historyMatchesLayers()), not enforced: images built
//   by some tools carry no history at all.

#include "digest.h"
#include "expected.h"
#include "platform.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Oci {

// Docker's HEALTHCHECK (not in the OCI spec; image-spec ignores unknown "config" keys). Durations are Go
// time.Duration values in nanoseconds; 0 means "inherit the default".
struct HealthCheck
{
    QStringList test; // [] inherit, ["NONE"] disabled, ["CMD", args…], ["CMD-SHELL", command]
    qint64 intervalNs = 0;
    qint64 timeoutNs = 0;
    qint64 startPeriodNs = 0;
    qint64 startIntervalNs = 0; // Docker 25+
    int retries = 0;

    bool operator==(const HealthCheck &) const = default;
};

// The "config" object: execution parameters for a container started from the image
// (image-spec config.md "Properties" → config).
struct ContainerConfig
{
    QString user;
    QStringList exposedPorts; // keys of ExposedPorts: "80/tcp", "53/udp", "8080" (tcp by default)
    QStringList env;          // "NAME=value" as written; see ImageConfig::splitEnv()
    QStringList entrypoint;
    QStringList cmd;
    QStringList volumes; // keys of Volumes: "/var/lib/data"
    QString workingDir;
    QMap<QString, QString> labels;
    QString stopSignal;
    std::optional<bool> argsEscaped; // Windows-only, deprecated by the spec; kept for round trips only
    std::optional<HealthCheck> healthcheck;
    QStringList onBuild; // Docker ONBUILD triggers
    QStringList shell;   // Docker SHELL (Windows images)

    bool operator==(const ContainerConfig &) const = default;
};

// One entry of "history" (config.md "Properties" → history).
struct HistoryEntry
{
    std::optional<QDateTime> created;
    QString createdBy;
    QString author;
    QString comment;
    bool emptyLayer = false; // true: this step changed metadata only and has no entry in rootfs.diff_ids

    bool operator==(const HistoryEntry &) const = default;
};

// One name/value from "Env".
struct EnvVar
{
    QString name;
    QString value;
    bool hasValue = true; // false for an item without '=' ("DEBUG")

    bool operator==(const EnvVar &) const = default;
};

// A row of the History view: a history entry and the layer it produced. Either index may be -1:
// historyIndex for a layer that no history entry describes, layerIndex for an empty_layer step (or a
// non-empty step left without a layer when history and diff_ids disagree).
struct HistoryLayer
{
    int historyIndex = -1; // into ImageConfig::history
    int layerIndex = -1;   // into ImageConfig::diffIds (and the manifest's layers, which are in the same order)

    bool operator==(const HistoryLayer &) const = default;
};

struct ImageConfig
{
    // Largest config accepted. The spec sets no limit; real configs are a few KiB, but long histories and
    // Windows images reach hundreds of KiB, so this is generous while still bounding memory.
    static constexpr qsizetype kMaxBytes = qsizetype(8) * 1024 * 1024;

    std::optional<QDateTime> created; // milliseconds precision; the offset written in the JSON is kept
    QString author;
    QString architecture;      // required: "amd64", "arm64", …
    QString os;                // required: "linux", "windows", …
    QString osVersion;         // "os.version": "10.0.17763.5329" on Windows
    QStringList osFeatures;    // "os.features": ["win32k"]
    QString variant;           // "v8", "v7"
    ContainerConfig container; // "config"; all empty when the key is missing or null
    QString rootfsType = QStringLiteral("layers");
    QList<Digest> diffIds; // rootfs.diff_ids: digests of the uncompressed layers, base layer first
    QList<HistoryEntry> history;

    // The bytes parse() received and their sha256 (the digest a manifest refers to). Empty for a config
    // built in code; toJson() produces new bytes, which generally differ from these.
    QByteArray raw;
    Digest digest;

    // Parses and validates a config. Errors name the JSON path: "config.Env[3]", "rootfs.diff_ids[1]",
    // "history[4].created"; a document-level problem (size, syntax) has an empty field.
    static Expected<ImageConfig> parse(const QByteArray &bytes);

    // Serialises the known fields as compact JSON in the spec's key names (unknown fields of a parsed config
    // are not kept; use `raw` to copy a config unchanged). Parsing the result yields an equal config
    // (apart from raw/digest).
    QByteArray toJson() const;

    bool hasCreated() const { return created.has_value(); }
    // True when created is exactly 1970-01-01T00:00:00Z, the reproducible-build placeholder.
    bool isEpoch() const;
    // True for the placeholders that mean "no real date": the Unix epoch and Go's zero time 0001-01-01.
    static bool isPlaceholderTime(const QDateTime &time);

    // The platform fields as a Platform, as written (not normalised).
    Platform platform() const;
    // Platform::toString() of platform(): "linux/arm64/v8", or "windows(10.0.17763.5329)/amd64" when
    // os.version is set.
    QString platformString() const;

    // Splits an Env item at its first '=': "A=b=c" → {A, "b=c"}; "DEBUG" → {DEBUG, "", hasValue=false}.
    static EnvVar splitEnv(const QString &item);
    QList<EnvVar> envVars() const;
    // Env as a map; for a repeated name the last item wins, as in a shell. Items without '=' map to "".
    QMap<QString, QString> envMap() const;

    // History entries paired with layers (config.md history: entries without empty_layer correspond, in
    // order, to rootfs.diff_ids). One row per history entry, then one per diff_id left without an entry.
    QList<HistoryLayer> historyLayers() const;
    // True when the non-empty history entries are exactly as many as diff_ids (or there is no history).
    bool historyMatchesLayers() const;

    bool operator==(const ImageConfig &) const = default;
};

// RFC 3339 date-time ("2024-05-01T12:34:56.123456789Z", "…+09:00") as Go's time.Time writes it. Fractional
// seconds are cut to milliseconds; the offset is kept. Exposed for the schema 1 parser and for tests.
Expected<QDateTime> parseRfc3339(QStringView text, QStringView field);
// Writes a time as RFC 3339: UTC as "Z", otherwise with its offset; milliseconds only when non-zero.
QString formatRfc3339(const QDateTime &time);

} // namespace Minato::Oci
