#pragma once

// Helpers shared by every suite: paths of fixtures under tests/data and of built executables.
//
//   QByteArray bytes = Minato::Test::readData(u"oci/index-multiarch.json");
//   QString exe = Minato::Test::binaryPath(u"minatoctl");

#include <QByteArray>
#include <QString>

namespace Minato::Test {

// Absolute path of a file under tests/data.
QString dataPath(QStringView relative);
// Contents of a file under tests/data; fails the current test (Catch2 FAIL) if it cannot be read.
QByteArray readData(QStringView relative);
// Absolute path of an executable built into build/bin.
QString binaryPath(QStringView name);

} // namespace Minato::Test

// Catch2 prints QString and QByteArray values in failed assertions instead of "{?}".
#include <catch2/catch.hpp>

namespace Catch {
template<>
struct StringMaker<QString>
{
    static std::string convert(const QString &value) { return '"' + value.toStdString() + '"'; }
};
template<>
struct StringMaker<QByteArray>
{
    static std::string convert(const QByteArray &value) { return '"' + value.toStdString() + '"'; }
};
} // namespace Catch
