// Retention rules as a pure function (evaluateRetention over (tag, created, digest) lists): keepLast only,
// olderThan only, both, a pattern, unknown and placeholder dates, tags sharing an image with a kept tag, ties;
// and the age grammar of minatoctl retain --older-than (parseRetentionAge, describeRetentionAge).
#include "client/retention.h"

#include "oci/sha256.h"

#include "testsupport.h"

#include <QDateTime>

using namespace Minato::Client;
using Minato::Oci::Digest;
using Minato::Oci::Sha256Hasher;

namespace {

const QDateTime kNow = QDateTime(QDate(2024, 6, 1), QTime(12, 0), Qt::UTC);
constexpr qint64 kDay = 86400;

Digest digestOf(const char *seed)
{
    return Sha256Hasher::digestOf(QByteArray(seed));
}

// A tag created `daysAgo` days before kNow (negative: unknown), naming the image `image`.
RetentionInput tag(const QString &name, int daysAgo, const char *image = nullptr)
{
    RetentionInput input;
    input.tag = name;
    if (daysAgo >= 0) {
        input.created = kNow.addSecs(-qint64(daysAgo) * kDay);
    }
    input.digest = digestOf(image ? image : name.toUtf8().constData());
    return input;
}

struct Outcome
{
    QStringList order;   // tags in the plan's order
    QStringList delete_; // tags to delete, in order
    QHash<QString, RetentionItem> byTag;
};

Outcome evaluate(const RetentionRules &rules, const QList<RetentionInput> &tags)
{
    REQUIRE(rules.problem().isEmpty());
    Outcome out;
    const QList<RetentionItem> items = evaluateRetention(rules, tags, kNow);
    REQUIRE(items.size() == tags.size());
    for (const RetentionItem &item : items) {
        out.order.append(item.tag);
        if (item.action == RetentionItem::Action::Delete) {
            out.delete_.append(item.tag);
        }
        out.byTag.insert(item.tag, item);
    }
    return out;
}

QList<RetentionInput> sixTags()
{
    // Listed in no particular order, as registries do (lexically).
    return {tag(QStringLiteral("a"), 40),  tag(QStringLiteral("b"), 1),  tag(QStringLiteral("c"), 10),
            tag(QStringLiteral("d"), 100), tag(QStringLiteral("e"), 31), tag(QStringLiteral("f"), 29)};
}

} // namespace

TEST_CASE("Retention: keepLast only keeps the N newest and deletes the rest", "[client][retention]")
{
    RetentionRules rules;
    rules.keepLast = 3;
    const Outcome out = evaluate(rules, sixTags());
    CHECK(out.order == QStringList{"b", "c", "f", "e", "a", "d"});
    CHECK(out.delete_ == QStringList{"e", "a", "d"});
    CHECK(out.byTag["b"].reason == QStringLiteral("among the 3 newest"));
    CHECK(out.byTag["e"].reason == QStringLiteral("not among the 3 newest"));
    CHECK(out.byTag["e"].candidate);

    rules.keepLast = 1;
    const Outcome one = evaluate(rules, sixTags());
    CHECK(one.delete_ == QStringList{"c", "f", "e", "a", "d"});
    CHECK(one.byTag["b"].reason == QStringLiteral("the newest"));

    rules.keepLast = 10; // more than there are: nothing goes
    CHECK(evaluate(rules, sixTags()).delete_.isEmpty());

    rules.keepLast = 0; // every candidate goes
    const Outcome none = evaluate(rules, sixTags());
    CHECK(none.delete_ == QStringList{"b", "c", "f", "e", "a", "d"});
}

TEST_CASE("Retention: olderThan only deletes candidates older than the age", "[client][retention]")
{
    RetentionRules rules;
    rules.olderThanSeconds = 30 * kDay;
    const Outcome out = evaluate(rules, sixTags());
    CHECK(out.delete_ == QStringList{"e", "a", "d"});
    CHECK(out.byTag["f"].reason == QStringLiteral("newer than 30 days"));
    CHECK(out.byTag["e"].reason == QStringLiteral("older than 30 days"));
    CHECK(out.byTag["f"].action == RetentionItem::Action::Keep);

    // Exactly at the cutoff is not older.
    const Outcome edge = evaluate(rules, {tag(QStringLiteral("edge"), 30), tag(QStringLiteral("past"), 31)});
    CHECK(edge.delete_ == QStringList{"past"});
    // A date in the future (a clock ahead) is simply new.
    RetentionInput future = tag(QStringLiteral("future"), 0);
    future.created = kNow.addSecs(3600);
    CHECK(evaluate(rules, {future}).delete_.isEmpty());
}

