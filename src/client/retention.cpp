#include "retention.h"

#include "registryclient.h"
#include "tagsquery.h"
#include "vendorapi.h"
#include "vendortagsquery.h"

#include "oci/imageconfig.h"

#include <QRegularExpressionMatch>

#include <algorithm>

namespace Minato::Client {

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
constexpr qint64 kWeek = 7 * kDay;
constexpr qint64 kMaxAge = 100 * 366 * kDay;

// Digit runs compare by value ("v1.10" > "v1.9"); the rest character by character; equal texts by code point.
int naturalCompare(const QString &a, const QString &b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (a.at(i).isDigit() && b.at(j).isDigit()) {
            qsizetype ei = i;
            qsizetype ej = j;
            while (ei < a.size() && a.at(ei).isDigit()) {
                ++ei;
            }
            while (ej < b.size() && b.at(ej).isDigit()) {
                ++ej;
            }
            QStringView da = QStringView(a).mid(i, ei - i);
            QStringView db = QStringView(b).mid(j, ej - j);
            while (da.size() > 1 && da.front() == u'0') {
                da = da.mid(1);
            }
            while (db.size() > 1 && db.front() == u'0') {
                db = db.mid(1);
            }
            if (da.size() != db.size()) {
                return da.size() < db.size() ? -1 : 1;
            }
            if (const int c = da.compare(db); c != 0) {
                return c < 0 ? -1 : 1;
            }
            i = ei;
            j = ej;
            continue;
        }
        if (a.at(i) != b.at(j)) {
            return a.at(i) < b.at(j) ? -1 : 1;
        }
        ++i;
        ++j;
    }
    if (i < a.size() || j < b.size()) {
        return i < a.size() ? 1 : -1;
    }
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool isDated(const QDateTime &created)
{
    return created.isValid() && !Oci::ImageConfig::isPlaceholderTime(created);
}

QString plural(qint64 n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString newestReason(int keepLast)
{
    return keepLast == 1 ? QStringLiteral("the newest") : QStringLiteral("among the %1 newest").arg(keepLast);
}

// m_current while dates are read. A cancel() from a progress() slot runs inside the provider's own
// metadataChanged(): deleting the provider there would pull it from under its caller, so the guard is what
// CompositeOperation deletes, and it stops the provider's queue and deletes it later.
class ProviderGuard final : public QObject
{
public:
    ProviderGuard(TagMetadataProvider *provider, QObject *parent)
        : QObject(parent)
        , m_provider(provider)
    {}
    ~ProviderGuard() override
    {
        if (m_provider) {
            m_provider->cancelQueued();
            m_provider->deleteLater(); // its jobs' requests are aborted with it
        }
    }
    Q_DISABLE_COPY_MOVE(ProviderGuard)

private:
    QPointer<TagMetadataProvider> m_provider;
};

} // namespace

// ---- rules -----------------------------------------------------------------------------------------------------

QString RetentionRules::problem() const
{
    if (keepLast < -1) {
        return QStringLiteral("keepLast must be a number of tags (0 or more), or -1 for no such rule");
    }
    if (!hasRule()) {
        return QStringLiteral("no rule given: keep the N newest tags, delete tags older than an age, or both");
    }
    if (olderThanSeconds && (*olderThanSeconds <= 0 || *olderThanSeconds > kMaxAge)) {
        return QStringLiteral("the age must be more than 0 and at most 100 years");
    }
    if (!match.isValid()) {
        return QStringLiteral("the pattern %1 is not a valid regular expression: %2")
            .arg(match.pattern(), match.errorString());
    }
    return {};
}

std::optional<qint64> parseRetentionAge(const QString &text)
{
    static const QRegularExpression part(QStringLiteral("(\\d{1,9})([smhdw])"));
    if (text.isEmpty()) {
        return std::nullopt;
    }
    qint64 total = 0;
    qsizetype at = 0;
    while (at < text.size()) {
        const QRegularExpressionMatch m =
            part.match(text, at, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch()) {
            return std::nullopt;
        }
        const qint64 n = m.captured(1).toLongLong();
        qint64 unit = 1;
        switch (m.captured(2).at(0).unicode()) {
        case u'm':
            unit = kMinute;
            break;
        case u'h':
            unit = kHour;
            break;
        case u'd':
            unit = kDay;
            break;
        case u'w':
            unit = kWeek;
            break;
        default:
            break;
        }
        if (n > kMaxAge / unit) {
            return std::nullopt;
        }
        total += n * unit;
        if (total > kMaxAge) {
            return std::nullopt;
        }
        at = m.capturedEnd(0);
    }
    if (total <= 0) {
        return std::nullopt;
    }
    return total;
}

QString describeRetentionAge(qint64 seconds)
{
    if (seconds > 0 && seconds % kWeek == 0) {
        return plural(seconds / kWeek, "week", "weeks");
    }
    QStringList parts;
    const qint64 days = seconds / kDay;
    const qint64 hours = (seconds % kDay) / kHour;
    const qint64 minutes = (seconds % kHour) / kMinute;
    const qint64 rest = seconds % kMinute;
    if (days > 0) {
        parts.append(plural(days, "day", "days"));
    }
    if (hours > 0) {
        parts.append(plural(hours, "hour", "hours"));
    }
    if (minutes > 0) {
        parts.append(plural(minutes, "minute", "minutes"));
    }
    if (rest > 0 || parts.isEmpty()) {
        parts.append(plural(rest, "second", "seconds"));
    }
    return parts.join(u' ');
}

QList<RetentionItem> evaluateRetention(const RetentionRules &rules, const QList<RetentionInput> &tags,
                                       const QDateTime &now)
{
    const bool everyTag = rules.match.pattern().isEmpty();
    QList<RetentionItem> items;
    QHash<QString, QString> notes;
    items.reserve(tags.size());
    for (const RetentionInput &input : tags) {
        RetentionItem item;
        item.tag = input.tag;
        item.digest = input.digest;
        item.created = input.created;
        item.candidate = everyTag || rules.match.match(input.tag).hasMatch();
        items.append(item);
        if (!input.dateNote.isEmpty()) {
            notes.insert(input.tag, input.dateNote);
        }
    }
    std::stable_sort(items.begin(), items.end(), [](const RetentionItem &a, const RetentionItem &b) {
        const bool da = isDated(a.created);
        const bool db = isDated(b.created);
        if (da != db) {
            return da;
        }
        if (da && a.created != b.created) {
            return a.created > b.created;
        }
        return naturalCompare(a.tag, b.tag) > 0;
    });

    const QDateTime cutoff = rules.olderThanSeconds ? now.toUTC().addSecs(-*rules.olderThanSeconds) : QDateTime();
    const QString age = rules.olderThanSeconds ? describeRetentionAge(*rules.olderThanSeconds) : QString();
    int keptByCount = 0;
    for (RetentionItem &item : items) {
        if (!item.candidate) {
            item.action = RetentionItem::Action::Keep;
            item.reason = QStringLiteral("does not match %1").arg(rules.match.pattern());
        } else if (!isDated(item.created)) {
            item.action = RetentionItem::Action::Keep;
            if (item.created.isValid()) {
                item.reason = QStringLiteral("no created date (%1 is a reproducible-build placeholder): kept")
                                  .arg(item.created.toUTC().toString(Qt::ISODate));
            } else if (const QString note = notes.value(item.tag); !note.isEmpty()) {
                item.reason = QStringLiteral("no created date: kept (%1)").arg(note);
            } else {
                item.reason = QStringLiteral("no created date: kept");
            }
        } else if (rules.keepLast > 0 && keptByCount < rules.keepLast) {
            ++keptByCount;
            item.action = RetentionItem::Action::Keep;
            item.reason = newestReason(rules.keepLast);
        } else if (rules.olderThanSeconds) {
            // "Older than" is strict: a tag created exactly at the cutoff stays.
            if (item.created.toUTC() < cutoff) {
                item.action = RetentionItem::Action::Delete;
                item.reason = QStringLiteral("older than %1").arg(age);
                if (rules.keepLast > 0) {
                    item.reason += QStringLiteral(", not ") + newestReason(rules.keepLast);
                }
            } else {
                item.action = RetentionItem::Action::Keep;
                item.reason = QStringLiteral("newer than %1").arg(age);
            }
        } else {
            item.action = RetentionItem::Action::Delete;
            item.reason = rules.keepLast == 0 ? QStringLiteral("keep 0: no tag is kept by count")
                                              : QStringLiteral("not ") + newestReason(rules.keepLast);
        }
    }

    QHash<Oci::Digest, QStringList> keptOn;
    for (const RetentionItem &item : std::as_const(items)) {
        if (item.action == RetentionItem::Action::Keep && item.digest.isValid()) {
            keptOn[item.digest].append(item.tag);
        }
    }
    for (RetentionItem &item : items) {
        if (item.action != RetentionItem::Action::Delete || !item.digest.isValid()) {
            continue;
        }
        QStringList kept = keptOn.value(item.digest);
        if (kept.isEmpty()) {
            continue;
        }
        std::sort(kept.begin(), kept.end(),
                  [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });
        item.sharesWithKept = kept;
        item.reason += QStringLiteral("; shares its image with kept %1 %2: only the tag name goes")
                           .arg(QLatin1String(kept.size() == 1 ? "tag" : "tags"), kept.join(QStringLiteral(", ")));
    }
    return items;
}

QStringList RetentionPlan::toDelete() const
{
    QStringList tags;
    for (const RetentionItem &item : items) {
        if (item.action == RetentionItem::Action::Delete) {
            tags.append(item.tag);
        }
    }
    return tags;
}

int RetentionPlan::deleteCount() const
{
    return int(toDelete().size());
}

// ---- the query -------------------------------------------------------------------------------------------------

RetentionPlanQuery::RetentionPlanQuery(RegistryClient *client, QString repository, RetentionRules rules,
                                       Options options, QObject *parent)
    : CompositeOperation(parent)
    , m_client(client)
    , m_options(std::move(options))
{
    m_plan.repository = std::move(repository);
    m_plan.rules = std::move(rules);
}

RetentionPlanQuery::~RetentionPlanQuery()
{
    delete m_current; // a listing (a child of the client or VendorApi) or the provider's guard: this aborts it
}

void RetentionPlanQuery::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    if (!m_client) {
        finishWith(ClientError::invalidRequest(QStringLiteral("retention plan without a registry client")));
        return;
    }
    if (const QString problem = m_plan.rules.problem(); !problem.isEmpty()) {
        finishWith(ClientError::invalidRequest(problem));
        return;
    }
    m_plan.now = (m_options.now.isValid() ? m_options.now : QDateTime::currentDateTimeUtc()).toUTC();
    if (m_options.useVendorApi) {
        m_vendor = new VendorApi(m_client, this);
        if (m_options.dockerHubApiUrl.isValid()) {
            m_vendor->setDockerHubBaseUrl(m_options.dockerHubApiUrl);
        }
        if (VendorTagsQuery *query = m_vendor->tags(m_plan.repository, m_options.pageSize)) {
            const QString vendorName = ConnectionProfile::kindName(m_vendor->kind());
            m_current = query;
            connect(query, &ListQuery::pageReady, this, [this](const QStringList &items) { m_tags += items; });
            connect(query, &VendorTagsQuery::metadataReady, this, [this](const QList<TagMetadata> &metadata) {
                for (const TagMetadata &m : metadata) {
                    m_known.insert(m.tag, m);
                }
            });
            connect(query, &ListQuery::finished, this, [this, query, vendorName](const ListResult &r) {
                query->deleteLater();
                m_current = nullptr;
                if (r.isCancelled() || isFinished()) {
                    return;
                }
                if (r) {
                    m_vendorListed = true;
                    m_plan.dateSource = QStringLiteral("%1 API").arg(vendorName);
                    onListed();
                    return;
                }
                m_plan.notes.append(QStringLiteral("%1's API could not list the tags (%2); the registry's tag list "
                                                   "and image configs were used instead")
                                        .arg(vendorName, r.error().technicalDetail()));
                m_tags.clear();
                m_known.clear();
                listWithRegistry();
            });
            query->start();
            return;
        }
    }
    listWithRegistry();
}

