#include "accessconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Minato::Registry {

using Oci::Expected;
using Oci::ParseError;

namespace {

// A config or htpasswd file larger than this is not one (and must not be read into memory whole).
constexpr qint64 maxFileSize = qint64(4) * 1024 * 1024;

Expected<QByteArray> readSmallFile(const QString &path, const QString &field)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return ParseError{field, QStringLiteral("cannot read %1: %2").arg(path, file.errorString())};
    }
    if (file.size() > maxFileSize) {
        return ParseError{field, QStringLiteral("%1 is larger than 4 MiB").arg(path)};
    }
    return file.readAll();
}

std::optional<Access> accessFromName(const QString &name)
{
    if (name == u"pull") {
        return Access::Pull;
    }
    if (name == u"push") {
        return Access::Push;
    }
    if (name == u"delete") {
        return Access::Delete;
    }
    return std::nullopt;
}

std::optional<ParseError> checkKeys(const QJsonObject &object, const QString &where, const QStringList &known)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            const QString field = where.isEmpty() ? it.key() : where + u'.' + it.key();
            return ParseError{field, QStringLiteral("unknown key (expected one of: %1)").arg(known.join(u", "))};
        }
    }
    return std::nullopt;
}

bool validName(const QString &name)
{
    return !name.isEmpty() && name.size() <= 255 && !name.contains(u':') &&
           std::none_of(name.cbegin(), name.cend(), [](QChar c) { return c.unicode() < 0x20 || c == u' '; });
}

std::optional<ParseError> parseUsers(const QJsonValue &value, const QString &baseDir, AccessConfig &config)
{
    if (value.isString()) {
        const QString path = QDir(baseDir).absoluteFilePath(value.toString());
        auto users = loadHtpasswd(path);
        if (!users) {
            return ParseError{QStringLiteral("users"), users.error().message()};
        }
        config.users = std::move(users).value();
        return std::nullopt;
    }
    if (!value.isArray()) {
        return ParseError{QStringLiteral("users"), QStringLiteral("expected an htpasswd file name or an array")};
    }
    const QJsonArray entries = value.toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString where = QStringLiteral("users[%1]").arg(i);
        if (!entries.at(i).isObject()) {
            return ParseError{where, QStringLiteral("expected an object {\"name\", \"bcrypt\"}")};
        }
        const QJsonObject entry = entries.at(i).toObject();
        if (auto error = checkKeys(entry, where, {QStringLiteral("name"), QStringLiteral("bcrypt")})) {
            return error;
        }
        const QString name = entry.value(QStringLiteral("name")).toString();
        if (!validName(name)) {
            return ParseError{where + QStringLiteral(".name"),
                              QStringLiteral("expected a non-empty name without ':', spaces or control characters")};
        }
        const QByteArray hash = entry.value(QStringLiteral("bcrypt")).toString().toLatin1();
        if (!isBcryptHash(hash)) {
            return ParseError{where + QStringLiteral(".bcrypt"),
                              QStringLiteral("expected a bcrypt hash ($2y$…, as `htpasswd -nB` prints)")};
        }
        if (config.users.contains(name)) {
            return ParseError{where + QStringLiteral(".name"), QStringLiteral("user \"%1\" appears twice").arg(name)};
        }
        config.users.insert(name, hash);
    }
    return std::nullopt;
}

std::optional<ParseError> parseGroups(const QJsonValue &value, AccessConfig &config)
{
    if (!value.isObject()) {
        return ParseError{QStringLiteral("groups"), QStringLiteral("expected an object {\"group\": [\"user\", …]}")};
    }
    const QJsonObject groups = value.toObject();
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        const QString where = QStringLiteral("groups.") + it.key();
        if (!validName(it.key())) {
            return ParseError{where, QStringLiteral("invalid group name")};
        }
        if (!it.value().isArray()) {
            return ParseError{where, QStringLiteral("expected an array of user names")};
        }
        QStringList members;
        const QJsonArray array = it.value().toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString member = array.at(i).toString();
            if (!config.users.contains(member)) {
                return ParseError{QStringLiteral("%1[%2]").arg(where).arg(i),
                                  QStringLiteral("no user \"%1\"").arg(member)};
            }
            members.append(member);
        }
        config.groups.insert(it.key(), members);
    }
    return std::nullopt;
}

