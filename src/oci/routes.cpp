#include "routes.h"

#include "reference.h"
#include "textutil.h"

#include <QByteArray>
#include <QList>
#include <QUrl>

#include <algorithm>
#include <climits>

namespace Minato::Oci {

namespace {

using Outcome = RouteMatch::Outcome;

// What follows a route's fixed words in the path.
enum class Var {
    None,      // nothing: "/v2/", "/v2/_catalog", ".../tags/list"
    Slash,     // a trailing '/': ".../blobs/uploads/" (also matched without it)
    Reference, // a tag or a digest: ".../manifests/<reference>"
    Digest,    // ".../blobs/<digest>", ".../referrers/<digest>"
    UploadId,  // ".../blobs/uploads/<id>"
};

// One row per endpoint: the one table that match(), path(), method(), specId() and the Allow list read.
// Rows with the same words and Var are one path shape; its Allow list is their methods in table order, with
// HEAD after GET (RFC 9110 §9.3.2: HEAD is GET without content; the spec's table names HEAD for end-2 and
// end-3 only, but a HEAD on the other GET routes is harmless and some probes use it).
// Matching tries the shapes in table order, so ".../blobs/uploads" comes before ".../blobs/<digest>".
struct RouteRow
{
    Endpoint endpoint;
    QStringView method;
    bool named;        // "/v2/<name>/…"
    QStringView words; // the fixed segments after the name, '/'-separated
    Var variable;
    QStringView specId;
};

constexpr RouteRow kRoutes[] = {
    {Endpoint::Base, u"GET", false, u"", Var::None, u"end-1"},
    {Endpoint::Catalog, u"GET", false, u"_catalog", Var::None, u"catalog"},
    {Endpoint::StartUpload, u"POST", true, u"blobs/uploads", Var::Slash, u"end-4a"},
    {Endpoint::MonolithicUpload, u"POST", true, u"blobs/uploads", Var::Slash, u"end-4b"},
    {Endpoint::MountBlob, u"POST", true, u"blobs/uploads", Var::Slash, u"end-11"},
    {Endpoint::GetUpload, u"GET", true, u"blobs/uploads", Var::UploadId, u"end-13"},
    {Endpoint::PatchUpload, u"PATCH", true, u"blobs/uploads", Var::UploadId, u"end-5"},
    {Endpoint::CompleteUpload, u"PUT", true, u"blobs/uploads", Var::UploadId, u"end-6"},
    {Endpoint::CancelUpload, u"DELETE", true, u"blobs/uploads", Var::UploadId, u"end-14"},
    {Endpoint::GetManifest, u"GET", true, u"manifests", Var::Reference, u"end-3"},
    {Endpoint::PutManifest, u"PUT", true, u"manifests", Var::Reference, u"end-7"},
    {Endpoint::DeleteManifest, u"DELETE", true, u"manifests", Var::Reference, u"end-9"},
    {Endpoint::GetBlob, u"GET", true, u"blobs", Var::Digest, u"end-2"},
    {Endpoint::DeleteBlob, u"DELETE", true, u"blobs", Var::Digest, u"end-10"},
    {Endpoint::ListTags, u"GET", true, u"tags/list", Var::None, u"end-8"},
    {Endpoint::ListReferrers, u"GET", true, u"referrers", Var::Digest, u"end-12"},
};

constexpr bool everyEndpointOnce()
{
    for (int e = 0; e <= static_cast<int>(Endpoint::ListReferrers); ++e) {
        int count = 0;
        for (const RouteRow &row : kRoutes) {
            count += static_cast<int>(row.endpoint) == e ? 1 : 0;
        }
        if (count != 1) {
            return false;
        }
    }
    return true;
}
static_assert(everyEndpointOnce(), "every Endpoint needs exactly one row in kRoutes");

const RouteRow &rowOf(Endpoint endpoint)
{
    for (const RouteRow &row : kRoutes) {
        if (row.endpoint == endpoint) {
            return row;
        }
    }
    Q_UNREACHABLE(); // the static_assert above guarantees a row
    return kRoutes[0];
}

bool sameShape(const RouteRow &a, const RouteRow &b)
{
    return a.named == b.named && a.words == b.words && a.variable == b.variable;
}

QStringList methodsOf(const RouteRow &shape)
{
    QStringList methods;
    for (const RouteRow &row : kRoutes) {
        if (sameShape(row, shape) && !methods.contains(row.method)) {
            methods.append(row.method.toString());
            if (row.method == u"GET") {
                methods.append(QStringLiteral("HEAD"));
            }
        }
    }
    return methods;
}

// True when segments[0, end) ends with the '/'-separated words; `start` receives where they begin.
bool endsWithWords(const QList<QString> &segments, qsizetype end, QStringView words, qsizetype &start)
{
    qsizetype at = end;
    qsizetype wordEnd = words.size();
    while (wordEnd > 0) {
        const qsizetype slash = words.lastIndexOf(u'/', wordEnd - 1);
        const QStringView word = words.sliced(slash + 1, wordEnd - slash - 1);
        if (at == 0 || segments[at - 1] != word) {
            return false;
        }
        --at;
        wordEnd = slash < 0 ? 0 : slash;
    }
    start = at;
    return true;
}

// How a shape fits the decoded segments after "/v2/": how many leading segments are the name, and the
// variable segment; nullopt when it does not fit.
struct ShapeFit
{
    qsizetype nameSegments = 0;
    QString variable;
};

std::optional<ShapeFit> fit(const RouteRow &shape, const QList<QString> &segments)
{
    const qsizetype k = segments.size();
    qsizetype end = k;
    ShapeFit result;
    switch (shape.variable) {
    case Var::None:
        break;
    case Var::Slash:
        // ".../blobs/uploads/", or without the slash: "uploads" can never be a digest, so ".../blobs/uploads"
        // can only be this route written without its trailing slash (as some clients do).
        if (k > 0 && segments[k - 1].isEmpty()) {
            end = k - 1;
        }
        break;
    case Var::Reference:
    case Var::Digest:
    case Var::UploadId:
        if (k == 0 || segments[k - 1].isEmpty()) {
            return std::nullopt;
        }
        result.variable = segments[k - 1];
        end = k - 1;
        break;
    }
    qsizetype start = 0;
    if (!endsWithWords(segments, end, shape.words, start)) {
        return std::nullopt;
    }
    if (shape.named ? start < 1 : start != 0) {
        return std::nullopt;
    }
    result.nameSegments = start;
    return result;
}

// Percent-decodes one path segment or query component (RFC 3986 §2.1). '+' stays '+': RFC 3986 gives it
// no meaning, and no value here (names, tags, digests, media types) can hold a space, while media types
// do hold '+'. A malformed escape or a raw non-ASCII character makes the request malformed.
std::optional<QString> percentDecode(QStringView text)
{
    if (!text.contains(u'%')) {
        for (QChar c : text) {
            if (c.unicode() >= 0x80) {
                return std::nullopt;
            }
        }
        return text.toString();
    }
    QByteArray bytes;
    bytes.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == u'%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = Ascii::hexValue(text[i + 1].unicode());
            const int low = Ascii::hexValue(text[i + 2].unicode());
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            bytes.append(static_cast<char>(high * 16 + low));
            i += 2;
        } else if (c.unicode() < 0x80) {
            bytes.append(static_cast<char>(c.unicode()));
        } else {
            return std::nullopt;
        }
    }
    // Invalid UTF-8 turns into U+FFFD, which no grammar here accepts: it is reported where it lands.
    return QString::fromUtf8(bytes);
}

