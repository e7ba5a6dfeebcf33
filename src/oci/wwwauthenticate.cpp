#include "wwwauthenticate.h"

#include "textutil.h"

#include "httpgrammar.h"

namespace Minato::Oci {

namespace {

const QString headerField = QStringLiteral("WWW-Authenticate header");

using Http::describe;
using Http::isForbiddenControl;
using Http::isLineBreak;
using Http::isSpace;
using Http::isTchar;
using Http::isToken68Char;
using Scanner = Http::FieldScanner;

using Challenges = QList<AuthChallenge>;

Expected<Challenges> fail(const QString &reason)
{
    return Expected<Challenges>::failure(headerField, reason);
}

void appendParam(AuthChallenge &challenge, AuthParam param)
{
    for (const AuthParam &p : std::as_const(challenge.params)) {
        if (p.name == param.name) {
            return; // RFC 9110 §11.2: each parameter name MUST only occur once; keep the first
        }
    }
    challenge.params.append(std::move(param));
}

} // namespace

std::optional<QString> AuthChallenge::param(QStringView name) const
{
    for (const AuthParam &p : params) {
        if (name.compare(p.name, Qt::CaseInsensitive) == 0) {
            return p.value;
        }
    }
    return std::nullopt;
}

QByteArray AuthChallenge::toHeaderValue() const
{
    QByteArray out = scheme.toUtf8();
    if (!token68.isEmpty()) {
        out.append(' ');
        out.append(token68.toUtf8());
        return out;
    }
    for (qsizetype i = 0; i < params.size(); ++i) {
        out.append(i == 0 ? " " : ",");
        out.append(params.at(i).name.toUtf8());
        out.append('=');
        out.append(quoteHeaderString(params.at(i).value));
    }
    return out;
}

// RFC 9110 §11.6.1 and §11.3:
//   WWW-Authenticate = #challenge
//   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param  = token BWS "=" BWS ( token / quoted-string )
// After a comma, "token BWS =" continues the current challenge's parameters; any other token starts the
// next challenge (the ambiguity RFC 9110 §11.6.1 warns about).
Expected<QList<AuthChallenge>> parseWwwAuthenticate(QByteArrayView value)
{
    if (value.size() > wwwAuthenticateMaxLength) {
        return fail(QStringLiteral("is %1 bytes long, more than the %2 accepted")
                        .arg(value.size())
                        .arg(wwwAuthenticateMaxLength));
    }
    const QString text = QString::fromUtf8(value);
    Scanner s(text);
    Challenges challenges;
    while (true) {
        s.skipSeparators();
        if (s.atEnd()) {
            break;
        }
        if (challenges.size() >= wwwAuthenticateMaxChallenges) {
            return fail(QStringLiteral("has more than %1 challenges").arg(wwwAuthenticateMaxChallenges));
        }
        AuthChallenge challenge;
        const qsizetype schemeAt = s.pos();
        challenge.scheme = s.token();
        if (challenge.scheme.isEmpty()) {
            return fail(QStringLiteral("expected an auth scheme at position %1, found %2")
                            .arg(schemeAt)
                            .arg(s.describeCurrent()));
        }
        if (s.atElementEnd()) {
            challenges.append(std::move(challenge));
            continue;
        }
        if (!isSpace(s.peek())) {
            return fail(QStringLiteral("the auth scheme %1 must be followed by a space, found %2")
                            .arg(quoteInput(challenge.scheme), s.describeCurrent()));
        }
        s.skipSpaces();
        if (s.atElementEnd()) {
            challenges.append(std::move(challenge));
            continue;
        }

        // token68: its characters, then '='s, then the end of the list element.
        qsizetype t = s.pos();
        while (t < text.size() && isToken68Char(text.at(t))) {
            ++t;
        }
        qsizetype equals = t;
        while (equals < text.size() && text.at(equals) == u'=') {
            ++equals;
        }
        const qsizetype after = s.skipSpacesFrom(equals);
        const QChar next = s.at(after);
        if (t > s.pos() && (after >= text.size() || next == u',' || isLineBreak(next))) {
            challenge.token68 = s.slice(s.pos(), equals);
            s.seek(after);
            challenges.append(std::move(challenge));
            continue;
        }

        while (true) {
            if (challenge.params.size() >= wwwAuthenticateMaxParams) {
                // One multi-arg call: a chained .arg() would substitute a "%2" inside the scheme ('%' is a
                // token character).
                return fail(QStringLiteral("the %1 challenge has more than %2 parameters")
                                .arg(quoteInput(challenge.scheme), QString::number(wwwAuthenticateMaxParams)));
            }
            AuthParam param;
            const qsizetype nameAt = s.pos();
            param.name = s.token().toLower();
            if (param.name.isEmpty()) {
                return fail(QStringLiteral("expected a parameter name of the %1 challenge at position %2, found %3")
                                .arg(quoteInput(challenge.scheme), QString::number(nameAt), s.describeCurrent()));
            }
            s.skipSpaces();
            if (s.peek() != u'=') {
                return fail(QStringLiteral("parameter %1 of the %2 challenge needs '=' and a value, found %3")
                                .arg(quoteInput(param.name), quoteInput(challenge.scheme), s.describeCurrent()));
            }
            s.advance();
            s.skipSpaces();
            if (s.peek() == u'"') {
                QString error;
                auto quoted = s.quotedString(&error);
                if (!quoted) {
                    return fail(QStringLiteral("parameter %1 of the %2 challenge: %3")
                                    .arg(quoteInput(param.name), quoteInput(challenge.scheme), error));
                }
                param.value = *quoted;
            } else {
                param.value = s.token();
                if (param.value.isEmpty()) {
                    return fail(QStringLiteral("parameter %1 of the %2 challenge has no value (found %3)")
                                    .arg(quoteInput(param.name), quoteInput(challenge.scheme), s.describeCurrent()));
                }
            }
            appendParam(challenge, std::move(param));

            s.skipSpaces();
            if (s.atEnd()) {
                break;
            }
            if (!s.atElementEnd()) {
                return fail(QStringLiteral("unexpected %1 after a parameter of the %2 challenge")
                                .arg(s.describeCurrent(), quoteInput(challenge.scheme)));
            }
            s.skipSeparators();
            if (s.atEnd()) {
                break;
            }
            // Another parameter of this challenge, or the next challenge?
            const qsizetype nameEnd = s.tokenEnd(s.pos());
            const qsizetype afterName = s.skipSpacesFrom(nameEnd);
            if (nameEnd == s.pos() || s.at(afterName) != u'=') {
                break;
            }
        }
        challenges.append(std::move(challenge));
    }
    return challenges;
}

Expected<QList<AuthChallenge>> parseWwwAuthenticate(const QList<QByteArray> &values)
{
    Challenges all;
    for (qsizetype i = 0; i < values.size(); ++i) {
        auto challenges = parseWwwAuthenticate(QByteArrayView(values.at(i)));
        if (!challenges) {
            ParseError error = challenges.error();
            if (values.size() > 1) {
                error.field = QStringLiteral("WWW-Authenticate header %1").arg(i + 1);
            }
            return error;
        }
        if (all.size() + challenges->size() > wwwAuthenticateMaxChallenges) {
            return fail(QStringLiteral("has more than %1 challenges").arg(wwwAuthenticateMaxChallenges));
        }
        all.append(challenges.value());
    }
    return all;
}

std::optional<AuthChallenge> findChallenge(const QList<AuthChallenge> &challenges, QStringView scheme)
{
    for (const AuthChallenge &c : challenges) {
        if (c.isScheme(scheme)) {
            return c;
        }
    }
    return std::nullopt;
}

QByteArray quoteHeaderString(const QString &value)
{
    return Http::quoteString(value);
}

Expected<BasicChallenge> BasicChallenge::fromChallenge(const AuthChallenge &challenge)
{
    if (!challenge.isScheme(u"Basic")) {
        return Expected<BasicChallenge>::failure(
            headerField, QStringLiteral("the challenge is %1, not Basic").arg(quoteInput(challenge.scheme)));
    }
    return BasicChallenge{challenge.param(u"realm").value_or(QString())};
}

QByteArray BasicChallenge::toHeaderValue() const
{
    return QByteArrayLiteral("Basic realm=") + quoteHeaderString(realm);
}

Expected<BearerChallenge> BearerChallenge::fromChallenge(const AuthChallenge &challenge)
{
    if (!challenge.isScheme(u"Bearer")) {
        return Expected<BearerChallenge>::failure(
            headerField, QStringLiteral("the challenge is %1, not Bearer").arg(quoteInput(challenge.scheme)));
    }
    BearerChallenge b;
    b.realm = challenge.param(u"realm").value_or(QString());
    if (b.realm.isEmpty()) {
        // Without a realm there is no token endpoint to ask (distribution's client refuses it too).
        return Expected<BearerChallenge>::failure(QStringLiteral("WWW-Authenticate realm"),
                                                  QStringLiteral("the Bearer challenge has no realm"));
    }
    b.service = challenge.param(u"service").value_or(QString());
    b.scopes = challenge.param(u"scope").value_or(QString()).split(u' ', Qt::SkipEmptyParts);
    b.error = challenge.param(u"error").value_or(QString());
    b.errorDescription = challenge.param(u"error_description").value_or(QString());
    return b;
}

QByteArray BearerChallenge::toHeaderValue() const
{
    QByteArray out = QByteArrayLiteral("Bearer realm=") + quoteHeaderString(realm);
    const auto add = [&out](const char *name, const QString &value) {
        if (!value.isEmpty()) {
            out.append(',');
            out.append(name);
            out.append('=');
            out.append(quoteHeaderString(value));
        }
    };
    add("service", service);
    add("scope", scope());
    add("error", error);
    add("error_description", errorDescription);
    return out;
}

} // namespace Minato::Oci
