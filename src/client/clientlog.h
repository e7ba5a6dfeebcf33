#pragma once

// The logging category of src/client ("minato.client") and the one way URLs reach a log line.
//
//   qCDebug(lcClient) << "GET" << logUrl(url, /*redactQuery=*/true);
//
// Secrets never reach a log: no header values are logged, user info is always removed, and query strings
// of URLs we were redirected to (presigned storage URLs carry signatures there) are replaced by "?…".

#include <QLoggingCategory>
#include <QString>
#include <QUrl>

namespace Minato::Client {

Q_DECLARE_LOGGING_CATEGORY(lcClient)

QString logUrl(const QUrl &url, bool redactQuery);

} // namespace Minato::Client