struct QueryItem
{
    QString key;
    QString value;
};

// "a=1&b=2&c" → items; nullopt when an escape is malformed.
std::optional<QList<QueryItem>> parseQuery(QStringView query)
{
    QList<QueryItem> items;
    if (query.isEmpty()) {
        return items;
    }
    qsizetype start = 0;
    while (start <= query.size()) {
        qsizetype end = query.indexOf(u'&', start);
        if (end < 0) {
            end = query.size();
        }
        const QStringView pair = query.sliced(start, end - start);
        if (!pair.isEmpty()) {
            const qsizetype eq = pair.indexOf(u'=');
            auto key = percentDecode(eq >= 0 ? pair.first(eq) : pair);
            auto value = percentDecode(eq >= 0 ? pair.sliced(eq + 1) : QStringView());
            if (!key || !value) {
                return std::nullopt;
            }
            items.append({std::move(*key), std::move(*value)});
        }
        start = end + 1;
    }
    return items;
}

// The first value of key; a repeated key keeps its first value (what Go's url.Values.Get returns).
std::optional<QString> queryValue(const QList<QueryItem> &items, QStringView key)
{
    for (const QueryItem &item : items) {
        if (item.key == key) {
            return item.value;
        }
    }
    return std::nullopt;
}

// Upload ids are made by our server (UUIDs); distribution allows [a-zA-Z0-9-_.=]+. '~' is unreserved too.
std::optional<QString> checkUploadId(QStringView id)
{
    constexpr qsizetype maxLength = 256;
    if (id.size() > maxLength) {
        return QStringLiteral("must be %1 characters or fewer").arg(maxLength);
    }
    for (QChar c : id) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'-' ||
                        u == u'_' || u == u'.' || u == u'=' || u == u'~';
        if (!ok) {
            return QStringLiteral("contains a character no upload id has");
        }
    }
    return std::nullopt;
}

