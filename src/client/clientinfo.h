#pragma once

// Identity of the client on the wire. Registries log the User-Agent; Qt would otherwise send
// "Mozilla/5.0" (PLATFORM.md), which tells an operator nothing.
//
//   request.setHeader(QNetworkRequest::UserAgentHeader, Minato::Client::userAgent());

#include <QString>

namespace Minato::Client {

// "Minato/<version>"
QString userAgent();
// The version string of the QtKeychain library the client was built against (for the About dialog).
QString keychainVersion();

} // namespace Minato::Client
