#include "testsupport.h"

#include <QDir>
#include <QFile>

#include <catch2/catch.hpp>

namespace Minato::Test {

QString dataPath(QStringView relative)
{
    return QDir(QStringLiteral(MINATO_TEST_DATA_DIR)).filePath(relative.toString());
}

QByteArray readData(QStringView relative)
{
    QFile file(dataPath(relative));
    if (!file.open(QIODevice::ReadOnly)) {
        FAIL("cannot read test data " << file.fileName().toStdString() << ": " << file.errorString().toStdString());
    }
    return file.readAll();
}

QString binaryPath(QStringView name)
{
    return QDir(QStringLiteral(MINATO_BIN_DIR)).filePath(name.toString());
}

} // namespace Minato::Test
