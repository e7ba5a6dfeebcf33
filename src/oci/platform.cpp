#include "platform.h"

#include "jsonfields.h"
#include "textutil.h"

#include <algorithm>

namespace Minato::Oci {

namespace {

// containerd's specifier grammar for each part: [A-Za-z0-9_.-]+
bool isSpecifierPart(QStringView part)
{
    if (part.isEmpty()) {
        return false;
    }
    for (QChar c : part) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'_' ||
                        c == u'.' || c == u'-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool isAllDigits(QStringView s)
{
    if (s.isEmpty()) {
        return false;
    }
    for (QChar c : s) {
        if (!Ascii::isDigit(c.unicode())) {
            return false;
        }
    }
    return true;
}

QString normalizeOs(const QString &os)
{
    QString lower = os.toLower();
    if (lower == u"macos") {
        return QStringLiteral("darwin");
    }
    return lower;
}

// Maps architecture aliases and spells variants with a leading "v" (containerd platforms/database.go).
void normalizeArchitecture(QString &arch, QString &variant)
{
    arch = arch.toLower();
    variant = variant.toLower();
    if (isAllDigits(variant)) {
        variant.prepend(u'v');
    }
    if (arch == u"i386" || arch == u"i686") {
        arch = QStringLiteral("386");
    } else if (arch == u"x86_64" || arch == u"x86-64") {
        arch = QStringLiteral("amd64");
    } else if (arch == u"aarch64") {
        arch = QStringLiteral("arm64");
    } else if (arch == u"armhf" || arch == u"armv7l" || arch == u"armv7") {
        arch = QStringLiteral("arm");
        variant = QStringLiteral("v7");
    } else if (arch == u"armel" || arch == u"armv6l" || arch == u"armv6") {
        arch = QStringLiteral("arm");
        variant = QStringLiteral("v6");
    } else if (arch == u"armv5" || arch == u"armv5l") {
        arch = QStringLiteral("arm");
        variant = QStringLiteral("v5");
    } else if (arch == u"ppc64el") {
        arch = QStringLiteral("ppc64le");
    }
    if (arch == u"arm64" && (variant == u"v8.0")) {
        variant = QStringLiteral("v8");
    }
}

Expected<Platform> platformError(const QString &reason)
{
    return Expected<Platform>::failure(QStringLiteral("platform"), reason);
}

} // namespace

QString Platform::defaultVariant(QStringView normalizedArchitecture)
{
    if (normalizedArchitecture == u"arm64") {
        return QStringLiteral("v8");
    }
    if (normalizedArchitecture == u"arm") {
        return QStringLiteral("v7");
    }
    if (normalizedArchitecture == u"amd64") {
        return QStringLiteral("v1");
    }
    return QString();
}

Expected<Platform> Platform::parse(QStringView text)
{
    QStringView rest = text.trimmed();
    if (rest.isEmpty()) {
        return platformError(QStringLiteral("is empty; expected os/architecture[/variant], such as linux/amd64"));
    }
    QString osVersion;
    // Trailing ":version" form.
    const qsizetype colon = rest.indexOf(u':');
    if (colon >= 0) {
        osVersion = rest.sliced(colon + 1).toString();
        rest = rest.first(colon);
        if (osVersion.isEmpty()) {
            return platformError(QStringLiteral("the os version after ':' is empty"));
        }
    }
    const QList<QStringView> parts = rest.split(u'/');
    if (parts.size() < 2 || parts.size() > 3) {
        return platformError(
            QStringLiteral("%1 is not os/architecture[/variant], such as linux/amd64 or linux/arm64/v8")
                .arg(quoteInput(text)));
    }
    QStringView osPart = parts[0];
    // containerd 2 form: os(version)
    const qsizetype open = osPart.indexOf(u'(');
    if (open >= 0) {
        if (!osPart.endsWith(u')') || !osVersion.isEmpty()) {
            return platformError(QStringLiteral("the os version must be written os(version), such as "
                                                "windows(10.0.17763)/amd64"));
        }
        osVersion = osPart.sliced(open + 1, osPart.size() - open - 2).toString();
        osPart = osPart.first(open);
        if (osVersion.isEmpty()) {
            return platformError(QStringLiteral("the os version in parentheses is empty"));
        }
    }
    static const char *const names[] = {"os", "architecture", "variant"};
    const QStringView checked[] = {osPart, parts[1], parts.size() == 3 ? parts[2] : QStringView(u"x")};
    for (int i = 0; i < 3; ++i) {
        if (!isSpecifierPart(checked[i])) {
            return platformError(QStringLiteral("the %1 %2 must be letters, digits, '_', '.' or '-'")
                                     .arg(QLatin1StringView(names[i]), quoteInput(checked[i])));
        }
    }
    if (!isSpecifierPart(osVersion) && !osVersion.isEmpty()) {
        return platformError(
            QStringLiteral("the os version %1 must be letters, digits, '_', '.' or '-'").arg(quoteInput(osVersion)));
    }
    Platform p;
    p.os = osPart.toString();
    p.architecture = parts[1].toString();
    if (parts.size() == 3) {
        p.variant = parts[2].toString();
    }
    p.osVersion = osVersion;
    return p.normalized();
}

// image-index.md "platform": architecture and os REQUIRED; os.version, os.features, variant OPTIONAL;
// features RESERVED (Docker manifest lists used it).
Expected<Platform> Platform::fromJson(const QJsonObject &obj, QStringView path)
{
    Platform p;
    MINATO_OCI_TRY(p.architecture, Json::requireString(obj, u"architecture", path));
    MINATO_OCI_TRY(p.os, Json::requireString(obj, u"os", path));
    MINATO_OCI_TRY(auto variant, Json::optionalString(obj, u"variant", path));
    p.variant = variant.value_or(QString());
    MINATO_OCI_TRY(auto osVersion, Json::optionalString(obj, u"os.version", path));
    p.osVersion = osVersion.value_or(QString());
    MINATO_OCI_TRY(p.osFeatures, Json::optionalStringList(obj, u"os.features", path));
    MINATO_OCI_TRY(p.features, Json::optionalStringList(obj, u"features", path));
    return p;
}

QJsonObject Platform::toJson() const
{
    QJsonObject obj;
    obj.insert(QStringLiteral("architecture"), architecture);
    obj.insert(QStringLiteral("os"), os);
    if (!osVersion.isEmpty()) {
        obj.insert(QStringLiteral("os.version"), osVersion);
    }
    if (!osFeatures.isEmpty()) {
        obj.insert(QStringLiteral("os.features"), Json::stringListToJson(osFeatures));
    }
    if (!variant.isEmpty()) {
        obj.insert(QStringLiteral("variant"), variant);
    }
    if (!features.isEmpty()) {
        obj.insert(QStringLiteral("features"), Json::stringListToJson(features));
    }
    return obj;
}

QString Platform::toString() const
{
    if (isEmpty()) {
        return QString();
    }
    QString s = os;
    if (!osVersion.isEmpty()) {
        s += u'(' + osVersion + u')';
    }
    s += u'/' + architecture;
    if (!variant.isEmpty()) {
        s += u'/' + variant;
    }
    return s;
}

Platform Platform::normalized() const
{
    Platform p = *this;
    p.os = normalizeOs(os);
    normalizeArchitecture(p.architecture, p.variant);
    return p;
}

namespace {

// "v7" → 7; -1 for anything else ("v8.1", "", "x").
int variantLevel(QStringView variant)
{
    if (variant.size() < 2 || variant.front() != u'v' || !isAllDigits(variant.sliced(1)) || variant.size() > 4) {
        return -1;
    }
    return variant.sliced(1).toInt();
}

// Windows builds: "10.0.17763.5329" (major.minor.build.revision) runs what asks for "10.0.17763"; the
// revision is a patch level (containerd's Windows matcher compares major.minor.build). Versions with fewer
// than three components compare exactly.
bool sameOsBuild(QStringView have, QStringView want)
{
    const auto prefix = [](QStringView v) -> QStringView {
        qsizetype dots = 0;
        for (qsizetype i = 0; i < v.size(); ++i) {
            if (v[i] == u'.' && ++dots == 3) {
                return v.first(i);
            }
        }
        return dots == 2 ? v : QStringView();
    };
    const QStringView h = prefix(have);
    const QStringView w = prefix(want);
    if (h.isEmpty() || w.isEmpty()) {
        return have == want;
    }
    return h == w;
}

struct Compared
{
    bool sameOsArch = false;
    QString haveVariant; // with the default filled in
    QString wantVariant;
    Platform have;
    Platform want;
};

Compared compare(const Platform &entry, const Platform &wanted)
{
    Compared c;
    c.have = entry.normalized();
    c.want = wanted.normalized();
    c.sameOsArch = c.have.os == c.want.os && c.have.architecture == c.want.architecture;
    const QString defaultV = Platform::defaultVariant(c.have.architecture);
    c.haveVariant = c.have.variant.isEmpty() ? defaultV : c.have.variant;
    c.wantVariant = c.want.variant.isEmpty() ? defaultV : c.want.variant;
    return c;
}

} // namespace

bool Platform::matchesExactly(const Platform &wanted) const
{
    const Compared c = compare(*this, wanted);
    if (!c.sameOsArch || c.haveVariant != c.wantVariant) {
        return false;
    }
    return c.want.osVersion.isEmpty() || c.have.osVersion == c.want.osVersion;
}

bool Platform::matches(const Platform &wanted) const
{
    const Compared c = compare(*this, wanted);
    if (!c.sameOsArch) {
        return false;
    }
    if (c.haveVariant != c.wantVariant) {
        // containerd's platforms.Only(): an arm CPU runs code built for an older arm variant (v8 runs v7, v6,
        // v5), and an amd64 micro-architecture level runs the lower levels (v3 runs v2 and v1). arm64 has
        // one variant here (v8 ≡ none, through defaultVariant()).
        const bool ordered = c.have.architecture == u"arm" || c.have.architecture == u"amd64";
        const int haveLevel = variantLevel(c.haveVariant);
        const int wantLevel = variantLevel(c.wantVariant);
        if (!ordered || haveLevel < 0 || wantLevel < 0 || haveLevel > wantLevel) {
            return false;
        }
    }
    if (!c.want.osVersion.isEmpty() && !sameOsBuild(c.have.osVersion, c.want.osVersion)) {
        return false;
    }
    return true;
}

int Platform::compatibilityRank(const Platform &wanted) const
{
    if (!matches(wanted)) {
        return -1;
    }
    const Compared c = compare(*this, wanted);
    // Highest variant first (v7 before v6 for a wanted v7); an exact os.version before a same-build one.
    const int level = std::max(variantLevel(c.haveVariant), 0);
    const bool exactVersion = c.have.osVersion == c.want.osVersion;
    return level * 2 + (exactVersion ? 1 : 0);
}

bool Platform::isUnknown() const
{
    return os == u"unknown" && architecture == u"unknown";
}

} // namespace Minato::Oci
