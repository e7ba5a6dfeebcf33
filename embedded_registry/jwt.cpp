#include "jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Minato::Registry {

using Oci::Expected;

namespace {

constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

Expected<QJsonObject> decodeObject(QByteArrayView part, const QString &field)
{
    const auto bytes = base64UrlDecode(part);
    if (!bytes) {
        return Expected<QJsonObject>::failure(field, bytes.error().reason);
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return Expected<QJsonObject>::failure(field, QStringLiteral("is not a JSON object"));
    }
    return document.object();
}

bool isActionCharacter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'*' || c == u'_' ||
           c == u'-';
}

bool isTypeCharacter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_' || c == u'-' ||
           c == u'.';
}

// A NumericDate (RFC 7519 §2): a JSON number; absent is 0.
Expected<qint64> numericDate(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        return qint64(0);
    }
    if (!value.isDouble()) {
        return Expected<qint64>::failure(key, QStringLiteral("must be a number of seconds"));
    }
    return static_cast<qint64>(value.toDouble());
}

Expected<QString> optionalString(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined()) {
        return QString();
    }
    if (!value.isString()) {
        return Expected<QString>::failure(key, QStringLiteral("must be a string"));
    }
    return value.toString();
}

} // namespace

QByteArray base64UrlEncode(const QByteArray &data)
{
    return data.toBase64(base64Url);
}

Expected<QByteArray> base64UrlDecode(QByteArrayView text)
{
    // The alphabet is checked here: Qt's decoder would skip characters it does not know.
    for (const char c : text) {
        const bool ok =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return Expected<QByteArray>::failure({}, QStringLiteral("is not base64url"));
        }
    }
    if (text.size() % 4 == 1) {
        return Expected<QByteArray>::failure({}, QStringLiteral("has a truncated base64url group"));
    }
    const auto decoded = QByteArray::fromBase64Encoding(text.toByteArray(), base64Url);
    if (!decoded) {
        return Expected<QByteArray>::failure({}, QStringLiteral("is not base64url"));
    }
    return decoded.decoded;
}

Expected<CompactJwt> CompactJwt::parse(QByteArrayView token)
{
    using Result = Expected<CompactJwt>;
    if (token.size() > MaxLength) {
        return Result::failure(QStringLiteral("token"), QStringLiteral("is longer than %1 bytes").arg(MaxLength));
    }
    const qsizetype first = token.indexOf('.');
    const qsizetype second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (first <= 0 || second <= first + 1 || second + 1 >= token.size() || token.indexOf('.', second + 1) >= 0) {
        return Result::failure(QStringLiteral("token"), QStringLiteral("is not three dot-separated parts"));
    }
    CompactJwt jwt;
    auto header = decodeObject(token.first(first), QStringLiteral("header"));
    if (!header) {
        return header.error();
    }
    auto claims = decodeObject(token.sliced(first + 1, second - first - 1), QStringLiteral("claims"));
    if (!claims) {
        return claims.error();
    }
    auto signature = base64UrlDecode(token.sliced(second + 1));
    if (!signature) {
        return Result::failure(QStringLiteral("signature"), signature.error().reason);
    }
    if (!header->value(QStringLiteral("alg")).isString()) {
        return Result::failure(QStringLiteral("header.alg"), QStringLiteral("is missing"));
    }
    jwt.header = *header;
    jwt.claims = *claims;
    jwt.signingInput = token.first(second).toByteArray();
    jwt.signature = *signature;
    return jwt;
}