RouteMatch failure(RouteMatch m, Outcome outcome, ParseError error)
{
    m.outcome = outcome;
    m.error = std::move(error);
    return m;
}

RouteMatch failure(RouteMatch m, Outcome outcome, const QString &field, const QString &reason)
{
    return failure(std::move(m), outcome, ParseError{field, reason});
}

std::optional<int> parsePageSize(const QString &text)
{
    if (text.isEmpty()) {
        return std::nullopt;
    }
    qint64 value = 0;
    for (QChar c : text) {
        if (!Ascii::isDigit(c.unicode())) {
            return std::nullopt;
        }
        value = std::min<qint64>(value * 10 + (c.unicode() - u'0'), qint64(INT_MAX));
    }
    return static_cast<int>(value);
}

} // namespace

Routes::Routes(QStringView basePath)
{
    // Taken as already encoded: valid "%XX" escapes and RFC 3986 pchar characters stay, anything else
    // (a space, a raw non-ASCII character, a lone '%') is escaped so the prefix is a well-formed path.
    QString base;
    const QByteArray utf8 = basePath.toUtf8();
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        const bool escape = c == '%' && i + 2 < utf8.size() && Ascii::hexValue(static_cast<uchar>(utf8[i + 1])) >= 0 &&
                            Ascii::hexValue(static_cast<uchar>(utf8[i + 2])) >= 0;
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          QByteArrayView("-._~!$&'()*+,;=:@/").contains(c) || escape;
        if (keep) {
            base += QLatin1Char(c);
        } else {
            base +=
                QStringLiteral("%%1").arg(static_cast<int>(static_cast<uchar>(c)), 2, 16, QLatin1Char('0')).toUpper();
        }
    }
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    if (!base.isEmpty() && !base.startsWith(u'/')) {
        base.prepend(u'/');
    }
    m_basePath = base;
}

RouteMatch Routes::matchTarget(QStringView method, QStringView target) const
{
    // RFC 9112 §3.2.2: a server MUST accept the absolute-form ("http://host:port/v2/…"), which proxies
    // send; the scheme and authority are dropped here (the caller checks Host if it cares).
    const qsizetype schemeEnd = target.indexOf(u"://");
    if (schemeEnd > 0) {
        const QStringView scheme = target.first(schemeEnd);
        if (scheme.compare(u"http", Qt::CaseInsensitive) == 0 || scheme.compare(u"https", Qt::CaseInsensitive) == 0) {
            const QStringView rest = target.sliced(schemeEnd + 3);
            qsizetype pathStart = rest.size();
            for (qsizetype i = 0; i < rest.size(); ++i) {
                if (rest[i] == u'/' || rest[i] == u'?') {
                    pathStart = i;
                    break;
                }
            }
            target = rest.sliced(pathStart);
            if (target.isEmpty() || target.front() == u'?') {
                // RFC 9112 §3.2.2: an empty path in the absolute-form means "/".
                return matchTarget(method, QStringLiteral("/") + target.toString());
            }
        }
    }
    const qsizetype question = target.indexOf(u'?');
    if (question < 0) {
        return match(method, target, {});
    }
    return match(method, target.first(question), target.sliced(question + 1));
}

