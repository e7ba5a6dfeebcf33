// bench_gui: the real MainWindow against a large registry, timed — for bench/gui_bench.sh.
//
//   bench_gui BASE_URL [TAG_REPOSITORY] [--tag-filter TEXT] [--repo-filter TEXT]
//
// Opens MainWindow on an AppSession with a temporary settings file, digest cache and an in-memory
// credential store (as tests/app do), adds a connection "bench" for BASE_URL, then, each action posted into
// the running event loop so that its own cost is seen by the lag probe:
//   1. selects the connection: time to the first repository rows (first page received, first rows in the
//      model, first paint of the tree with rows) and to all of them (RepositoriesPane::listingFinished);
//   2. selects TAG_REPOSITORY (default bench/tags) in the tree: the same for the tags table, plus the end of
//      the header's sort, which TagTableModel applies to all rows on a worker once listed (sortApplied);
//   3. types TEXT (default t-01234) into the tag filter ("tagFilter") one key at a time, then backspaces it
//      away: per keystroke, key → TagTableModel::filterApplied, key → the next paint of the table, and the
//      longest stall from the key until 100 ms after that paint;
//   4. the same for the repository filter ("repositoryFilter", default r-01234); RepositoryModel filters
//      synchronously, so "applied" is the return of the key event.
// A lag probe (a 5 ms precise QTimer on the GUI thread) records the gaps between its ticks; a stall is a gap
// minus the 5 ms interval: how long the event loop could not react. QApplication::notify() is overridden to
// time each event the loop dispatches, so phases 1 and 2 also list their slowest events (receiver class and
// QEvent type, and the GUI thread's CPU time during it): where a stall was spent, or that it was spent waiting
// for a core. Peak RSS: VmHWM, with the window idle and at the end.
//
// Prints one line of JSON (times in ms, relative to the action that started the phase) and exits 0, or a
// sentence on stderr and exits 1.

#include "app/application.h"
#include "app/appsession.h"
#include "app/connectionspane.h"
#include "app/errorbanner.h"
#include "app/mainwindow.h"
#include "app/repositoriespane.h"
#include "app/repositorymodel.h"
#include "app/tagspane.h"
#include "app/tagtablemodel.h"

#include "client/memorycredentialstore.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QTreeView>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <vector>

using namespace Minato;
using namespace Minato::App;

namespace {

QElapsedTimer g_clock;

double nowMs()
{
    return double(g_clock.nsecsElapsed()) / 1e6;
}

// CPU time of the calling thread: an event that took 30 ms of wall time but 5 ms of CPU waited for a core
// (the machine was busy), one that took 30 ms of both did the work itself.
double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

qint64 vmHwmKib()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:")) {
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return -1;
}

// Times every event the GUI thread dispatches from its event loop (outermost notify() only) and keeps the
// slowest since the last reset: which receiver and event type a stall was spent in.
class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;

    struct Slow
    {
        double at = 0; // end
        double ms = 0;
        double cpuMs = 0; // of the GUI thread, during the event
        QString what;
    };

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (m_depth > 0 || QThread::currentThread() != thread()) {
            ++m_depth;
            const bool result = QApplication::notify(receiver, event);
            --m_depth;
            return result;
        }
        ++m_depth;
        const double started = nowMs();
        const double cpuStarted = threadCpuMs();
        const int type = int(event->type());
        const char *cls = receiver->metaObject()->className();
        const QString name = receiver->objectName();
        const bool result = QApplication::notify(receiver, event);
        --m_depth;
        const double ms = nowMs() - started;
        if (ms > 10) {
            Slow slow;
            slow.at = nowMs();
            slow.ms = ms;
            slow.cpuMs = threadCpuMs() - cpuStarted;
            slow.what = QStringLiteral("%1%2 event %3")
                            .arg(QString::fromLatin1(cls), name.isEmpty() ? QString() : QLatin1Char('/') + name)
                            .arg(type);
            m_slow.push_back(slow);
        }
        return result;
    }
    void resetSlow() { m_slow.clear(); }
    // The `n` slowest events since the last reset, as [ms after origin, ms, CPU ms, receiver and event type].
    QJsonArray slowest(double origin, int n) const
    {
        std::vector<Slow> sorted = m_slow;
        std::sort(sorted.begin(), sorted.end(), [](const Slow &a, const Slow &b) { return a.ms > b.ms; });
        QJsonArray out;
        for (size_t i = 0; i < sorted.size() && int(i) < n; ++i) {
            out.append(QJsonArray{std::round((sorted[i].at - origin) * 10) / 10, std::round(sorted[i].ms * 10) / 10,
                                  std::round(sorted[i].cpuMs * 10) / 10, sorted[i].what});
        }
        return out;
    }

