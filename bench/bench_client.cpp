// bench_client: one listing with Minato's client, timed — for bench/client_bench.sh.
//
//   bench_client catalog BASE_URL [PAGE_SIZE]
//   bench_client tags BASE_URL REPOSITORY [PAGE_SIZE]
//
// Prints one line of JSON: {"first_ms": …, "all_ms": …, "items": N, "pages": P, "vmhwm_kib": K}
// first_ms: from start() to the first pageReady (what a person waits for before rows appear); all_ms: to
// finished(); vmhwm_kib: the process's peak resident set (VmHWM in /proc/self/status) after the listing,
// which includes Qt's own start-up footprint (measured separately with `bench_client baseline`).
// The items are counted, not kept: a model would keep them, and that memory is the model's.

#include "client/catalogquery.h"
#include "client/registryclient.h"
#include "client/tagsquery.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

using namespace Minato::Client;

namespace {

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

int usage()
{
    std::fputs("usage: bench_client catalog BASE_URL [PAGE_SIZE]\n"
               "       bench_client tags BASE_URL REPOSITORY [PAGE_SIZE]\n"
               "       bench_client baseline BASE_URL\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments().mid(1);
    if (args.size() < 2) {
        return usage();
    }
    const QString &mode = args.at(0);
    ConnectionProfile profile;
    profile.name = QStringLiteral("bench");
    profile.baseUrl = QUrl(args.at(1));
    profile.timeoutMs = 120000;
    if (!profile.validate().isEmpty()) {
        std::fprintf(stderr, "bench_client: %s\n", qPrintable(profile.validate()));
        return 2;
    }
    RegistryClient client(profile);
    if (mode == u"baseline") {
        std::printf("{\"vmhwm_kib\": %lld}\n", static_cast<long long>(vmHwmKib()));
        return 0;
    }
    ListQuery *query = nullptr;
    if (mode == u"catalog") {
        query = client.catalog(args.value(2, QStringLiteral("1000")).toInt());
    } else if (mode == u"tags" && args.size() >= 3) {
        query = client.tags(args.at(2), args.value(3, QStringLiteral("1000")).toInt());
    } else {
        return usage();
    }

    QElapsedTimer timer;
    qint64 firstNs = -1;
    qsizetype items = 0;
    int exitCode = 0;
    QObject::connect(query, &ListQuery::pageReady, query, [&](const QStringList &page) {
        if (firstNs < 0) {
            firstNs = timer.nsecsElapsed();
        }
        items += page.size();
    });
    QObject::connect(query, &ListQuery::finished, query, [&](const ListResult &result) {
        const qint64 allNs = timer.nsecsElapsed();
        if (!result) {
            std::fprintf(stderr, "bench_client: %s\n", qPrintable(result.error().technicalDetail()));
            exitCode = 1;
        } else {
            std::printf("{\"first_ms\": %.2f, \"all_ms\": %.2f, \"items\": %lld, \"pages\": %d, \"vmhwm_kib\": %lld}\n",
                        static_cast<double>(firstNs) / 1e6, static_cast<double>(allNs) / 1e6,
                        static_cast<long long>(items), result.value().pages, static_cast<long long>(vmHwmKib()));
        }
        QTimer::singleShot(0, &app, [&app, &exitCode]() { app.exit(exitCode); });
    });
    QTimer::singleShot(0, query, [&timer, query]() {
        timer.start();
        query->start();
    });
    return app.exec();
}