RouteMatch Routes::match(QStringView method, QStringView path, QStringView query) const
{
    RouteMatch m;
    const auto notFound = [](RouteMatch r) {
        return failure(std::move(r), Outcome::NotFound, QString(),
                       QStringLiteral("no registry API route has this path"));
    };

    if (!m_basePath.isEmpty()) {
        if (!path.startsWith(m_basePath) || path.size() == m_basePath.size() || path[m_basePath.size()] != u'/') {
            return notFound(m);
        }
        path = path.sliced(m_basePath.size());
    }

    // end-1 is "/v2/"; "/v2" is accepted as the same resource (distribution redirects it there, and some
    // clients probe it without the slash).
    QList<QString> segments;
    if (path == u"/v2" || path == u"/v2/") {
        // no segments: the base route
    } else if (path.startsWith(u"/v2/")) {
        const QStringView rest = path.sliced(4);
        qsizetype start = 0;
        while (true) {
            qsizetype end = rest.indexOf(u'/', start);
            if (end < 0) {
                end = rest.size();
            }
            auto decoded = percentDecode(rest.sliced(start, end - start));
            if (!decoded) {
                return failure(m, Outcome::BadRequest, QStringLiteral("path"),
                               QStringLiteral("has a malformed percent escape or a character that is not ASCII"));
            }
            segments.append(std::move(*decoded));
            if (end == rest.size()) {
                break;
            }
            start = end + 1;
        }
    } else {
        return notFound(m);
    }

    // Match from the right: route words are the last segments, the name is all before them. The first shape
    // of the table that fits wins.
    const RouteRow *shape = nullptr;
    ShapeFit shapeFit;
    for (const RouteRow &row : kRoutes) {
        if (auto f = fit(row, segments)) {
            shape = &row;
            shapeFit = std::move(*f);
            break;
        }
    }
    if (!shape) {
        return notFound(m);
    }
    const qsizetype nameSegments = shapeFit.nameSegments;
    const QString last = shapeFit.variable; // the route's variable segment (reference, digest or upload id)

    m.allowedMethods = methodsOf(*shape);
    const bool isHead = method == u"HEAD";
    const QStringView effective = isHead ? QStringView(u"GET") : method;
    if (!m.allowedMethods.contains(method)) {
        return failure(
            m, Outcome::MethodNotAllowed, QStringLiteral("method"),
            QStringLiteral("%1 is not allowed here; allowed: %2").arg(quoteInput(method, 16), m.allowHeader()));
    }
    m.head = isHead;

    // The endpoint: the shape's row for this method (for POST on the upload route, StartUpload, refined by
    // the query below).
    for (const RouteRow &row : kRoutes) {
        if (sameShape(row, *shape) && row.method == effective) {
            m.endpoint = row.endpoint;
            break;
        }
    }

    const auto items = parseQuery(query);
    if (!items) {
        return failure(m, Outcome::BadRequest, QStringLiteral("query"),
                       QStringLiteral("has a malformed percent escape"));
    }

    // The name (spec "Pulling manifests": <name> must match the path grammar; Reference caps it at 255).
    if (nameSegments > 0) {
        for (qsizetype i = 0; i < nameSegments; ++i) {
            if (segments[i].contains(u'/')) {
                // Decoded per segment, "%2F" would smuggle a separator into a component; refusing it keeps
                // one spelling per repository (and "a%2Fmanifests%2Fx" from meaning two routes).
                return failure(m, Outcome::NameInvalid, QStringLiteral("name"),
                               QStringLiteral("must not contain an encoded '/' (%2F); write '/' itself"));
            }
        }
        m.name = QStringList(segments.first(nameSegments)).join(u'/');
        auto valid = Reference::parseRepositoryPath(m.name);
        if (!valid) {
            return failure(m, Outcome::NameInvalid, valid.error());
        }
    }

    switch (m.endpoint) {
    case Endpoint::Base:
        break;
    case Endpoint::Catalog:
    case Endpoint::ListTags: {
        // end-8b: n and last; an empty n counts as absent, as distribution reads it.
        if (auto n = queryValue(*items, u"n"); n && !n->isEmpty()) {
            m.n = parsePageSize(*n);
            if (!m.n) {
                return failure(m, Outcome::PaginationInvalid, QStringLiteral("n"),
                               QStringLiteral("must be a non-negative integer"));
            }
        }
        m.last = queryValue(*items, u"last").value_or(QString());
        break;
    }
    case Endpoint::GetManifest:
    case Endpoint::PutManifest:
    case Endpoint::DeleteManifest: {
        // Spec "Pulling manifests": <reference> MUST be either a digest or a tag. A tag has no ':', so a ':'
        // means the reference is meant as a digest.
        m.reference = last;
        if (last.contains(u':')) {
            auto digest = Digest::parse(last);
            if (!digest) {
                return failure(m, Outcome::DigestInvalid, digest.error());
            }
            m.digest = std::move(digest).value();
        } else {
            auto tag = Reference::parseTag(last);
            if (!tag) {
                return failure(m, Outcome::TagInvalid, tag.error());
            }
            m.tag = std::move(tag).value();
        }
        break;
    }
    case Endpoint::GetBlob:
    case Endpoint::DeleteBlob:
    case Endpoint::ListReferrers: {
        auto digest = Digest::parse(last);
        if (!digest) {
            return failure(m, Outcome::DigestInvalid, digest.error());
        }
        m.digest = std::move(digest).value();
        if (m.endpoint == Endpoint::ListReferrers) {
            m.artifactType = queryValue(*items, u"artifactType").value_or(QString()); // end-12b
        }
        break;
    }
    case Endpoint::StartUpload:
    case Endpoint::MonolithicUpload:
    case Endpoint::MountBlob: {
        // end-11 before end-4b, as distribution does: a valid "mount" decides. The spec ("Mounting a blob
        // from another repository") lets a registry treat "from" as optional, and says a registry that
        // cannot mount "SHOULD" answer 202 and open an upload session instead: so a "mount" that is not a
        // digest we accept, or a "from" that is not a repository name, is not an error but a request we
        // cannot mount from. It then reads as the same POST without "mount" and "from": end-4b when a
        // ?digest= is present (checked as usual), else end-4a. from, and digest, stay empty for it.
        bool mounting = false;
        if (auto mountText = queryValue(*items, u"mount")) {
            auto digest = Digest::parse(*mountText);
            const QString from = queryValue(*items, u"from").value_or(QString());
            if (digest && (from.isEmpty() || Reference::isValidRepositoryPath(from))) {
                m.endpoint = Endpoint::MountBlob;
                m.digest = std::move(digest).value();
                m.from = from;
                mounting = true;
            }
        }
        if (!mounting) {
            m.endpoint = Endpoint::StartUpload;
            if (auto digestText = queryValue(*items, u"digest")) {
                m.endpoint = Endpoint::MonolithicUpload;
                auto digest = Digest::parse(*digestText);
                if (!digest) {
                    return failure(m, Outcome::DigestInvalid, digest.error());
                }
                m.digest = std::move(digest).value();
            }
        }
        break;
    }
    case Endpoint::PatchUpload:
    case Endpoint::CompleteUpload:
    case Endpoint::GetUpload:
    case Endpoint::CancelUpload: {
        if (auto reason = checkUploadId(last)) {
            return failure(m, Outcome::UploadInvalid, QStringLiteral("upload id"), *reason);
        }
        m.uploadId = last;
        if (m.endpoint == Endpoint::CompleteUpload) {
            // Spec "Pushing a blob monolithically" / end-6: the closing PUT carries ?digest=<digest>.
            const auto digestText = queryValue(*items, u"digest");
            if (!digestText) {
                return failure(m, Outcome::DigestInvalid, QStringLiteral("digest"),
                               QStringLiteral("is required to complete an upload (?digest=…)"));
            }
            auto digest = Digest::parse(*digestText);
            if (!digest) {
                return failure(m, Outcome::DigestInvalid, digest.error());
            }
            m.digest = std::move(digest).value();
        }
        break;
    }
    }

    m.outcome = Outcome::Matched;
    return m;
}