void RetentionPlanQuery::listWithRegistry()
{
    TagsQuery *query = m_client->tags(m_plan.repository, m_options.pageSize);
    m_current = query;
    connect(query, &ListQuery::pageReady, this, [this](const QStringList &items) { m_tags += items; });
    connect(query, &ListQuery::finished, this, [this, query](const ListResult &r) {
        query->deleteLater();
        m_current = nullptr;
        if (r.isCancelled() || isFinished()) {
            return;
        }
        if (!r) {
            finishWith(r.error());
            return;
        }
        m_plan.dateSource = QStringLiteral("image configs");
        onListed();
    });
    query->start();
}

bool RetentionPlanQuery::isCandidate(const QString &tag) const
{
    return m_plan.rules.match.pattern().isEmpty() || m_plan.rules.match.match(tag).hasMatch();
}

void RetentionPlanQuery::onListed()
{
    QStringList unique;
    QSet<QString> seen;
    for (const QString &tag : std::as_const(m_tags)) {
        if (!seen.contains(tag)) {
            seen.insert(tag);
            unique.append(tag);
        }
    }
    m_tags = unique;
    readDates();
}

void RetentionPlanQuery::readDates()
{
    // Docker Hub: a manifest GET is a pull (USERS.md), so a tag its API gave no date for is not read further.
    const bool hubNoPulls = m_vendorListed && m_vendor && m_vendor->kind() == ConnectionProfile::Kind::DockerHub;
    QStringList full;
    QStringList headOnly;
    for (const QString &tag : std::as_const(m_tags)) {
        const auto known = m_known.constFind(tag);
        const bool hasDigest = known != m_known.cend() && known->digest.isValid();
        const bool hasDate = known != m_known.cend() && known->created.isValid();
        if (isCandidate(tag)) {
            if (hasDate && hasDigest) {
                continue;
            }
            if (hubNoPulls && known != m_known.cend()) {
                if (!hasDate) {
                    m_dateNotes.insert(tag, QStringLiteral("Docker Hub's API gave no date"));
                }
                continue;
            }
            full.append(tag);
        } else if (!hasDigest) {
            headOnly.append(tag);
        }
    }
    m_total = int(full.size() + headOnly.size());
    if (m_total == 0) {
        decide();
        return;
    }
    for (const QString &tag : std::as_const(full)) {
        m_waiting.insert(tag);
    }
    for (const QString &tag : std::as_const(headOnly)) {
        m_waiting.insert(tag);
    }
    auto *provider = new TagMetadataProvider(m_client, m_plan.repository, m_options.cache, this);
    provider->setPolicy(TagMetadataProvider::Policy::HeadOnly);
    provider->setMaxInFlight(m_options.parallel);
    m_current = new ProviderGuard(provider, this);
    connect(provider, &TagMetadataProvider::metadataChanged, this, &RetentionPlanQuery::onMetadata);
    emit progress(0, m_total);
    // Candidates first, in the order listed (fetchNow puts each at the front of the queue, hence reversed);
    // fetchNow reads the details whatever the policy, the others get their HEAD only.
    for (auto it = full.crbegin(); it != full.crend() && !isFinished(); ++it) {
        provider->fetchNow(*it);
    }
    if (!isFinished() && !headOnly.isEmpty()) {
        provider->request(headOnly);
    }
}

