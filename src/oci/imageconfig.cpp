#include "imageconfig.h"

#include "jsonfields.h"
#include "sha256.h"
#include "textutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace Minato::Oci {

namespace {

using Json::fail;
using Json::optionalStrSlice;

// A string that may be missing or null; both read as "".
Expected<QString> stringOrEmpty(const QJsonObject &obj, QStringView key, QStringView path)
{
    MINATO_OCI_TRY(std::optional<QString> value, Json::optionalString(obj, key, path));
    return value.value_or(QString());
}

// An object used as a set (ExposedPorts, Volumes): {"80/tcp": {}, …}. The values are empty structs in Go,
// so any object (or null) is accepted as a value; anything else is not. Missing or null → empty.
Expected<QStringList> optionalKeySet(const QJsonObject &obj, QStringView key, QStringView path)
{
    MINATO_OCI_TRY(std::optional<QJsonObject> set, Json::optionalObject(obj, key, path));
    QStringList keys;
    if (!set) {
        return keys;
    }
    const QString at = Json::joinPath(path, key);
    for (auto it = set->constBegin(); it != set->constEnd(); ++it) {
        if (it.key().isEmpty()) {
            return fail<QStringList>(at, QStringLiteral("has an empty key"));
        }
        if (!it.value().isObject() && !it.value().isNull()) {
            return fail<QStringList>(
                Json::joinPath(at, it.key()),
                QStringLiteral("must be an empty object {}, not %1").arg(Json::typeName(it.value())));
        }
        keys.append(it.key());
    }
    return keys;
}

// An optional RFC 3339 time: missing or null → nullopt.
Expected<std::optional<QDateTime>> optionalTime(const QJsonObject &obj, QStringView key, QStringView path)
{
    MINATO_OCI_TRY(std::optional<QString> text, Json::optionalString(obj, key, path));
    if (!text) {
        return std::optional<QDateTime>();
    }
    MINATO_OCI_TRY(QDateTime time, parseRfc3339(*text, Json::joinPath(path, key)));
    return std::optional<QDateTime>(time);
}

Expected<HealthCheck> parseHealthCheck(const QJsonObject &obj, QStringView path)
{
    HealthCheck check;
    constexpr qint64 maxNs = std::numeric_limits<qint64>::max();
    MINATO_OCI_TRY(check.test, Json::optionalStringList(obj, u"Test", path));
    MINATO_OCI_TRY(std::optional<qint64> interval, Json::optionalInt64(obj, u"Interval", path, 0, maxNs));
    MINATO_OCI_TRY(std::optional<qint64> timeout, Json::optionalInt64(obj, u"Timeout", path, 0, maxNs));
    MINATO_OCI_TRY(std::optional<qint64> startPeriod, Json::optionalInt64(obj, u"StartPeriod", path, 0, maxNs));
    MINATO_OCI_TRY(std::optional<qint64> startInterval, Json::optionalInt64(obj, u"StartInterval", path, 0, maxNs));
    MINATO_OCI_TRY(std::optional<qint64> retries,
                   Json::optionalInt64(obj, u"Retries", path, 0, std::numeric_limits<int>::max()));
    check.intervalNs = interval.value_or(0);
    check.timeoutNs = timeout.value_or(0);
    check.startPeriodNs = startPeriod.value_or(0);
    check.startIntervalNs = startInterval.value_or(0);
    check.retries = static_cast<int>(retries.value_or(0));
    return check;
}

// config.md "Properties" → config. Unknown keys (Docker's Hostname, Tty, Image, …) are ignored.
Expected<ContainerConfig> parseContainerConfig(const QJsonObject &obj, QStringView path)
{
    ContainerConfig c;
    MINATO_OCI_TRY(c.user, stringOrEmpty(obj, u"User", path));
    MINATO_OCI_TRY(c.exposedPorts, optionalKeySet(obj, u"ExposedPorts", path));
    MINATO_OCI_TRY(c.env, Json::optionalStringList(obj, u"Env", path));
    MINATO_OCI_TRY(c.entrypoint, optionalStrSlice(obj, u"Entrypoint", path));
    MINATO_OCI_TRY(c.cmd, optionalStrSlice(obj, u"Cmd", path));
    MINATO_OCI_TRY(c.volumes, optionalKeySet(obj, u"Volumes", path));
    MINATO_OCI_TRY(c.workingDir, stringOrEmpty(obj, u"WorkingDir", path));
    MINATO_OCI_TRY(c.labels, Json::optionalStringMap(obj, u"Labels", path));
    MINATO_OCI_TRY(c.stopSignal, stringOrEmpty(obj, u"StopSignal", path));
    MINATO_OCI_TRY(c.argsEscaped, Json::optionalBool(obj, u"ArgsEscaped", path));
    MINATO_OCI_TRY(std::optional<QJsonObject> health, Json::optionalObject(obj, u"Healthcheck", path));
    if (health) {
        MINATO_OCI_TRY(HealthCheck check, parseHealthCheck(*health, Json::joinPath(path, u"Healthcheck")));
        c.healthcheck = std::move(check);
    }
    MINATO_OCI_TRY(c.onBuild, Json::optionalStringList(obj, u"OnBuild", path));
    MINATO_OCI_TRY(c.shell, optionalStrSlice(obj, u"Shell", path));
    return c;
}

Expected<HistoryEntry> parseHistoryEntry(const QJsonObject &obj, QStringView path)
{
    HistoryEntry h;
    MINATO_OCI_TRY(h.created, optionalTime(obj, u"created", path));
    MINATO_OCI_TRY(h.createdBy, stringOrEmpty(obj, u"created_by", path));
    MINATO_OCI_TRY(h.author, stringOrEmpty(obj, u"author", path));
    MINATO_OCI_TRY(h.comment, stringOrEmpty(obj, u"comment", path));
    MINATO_OCI_TRY(std::optional<bool> empty, Json::optionalBool(obj, u"empty_layer", path));
    h.emptyLayer = empty.value_or(false);
    return h;
}

QJsonObject keySetToJson(const QStringList &keys)
{
    QJsonObject set;
    for (const QString &key : keys) {
        set.insert(key, QJsonObject());
    }
    return set;
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Reads exactly `count` digits at text[pos…]; -1 when they are not all digits or the text is too short.
int readDigits(QStringView text, qsizetype pos, int count)
{
    if (pos + count > text.size()) {
        return -1;
    }
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const QChar c = text[pos + i];
        if (!isDigit(c)) {
            return -1;
        }
        value = value * 10 + (c.unicode() - u'0');
    }
    return value;
}

} // namespace

