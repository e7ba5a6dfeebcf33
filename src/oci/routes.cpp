#include "routes.h"

#include "reference.h"

#include <QByteArray>
#include <QList>
#include <QUrl>

#include <algorithm>
#include <climits>

namespace Minato::Oci {

namespace {

using Outcome = RouteMatch::Outcome;

// The path shapes; each has one set of methods.
enum class Shape { Base, Catalog, Blob, Manifest, Uploads, Upload, Tags, Referrers };

QStringList methodsOf(Shape shape)
{
    // HEAD wherever GET: RFC 9110 §9.3.2 (HEAD is GET without content); the spec's table names HEAD for
    // end-2 and end-3 only, but a HEAD on the others is harmless and some probes use it.
    switch (shape) {
    case Shape::Base:
    case Shape::Catalog:
    case Shape::Tags:
    case Shape::Referrers:
        return {QStringLiteral("GET"), QStringLiteral("HEAD")};
    case Shape::Blob:
        return {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("DELETE")};
    case Shape::Manifest:
        return {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("PUT"), QStringLiteral("DELETE")};
    case Shape::Uploads:
        return {QStringLiteral("POST")};
    case Shape::Upload:
        return {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("PATCH"), QStringLiteral("PUT"),
                QStringLiteral("DELETE")};
    }
    return {};
}

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9') {
        return u - u'0';
    }
    if (u >= u'a' && u <= u'f') {
        return u - u'a' + 10;
    }
    if (u >= u'A' && u <= u'F') {
        return u - u'A' + 10;
    }
    return -1;
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
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
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
        if (c < u'0' || c > u'9') {
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
        const bool escape =
            c == '%' && i + 2 < utf8.size() && hexValue(QChar(utf8[i + 1])) >= 0 && hexValue(QChar(utf8[i + 2])) >= 0;
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
    Shape shape = Shape::Base;
    QList<QString> segments;
    if (path == u"/v2" || path == u"/v2/") {
        shape = Shape::Base;
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

    // Match from the right: route keywords are the last segments, the name is all before them.
    const qsizetype k = segments.size();
    qsizetype nameSegments = 0;
    QString last; // the route's variable segment (reference, digest or upload id)
    if (shape == Shape::Base && k == 0) {
        // "/v2/" or "/v2"
    } else if (k == 1 && segments[0] == u"_catalog") {
        shape = Shape::Catalog;
    } else if (k >= 4 && segments[k - 1].isEmpty() && segments[k - 2] == u"uploads" && segments[k - 3] == u"blobs") {
        shape = Shape::Uploads; // end-4a/4b/11: ".../blobs/uploads/"
        nameSegments = k - 3;
    } else if (k >= 3 && segments[k - 1] == u"uploads" && segments[k - 2] == u"blobs") {
        // ".../blobs/uploads" without the slash: "uploads" can never be a digest, so this can only be the
        // upload route written without its trailing slash (as some clients do).
        shape = Shape::Uploads;
        nameSegments = k - 2;
    } else if (k >= 4 && segments[k - 2] == u"uploads" && segments[k - 3] == u"blobs" && !segments[k - 1].isEmpty()) {
        shape = Shape::Upload;
        nameSegments = k - 3;
        last = segments[k - 1];
    } else if (k >= 3 && segments[k - 2] == u"manifests" && !segments[k - 1].isEmpty()) {
        shape = Shape::Manifest;
        nameSegments = k - 2;
        last = segments[k - 1];
    } else if (k >= 3 && segments[k - 2] == u"blobs" && !segments[k - 1].isEmpty()) {
        shape = Shape::Blob;
        nameSegments = k - 2;
        last = segments[k - 1];
    } else if (k >= 3 && segments[k - 2] == u"tags" && segments[k - 1] == u"list") {
        shape = Shape::Tags;
        nameSegments = k - 2;
    } else if (k >= 3 && segments[k - 2] == u"referrers" && !segments[k - 1].isEmpty()) {
        shape = Shape::Referrers;
        nameSegments = k - 2;
        last = segments[k - 1];
    } else {
        return notFound(m);
    }

    m.allowedMethods = methodsOf(shape);
    const bool isHead = method == u"HEAD";
    const QStringView effective = isHead ? QStringView(u"GET") : method;
    if (!m.allowedMethods.contains(method)) {
        return failure(
            m, Outcome::MethodNotAllowed, QStringLiteral("method"),
            QStringLiteral("%1 is not allowed here; allowed: %2").arg(method.left(16).toString(), m.allowHeader()));
    }
    m.head = isHead;

    // The endpoint, from shape and method.
    switch (shape) {
    case Shape::Base:
        m.endpoint = Endpoint::Base;
        break;
    case Shape::Catalog:
        m.endpoint = Endpoint::Catalog;
        break;
    case Shape::Blob:
        m.endpoint = effective == u"DELETE" ? Endpoint::DeleteBlob : Endpoint::GetBlob;
        break;
    case Shape::Manifest:
        m.endpoint = effective == u"PUT"      ? Endpoint::PutManifest
                     : effective == u"DELETE" ? Endpoint::DeleteManifest
                                              : Endpoint::GetManifest;
        break;
    case Shape::Uploads:
        m.endpoint = Endpoint::StartUpload; // refined by the query below
        break;
    case Shape::Upload:
        m.endpoint = effective == u"PATCH"    ? Endpoint::PatchUpload
                     : effective == u"PUT"    ? Endpoint::CompleteUpload
                     : effective == u"DELETE" ? Endpoint::CancelUpload
                                              : Endpoint::GetUpload;
        break;
    case Shape::Tags:
        m.endpoint = Endpoint::ListTags;
        break;
    case Shape::Referrers:
        m.endpoint = Endpoint::ListReferrers;
        break;
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
        // end-11 before end-4b, as distribution does: "mount" decides. The spec ("Mounting a blob from
        // another repository") lets a registry treat "from" as optional.
        if (auto mountText = queryValue(*items, u"mount")) {
            m.endpoint = Endpoint::MountBlob;
            auto digest = Digest::parse(*mountText);
            if (!digest) {
                return failure(m, Outcome::DigestInvalid, QStringLiteral("mount"), digest.error().reason);
            }
            m.digest = std::move(digest).value();
            m.from = queryValue(*items, u"from").value_or(QString());
            if (!m.from.isEmpty()) {
                auto from = Reference::parseRepositoryPath(m.from);
                if (!from) {
                    return failure(m, Outcome::NameInvalid, QStringLiteral("from"), from.error().reason);
                }
            }
        } else if (auto digestText = queryValue(*items, u"digest")) {
            m.endpoint = Endpoint::MonolithicUpload;
            auto digest = Digest::parse(*digestText);
            if (!digest) {
                return failure(m, Outcome::DigestInvalid, digest.error());
            }
            m.digest = std::move(digest).value();
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
    QString out = m_basePath + QStringLiteral("/v2/");
    const auto named = [&](QStringView route) {
        out += encodeName(name);
        out += u'/';
        out += route;
    };
    switch (endpoint) {
    case Endpoint::Base:
        break;
    case Endpoint::Catalog:
        out += u"_catalog";
        break;
    case Endpoint::GetBlob:
    case Endpoint::DeleteBlob:
        named(u"blobs/");
        out += encodeSegment(reference);
        break;
    case Endpoint::GetManifest:
    case Endpoint::PutManifest:
    case Endpoint::DeleteManifest:
        named(u"manifests/");
        out += encodeSegment(reference);
        break;
    case Endpoint::StartUpload:
    case Endpoint::MonolithicUpload:
    case Endpoint::MountBlob:
        named(u"blobs/uploads/");
        break;
    case Endpoint::PatchUpload:
    case Endpoint::CompleteUpload:
    case Endpoint::GetUpload:
    case Endpoint::CancelUpload:
        named(u"blobs/uploads/");
        out += encodeSegment(reference);
        break;
    case Endpoint::ListTags:
        named(u"tags/list");
        break;
    case Endpoint::ListReferrers:
        named(u"referrers/");
        out += encodeSegment(reference);
        break;
    }
    return out;
}

QString Routes::tagsList(QStringView name, std::optional<int> n, QStringView last) const
{
    QString out = path(Endpoint::ListTags, name);
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
    if (!artifactType.isEmpty()) {
        appendQuery(out, u"artifactType", artifactType);
    }
    return out;
}

QString Routes::monolithicUpload(QStringView name, const Digest &digest) const
{
    QString out = path(Endpoint::MonolithicUpload, name);
    appendQuery(out, u"digest", digest.toString());
    return out;
}

QString Routes::mount(QStringView name, const Digest &digest, QStringView from) const
{
    QString out = path(Endpoint::MountBlob, name);
    appendQuery(out, u"mount", digest.toString());
    if (!from.isEmpty()) {
        appendQuery(out, u"from", from);
    }
    return out;
}

QString Routes::completeUpload(QStringView name, QStringView uploadId, const Digest &digest) const
{
    QString out = path(Endpoint::CompleteUpload, name, uploadId);
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
    switch (endpoint) {
    case Endpoint::Base:
    case Endpoint::Catalog:
    case Endpoint::GetBlob:
    case Endpoint::GetManifest:
    case Endpoint::GetUpload:
    case Endpoint::ListTags:
    case Endpoint::ListReferrers:
        return QStringLiteral("GET");
    case Endpoint::PutManifest:
    case Endpoint::CompleteUpload:
        return QStringLiteral("PUT");
    case Endpoint::DeleteBlob:
    case Endpoint::DeleteManifest:
    case Endpoint::CancelUpload:
        return QStringLiteral("DELETE");
    case Endpoint::StartUpload:
    case Endpoint::MonolithicUpload:
    case Endpoint::MountBlob:
        return QStringLiteral("POST");
    case Endpoint::PatchUpload:
        return QStringLiteral("PATCH");
    }
    return QString();
}

QString Routes::specId(Endpoint endpoint)
{
    switch (endpoint) {
    case Endpoint::Base:
        return QStringLiteral("end-1");
    case Endpoint::Catalog:
        return QStringLiteral("catalog");
    case Endpoint::GetBlob:
        return QStringLiteral("end-2");
    case Endpoint::GetManifest:
        return QStringLiteral("end-3");
    case Endpoint::StartUpload:
        return QStringLiteral("end-4a");
    case Endpoint::MonolithicUpload:
        return QStringLiteral("end-4b");
    case Endpoint::PatchUpload:
        return QStringLiteral("end-5");
    case Endpoint::CompleteUpload:
        return QStringLiteral("end-6");
    case Endpoint::PutManifest:
        return QStringLiteral("end-7");
    case Endpoint::ListTags:
        return QStringLiteral("end-8");
    case Endpoint::DeleteManifest:
        return QStringLiteral("end-9");
    case Endpoint::DeleteBlob:
        return QStringLiteral("end-10");
    case Endpoint::MountBlob:
        return QStringLiteral("end-11");
    case Endpoint::ListReferrers:
        return QStringLiteral("end-12");
    case Endpoint::GetUpload:
        return QStringLiteral("end-13");
    case Endpoint::CancelUpload:
        return QStringLiteral("end-14");
    }
    return QString();
}

} // namespace Minato::Oci