QByteArray CompactJwt::signingInputFor(const QJsonObject &header, const QJsonObject &claims)
{
    return base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
           base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

Expected<TokenScope> TokenScope::parse(QStringView text)
{
    using Result = Expected<TokenScope>;
    const QString field = QStringLiteral("scope \"%1\"").arg(text.left(200));
    const qsizetype first = text.indexOf(u':');
    const qsizetype last = text.lastIndexOf(u':');
    if (first <= 0 || last <= first + 1 || last + 1 >= text.size()) {
        return Result::failure(field, QStringLiteral("must read type:name:actions"));
    }
    TokenScope scope;
    QStringView type = text.first(first);
    const qsizetype open = type.indexOf(u'(');
    if (open >= 0) {
        if (!type.endsWith(u')') || open == 0 || open + 2 >= type.size()) {
            return Result::failure(field, QStringLiteral("has a malformed resource class"));
        }
        scope.typeClass = type.sliced(open + 1, type.size() - open - 2).toString();
        type = type.first(open);
    }
    for (const QChar c : type) {
        if (!isTypeCharacter(c)) {
            return Result::failure(field, QStringLiteral("has an invalid resource type"));
        }
    }
    for (const QChar c : scope.typeClass) {
        if (!isTypeCharacter(c)) {
            return Result::failure(field, QStringLiteral("has an invalid resource class"));
        }
    }
    scope.type = type.toString();
    const QStringView name = text.sliced(first + 1, last - first - 1);
    for (const QChar c : name) {
        if (c.unicode() <= 0x20 || c.unicode() == 0x7f || c == u'"' || c == u'\\') {
            return Result::failure(field, QStringLiteral("has a character not allowed in a name"));
        }
    }
    scope.name = name.toString();
    for (const QStringView action : text.sliced(last + 1).split(u',')) {
        if (action.isEmpty()) {
            return Result::failure(field, QStringLiteral("has an empty action"));
        }
        for (const QChar c : action) {
            if (!isActionCharacter(c)) {
                return Result::failure(field, QStringLiteral("has an invalid action"));
            }
        }
        if (!scope.actions.contains(action)) {
            scope.actions.append(action.toString());
        }
    }
    return scope;
}

Expected<QList<TokenScope>> TokenScope::parseList(const QStringList &values)
{
    QList<TokenScope> scopes;
    for (const QString &value : values) {
        for (const QStringView part : QStringView(value).split(u' ', Qt::SkipEmptyParts)) {
            auto scope = parse(part);
            if (!scope) {
                return scope.error();
            }
            scopes.append(*scope);
        }
    }
    return scopes;
}

QString TokenScope::toString() const
{
    const QString fullType = typeClass.isEmpty() ? type : type + u'(' + typeClass + u')';
    return fullType + u':' + name + u':' + actions.join(u',');
}

Expected<TokenClaims> TokenClaims::fromJson(const QJsonObject &object)
{
    using Result = Expected<TokenClaims>;
    TokenClaims claims;
    for (const auto &[key, target] :
         {std::pair{QStringLiteral("iss"), &claims.issuer}, std::pair{QStringLiteral("sub"), &claims.subject},
          std::pair{QStringLiteral("jti"), &claims.id}}) {
        auto value = optionalString(object, key);
        if (!value) {
            return value.error();
        }
        *target = *value;
    }
    const QJsonValue aud = object.value(QStringLiteral("aud"));
    if (aud.isString()) {
        claims.audience = QStringList{aud.toString()};
    } else if (aud.isArray()) {
        for (const QJsonValue &entry : aud.toArray()) {
            if (!entry.isString()) {
                return Result::failure(QStringLiteral("aud"), QStringLiteral("must hold strings"));
            }
            claims.audience.append(entry.toString());
        }
    } else if (!aud.isUndefined()) {
        return Result::failure(QStringLiteral("aud"), QStringLiteral("must be a string or an array of strings"));
    }
    for (const auto &[key, target] :
         {std::pair{QStringLiteral("exp"), &claims.expiresAt}, std::pair{QStringLiteral("nbf"), &claims.notBefore},
          std::pair{QStringLiteral("iat"), &claims.issuedAt}}) {
        auto value = numericDate(object, key);
        if (!value) {
            return value.error();
        }
        *target = *value;
    }
    const QJsonValue access = object.value(QStringLiteral("access"));
    if (!access.isUndefined() && !access.isNull() && !access.isArray()) {
        return Result::failure(QStringLiteral("access"), QStringLiteral("must be an array"));
    }
    const QJsonArray entries = access.toArray();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString field = QStringLiteral("access[%1]").arg(i);
        const QJsonObject entry = entries.at(i).toObject();
        const QJsonValue type = entry.value(QStringLiteral("type"));
        const QJsonValue name = entry.value(QStringLiteral("name"));
        const QJsonValue actions = entry.value(QStringLiteral("actions"));
        if (!type.isString() || !name.isString() || !(actions.isArray() || actions.isNull())) {
            return Result::failure(field, QStringLiteral("needs type, name and actions"));
        }
        ResourceActions resource{type.toString(), name.toString(), {}};
        for (const QJsonValue &action : actions.toArray()) {
            if (!action.isString()) {
                return Result::failure(field, QStringLiteral("actions must be strings"));
            }
            resource.actions.append(action.toString());
        }
        claims.access.append(resource);
    }
    return claims;
}

QJsonObject TokenClaims::toJson() const
{
    QJsonArray entries;
    for (const ResourceActions &resource : access) {
        entries.append(QJsonObject{{QStringLiteral("type"), resource.type},
                                   {QStringLiteral("name"), resource.name},
                                   {QStringLiteral("actions"), QJsonArray::fromStringList(resource.actions)}});
    }
    QJsonObject object{
        {QStringLiteral("iss"), issuer},     {QStringLiteral("sub"), subject},  {QStringLiteral("exp"), expiresAt},
        {QStringLiteral("nbf"), notBefore},  {QStringLiteral("iat"), issuedAt}, {QStringLiteral("jti"), id},
        {QStringLiteral("access"), entries},
    };
    if (audience.size() == 1) {
        object.insert(QStringLiteral("aud"), audience.first());
    } else if (!audience.isEmpty()) {
        object.insert(QStringLiteral("aud"), QJsonArray::fromStringList(audience));
    }
    return object;
}

} // namespace Minato::Registry