private:
    int m_depth = 0;
    std::vector<Slow> m_slow;
};

// Gaps between the ticks of a 5 ms timer on the GUI thread.
class LagProbe final : public QObject
{
public:
    static constexpr int IntervalMs = 5;

    LagProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(IntervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
        m_last = nowMs();
        m_timer.start();
    }

    // Starts a new window: the longest stall from now on.
    void reset()
    {
        m_maxStall = 0;
        m_maxStallAt = 0;
    }
    double maxStall() const { return m_maxStall; }
    double maxStallAt() const { return m_maxStallAt; }
    // Stalls above 20 ms since the last reset, as (end time, ms): where the time went.
    QJsonArray longStalls(double origin) const
    {
        QJsonArray out;
        for (const auto &[at, ms] : m_long) {
            out.append(QJsonArray{std::round((at - origin) * 10) / 10, std::round(ms * 10) / 10});
        }
        return out;
    }
    void clearLong() { m_long.clear(); }

private:
    void tick()
    {
        const double now = nowMs();
        const double stall = qMax(0.0, now - m_last - IntervalMs);
        m_last = now;
        if (stall > m_maxStall) {
            m_maxStall = stall;
            m_maxStallAt = now;
        }
        if (stall > 20) {
            m_long.emplace_back(now, stall);
        }
    }

    QTimer m_timer;
    double m_last = 0;
    double m_maxStall = 0;
    double m_maxStallAt = 0;
    std::vector<std::pair<double, double>> m_long;
};

// Records when the viewport of a view finished painting.
class PaintWatch final : public QObject
{
public:
    explicit PaintWatch(QAbstractItemView *view)
        : m_view(view)
    {
        view->viewport()->installEventFilter(this);
    }
    double lastPaintDone() const { return m_done.empty() ? 0 : m_done.back().second; }
    // The end of the first paint that started after `t`; -1 when there was none yet.
    double firstDoneAfter(double t) const
    {
        for (const auto &[start, done] : m_done) {
            if (start > t) {
                return done;
            }
        }
        return -1;
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_view->viewport() && event->type() == QEvent::Paint) {
            // The paint runs after this filter returns: its end is what a person sees, so that time is taken
            // on the next turn of the loop, once the paint (and the flush of the window) happened.
            const double start = nowMs();
            QTimer::singleShot(0, this, [this, start] { m_done.emplace_back(start, nowMs()); });
        }
        return false;
    }

private:
    QAbstractItemView *m_view;
    std::vector<std::pair<double, double>> m_done; // (paint event, the loop's next turn)
};

// Turns the event loop until `done` holds; false after `timeoutMs`.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done()) {
        return true;
    }
    QEventLoop loop;
    QTimer check;
    check.setTimerType(Qt::PreciseTimer);
    check.setInterval(1);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done()) {
            loop.quit();
        }
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] { loop.quit(); });
    check.start();
    deadline.start(timeoutMs);
    loop.exec();
    return done();
}

void spinFor(int ms)
{
    const double until = nowMs() + ms;
    spinUntil([until] { return nowMs() >= until; }, ms + 1000);
}

// Posts `action` into the event loop (so that its own time is seen by the probe) and turns the loop until
// it ran; returns the time it started, and how long it took in `took`.
double post(const std::function<void()> &action, double *took = nullptr)
{
    double started = -1;
    double ended = -1;
    QTimer::singleShot(0, qApp, [&] {
        started = nowMs();
        action();
        ended = nowMs();
    });
    spinUntil([&] { return ended >= 0; }, 10000);
    if (took) {
        *took = ended - started;
    }
    return started;
}