std::optional<ParseError> parseRule(const QJsonValue &value, const QString &where, AccessConfig &config)
{
    if (!value.isObject()) {
        return ParseError{where, QStringLiteral("expected an object {\"subject\", \"repositories\", \"actions\"}")};
    }
    const QJsonObject object = value.toObject();
    if (auto error = checkKeys(
            object, where, {QStringLiteral("subject"), QStringLiteral("repositories"), QStringLiteral("actions")})) {
        return error;
    }
    AccessRule rule;
    const QString subject = object.value(QStringLiteral("subject")).toString();
    if (subject == u"anonymous") {
        rule.kind = AccessRule::Kind::Anonymous;
    } else if (subject == u"*") {
        rule.kind = AccessRule::Kind::AnyUser;
    } else if (subject.startsWith(u"user:")) {
        rule.kind = AccessRule::Kind::User;
        rule.name = subject.mid(5);
        if (!config.users.contains(rule.name)) {
            return ParseError{where + QStringLiteral(".subject"), QStringLiteral("no user \"%1\"").arg(rule.name)};
        }
    } else if (subject.startsWith(u"group:")) {
        rule.kind = AccessRule::Kind::Group;
        rule.name = subject.mid(6);
        if (!config.groups.contains(rule.name)) {
            return ParseError{where + QStringLiteral(".subject"), QStringLiteral("no group \"%1\"").arg(rule.name)};
        }
    } else {
        return ParseError{where + QStringLiteral(".subject"),
                          QStringLiteral("expected \"user:NAME\", \"group:NAME\", \"anonymous\" or \"*\"")};
    }
    const QJsonValue repositories = object.value(QStringLiteral("repositories"));
    if (!repositories.isString() || repositories.toString().isEmpty()) {
        return ParseError{where + QStringLiteral(".repositories"),
                          QStringLiteral("expected a repository glob such as \"team/*\" or \"**\"")};
    }
    rule.repositories = repositories.toString();
    const QJsonValue actions = object.value(QStringLiteral("actions"));
    if (!actions.isArray() || actions.toArray().isEmpty()) {
        return ParseError{where + QStringLiteral(".actions"),
                          QStringLiteral("expected a non-empty array of \"pull\", \"push\", \"delete\"")};
    }
    const QJsonArray array = actions.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const auto access = accessFromName(array.at(i).toString());
        if (!access) {
            return ParseError{QStringLiteral("%1.actions[%2]").arg(where).arg(i),
                              QStringLiteral("expected \"pull\", \"push\" or \"delete\"")};
        }
        if (!rule.actions.contains(*access)) {
            rule.actions.append(*access);
        }
    }
    config.rules.append(rule);
    return std::nullopt;
}

} // namespace

QString accessName(Access access)
{
    switch (access) {
    case Access::Pull:
        return QStringLiteral("pull");
    case Access::Push:
        return QStringLiteral("push");
    case Access::Delete:
        return QStringLiteral("delete");
    }
    return {};
}

bool isBcryptHash(QByteArrayView hash)
{
    // "$2y$" + 2 cost digits + "$" + 22 salt + 31 hash characters = 60.
    if (hash.size() != 60 || !(hash.startsWith("$2y$") || hash.startsWith("$2b$") || hash.startsWith("$2a$"))) {
        return false;
    }
    const auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    if (!isDigit(hash.at(4)) || !isDigit(hash.at(5)) || hash.at(6) != '$') {
        return false;
    }
    for (qsizetype i = 7; i < hash.size(); ++i) {
        const char c = hash.at(i);
        if (!(isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '/')) {
            return false;
        }
    }
    return true;
}

Expected<QHash<QString, QByteArray>> parseHtpasswd(const QByteArray &text, const QString &source)
{
    const QString prefix = source.isEmpty() ? QStringLiteral("htpasswd") : source;
    QHash<QString, QByteArray> users;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith('#')) {
            continue;
        }
        const QString where = QStringLiteral("%1 line %2").arg(prefix).arg(i + 1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            return ParseError{where, QStringLiteral("expected \"name:hash\"")};
        }
        const QString name = QString::fromUtf8(line.left(colon));
        const QByteArray hash = line.mid(colon + 1);
        if (!validName(name)) {
            return ParseError{where, QStringLiteral("invalid user name")};
        }
        if (!isBcryptHash(hash)) {
            // Never echo the hash: it is secret material too.
            return ParseError{where, QStringLiteral("the entry for \"%1\" is not a bcrypt hash; only bcrypt is "
                                                    "accepted (re-create it with `htpasswd -B`)")
                                         .arg(name)};
        }
        if (users.contains(name)) {
            return ParseError{where, QStringLiteral("user \"%1\" appears twice").arg(name)};
        }
        users.insert(name, hash);
    }
    return users;
}

Expected<QHash<QString, QByteArray>> loadHtpasswd(const QString &path)
{
    auto text = readSmallFile(path, QStringLiteral("htpasswd"));
    if (!text) {
        return text.error();
    }
    return parseHtpasswd(*text, QFileInfo(path).fileName());
}

