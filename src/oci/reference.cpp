#include "reference.h"

#include "textutil.h"

#include <algorithm>
#include <array>
#include <optional>

namespace Minato::Oci {

namespace {

const QString kNameField = QStringLiteral("name");
const QString kDomainField = QStringLiteral("domain");
const QString kTagField = QStringLiteral("tag");

constexpr QStringView kLibraryPrefix = u"library/";
constexpr QStringView kLegacyDockerHubDomain = u"index.docker.io";
constexpr QStringView kLocalhost = u"localhost";

bool isLowerAlnum(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
}

bool isUpper(QChar c)
{
    return c >= u'A' && c <= u'Z';
}

bool isDigit(QChar c)
{
    return Ascii::isDigit(c.unicode());
}

// \w in the tag grammar is ASCII only (Go's RE2): [0-9A-Za-z_].
bool isWordChar(QChar c)
{
    return isLowerAlnum(c) || isUpper(c) || c == u'_';
}

bool isDomainComponentChar(QChar c)
{
    return isLowerAlnum(c) || isUpper(c) || c == u'-';
}

bool hasUpper(QStringView s)
{
    for (QChar c : s) {
        if (isUpper(c)) {
            return true;
        }
    }
    return false;
}

// A character as a person reads it in a message: 'x' when printable ASCII, U+XXXX otherwise.
QString describeChar(QChar c)
{
    if (c.unicode() > 0x20 && c.unicode() < 0x7f) {
        return u'\'' + QString(c) + u'\'';
    }
    return QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper();
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | [-]+
// Upper-case letters are scanned as letters so that "Docker" is reported as "must be lowercase" (the
// reason docker gives) rather than as an invalid character.
std::optional<QString> checkPathComponent(QStringView component)
{
    if (component.isEmpty()) {
        return QStringLiteral("must not contain an empty path component (a leading, trailing or doubled '/')");
    }
    for (QChar c : component) {
        if (!isLowerAlnum(c) && !isUpper(c) && c != u'.' && c != u'_' && c != u'-') {
            return QStringLiteral("path component %1 contains an invalid character %2")
                .arg(quoteInput(component), describeChar(c));
        }
    }
    const auto isLetterOrDigit = [](QChar c) { return isLowerAlnum(c) || isUpper(c); };
    if (!isLetterOrDigit(component.front())) {
        return QStringLiteral("path component %1 must start with a lowercase letter or digit")
            .arg(quoteInput(component));
    }
    if (!isLetterOrDigit(component.back())) {
        return QStringLiteral("path component %1 must end with a lowercase letter or digit").arg(quoteInput(component));
    }
    qsizetype i = 0;
    while (i < component.size()) {
        if (isLetterOrDigit(component[i])) {
            ++i;
            continue;
        }
        const qsizetype start = i;
        while (i < component.size() && !isLetterOrDigit(component[i])) {
            ++i;
        }
        const QStringView separator = component.sliced(start, i - start);
        bool allDashes = true;
        for (QChar c : separator) {
            allDashes = allDashes && c == u'-';
        }
        const bool valid = separator == u"." || separator == u"_" || separator == u"__" || allDashes;
        if (!valid) {
            return QStringLiteral("path component %1 has an invalid separator %2 (allowed between letters and "
                                  "digits: '.', '_', '__' or one or more '-')")
                .arg(quoteInput(component), quoteInput(separator));
        }
    }
    if (hasUpper(component)) {
        return QStringLiteral("repository name must be lowercase (%1)").arg(quoteInput(component));
    }
    return std::nullopt;
}

// The groups of an IPv6 address in the forms the grammar allows: full or "::"-compressed hex groups, no
// zone identifier, no embedded IPv4 (the grammar's character class excludes '%' and '.').
std::optional<std::array<quint16, 8>> parseIpv6(QStringView s)
{
    const auto parseGroups = [](QStringView part, QList<quint16> &out) -> bool {
        if (part.isEmpty()) {
            return true;
        }
        qsizetype start = 0;
        while (true) {
            qsizetype end = part.indexOf(u':', start);
            if (end < 0) {
                end = part.size();
            }
            const QStringView group = part.sliced(start, end - start);
            if (group.isEmpty() || group.size() > 4) {
                return false;
            }
            quint16 value = 0;
            for (QChar c : group) {
                const int digit = Ascii::hexValue(c.unicode());
                if (digit < 0) {
                    return false;
                }
                value = static_cast<quint16>(value * 16 + digit);
            }
            out.append(value);
            if (out.size() > 8) {
                return false;
            }
            if (end == part.size()) {
                return true;
            }
            start = end + 1;
        }
    };

    if (s.isEmpty()) {
        return std::nullopt;
    }
    const qsizetype compressed = s.indexOf(u"::");
    QList<quint16> left;
    QList<quint16> right;
    if (compressed < 0) {
        if (!parseGroups(s, left) || left.size() != 8) {
            return std::nullopt;
        }
    } else {
        if (s.indexOf(u"::", compressed + 1) >= 0) {
            return std::nullopt; // "::" may appear once; ":::" is caught here too
        }
        if (!parseGroups(s.first(compressed), left) || !parseGroups(s.sliced(compressed + 2), right) ||
            left.size() + right.size() > 7) {
            return std::nullopt;
        }
    }
    std::array<quint16, 8> groups{};
    for (qsizetype i = 0; i < left.size(); ++i) {
        groups[static_cast<size_t>(i)] = left[i];
    }
    for (qsizetype i = 0; i < right.size(); ++i) {
        groups[static_cast<size_t>(8 - right.size() + i)] = right[i];
    }
    return groups;
}

// Four decimal numbers 0-255 separated by dots, or nothing.
std::optional<std::array<int, 4>> parseIpv4(QStringView s)
{
    std::array<int, 4> parts{};
    int index = 0;
    qsizetype i = 0;
    while (index < 4) {
        const qsizetype start = i;
        int value = 0;
        while (i < s.size() && isDigit(s[i]) && i - start < 3) {
            value = value * 10 + (s[i].unicode() - '0');
            ++i;
        }
        if (i == start || value > 255) {
            return std::nullopt;
        }
        parts[static_cast<size_t>(index++)] = value;
        if (index < 4) {
            if (i >= s.size() || s[i] != u'.') {
                return std::nullopt;
            }
            ++i;
        }
    }
    if (i != s.size()) {
        return std::nullopt;
    }
    return parts;
}

// The domain split into host and port text; hasPort tells ":" was present (the port may then be empty).
struct DomainParts
{
    QStringView host;
    QStringView port;
    bool hasPort = false;
};

DomainParts splitDomainParts(QStringView domain)
{
    DomainParts parts;
    qsizetype colon = -1;
    if (domain.startsWith(u'[')) {
        const qsizetype close = domain.indexOf(u']');
        if (close >= 0 && close + 1 < domain.size() && domain[close + 1] == u':') {
            colon = close + 1;
        }
    } else {
        colon = domain.indexOf(u':');
    }
    parts.host = colon >= 0 ? domain.first(colon) : domain;
    if (colon >= 0) {
        parts.hasPort = true;
        parts.port = domain.sliced(colon + 1);
    }
    return parts;
}

std::optional<QString> checkDomain(QStringView domain)
{
    if (domain.isEmpty()) {
        return QStringLiteral("is empty");
    }
    QStringView rest; // what follows the host: empty or ":port"
    if (domain.startsWith(u'[')) {
        const qsizetype close = domain.indexOf(u']');
        if (close < 0) {
            return QStringLiteral("the IPv6 address %1 has no closing ']'").arg(quoteInput(domain));
        }
        const QStringView address = domain.sliced(1, close - 1);
        if (!parseIpv6(address)) {
            return QStringLiteral("%1 is not a valid IPv6 address (hex groups, optionally compressed with '::'; "
                                  "no zone or embedded IPv4)")
                .arg(quoteInput(address));
        }
        rest = domain.sliced(close + 1);
        if (!rest.isEmpty() && rest.front() != u':') {
            return QStringLiteral("only \":port\" may follow the IPv6 address, not %1").arg(quoteInput(rest));
        }
    } else {
        const qsizetype colon = domain.indexOf(u':');
        const QStringView host = colon >= 0 ? domain.first(colon) : domain;
        rest = colon >= 0 ? domain.sliced(colon) : QStringView();
        qsizetype start = 0;
        while (true) {
            qsizetype end = host.indexOf(u'.', start);
            if (end < 0) {
                end = host.size();
            }
            const QStringView component = host.sliced(start, end - start);
            if (component.isEmpty()) {
                return QStringLiteral("host %1 has an empty component (a leading, trailing or doubled '.')")
                    .arg(quoteInput(host));
            }
            for (QChar c : component) {
                if (!isDomainComponentChar(c)) {
                    return QStringLiteral("host %1 contains an invalid character %2")
                        .arg(quoteInput(host), describeChar(c));
                }
            }
            if (component.front() == u'-' || component.back() == u'-') {
                return QStringLiteral("host component %1 must not start or end with '-'").arg(quoteInput(component));
            }
            if (end == host.size()) {
                break;
            }
            start = end + 1;
        }
    }
    if (!rest.isEmpty()) {
        // rest is ":digits". The grammar allows any number of digits; a port outside 1-65535 could never
        // be connected to, so it is refused here rather than at connection time.
        const QStringView port = rest.sliced(1);
        if (port.isEmpty()) {
            return QStringLiteral("the port after ':' is empty");
        }
        int value = 0;
        for (QChar c : port) {
            if (!isDigit(c)) {
                return QStringLiteral("port %1 must be a number").arg(quoteInput(port));
            }
            value = std::min(value * 10 + (c.unicode() - '0'), 100000);
        }
        if (value < 1 || value > 65535) {
            return QStringLiteral("port %1 must be from 1 to 65535").arg(quoteInput(port));
        }
    }
    return std::nullopt;
}

std::optional<QString> checkPath(QStringView path)
{
    if (path.isEmpty()) {
        return QStringLiteral("is empty; a repository name has at least one path component");
    }
    qsizetype start = 0;
    while (true) {
        qsizetype end = path.indexOf(u'/', start);
        if (end < 0) {
            end = path.size();
        }
        if (auto reason = checkPathComponent(path.sliced(start, end - start))) {
            return reason;
        }
        if (end == path.size()) {
            break;
        }
        start = end + 1;
    }
    if (path.size() > Reference::MaxPathLength) {
        return QStringLiteral("repository path must be %1 characters or fewer (it has %2)")
            .arg(Reference::MaxPathLength)
            .arg(path.size());
    }
    return std::nullopt;
}

std::optional<QString> checkTag(QStringView tag)
{
    if (tag.isEmpty()) {
        return QStringLiteral("is empty (nothing follows ':')");
    }
    if (!isWordChar(tag.front())) {
        return QStringLiteral("must start with a letter, a digit or '_', not %1").arg(describeChar(tag.front()));
    }
    for (QChar c : tag) {
        if (!isWordChar(c) && c != u'.' && c != u'-') {
            return QStringLiteral("contains an invalid character %1 (allowed: letters, digits, '_', '.', '-')")
                .arg(describeChar(c));
        }
    }
    if (tag.size() > Reference::MaxTagLength) {
        return QStringLiteral("must be %1 characters or fewer (it has %2)")
            .arg(Reference::MaxTagLength)
            .arg(tag.size());
    }
    return std::nullopt;
}

// A name split into domain and path by the grammar: the first element is the domain when it is a valid
// domain and more elements follow. Errors carry the field of the part at fault.
struct NameParts
{
    QString domain;
    QString path;
};

Expected<NameParts> splitName(QStringView name)
{
    if (name.isEmpty()) {
        return Expected<NameParts>::failure(kNameField, QStringLiteral("is empty; a reference starts with a "
                                                                       "repository name"));
    }
    const qsizetype slash = name.indexOf(u'/');
    if (slash < 0) {
        if (auto reason = checkPath(name)) {
            return Expected<NameParts>::failure(kNameField, *reason);
        }
        return NameParts{QString(), name.toString()};
    }
    const QStringView first = name.first(slash);
    const QStringView remainder = name.sliced(slash + 1);
    const std::optional<QString> domainReason = checkDomain(first);
    if (!domainReason) {
        if (auto reason = checkPath(remainder)) {
            return Expected<NameParts>::failure(kNameField, *reason);
        }
        return NameParts{first.toString(), remainder.toString()};
    }
    const std::optional<QString> pathReason = checkPath(name);
    if (!pathReason) {
        return NameParts{QString(), name.toString()};
    }
    // Neither reading works. Characters only a domain may hold say which error helps the person.
    const bool looksLikeDomain = first.contains(u':') || first.contains(u'[') || first.contains(u']');
    if (looksLikeDomain) {
        return Expected<NameParts>::failure(kDomainField, *domainReason);
    }
    return Expected<NameParts>::failure(kNameField, *pathReason);
}

struct ReferenceParts
{
    QString domain;
    QString path;
    QString tag;
    Digest digest;
};

// name [":" tag] ["@" digest], checked left to right so the first error a person would see is reported.
// When fixedDomain is given the whole name is the path: normalised parsing has already chosen the domain.
Expected<ReferenceParts> parseParts(QStringView text, const QString *fixedDomain)
{
    if (text.isEmpty()) {
        return Expected<ReferenceParts>::failure(kNameField, QStringLiteral("is empty"));
    }
    if (!fixedDomain && text.startsWith(u'[')) {
        // '[' can only open an IPv6 domain, which ends at the first '/'. Splitting it off first keeps its
        // ':' (and a zone's '%' or '@') from being read as a tag or digest separator.
        const qsizetype slash = text.indexOf(u'/');
        if (slash < 0) {
            return Expected<ReferenceParts>::failure(
                kNameField, QStringLiteral("the registry address %1 must be followed by '/' and a repository path")
                                .arg(quoteInput(text)));
        }
        const QString domain = text.first(slash).toString();
        if (auto reason = checkDomain(domain)) {
            return Expected<ReferenceParts>::failure(kDomainField, *reason);
        }
        return parseParts(text.sliced(slash + 1), &domain);
    }
    const qsizetype at = text.indexOf(u'@');
    const QStringView nameAndTag = at >= 0 ? text.first(at) : text;
    const qsizetype lastSlash = nameAndTag.lastIndexOf(u'/');
    const qsizetype lastColon = nameAndTag.lastIndexOf(u':');
    // A tag holds no ':' or '/', and a name holds ':' only in its domain (before the first '/'), so a ':'
    // after the last '/' can only start the tag: "test.com:5000" is the name "test.com" tagged "5000".
    const bool hasTagSeparator = lastColon > lastSlash;
    const QStringView nameText = hasTagSeparator ? nameAndTag.first(lastColon) : nameAndTag;

    ReferenceParts parts;
    if (fixedDomain) {
        if (auto reason = checkPath(nameText)) {
            return Expected<ReferenceParts>::failure(kNameField, *reason);
        }
        parts.domain = *fixedDomain;
        parts.path = nameText.toString();
    } else {
        auto split = splitName(nameText);
        if (!split) {
            return split.error();
        }
        parts.domain = std::move(split.value().domain);
        parts.path = std::move(split.value().path);
    }

    if (hasTagSeparator) {
        const QStringView tag = nameAndTag.sliced(lastColon + 1);
        if (auto reason = checkTag(tag)) {
            return Expected<ReferenceParts>::failure(kTagField, *reason);
        }
        parts.tag = tag.toString();
    }

    if (at >= 0) {
        // Digest::parse refuses algorithms other than sha256/sha512 with a reason; the reference grammar
        // would accept them syntactically, but no registry we talk to can serve them.
        auto digest = Digest::parse(text.sliced(at + 1));
        if (!digest) {
            return digest.error();
        }
        parts.digest = std::move(digest).value();
    }
    return parts;
}

// identifier := /[a-f0-9]{64}/ — what `docker images` shows as an image ID.
bool isImageIdentifier(QStringView text)
{
    return Ascii::isLowerHexString(text, 64);
}

} // namespace

Reference::Reference(QString domain, QString path, QString tag, Digest digest)
    : m_domain(std::move(domain))
    , m_path(std::move(path))
    , m_tag(std::move(tag))
    , m_digest(std::move(digest))
{}

Expected<Reference> Reference::parse(QStringView text)
{
    auto parts = parseParts(text, nullptr);
    if (!parts) {
        return parts.error();
    }
    ReferenceParts &p = parts.value();
    return Reference(std::move(p.domain), std::move(p.path), std::move(p.tag), std::move(p.digest));
}

Expected<Reference> Reference::parseNormalized(QStringView text)
{
    if (isImageIdentifier(text)) {
        return Expected<Reference>::failure(
            kNameField, QStringLiteral("a name of 64 hexadecimal characters is ambiguous with an image ID; "
                                       "prefix a registry (docker.io/…) to use it as a repository name"));
    }
    // docker's splitDockerDomain: the first element is a domain only when it cannot be a Docker Hub
    // namespace (namespaces are lowercase and have no '.' or ':'), or is the reserved name "localhost".
    // A single element ("alpine", "alpine:3", even "localhost:5000") is always on Docker Hub.
    QString domain = dockerHubDomain();
    QStringView remainder = text;
    const qsizetype slash = text.indexOf(u'/');
    if (slash >= 0) {
        const QStringView first = text.first(slash);
        if (first == kLegacyDockerHubDomain) {
            remainder = text.sliced(slash + 1);
        } else if (first == kLocalhost || first.contains(u'.') || first.contains(u':') || hasUpper(first)) {
            domain = first.toString();
            remainder = text.sliced(slash + 1);
        }
    }
    if (domain != dockerHubDomain()) {
        // Unlike docker, a chosen domain that is not valid is an error: docker would silently read
        // "foo_bar.com/app" as a domain-less path, which then means something else than was typed.
        if (auto reason = checkDomain(domain)) {
            return Expected<Reference>::failure(kDomainField, *reason);
        }
    }
    QString path;
    const qsizetype nameEnd = [&] {
        const qsizetype at = remainder.indexOf(u'@');
        return at >= 0 ? at : remainder.size();
    }();
    if (domain == dockerHubDomain() && !remainder.first(nameEnd).contains(u'/')) {
        // Official images live in the "library" namespace: docker.io/ubuntu is docker.io/library/ubuntu.
        const QString prefixed = kLibraryPrefix.toString().append(remainder);
        auto parts = parseParts(prefixed, &domain);
        if (!parts) {
            return parts.error();
        }
        ReferenceParts &p = parts.value();
        return Reference(std::move(p.domain), std::move(p.path), std::move(p.tag), std::move(p.digest));
    }
    auto parts = parseParts(remainder, &domain);
    if (!parts) {
        return parts.error();
    }
    ReferenceParts &p = parts.value();
    return Reference(std::move(p.domain), std::move(p.path), std::move(p.tag), std::move(p.digest));
}

Expected<Reference> Reference::parseDockerRef(QStringView text)
{
    auto ref = parseNormalized(text);
    if (!ref) {
        return ref;
    }
    if (ref->hasTag() && ref->hasDigest()) {
        return ref->withoutTag();
    }
    return ref->withDefaultTag();
}

Expected<Reference> Reference::parseName(QStringView text)
{
    if (text.contains(u'@')) {
        return Expected<Reference>::failure(kNameField, QStringLiteral("must be a name without a digest"));
    }
    if (text.lastIndexOf(u':') > text.lastIndexOf(u'/')) {
        return Expected<Reference>::failure(kNameField, QStringLiteral("must be a name without a tag"));
    }
    auto parts = parseParts(text, nullptr);
    if (!parts) {
        return parts.error();
    }
    ReferenceParts &p = parts.value();
    return Reference(std::move(p.domain), std::move(p.path), QString(), Digest());
}

Expected<QString> Reference::parseTag(QStringView tag)
{
    if (auto reason = checkTag(tag)) {
        return Expected<QString>::failure(kTagField, *reason);
    }
    return tag.toString();
}

Expected<QString> Reference::parseRepositoryPath(QStringView path)
{
    if (auto reason = checkPath(path)) {
        return Expected<QString>::failure(kNameField, *reason);
    }
    return path.toString();
}

Expected<QString> Reference::parseDomain(QStringView domain)
{
    if (auto reason = checkDomain(domain)) {
        return Expected<QString>::failure(kDomainField, *reason);
    }
    return domain.toString();
}

QString Reference::name() const
{
    return m_domain.isEmpty() ? m_path : m_domain + u'/' + m_path;
}

QString Reference::host() const
{
    return splitDomainParts(m_domain).host.toString();
}

int Reference::port() const
{
    const DomainParts parts = splitDomainParts(m_domain);
    if (!parts.hasPort) {
        return -1;
    }
    bool ok = false;
    const int value = parts.port.toInt(&ok);
    return ok ? value : -1;
}

bool Reference::isLoopback() const
{
    const QStringView hostText = splitDomainParts(m_domain).host;
    if (hostText.compare(kLocalhost, Qt::CaseInsensitive) == 0) {
        return true;
    }
    if (hostText.startsWith(u'[') && hostText.endsWith(u']')) {
        const auto groups = parseIpv6(hostText.sliced(1, hostText.size() - 2));
        return groups && *groups == std::array<quint16, 8>{0, 0, 0, 0, 0, 0, 0, 1};
    }
    const auto ipv4 = parseIpv4(hostText);
    return ipv4 && (*ipv4)[0] == 127;
}

bool Reference::isDockerHub() const
{
    // Only a stated Hub domain: a reference without a domain (parse(u"alpine")) has no "library/" and is
    // not what docker would pull, so it is not treated as Hub. registry-1 is where Hub's API actually lives.
    return m_domain == dockerHubDomain() || m_domain == kLegacyDockerHubDomain || m_domain == dockerHubApiHost();
}

QString Reference::registryHost() const
{
    return isDockerHub() ? dockerHubApiHost() : m_domain;
}

QUrl Reference::apiEndpoint(const QString &scheme) const
{
    if (m_domain.isEmpty()) {
        return QUrl(); // no registry stated: invalid
    }
    QUrl url;
    url.setScheme(scheme);
    if (isDockerHub()) {
        url.setHost(dockerHubApiHost());
        return url;
    }
    QString hostText = host();
    if (hostText.startsWith(u'[') && hostText.endsWith(u']')) {
        hostText = hostText.mid(1, hostText.size() - 2); // QUrl adds the brackets itself
    }
    url.setHost(hostText);
    url.setPort(port());
    return url;
}

QString Reference::toString() const
{
    if (!isValid()) {
        return QString();
    }
    QString out = name();
    if (hasTag()) {
        out += u':' + m_tag;
    }
    if (hasDigest()) {
        out += u'@' + m_digest.toString();
    }
    return out;
}

QString Reference::familiarName() const
{
    if (m_domain != dockerHubDomain()) {
        return name();
    }
    // Only a lone "library/x" is shortened: "library/foo/bar" keeps its namespace, as docker does.
    if (m_path.startsWith(kLibraryPrefix)) {
        const QStringView rest = QStringView(m_path).sliced(kLibraryPrefix.size());
        if (!rest.contains(u'/')) {
            return rest.toString();
        }
    }
    // Unlike docker, keep "docker.io/" when the first element would read back as a domain: the familiar
    // form of docker.io/foo.io/app is not "foo.io/app", which names another registry (found by fuzzing).
    const qsizetype slash = m_path.indexOf(u'/');
    if (slash >= 0) {
        const QStringView first = QStringView(m_path).first(slash);
        if (first == kLocalhost || first.contains(u'.') || first.contains(u':')) {
            return name();
        }
    }
    return m_path;
}

QString Reference::familiarString() const
{
    if (!isValid()) {
        return QString();
    }
    QString out = familiarName();
    if (hasTag()) {
        out += u':' + m_tag;
    }
    if (hasDigest()) {
        out += u'@' + m_digest.toString();
    }
    return out;
}

Expected<Reference> Reference::withTag(QStringView tag) const
{
    if (auto reason = checkTag(tag)) {
        return Expected<Reference>::failure(kTagField, *reason);
    }
    Reference copy = *this;
    copy.m_tag = tag.toString();
    return copy;
}

Reference Reference::withDigest(const Digest &digest) const
{
    Reference copy = *this;
    copy.m_digest = digest;
    return copy;
}

Reference Reference::withoutTag() const
{
    Reference copy = *this;
    copy.m_tag.clear();
    return copy;
}

Reference Reference::withoutDigest() const
{
    Reference copy = *this;
    copy.m_digest = Digest();
    return copy;
}

Reference Reference::nameOnly() const
{
    return Reference(m_domain, m_path, QString(), Digest());
}

Reference Reference::withDefaultTag() const
{
    if (!isValid() || !isNameOnly()) {
        return *this;
    }
    Reference copy = *this;
    copy.m_tag = defaultTag();
    return copy;
}

} // namespace Minato::Oci