QString Routes::encodeName(QStringView name)
{
    if (!Reference::isValidRepositoryPath(name)) {
        return QString();
    }
    QString out;
    qsizetype start = 0;
    while (true) {
        qsizetype end = name.indexOf(u'/', start);
        if (end < 0) {
            end = name.size();
        }
        if (start > 0) {
            out += u'/';
        }
        out += QString::fromLatin1(QUrl::toPercentEncoding(name.sliced(start, end - start).toString()));
        if (end == name.size()) {
            break;
        }
        start = end + 1;
    }
    return out;
}

QString Routes::encodeQueryValue(QStringView value)
{
    // Everything but RFC 3986 unreserved characters is escaped, as Go's url.QueryEscape does (so '+' in a
    // media type and '/' in a repository name arrive intact at any server).
    return QString::fromLatin1(QUrl::toPercentEncoding(value.toString()));
}

namespace {

// A reference, digest or upload id as one path segment: ':' (digests) and '=' (base64 upload ids) are
// valid in a segment (RFC 3986 pchar) and left readable, as docker writes them.
QString encodeSegment(QStringView segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment.toString(), QByteArrayLiteral(":=")));
}

// The same rules match() applies to the route's variable segment.
bool isValidVariable(Var kind, QStringView value)
{
    switch (kind) {
    case Var::None:
    case Var::Slash:
        return true; // not used
    case Var::Reference:
        return value.contains(u':') ? Digest::isValidString(value) : Reference::isValidTag(value);
    case Var::Digest:
        return Digest::isValidString(value);
    case Var::UploadId:
        return !value.isEmpty() && !checkUploadId(value);
    }
    return false;
}

