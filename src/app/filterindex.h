#pragma once

// Filtering of long name lists (100,000 tags) without QSortFilterProxyModel, which re-evaluates every row
// through the model on each change (240–450 ms per keystroke at 100k rows in a probe). Names are folded to
// lower case once, as they arrive (FoldedNames packs them in one buffer); a filter is a vector of indices
// into them, in the caller's order.
//
//   FoldedNames folded; folded.append(name);             // per name, as it arrives
//   FilterText f(u"prod 1.2"_s);                         // every word must occur (case-insensitive)
//   QList<int> rows = f.apply(folded, order);            // indices from `order` whose name matches
//   if (f.narrows(previous)) rows = f.apply(folded, previousRows);   // typing on: search what matched
//
// AsyncFilter runs the same on a worker thread when the list is long, and reports only the latest request
// (older results are dropped), so typing fast never queues work on the GUI thread.

#include <QFutureWatcher>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace Minato::App {

// Names folded to lower case, packed one after the other in one buffer: a filter pass then reads memory in
// order instead of visiting 100,000 separately allocated strings (10–40 ms a pass over the tags in the
// window, scattered as they arrived among other allocations; ~1–3 ms packed). Implicitly shared, so handing
// it to a worker thread is a copy of two pointers (appending afterwards detaches this side).
class FoldedNames
{
public:
    void append(const QString &name); // folds it (FilterText::fold)
    void clear();
    qsizetype size() const { return m_ends.size(); }
    QStringView at(qsizetype i) const
    {
        const qsizetype begin = i == 0 ? 0 : m_ends.at(i - 1);
        return QStringView(m_chars).mid(begin, m_ends.at(i) - begin);
    }

private:
    QString m_chars;
    QList<qsizetype> m_ends; // where each name ends in m_chars
};

class FilterText
{
public:
    FilterText() = default;
    explicit FilterText(const QString &text);

    bool isEmpty() const { return m_words.isEmpty(); }
    const QString &text() const { return m_text; }
    // `folded` must be lower case (fold()).
    bool matches(QStringView folded) const;
    // True when everything this filter matches is matched by `previous` too (each of previous' words is
    // contained in one of this filter's words): the new result can be computed from previous' result.
    bool narrows(const FilterText &previous) const;
    // The indices of `order` whose folded name matches, in `order`'s order.
    QList<int> apply(const QStringList &folded, const QList<int> &order) const;
    QList<int> apply(const FoldedNames &folded, const QList<int> &order) const;

    static QString fold(const QString &name) { return name.toLower(); }

private:
    template<typename Names>
    QList<int> applyTo(const Names &folded, const QList<int> &order) const;

    QString m_text;
    QStringList m_words;
};

class AsyncFilter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AsyncFilter)

public:
    // Lists at least this long are filtered on a worker thread.
    static constexpr qsizetype ThreadThreshold = 20000;

    explicit AsyncFilter(QObject *parent = nullptr);
    ~AsyncFilter() override;

    // Starts filtering `order` (indices into `folded`); resultReady() follows, possibly before this returns
    // for short lists. Any earlier request still running is superseded.
    void start(const FoldedNames &folded, const QList<int> &order, const FilterText &filter);
    bool isRunning() const { return m_running; }
    // Drops any result still to come.
    void cancel();

signals:
    void resultReady(const Minato::App::FilterText &filter, const QList<int> &rows);

private:
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace Minato::App
