#pragma once

// HashedName: a name that carries its hash, as the key of a QSet or QHash that grows large on the GUI thread
// (the names of a 100,000-tag listing).
//
//   QSet<HashedName> seen;
//   if (const HashedName key(name); !seen.contains(key)) { seen.insert(key); … }
//
// Why: QHash keeps no hashes, so growing past 65,536 QString keys hashes every key again (seeded SipHash:
// 20-70 ms in one event, bench/gui_bench.sh). With HashedName keys growing only moves them (about 2 ms at
// 100,000), each name is hashed once, and the table is still freed as a few large blocks — a node-based
// std::unordered_set frees 100,000 nodes one by one, 5-40 ms when a listing's query is deleted.

#include <QHashFunctions>
#include <QString>

namespace Minato::Client {

struct HashedName
{
    QString name;
    size_t hash = 0;

    HashedName() = default;
    explicit HashedName(const QString &text)
        : name(text)
        , hash(qHash(text, QHashSeed::globalSeed()))
    {}

    friend bool operator==(const HashedName &a, const HashedName &b) { return a.hash == b.hash && a.name == b.name; }
    friend bool operator!=(const HashedName &a, const HashedName &b) { return !(a == b); }
    // Already seeded with the process's seed: QHash's own seed is not mixed in again.
    friend size_t qHash(const HashedName &key, size_t = 0) noexcept { return key.hash; }
};

} // namespace Minato::Client