bool matchRepositoryGlob(QStringView pattern, QStringView name)
{
    // Iterative matcher with one backtrack point per star kind would miss cases mixing * and **; patterns are
    // short, so a memo-free recursion bounded by the pattern's stars is enough.
    while (!pattern.isEmpty()) {
        if (pattern.startsWith(u"**")) {
            const QStringView rest = pattern.mid(2);
            for (qsizetype i = 0; i <= name.size(); ++i) {
                if (matchRepositoryGlob(rest, name.mid(i))) {
                    return true;
                }
            }
            return false;
        }
        if (pattern.front() == u'*') {
            const QStringView rest = pattern.mid(1);
            for (qsizetype i = 0; i <= name.size(); ++i) {
                if (matchRepositoryGlob(rest, name.mid(i))) {
                    return true;
                }
                if (i < name.size() && name.at(i) == u'/') {
                    break;
                }
            }
            return false;
        }
        if (name.isEmpty() || pattern.front() != name.front()) {
            return false;
        }
        pattern = pattern.mid(1);
        name = name.mid(1);
    }
    return name.isEmpty();
}

Expected<AccessConfig> AccessConfig::parse(const QByteArray &json, const QString &baseDir)
{
    QJsonParseError jsonError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &jsonError);
    if (jsonError.error != QJsonParseError::NoError) {
        return ParseError{
            {}, QStringLiteral("not JSON: %1 at offset %2").arg(jsonError.errorString()).arg(jsonError.offset)};
    }
    if (!document.isObject()) {
        return ParseError{{}, QStringLiteral("expected a JSON object")};
    }
    const QJsonObject root = document.object();
    if (auto error = checkKeys(root, {},
                               {QStringLiteral("auth"), QStringLiteral("anonymousPull"), QStringLiteral("users"),
                                QStringLiteral("groups"), QStringLiteral("rules")})) {
        return *error;
    }
    AccessConfig config;
    if (root.contains(QStringLiteral("auth"))) {
        const QString auth = root.value(QStringLiteral("auth")).toString();
        if (auth == u"none") {
            config.auth = Auth::None;
        } else if (auth == u"basic") {
            config.auth = Auth::Basic;
        } else if (auth == u"token") {
            config.auth = Auth::Token;
        } else {
            return ParseError{QStringLiteral("auth"), QStringLiteral("expected \"none\", \"basic\" or \"token\"")};
        }
    }
    if (root.contains(QStringLiteral("anonymousPull"))) {
        const QJsonValue value = root.value(QStringLiteral("anonymousPull"));
        if (!value.isBool()) {
            return ParseError{QStringLiteral("anonymousPull"), QStringLiteral("expected true or false")};
        }
        config.anonymousPull = value.toBool();
    }
    if (root.contains(QStringLiteral("users"))) {
        if (auto error = parseUsers(root.value(QStringLiteral("users")), baseDir, config)) {
            return *error;
        }
    }
    if (config.auth != Auth::None && config.users.isEmpty()) {
        return ParseError{QStringLiteral("users"), QStringLiteral("authentication needs at least one user")};
    }
    if (root.contains(QStringLiteral("groups"))) {
        if (auto error = parseGroups(root.value(QStringLiteral("groups")), config)) {
            return *error;
        }
    }
    if (root.contains(QStringLiteral("rules"))) {
        const QJsonValue rules = root.value(QStringLiteral("rules"));
        if (!rules.isArray()) {
            return ParseError{QStringLiteral("rules"), QStringLiteral("expected an array")};
        }
        const QJsonArray array = rules.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (auto error = parseRule(array.at(i), QStringLiteral("rules[%1]").arg(i), config)) {
                return *error;
            }
        }
    }
    return config;
}

Expected<AccessConfig> AccessConfig::load(const QString &path)
{
    auto text = readSmallFile(path, {});
    if (!text) {
        return text.error();
    }
    auto config = parse(*text, QFileInfo(path).absolutePath());
    if (!config) {
        const QString file = QFileInfo(path).fileName();
        const QString field = config.error().field;
        return ParseError{field.isEmpty() ? file : file + QStringLiteral(": ") + field, config.error().reason};
    }
    return config;
}

Expected<AccessConfig> AccessConfig::fromHtpasswdFile(const QString &path)
{
    auto users = loadHtpasswd(path);
    if (!users) {
        return users.error();
    }
    if (users->isEmpty()) {
        return ParseError{QFileInfo(path).fileName(), QStringLiteral("no users")};
    }
    AccessConfig config;
    config.auth = Auth::Basic;
    config.anonymousPull = false;
    config.users = std::move(users).value();
    config.rules.append(
        AccessRule{AccessRule::Kind::AnyUser, {}, QStringLiteral("**"), {Access::Pull, Access::Push, Access::Delete}});
    return config;
}

} // namespace Minato::Registry