void appendQuery(QString &target, QStringView key, QStringView value)
{
    target += target.contains(u'?') ? u'&' : u'?';
    target += key;
    target += u'=';
    target += Routes::encodeQueryValue(value);
}

} // namespace

QString Routes::path(Endpoint endpoint, QStringView name, QStringView reference) const
{
    const RouteRow &row = rowOf(endpoint);
    QString out = m_basePath + QStringLiteral("/v2/");
    if (row.named) {
        const QString encoded = encodeName(name);
        if (encoded.isEmpty()) {
            return QString();
        }
        out += encoded;
        out += u'/';
    }
    out += row.words;
    switch (row.variable) {
    case Var::None:
        break;
    case Var::Slash:
        out += u'/';
        break;
    case Var::Reference:
    case Var::Digest:
    case Var::UploadId:
        if (!isValidVariable(row.variable, reference)) {
            return QString();
        }
        out += u'/';
        out += encodeSegment(reference);
        break;
    }
    return out;
}

QString Routes::tagsList(QStringView name, std::optional<int> n, QStringView last) const
{
    QString out = path(Endpoint::ListTags, name);
    if (out.isEmpty()) {
        return out;
    }
    if (n && *n >= 0) {
        appendQuery(out, u"n", QString::number(*n));
    }
    if (!last.isEmpty()) {
        appendQuery(out, u"last", last);
    }
    return out;
}

QString Routes::catalog(std::optional<int> n, QStringView last) const
{
    QString out = path(Endpoint::Catalog);
    if (n && *n >= 0) {
        appendQuery(out, u"n", QString::number(*n));
    }
    if (!last.isEmpty()) {
        appendQuery(out, u"last", last);
    }
    return out;
}

QString Routes::referrers(QStringView name, const Digest &subject, QStringView artifactType) const
{
    QString out = path(Endpoint::ListReferrers, name, subject.toString());
    if (!out.isEmpty() && !artifactType.isEmpty()) {
        appendQuery(out, u"artifactType", artifactType);
    }
    return out;
}

QString Routes::monolithicUpload(QStringView name, const Digest &digest) const
{
    QString out = path(Endpoint::MonolithicUpload, name);
    if (out.isEmpty() || !digest.isValid()) {
        return QString();
    }
    appendQuery(out, u"digest", digest.toString());
    return out;
}

QString Routes::mount(QStringView name, const Digest &digest, QStringView from) const
{
    QString out = path(Endpoint::MountBlob, name);
    if (out.isEmpty() || !digest.isValid() || (!from.isEmpty() && !Reference::isValidRepositoryPath(from))) {
        return QString();
    }
    appendQuery(out, u"mount", digest.toString());
    if (!from.isEmpty()) {
        appendQuery(out, u"from", from);
    }
    return out;
}

QString Routes::completeUpload(QStringView name, QStringView uploadId, const Digest &digest) const
{
    QString out = path(Endpoint::CompleteUpload, name, uploadId);
    if (out.isEmpty() || !digest.isValid()) {
        return QString();
    }
    appendQuery(out, u"digest", digest.toString());
    return out;
}

QString Routes::withDigest(QStringView location, const Digest &digest)
{
    QString out = location.toString();
    const qsizetype hash = out.indexOf(u'#');
    QString fragment;
    if (hash >= 0) {
        fragment = out.sliced(hash);
        out.truncate(hash);
    }
    if (out.endsWith(u'?') || out.endsWith(u'&')) {
        out += QStringLiteral("digest=");
    } else {
        out += out.contains(u'?') ? QStringLiteral("&digest=") : QStringLiteral("?digest=");
    }
    out += encodeQueryValue(digest.toString());
    return out + fragment;
}

QString Routes::method(Endpoint endpoint)
{
    return rowOf(endpoint).method.toString();
}

QString Routes::specId(Endpoint endpoint)
{
    return rowOf(endpoint).specId.toString();
}

} // namespace Minato::Oci