TEST_CASE("Retention: keepLast and olderThan together", "[client][retention]")
{
    RetentionRules rules;
    rules.keepLast = 2;
    rules.olderThanSeconds = 30 * kDay;
    const Outcome out = evaluate(rules, sixTags());
    // b, c kept by count; f (29 days) kept by age; e, a, d older than 30 days and not among the 2 newest.
    CHECK(out.delete_ == QStringList{"e", "a", "d"});
    CHECK(out.byTag["c"].reason == QStringLiteral("among the 2 newest"));
    CHECK(out.byTag["f"].reason == QStringLiteral("newer than 30 days"));
    CHECK(out.byTag["a"].reason == QStringLiteral("older than 30 days, not among the 2 newest"));

    // Count wins over age: the 2 newest stay however old they are.
    rules.olderThanSeconds = kDay / 2;
    const Outcome old = evaluate(rules, sixTags());
    CHECK(old.delete_ == QStringList{"f", "e", "a", "d"});
    CHECK(old.byTag["c"].action == RetentionItem::Action::Keep);
    CHECK(old.byTag["f"].reason == QStringLiteral("older than 12 hours, not among the 2 newest"));
}

TEST_CASE("Retention: only tags the pattern finds are candidates", "[client][retention]")
{
    RetentionRules rules;
    rules.keepLast = 1;
    rules.match = QRegularExpression(QStringLiteral("^v"));
    const Outcome out =
        evaluate(rules, {tag(QStringLiteral("v1"), 50), tag(QStringLiteral("v2"), 20), tag(QStringLiteral("v3"), 5),
                         tag(QStringLiteral("latest"), 100), tag(QStringLiteral("dev-v9"), 200)});
    CHECK(out.delete_ == QStringList{"v2", "v1"});
    CHECK(out.byTag["latest"].action == RetentionItem::Action::Keep);
    CHECK_FALSE(out.byTag["latest"].candidate);
    CHECK(out.byTag["latest"].reason == QStringLiteral("does not match ^v"));
    // A search, not a full match: "v" inside dev-v9 is found by "v", not by "^v".
    CHECK(out.byTag["dev-v9"].reason == QStringLiteral("does not match ^v"));
    rules.match = QRegularExpression(QStringLiteral("v"));
    CHECK(evaluate(rules, {tag(QStringLiteral("v1"), 50), tag(QStringLiteral("dev-v9"), 200)}).delete_ ==
          QStringList{"dev-v9"});

    // Non-candidates do not count towards keepLast, even when newer.
    rules.match = QRegularExpression(QStringLiteral("^pr-"));
    rules.keepLast = 1;
    const Outcome pr = evaluate(
        rules, {tag(QStringLiteral("main"), 0), tag(QStringLiteral("pr-1"), 10), tag(QStringLiteral("pr-2"), 5)});
    CHECK(pr.delete_ == QStringList{"pr-1"});
    CHECK(pr.order == QStringList{"main", "pr-2", "pr-1"});
}

TEST_CASE("Retention: tags without a date are kept, and say why", "[client][retention]")
{
    RetentionRules rules;
    rules.keepLast = 1;
    RetentionInput failed = tag(QStringLiteral("broken"), -1);
    failed.dateNote = QStringLiteral("HEAD → 404");
    RetentionInput epoch = tag(QStringLiteral("repro"), -1);
    epoch.created = QDateTime::fromSecsSinceEpoch(0, Qt::UTC);
    const Outcome out = evaluate(rules, {tag(QStringLiteral("artifact"), -1), failed, epoch,
                                         tag(QStringLiteral("old"), 300), tag(QStringLiteral("new"), 3)});
    // Undated tags do not take a place among the newest; they come last, by name descending.
    CHECK(out.order == QStringList{"new", "old", "repro", "broken", "artifact"});
    CHECK(out.delete_ == QStringList{"old"});
    CHECK(out.byTag["artifact"].reason == QStringLiteral("no created date: kept"));
    CHECK(out.byTag["broken"].reason == QStringLiteral("no created date: kept (HEAD → 404)"));
    CHECK(out.byTag["repro"].reason.startsWith(QStringLiteral("no created date (1970-01-01T00:00:00Z")));
    CHECK(out.byTag["repro"].action == RetentionItem::Action::Keep);

    rules.keepLast = -1;
    rules.olderThanSeconds = kDay;
    CHECK(evaluate(rules, {epoch, failed}).delete_.isEmpty());
}