void RetentionPlanQuery::onMetadata(const QString &tag, const TagMetadata &metadata)
{
    if (isFinished() || metadata.state == TagMetadata::State::Queued || metadata.state == TagMetadata::State::Loading) {
        return;
    }
    if (!m_waiting.remove(tag)) {
        return;
    }
    TagMetadata &known = m_known[tag];
    known.tag = tag;
    if (metadata.digest.isValid()) {
        known.digest = metadata.digest;
        known.mediaType = metadata.mediaType;
    }
    if (metadata.created.isValid()) {
        known.created = metadata.created;
    }
    if (metadata.state == TagMetadata::State::Failed) {
        m_dateNotes.insert(tag, metadata.error);
        ++m_failures;
    } else if (metadata.state == TagMetadata::State::Loaded && !metadata.created.isValid()) {
        m_dateNotes.insert(tag, QStringLiteral("its config has none: an artifact, or an image built without one"));
    }
    emit progress(m_total - int(m_waiting.size()), m_total);
    if (m_waiting.isEmpty()) {
        if (QObject *guard = m_current) {
            m_current = nullptr;
            guard->deleteLater();
        }
        decide();
    }
}

void RetentionPlanQuery::decide()
{
    // A tag read with a HEAD only (not a candidate) names an image another tag was dated by: same digest, same
    // config, same date — shown, and sorted, with it.
    QHash<Oci::Digest, QDateTime> dateOf;
    for (const TagMetadata &known : std::as_const(m_known)) {
        if (known.digest.isValid() && known.created.isValid()) {
            dateOf.insert(known.digest, known.created);
        }
    }
    QList<RetentionInput> inputs;
    inputs.reserve(m_tags.size());
    for (const QString &tag : std::as_const(m_tags)) {
        RetentionInput input;
        input.tag = tag;
        const TagMetadata known = m_known.value(tag);
        input.digest = known.digest;
        input.created = known.created.isValid() ? known.created : dateOf.value(known.digest);
        input.dateNote = input.created.isValid() ? QString() : m_dateNotes.value(tag);
        inputs.append(input);
    }
    if (m_failures > 0) {
        m_plan.notes.append(
            QStringLiteral("%1 could not be read; undated candidates are kept").arg(plural(m_failures, "tag", "tags")));
    }
    m_plan.items = evaluateRetention(m_plan.rules, inputs, m_plan.now);
    finishWith(m_plan);
}

void RetentionPlanQuery::finishWith(const RetentionPlanResult &result)
{
    if (markFinished()) {
        emit finished(result);
    }
}

} // namespace Minato::Client