double round1(double v)
{
    return std::round(v * 10) / 10;
}

[[noreturn]] void fail(const QString &why)
{
    std::fprintf(stderr, "bench_gui: %s\n", qPrintable(why));
    std::fflush(stderr);
    std::_Exit(1);
}

struct Loading
{
    double firstPage = -1;  // the model starts inserting the first page's rows
    double firstRows = -1;  // the first paint of the view with rows, handled
    double action = 0;      // the selection itself (synchronous: the pane starts listing)
    double all = -1;        // listingFinished
    double sorted = -1;     // the tags: the sort chosen in the header is applied to all rows
    double allPainted = -1; // the first paint handled after listingFinished
    double stall = 0;
    double stallAt = 0;
    int rows = 0;
    QJsonArray longStalls;
    QJsonArray slowEvents;
};

QJsonObject toJson(const Loading &l, double origin)
{
    QJsonObject o;
    o[QStringLiteral("first_page_ms")] = round1(l.firstPage - origin);
    o[QStringLiteral("first_rows_ms")] = round1(l.firstRows - origin);
    o[QStringLiteral("first_rows_after_page_ms")] = round1(l.firstRows - l.firstPage);
    o[QStringLiteral("action_ms")] = round1(l.action);
    o[QStringLiteral("all_ms")] = round1(l.all - origin);
    o[QStringLiteral("all_sorted_ms")] = round1((l.sorted >= 0 ? l.sorted : l.all) - origin);
    o[QStringLiteral("all_painted_ms")] = round1(l.allPainted - origin);
    o[QStringLiteral("max_stall_ms")] = round1(l.stall);
    o[QStringLiteral("max_stall_at_ms")] = round1(l.stallAt - origin);
    o[QStringLiteral("rows")] = l.rows;
    o[QStringLiteral("long_stalls")] = l.longStalls;
    o[QStringLiteral("slow_events")] = l.slowEvents;
    return o;
}

} // namespace