// RFC 3339 section 5.6:
//   date-time = full-date "T" full-time        (RFC 3339 allows "t"; "Z" may be "z")
//   full-date = date-fullyear "-" date-month "-" date-mday
//   full-time = partial-time time-offset
//   partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
//   time-secfrac = "." 1*DIGIT ;  time-offset = "Z" / ("+" / "-") time-hour ":" time-minute
// Go's time.Time writes nanoseconds; Qt keeps milliseconds, so further digits are cut (not rounded, so a
// time never moves into the next second). Leap seconds (":60") are rejected, as Go does.
Expected<QDateTime> parseRfc3339(QStringView text, QStringView field)
{
    const QString at = field.toString();
    const auto bad = [&](const QString &why) {
        return fail<QDateTime>(at, QStringLiteral("must be an RFC 3339 date-time such as "
                                                  "\"2024-05-01T12:34:56Z\" (%1)")
                                       .arg(why));
    };
    if (text.size() > 64) {
        return bad(QStringLiteral("too long"));
    }
    const int year = readDigits(text, 0, 4);
    const int month = readDigits(text, 5, 2);
    const int day = readDigits(text, 8, 2);
    const int hour = readDigits(text, 11, 2);
    const int minute = readDigits(text, 14, 2);
    const int second = readDigits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || text[4] != u'-' ||
        text[7] != u'-' || (text[10] != u'T' && text[10] != u't') || text[13] != u':' || text[16] != u':') {
        return bad(QStringLiteral("not in the form YYYY-MM-DDTHH:MM:SS"));
    }
    const QDate date(year, month, day);
    if (!date.isValid()) {
        return bad(QStringLiteral("no such date"));
    }
    if (hour > 23 || minute > 59 || second > 59) {
        return bad(QStringLiteral("no such time of day"));
    }
    qsizetype pos = 19;
    int msec = 0;
    if (pos < text.size() && text[pos] == u'.') {
        ++pos;
        const qsizetype start = pos;
        while (pos < text.size() && isDigit(text[pos])) {
            if (pos - start < 3) {
                msec = msec * 10 + (text[pos].unicode() - u'0');
            }
            ++pos;
        }
        const qsizetype digits = pos - start;
        if (digits == 0) {
            return bad(QStringLiteral("no digits after the decimal point"));
        }
        for (qsizetype i = digits; i < 3; ++i) {
            msec *= 10;
        }
    }
    if (pos >= text.size()) {
        return bad(QStringLiteral("the time zone offset, Z or ±HH:MM, is missing"));
    }
    const QTime time(hour, minute, second, msec);
    const QChar zone = text[pos];
    if (zone == u'Z' || zone == u'z') {
        if (pos + 1 != text.size()) {
            return bad(QStringLiteral("unexpected characters after the time zone"));
        }
        return QDateTime(date, time, Qt::UTC);
    }
    if (zone != u'+' && zone != u'-') {
        return bad(QStringLiteral("the time zone offset must be Z or ±HH:MM"));
    }
    const int offsetHours = readDigits(text, pos + 1, 2);
    const int offsetMinutes = readDigits(text, pos + 4, 2);
    if (offsetHours < 0 || offsetMinutes < 0 || text[pos + 3] != u':' || pos + 6 != text.size()) {
        return bad(QStringLiteral("the time zone offset must be Z or ±HH:MM"));
    }
    if (offsetHours > 23 || offsetMinutes > 59) {
        return bad(QStringLiteral("the time zone offset is out of range"));
    }
    const int offset = (zone == u'-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    QDateTime result(date, time, Qt::OffsetFromUTC, offset);
    if (!result.isValid()) {
        return bad(QStringLiteral("out of range"));
    }
    return result;
}

