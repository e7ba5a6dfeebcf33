#pragma once

// AccessConfig: who may use the embedded registry and what they may do — users (bcrypt hashes only),
// groups, and per-repository pull/push/delete rules — read from one JSON file.
//
//   auto config = AccessConfig::load(QStringLiteral("/etc/minato/access.json"));
//   if (!config) { qCritical().noquote() << config.error().message(); return 2; }
//   registry.setAuthorizer(std::make_shared<RulesAuthorizer>(*config));
//
// The file (every key optional except where noted; unknown keys are an error, to catch typos):
//
//   {
//     "auth": "basic",                  // "none" (every request is anonymous), "basic" (RFC 7617 with users
//                                       // below) or "token" (Docker's token flow: tokenservice.h; the users
//                                       // log in at the token endpoint). Default "basic".
//     "anonymousPull": false,           // anonymous requests may pull every repository. Default false.
//     "users": "htpasswd",              // an htpasswd file (relative to this file's directory), bcrypt only…
//     "users": [{"name": "alice", "bcrypt": "$2y$10$…"}],   // …or the entries inline
//     "groups": {"dev": ["alice", "bob"]},                   // members must be known users
//     "rules": [
//       {"subject": "group:dev", "repositories": "team/**", "actions": ["pull", "push"]},
//       {"subject": "user:alice", "repositories": "*", "actions": ["pull", "push", "delete"]},
//       {"subject": "anonymous", "repositories": "public/*", "actions": ["pull"]}
//     ]
//   }
//
// Rules only grant (nothing is allowed unless a rule or anonymousPull says so); their order does not matter.
// subject: "user:NAME", "group:NAME" (must exist), "anonymous" (requests without credentials), or "*" (every
// authenticated user; anonymous requests are not included). repositories: a glob over the repository name —
// `*` matches within one path component (no '/'), `**` matches across components, anything else literally;
// "team/*" matches "team/app" but not "team/a/b", "team/**" both, "**" everything.
// Errors name the field as a JSON path ("rules[2].actions[0]: …").
//
// The htpasswd format (Apache's `htpasswd -B`): one "name:hash" per line; blank lines and lines starting
// with '#' are ignored. Only bcrypt ($2y$, $2b$, $2a$) hashes are accepted: MD5 ($apr1$), SHA-1 ({SHA}),
// crypt(3) DES and plain text are refused with a message that says to re-create the file with -B.

#include "authorizer.h"

#include "oci/expected.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Minato::Registry {

struct AccessRule
{
    enum class Kind { User, Group, Anonymous, AnyUser };

    Kind kind = Kind::AnyUser;
    QString name;         // the user or group for Kind::User / Kind::Group
    QString repositories; // glob
    QList<Access> actions;
};

struct AccessConfig
{
    enum class Auth { None, Basic, Token };

    Auth auth = Auth::Basic;
    bool anonymousPull = false;
    QHash<QString, QByteArray> users;   // name → bcrypt hash ("$2y$10$…")
    QHash<QString, QStringList> groups; // group → members
    QList<AccessRule> rules;

    // Parses the JSON document; a relative "users" file is resolved against baseDir.
    static Oci::Expected<AccessConfig> parse(const QByteArray &json, const QString &baseDir);
    static Oci::Expected<AccessConfig> load(const QString &path);
    // minato-registry --htpasswd: Basic auth, these users may pull, push and delete everything, no anonymous
    // access.
    static Oci::Expected<AccessConfig> fromHtpasswdFile(const QString &path);
};

// "name:hash" lines → name → hash (see above). `source` names the input in errors ("htpasswd line 3: …").
Oci::Expected<QHash<QString, QByteArray>> parseHtpasswd(const QByteArray &text, const QString &source = {});
Oci::Expected<QHash<QString, QByteArray>> loadHtpasswd(const QString &path);

// True for a bcrypt hash crypt(3) can verify: "$2y$", "$2b$" or "$2a$", two cost digits, '$', 53 characters.
bool isBcryptHash(QByteArrayView hash);

// The repository glob above: `*` within a component, `**` across.
bool matchRepositoryGlob(QStringView pattern, QStringView name);

QString accessName(Access access); // "pull", "push", "delete"

} // namespace Minato::Registry
