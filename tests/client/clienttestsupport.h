#pragma once

// Helpers for the client suites: run an operation to its end and return what finished() carried, waiting
// with QSignalSpy (never sleeping). finished may come before start() returns; both cases are handled.
//
//   const auto r = runToEnd<TagsQuery, ListResult>(client.tags(u"team/app"_s));
//   REQUIRE(r);  REQUIRE(r->hasValue());

#include <QSignalSpy>
#include <QStringList>

#include <optional>

namespace Minato::Test {

template<typename Op, typename R>
std::optional<R> runToEnd(Op *op, int timeoutMs = 60000, int *finishedCount = nullptr)
{
    std::optional<R> result;
    auto count = std::make_shared<int>(0);
    QObject::connect(op, &Op::finished, op, [&result, count](const R &r) {
        result = r;
        ++*count;
    });
    QSignalSpy spy(op, &Op::finished);
    op->start();
    if (!result) {
        spy.wait(timeoutMs);
    }
    if (finishedCount) {
        *finishedCount = *count;
    }
    return result;
}

// A list query run to its end, with every pageReady chunk collected.
template<typename Op, typename R>
std::optional<R> runList(Op *op, QList<QStringList> &chunks, int timeoutMs = 60000)
{
    QObject::connect(op, &Op::pageReady, op, [&chunks](const QStringList &items) { chunks.append(items); });
    return runToEnd<Op, R>(op, timeoutMs);
}

inline QStringList flatten(const QList<QStringList> &chunks)
{
    QStringList all;
    for (const QStringList &c : chunks) {
        all.append(c);
    }
    return all;
}

} // namespace Minato::Test
