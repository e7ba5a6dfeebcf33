#include "client/clientinfo.h"

#include "testsupport.h"

#include <QRegularExpression>

TEST_CASE("The client identifies itself as Minato, never as Mozilla", "[client]")
{
    const QString agent = Minato::Client::userAgent();
    CHECK(agent == QStringLiteral("Minato/" MINATO_VERSION));
    CHECK(QRegularExpression(QStringLiteral("^Minato/\\d+\\.\\d+\\.\\d+$")).match(agent).hasMatch());
    CHECK(QRegularExpression(QStringLiteral("^\\d+\\.\\d+")).match(Minato::Client::keychainVersion()).hasMatch());
}