QString formatRfc3339(const QDateTime &time)
{
    if (!time.isValid()) {
        return QString();
    }
    const QDate d = time.date();
    const QTime t = time.time();
    QString text = QString::asprintf("%04d-%02d-%02dT%02d:%02d:%02d", d.year(), d.month(), d.day(), t.hour(),
                                     t.minute(), t.second());
    if (t.msec() != 0) {
        text += QString::asprintf(".%03d", t.msec());
    }
    const int offset = time.offsetFromUtc();
    if (offset == 0) {
        text += u'Z';
    } else {
        const int magnitude = offset < 0 ? -offset : offset;
        text += QString::asprintf("%c%02d:%02d", offset < 0 ? '-' : '+', magnitude / 3600, (magnitude % 3600) / 60);
    }
    return text;
}

// image-spec config.md "Properties". Required: architecture, os, rootfs (with type "layers").
Expected<ImageConfig> ImageConfig::parse(const QByteArray &bytes)
{
    MINATO_OCI_TRY(const QJsonObject root, Json::parseJsonObject(bytes, u"image config", kMaxBytes));

    ImageConfig c;
    MINATO_OCI_TRY(c.created, optionalTime(root, u"created", u""));
    MINATO_OCI_TRY(c.author, stringOrEmpty(root, u"author", u""));
    MINATO_OCI_TRY(c.architecture, Json::requireString(root, u"architecture", u""));
    MINATO_OCI_TRY(c.os, Json::requireString(root, u"os", u""));
    MINATO_OCI_TRY(c.osVersion, stringOrEmpty(root, u"os.version", u""));
    MINATO_OCI_TRY(c.osFeatures, Json::optionalStringList(root, u"os.features", u""));
    MINATO_OCI_TRY(c.variant, stringOrEmpty(root, u"variant", u""));

    MINATO_OCI_TRY(std::optional<QJsonObject> container, Json::optionalObject(root, u"config", u""));
    if (container) {
        MINATO_OCI_TRY(c.container, parseContainerConfig(*container, u"config"));
    }

    // config.md: rootfs.type MUST be "layers"; diff_ids are the digests of the uncompressed layers, in
    // order from the base. Docker omits an empty diff_ids ("omitempty"), so missing or null reads as none.
    MINATO_OCI_TRY(const QJsonObject rootfs, Json::requireObject(root, u"rootfs", u""));
    MINATO_OCI_TRY(c.rootfsType, Json::requireString(rootfs, u"type", u"rootfs"));
    if (c.rootfsType != u"layers") {
        return fail<ImageConfig>(QStringLiteral("rootfs.type"),
                                 QStringLiteral("must be \"layers\", not %1").arg(quoteInput(c.rootfsType)));
    }
    MINATO_OCI_TRY(const QJsonArray diffIds, Json::optionalArray(rootfs, u"diff_ids", u"rootfs"));
    c.diffIds.reserve(diffIds.size());
    for (qsizetype i = 0; i < diffIds.size(); ++i) {
        const QString at = Json::indexPath(u"rootfs.diff_ids", i);
        const QJsonValue value = diffIds.at(i);
        if (!value.isString()) {
            return fail<ImageConfig>(at, QStringLiteral("must be a digest string, not %1").arg(Json::typeName(value)));
        }
        const Expected<Digest> digest = Digest::parse(value.toString());
        if (!digest) {
            return fail<ImageConfig>(at, digest.error().reason);
        }
        c.diffIds.append(digest.value());
    }

    MINATO_OCI_TRY(const QJsonArray history, Json::optionalArray(root, u"history", u""));
    c.history.reserve(history.size());
    for (qsizetype i = 0; i < history.size(); ++i) {
        MINATO_OCI_TRY(const QJsonObject entry, Json::objectAt(history, i, u"history"));
        MINATO_OCI_TRY(HistoryEntry parsed, parseHistoryEntry(entry, Json::indexPath(u"history", i)));
        c.history.append(std::move(parsed));
    }

    c.raw = bytes;
    c.digest = Sha256Hasher::digestOf(bytes);
    return c;
}