TEST_CASE("Retention: a deleted tag sharing its image with a kept tag says so", "[client][retention]")
{
    RetentionRules rules;
    rules.keepLast = 1;
    rules.match = QRegularExpression(QStringLiteral("^v"));
    const Outcome out =
        evaluate(rules, {tag(QStringLiteral("v1"), 10, "image 1"), tag(QStringLiteral("v2"), 5, "image 2"),
                         tag(QStringLiteral("stable"), 10, "image 1"), tag(QStringLiteral("v1-old"), 10, "image 1"),
                         tag(QStringLiteral("v0"), 20, "image 0"), tag(QStringLiteral("v0-alias"), 20, "image 0")});
    CHECK(out.delete_ == QStringList{"v1-old", "v1", "v0-alias", "v0"});
    // v1 and v1-old name the image "stable" keeps: only their names go.
    CHECK(out.byTag["v1"].sharesWithKept == QStringList{"stable"});
    CHECK(out.byTag["v1"].reason ==
          QStringLiteral("not the newest; shares its image with kept tag stable: only the tag name goes"));
    CHECK(out.byTag["v1-old"].sharesWithKept == QStringList{"stable"});
    // v0 and its alias both go: nothing kept shares their image.
    CHECK(out.byTag["v0"].sharesWithKept.isEmpty());
    CHECK(out.byTag["v0-alias"].sharesWithKept.isEmpty());

    // Two kept tags on one image are both named, in natural order.
    rules.match = QRegularExpression();
    rules.keepLast = 2;
    const Outcome two = evaluate(rules, {tag(QStringLiteral("x10"), 1, "img"), tag(QStringLiteral("x9"), 2, "img"),
                                         tag(QStringLiteral("x1"), 3, "img")});
    CHECK(two.byTag["x1"].sharesWithKept == QStringList{"x9", "x10"});
    CHECK(two.byTag["x1"].reason.endsWith(QStringLiteral("shares its image with kept tags x9, x10: only the tag name "
                                                         "goes")));
}

TEST_CASE("Retention: equal dates are ordered by tag name, descending and natural", "[client][retention]")
{
    RetentionRules rules;
    rules.keepLast = 2;
    const QList<RetentionInput> tied{tag(QStringLiteral("v1.9"), 7), tag(QStringLiteral("v1.10"), 7),
                                     tag(QStringLiteral("v1.2"), 7), tag(QStringLiteral("latest"), 7),
                                     tag(QStringLiteral("v2.0"), 8)};
    const Outcome out = evaluate(rules, tied);
    CHECK(out.order == QStringList{"v1.10", "v1.9", "v1.2", "latest", "v2.0"});
    CHECK(out.delete_ == QStringList{"v1.2", "latest", "v2.0"});
    // The input order does not matter.
    QList<RetentionInput> reversed(tied.crbegin(), tied.crend());
    CHECK(evaluate(rules, reversed).order == out.order);
    // Leading zeros and numbers longer than an int.
    const Outcome big = evaluate(rules, {tag(QStringLiteral("b-007"), 1), tag(QStringLiteral("b-8"), 1),
                                         tag(QStringLiteral("b-123456789012345678901"), 1)});
    CHECK(big.order == QStringList{"b-123456789012345678901", "b-8", "b-007"});
}

TEST_CASE("Retention: rules that cannot be applied are refused", "[client][retention]")
{
    RetentionRules none;
    CHECK_FALSE(none.hasRule());
    CHECK(none.problem().contains(QStringLiteral("no rule")));
    RetentionRules badPattern;
    badPattern.keepLast = 1;
    badPattern.match = QRegularExpression(QStringLiteral("(unclosed"));
    CHECK(badPattern.problem().contains(QStringLiteral("not a valid regular expression")));
    RetentionRules zeroAge;
    zeroAge.olderThanSeconds = 0;
    CHECK_FALSE(zeroAge.problem().isEmpty());
    RetentionRules keepZero;
    keepZero.keepLast = 0;
    CHECK(keepZero.problem().isEmpty());
}

TEST_CASE("Retention: ages like 30d, 12h, 90m, 2w", "[client][retention]")
{
    CHECK(parseRetentionAge(QStringLiteral("30d")) == 30 * kDay);
    CHECK(parseRetentionAge(QStringLiteral("12h")) == 12 * 3600);
    CHECK(parseRetentionAge(QStringLiteral("90m")) == 90 * 60);
    CHECK(parseRetentionAge(QStringLiteral("2w")) == 14 * kDay);
    CHECK(parseRetentionAge(QStringLiteral("45s")) == 45);
    CHECK(parseRetentionAge(QStringLiteral("1w2d")) == 9 * kDay);
    for (const char *bad : {"", "30", "d", "30x", "-1d", "0d", "1.5d", "30d ", "999999999w", "30 d", "3D"}) {
        INFO(bad);
        CHECK_FALSE(parseRetentionAge(QString::fromLatin1(bad)));
    }
    CHECK(describeRetentionAge(30 * kDay) == QStringLiteral("30 days"));
    CHECK(describeRetentionAge(14 * kDay) == QStringLiteral("2 weeks"));
    CHECK(describeRetentionAge(kDay + 12 * 3600) == QStringLiteral("1 day 12 hours"));
    CHECK(describeRetentionAge(90 * 60) == QStringLiteral("1 hour 30 minutes"));
    CHECK(describeRetentionAge(60) == QStringLiteral("1 minute"));
}