int main(int argc, char *argv[])
{
    g_clock.start();
    TimedApplication app(argc, argv);
    initApplication(app);
    QStringList args = QCoreApplication::arguments().mid(1);
    QString tagFilter = QStringLiteral("t-01234");
    QString repoFilter = QStringLiteral("r-01234");
    QStringList positional;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args.at(i) == u"--tag-filter" && i + 1 < args.size()) {
            tagFilter = args.at(++i);
        } else if (args.at(i) == u"--repo-filter" && i + 1 < args.size()) {
            repoFilter = args.at(++i);
        } else {
            positional.append(args.at(i));
        }
    }
    if (positional.isEmpty()) {
        std::fputs("usage: bench_gui BASE_URL [TAG_REPOSITORY] [--tag-filter TEXT] [--repo-filter TEXT]\n", stderr);
        return 2;
    }
    const QUrl baseUrl(positional.at(0));
    const QString tagRepository = positional.value(1, QStringLiteral("bench/tags"));

    QTemporaryDir dir;
    Client::MemoryCredentialStore credentials;
    AppSession::Options options;
    options.settingsFile = dir.filePath(QStringLiteral("minato.ini"));
    options.cacheDirectory = dir.filePath(QStringLiteral("cache"));
    options.credentials = &credentials;
    AppSession session(options);
    {
        Client::ConnectionProfile profile;
        profile.name = QStringLiteral("bench");
        profile.baseUrl = baseUrl;
        profile.timeoutMs = 120000;
        QString failure = QStringLiteral("not called");
        session.addConnection(profile, std::nullopt, [&failure](const QString &error) { failure = error; });
        if (!failure.isEmpty()) {
            fail(QStringLiteral("adding the connection: ") + failure);
        }
    }

    MainWindow window(&session);
    window.resize(1300, 820);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        fail(QStringLiteral("the window was not exposed"));
    }
    const qint64 baselineKib = vmHwmKib();
    RepositoriesPane *repos = window.repositoriesPane();
    TagsPane *tags = window.tagsPane();
    RepositoryModel *repoModel = repos->model();
    TagTableModel *tagModel = tags->model();
    PaintWatch repoPaint(repos->view());
    PaintWatch tagPaint(tags->view());
    LagProbe probe;
    spinFor(300); // the window settles

    QJsonObject out;

    // 1. Repositories.
    Loading repoLoad;
    bool repoDone = false;
    bool repoOk = false;
    QObject::connect(repoModel, &QAbstractItemModel::rowsAboutToBeInserted, &app, [&] {
        if (repoLoad.firstPage < 0) {
            repoLoad.firstPage = nowMs();
        }
    });
    QObject::connect(repos, &RepositoriesPane::listingFinished, &app, [&](const QString &, bool ok) {
        repoLoad.all = nowMs();
        repoDone = true;
        repoOk = ok;
    });
    probe.reset();
    probe.clearLong();
    app.resetSlow();
    const double repoStart =
        post([&] { window.connectionsPane()->selectConnection(QStringLiteral("bench")); }, &repoLoad.action);
    if (!spinUntil([&] { return repoDone; }, 300000)) {
        fail(QStringLiteral("the repositories did not finish listing"));
    }
    if (!repoOk) {
        fail(QStringLiteral("listing the repositories failed: ") + repos->banner()->message());
    }
    spinUntil([&] { return repoPaint.lastPaintDone() > repoLoad.all; }, 5000);
    repoLoad.allPainted = repoPaint.firstDoneAfter(repoLoad.all);
    repoLoad.firstRows = repoPaint.firstDoneAfter(repoLoad.firstPage);
    spinFor(300);
    repoLoad.stall = probe.maxStall();
    repoLoad.stallAt = probe.maxStallAt();
    repoLoad.rows = repoModel->totalCount();
    repoLoad.longStalls = probe.longStalls(repoStart);
    repoLoad.slowEvents = app.slowest(repoStart, 5);
    out[QStringLiteral("repositories")] = toJson(repoLoad, repoStart);

    // 2. Tags of the large repository, selected in the tree.
    const QModelIndex tagRepoIndex = repoModel->indexOf(tagRepository);
    if (!tagRepoIndex.isValid()) {
        fail(QStringLiteral("%1 is not in the repository tree").arg(tagRepository));
    }
    Loading tagLoad;
    bool tagDone = false;
    bool tagOk = false;
    QObject::connect(tagModel, &QAbstractItemModel::rowsAboutToBeInserted, &app, [&] {
        if (tagLoad.firstPage < 0) {
            tagLoad.firstPage = nowMs();
        }
    });
    QObject::connect(tags, &TagsPane::listingFinished, &app, [&](const QString &, bool ok) {
        tagLoad.all = nowMs();
        tagDone = true;
        tagOk = ok;
    });
    probe.reset();
    probe.clearLong();
    app.resetSlow();
    QObject::connect(tagModel, &TagTableModel::sortApplied, &app, [&] { tagLoad.sorted = nowMs(); });
    const double tagStart = post([&] { repos->view()->setCurrentIndex(tagRepoIndex); }, &tagLoad.action);
    if (!spinUntil([&] { return tagDone; }, 300000)) {
        fail(QStringLiteral("the tags did not finish listing"));
    }
    if (!tagOk) {
        fail(QStringLiteral("listing the tags failed"));
    }
    // A long list is sorted on a worker once listed (TagTableModel::finishLoading): wait for it.
    spinUntil([&] { return !tagModel->isSorting(); }, 30000);
    const double lastChange = qMax(tagLoad.all, tagLoad.sorted);
    spinUntil([&] { return tagPaint.lastPaintDone() > lastChange; }, 5000);
    tagLoad.allPainted = tagPaint.firstDoneAfter(lastChange);
    tagLoad.firstRows = tagPaint.firstDoneAfter(tagLoad.firstPage);
    spinFor(1000); // the visible rows' metadata requests, answered
    tagLoad.stall = probe.maxStall();
    tagLoad.stallAt = probe.maxStallAt();
    tagLoad.rows = tagModel->totalCount();
    tagLoad.longStalls = probe.longStalls(tagStart);
    tagLoad.slowEvents = app.slowest(tagStart, 5);
    out[QStringLiteral("tags")] = toJson(tagLoad, tagStart);
    out[QStringLiteral("vmhwm_loaded_kib")] = vmHwmKib();

    // 3. and 4. Keystrokes into a filter: narrowing (typing `text`), then widening (backspace to empty).
    struct Key
    {
        QString filter;       // the filter text after the key
        double appliedMs = 0; // key → filter applied
        double paintedMs = 0; // key → the next paint of the view, handled
        double stallMs = 0;   // longest stall from the key to 100 ms after that paint
        int rows = 0;         // rows shown after it
    };
    const auto typeInto = [&](QLineEdit *edit, PaintWatch &paint, const QString &text,
                              const std::function<int()> &visible, bool async) {
        QList<Key> keys;
        bool applied = false;
        double appliedAt = 0;
        QMetaObject::Connection c;
        if (async) {
            c = QObject::connect(tagModel, &TagTableModel::filterApplied, &app, [&](const QString &filter, qint64) {
                if (filter == edit->text()) {
                    applied = true;
                    appliedAt = nowMs();
                }
            });
        }
        edit->setFocus();
        const auto press = [&](Qt::Key key, QChar ch) {
            Key k;
            applied = false;
            spinFor(50);
            probe.reset();
            const double started = post([&] {
                if (key == Qt::Key_Backspace) {
                    QTest::keyClick(edit, Qt::Key_Backspace);
                } else {
                    QTest::keyClicks(edit, QString(ch));
                }
                if (!async) {
                    applied = true;
                    appliedAt = nowMs();
                }
            });
            if (!spinUntil([&] { return applied; }, 30000)) {
                fail(QStringLiteral("the filter “%1” was never applied").arg(edit->text()));
            }
            spinUntil([&] { return paint.firstDoneAfter(appliedAt) > 0; }, 2000);
            const double painted = paint.firstDoneAfter(appliedAt);
            spinFor(100);
            k.filter = edit->text();
            k.appliedMs = appliedAt - started;
            k.paintedMs = painted > started ? painted - started : -1;
            k.stallMs = probe.maxStall();
            k.rows = visible();
            keys.append(k);
        };
        for (const QChar ch : text) {
            press(Qt::Key_unknown, ch);
        }
        while (!edit->text().isEmpty()) {
            press(Qt::Key_Backspace, QChar());
        }
        QObject::disconnect(c);
        return keys;
    };
    const auto keysJson = [](const QList<Key> &keys, int narrowing) {
        QJsonArray narrow;
        QJsonArray widen;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            const Key &k = keys.at(i);
            QJsonObject o;
            o[QStringLiteral("filter")] = k.filter;
            o[QStringLiteral("applied_ms")] = round1(k.appliedMs);
            o[QStringLiteral("painted_ms")] = round1(k.paintedMs);
            o[QStringLiteral("stall_ms")] = round1(k.stallMs);
            o[QStringLiteral("rows")] = k.rows;
            (i < narrowing ? narrow : widen).append(o);
        }
        return QJsonObject{{QStringLiteral("narrowing"), narrow}, {QStringLiteral("widening"), widen}};
    };

    QLineEdit *tagEdit = tags->findChild<QLineEdit *>(QStringLiteral("tagFilter"));
    QLineEdit *repoEdit = repos->findChild<QLineEdit *>(QStringLiteral("repositoryFilter"));
    if (!tagEdit || !repoEdit) {
        fail(QStringLiteral("no tagFilter / repositoryFilter line edit"));
    }
    const QList<Key> tagKeys = typeInto(
        tagEdit, tagPaint, tagFilter, [&] { return tagModel->visibleCount(); }, true);
    out[QStringLiteral("tag_filter")] = keysJson(tagKeys, int(tagFilter.size()));
    const QList<Key> repoKeys = typeInto(
        repoEdit, repoPaint, repoFilter, [&] { return repoModel->visibleCount(); }, false);
    out[QStringLiteral("repo_filter")] = keysJson(repoKeys, int(repoFilter.size()));

    out[QStringLiteral("vmhwm_baseline_kib")] = baselineKib;
    out[QStringLiteral("vmhwm_kib")] = vmHwmKib();
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return 0;
}