QByteArray ImageConfig::toJson() const
{
    QJsonObject root;
    if (created) {
        root.insert(QStringLiteral("created"), formatRfc3339(*created));
    }
    if (!author.isEmpty()) {
        root.insert(QStringLiteral("author"), author);
    }
    root.insert(QStringLiteral("architecture"), architecture);
    root.insert(QStringLiteral("os"), os);
    if (!osVersion.isEmpty()) {
        root.insert(QStringLiteral("os.version"), osVersion);
    }
    if (!osFeatures.isEmpty()) {
        root.insert(QStringLiteral("os.features"), Json::stringListToJson(osFeatures));
    }
    if (!variant.isEmpty()) {
        root.insert(QStringLiteral("variant"), variant);
    }

    QJsonObject config;
    const auto putString = [&config](const QString &key, const QString &value) {
        if (!value.isEmpty()) {
            config.insert(key, value);
        }
    };
    const auto putList = [&config](const QString &key, const QStringList &value) {
        if (!value.isEmpty()) {
            config.insert(key, Json::stringListToJson(value));
        }
    };
    putString(QStringLiteral("User"), container.user);
    if (!container.exposedPorts.isEmpty()) {
        config.insert(QStringLiteral("ExposedPorts"), keySetToJson(container.exposedPorts));
    }
    putList(QStringLiteral("Env"), container.env);
    putList(QStringLiteral("Entrypoint"), container.entrypoint);
    putList(QStringLiteral("Cmd"), container.cmd);
    if (!container.volumes.isEmpty()) {
        config.insert(QStringLiteral("Volumes"), keySetToJson(container.volumes));
    }
    putString(QStringLiteral("WorkingDir"), container.workingDir);
    if (!container.labels.isEmpty()) {
        config.insert(QStringLiteral("Labels"), Json::stringMapToJson(container.labels));
    }
    putString(QStringLiteral("StopSignal"), container.stopSignal);
    if (container.argsEscaped) {
        config.insert(QStringLiteral("ArgsEscaped"), *container.argsEscaped);
    }
    if (container.healthcheck) {
        const HealthCheck &h = *container.healthcheck;
        QJsonObject health;
        if (!h.test.isEmpty()) {
            health.insert(QStringLiteral("Test"), Json::stringListToJson(h.test));
        }
        const auto putDuration = [&health](const QString &key, qint64 value) {
            if (value != 0) {
                health.insert(key, value);
            }
        };
        putDuration(QStringLiteral("Interval"), h.intervalNs);
        putDuration(QStringLiteral("Timeout"), h.timeoutNs);
        putDuration(QStringLiteral("StartPeriod"), h.startPeriodNs);
        putDuration(QStringLiteral("StartInterval"), h.startIntervalNs);
        if (h.retries != 0) {
            health.insert(QStringLiteral("Retries"), h.retries);
        }
        config.insert(QStringLiteral("Healthcheck"), health);
    }
    putList(QStringLiteral("OnBuild"), container.onBuild);
    putList(QStringLiteral("Shell"), container.shell);
    if (!config.isEmpty()) {
        root.insert(QStringLiteral("config"), config);
    }

    QJsonArray ids;
    for (const Digest &d : diffIds) {
        ids.append(d.toString());
    }
    root.insert(QStringLiteral("rootfs"),
                QJsonObject{{QStringLiteral("type"), rootfsType}, {QStringLiteral("diff_ids"), ids}});

    if (!history.isEmpty()) {
        QJsonArray entries;
        for (const HistoryEntry &h : history) {
            QJsonObject entry;
            if (h.created) {
                entry.insert(QStringLiteral("created"), formatRfc3339(*h.created));
            }
            if (!h.createdBy.isEmpty()) {
                entry.insert(QStringLiteral("created_by"), h.createdBy);
            }
            if (!h.author.isEmpty()) {
                entry.insert(QStringLiteral("author"), h.author);
            }
            if (!h.comment.isEmpty()) {
                entry.insert(QStringLiteral("comment"), h.comment);
            }
            if (h.emptyLayer) {
                entry.insert(QStringLiteral("empty_layer"), true);
            }
            entries.append(entry);
        }
        root.insert(QStringLiteral("history"), entries);
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

bool ImageConfig::isEpoch() const
{
    return created && created->isValid() && created->toMSecsSinceEpoch() == 0;
}

bool ImageConfig::isPlaceholderTime(const QDateTime &time)
{
    if (!time.isValid()) {
        return false;
    }
    static const QDateTime goZero(QDate(1, 1, 1), QTime(0, 0), Qt::UTC);
    return time.toMSecsSinceEpoch() == 0 || time == goZero;
}

Platform ImageConfig::platform() const
{
    Platform p;
    p.os = os;
    p.architecture = architecture;
    p.variant = variant;
    p.osVersion = osVersion;
    p.osFeatures = osFeatures;
    return p;
}

QString ImageConfig::platformString() const
{
    return platform().toString();
}

EnvVar ImageConfig::splitEnv(const QString &item)
{
    const qsizetype eq = item.indexOf(u'=');
    if (eq < 0) {
        return EnvVar{item, QString(), false};
    }
    return EnvVar{item.left(eq), item.mid(eq + 1), true};
}

QList<EnvVar> ImageConfig::envVars() const
{
    QList<EnvVar> vars;
    vars.reserve(container.env.size());
    for (const QString &item : container.env) {
        vars.append(splitEnv(item));
    }
    return vars;
}

QMap<QString, QString> ImageConfig::envMap() const
{
    QMap<QString, QString> map;
    for (const QString &item : container.env) {
        EnvVar var = splitEnv(item);
        map.insert(var.name, var.value);
    }
    return map;
}

QList<HistoryLayer> ImageConfig::historyLayers() const
{
    QList<HistoryLayer> rows;
    rows.reserve(history.size() + diffIds.size());
    int nextLayer = 0;
    for (int i = 0; i < history.size(); ++i) {
        HistoryLayer row;
        row.historyIndex = i;
        if (!history.at(i).emptyLayer) {
            row.layerIndex = nextLayer < diffIds.size() ? nextLayer : -1;
            ++nextLayer;
        }
        rows.append(row);
    }
    for (int layer = nextLayer; layer < diffIds.size(); ++layer) {
        rows.append(HistoryLayer{-1, layer});
    }
    return rows;
}

bool ImageConfig::historyMatchesLayers() const
{
    if (history.isEmpty()) {
        return true;
    }
    qsizetype nonEmpty = 0;
    for (const HistoryEntry &h : history) {
        if (!h.emptyLayer) {
            ++nonEmpty;
        }
    }
    return nonEmpty == diffIds.size();
}

} // namespace Minato::Oci
