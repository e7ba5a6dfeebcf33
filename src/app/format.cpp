#include "format.h"

#include <QLocale>

namespace Minato::App::Format {

namespace {
QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("Minato::App::Format", text, disambiguation, n);
}
} // namespace

QString plural(qint64 n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(QLocale().toString(n));
}

QString size(qint64 bytes)
{
    if (bytes < 0) {
        return QStringLiteral("—");
    }
    if (bytes < 1000) {
        return tr("%1 B").arg(QLocale().toString(bytes));
    }
    static const char *const units[] = {QT_TRANSLATE_NOOP("Minato::App::Format", "%1 kB"),
                                        QT_TRANSLATE_NOOP("Minato::App::Format", "%1 MB"),
                                        QT_TRANSLATE_NOOP("Minato::App::Format", "%1 GB"),
                                        QT_TRANSLATE_NOOP("Minato::App::Format", "%1 TB")};
    double value = double(bytes);
    int unit = -1;
    while (value >= 999.95 && unit < 3) {
        value /= 1000.0;
        ++unit;
    }
    return tr(units[unit]).arg(QLocale().toString(value, 'f', 1)); // 1.5 MB, or 1,5 MB where that is written
}

QString relativeTime(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid()) {
        return QStringLiteral("—");
    }
    const qint64 seconds = when.secsTo(now);
    if (seconds < -60) {
        return tr("in the future");
    }
    if (seconds < 60) {
        return tr("just now");
    }
    const qint64 minutes = seconds / 60;
    if (minutes < 60) {
        return plural(int(minutes), tr("1 minute ago"), tr("%1 minutes ago"));
    }
    const qint64 hours = minutes / 60;
    if (hours < 24) {
        return plural(int(hours), tr("1 hour ago"), tr("%1 hours ago"));
    }
    const qint64 days = hours / 24;
    if (days < 31) {
        return plural(int(days), tr("1 day ago"), tr("%1 days ago"));
    }
    if (days < 365) {
        return plural(int(days / 30), tr("1 month ago"), tr("%1 months ago"));
    }
    return plural(int(days / 365), tr("1 year ago"), tr("%1 years ago"));
}

QString exactTime(const QDateTime &when)
{
    if (!when.isValid()) {
        return {};
    }
    return when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

QString shortDigest(const Oci::Digest &digest)
{
    if (!digest.isValid()) {
        return {};
    }
    return digest.algorithmName() + QLatin1Char(':') + digest.shortHex(12);
}

QString platforms(const QList<Oci::Platform> &platforms, int max)
{
    QStringList parts;
    for (qsizetype i = 0; i < platforms.size() && i < max; ++i) {
        parts << platforms[i].toString();
    }
    QString text = parts.join(QStringLiteral(", "));
    if (platforms.size() > max) {
        text += QStringLiteral(" +%1").arg(platforms.size() - max);
    }
    return text;
}

} // namespace Minato::App::Format
