#include "filterindex.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace Minato::App {

void FoldedNames::append(const QString &name)
{
    m_chars.append(FilterText::fold(name));
    m_ends.append(m_chars.size());
}

void FoldedNames::clear()
{
    m_chars = QString();
    m_ends = QList<qsizetype>();
}

FilterText::FilterText(const QString &text)
    : m_text(text)
{
    m_words = fold(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

bool FilterText::matches(QStringView folded) const
{
    for (const QString &word : m_words) {
        if (!folded.contains(word)) {
            return false;
        }
    }
    return true;
}

bool FilterText::narrows(const FilterText &previous) const
{
    for (const QString &old : previous.m_words) {
        bool covered = false;
        for (const QString &word : m_words) {
            if (word.contains(old)) {
                covered = true;
                break;
            }
        }
        if (!covered) {
            return false;
        }
    }
    return true;
}

template<typename Names>
QList<int> FilterText::applyTo(const Names &folded, const QList<int> &order) const
{
    if (m_words.isEmpty()) {
        return order;
    }
    QList<int> rows;
    rows.reserve(order.size() / 4);
    if (m_words.size() == 1) {
        const QStringView word = m_words.constFirst();
        for (int i : order) {
            if (QStringView(folded.at(i)).contains(word)) {
                rows.append(i);
            }
        }
        return rows;
    }
    for (int i : order) {
        if (matches(folded.at(i))) {
            rows.append(i);
        }
    }
    return rows;
}

QList<int> FilterText::apply(const QStringList &folded, const QList<int> &order) const
{
    return applyTo(folded, order);
}

QList<int> FilterText::apply(const FoldedNames &folded, const QList<int> &order) const
{
    return applyTo(folded, order);
}

AsyncFilter::AsyncFilter(QObject *parent)
    : QObject(parent)
{}

AsyncFilter::~AsyncFilter() = default;

void AsyncFilter::start(const FoldedNames &folded, const QList<int> &order, const FilterText &filter)
{
    const quint64 generation = ++m_generation;
    if (order.size() < ThreadThreshold || filter.isEmpty()) {
        m_running = false;
        emit resultReady(filter, filter.apply(folded, order));
        return;
    }
    m_running = true;
    // The lists are implicitly shared: the worker reads its own references while the GUI thread may append
    // (which then detaches the GUI's copy).
    auto *watcher = new QFutureWatcher<QList<int>>(this);
    connect(watcher, &QFutureWatcher<QList<int>>::finished, this, [this, watcher, generation, filter] {
        watcher->deleteLater();
        if (generation != m_generation) {
            return; // superseded or cancelled
        }
        m_running = false;
        emit resultReady(filter, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([folded, order, filter] { return filter.apply(folded, order); }));
}

void AsyncFilter::cancel()
{
    ++m_generation;
    m_running = false;
}

} // namespace Minato::App
