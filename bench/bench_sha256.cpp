// SHA-256 throughput: Minato's Sha256Hasher (OpenSSL EVP) against QCryptographicHash, the same data in
// the same process. Prints the median of N runs per implementation and the ratio.
//
//   bench_sha256 [MiB=256] [runs=7]
#include "oci/sha256.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <vector>

namespace {

double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template<typename F>
double medianSeconds(int runs, F &&f)
{
    std::vector<double> seconds;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        seconds.push_back(static_cast<double>(t.nsecsElapsed()) / 1e9);
    }
    return medianOf(seconds);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const int mib = args.size() > 1 ? args.at(1).toInt() : 256;
    const int runs = args.size() > 2 ? args.at(2).toInt() : 7;
    const qsizetype chunk = 1 << 20;
    QByteArray block(chunk, Qt::Uninitialized);
    for (qsizetype i = 0; i < chunk; ++i) {
        block[i] = static_cast<char>((i * 131) & 0xff);
    }

    QByteArray sink;
    const double evp = medianSeconds(runs, [&] {
        Minato::Oci::Sha256Hasher h;
        for (int i = 0; i < mib; ++i) {
            h.addData(block);
        }
        sink = h.finalRaw();
    });
    const double qt = medianSeconds(runs, [&] {
        QCryptographicHash h(QCryptographicHash::Sha256);
        for (int i = 0; i < mib; ++i) {
            h.addData(block);
        }
        sink = h.result();
    });
    const double bytes = static_cast<double>(mib) * chunk;
    QTextStream out(stdout);
    out << "sha256 over " << mib << " MiB, median of " << runs << " runs\n";
    out << "  Sha256Hasher (OpenSSL EVP): " << QString::number(bytes / evp / 1e9, 'f', 2) << " GB/s\n";
    out << "  QCryptographicHash:         " << QString::number(bytes / qt / 1e9, 'f', 2) << " GB/s\n";
    out << "  ratio EVP / Qt:             " << QString::number(qt / evp, 'f', 1) << "x\n";
    return sink.size() == 32 ? 0 : 1;
}
