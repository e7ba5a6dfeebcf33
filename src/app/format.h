#pragma once

// How Minato writes numbers, dates and digests for people (UI.md "Numbers people read"): sizes in decimal
// units with one decimal (as Docker Hub and `docker images` show them), dates relative with the exact time
// for a tooltip, digests cut to 12 hex characters (the full one goes to tooltips and the clipboard).
//
//   Format::size(67'300'000)                  // "67.3 MB"
//   Format::relativeTime(created)             // "2 days ago", "just now", "in the future"
//   Format::exactTime(created)                // "2026-11-28 14:03:12 UTC" (locale-independent, sortable)
//   Format::shortDigest(digest)               // "sha256:3b2c1a9f8e7d"

#include "oci/digest.h"
#include "oci/platform.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>

namespace Minato::App::Format {

// `one` when n is 1, else `many` with %1 replaced by n in the locale's digits ("1,204"). Pass both through
// tr() at the call site so each language words its own forms.
QString plural(qint64 n, const QString &one, const QString &many);
QString size(qint64 bytes);                 // "—" when negative (unknown)
QString relativeTime(const QDateTime &when, const QDateTime &now = QDateTime::currentDateTimeUtc());
QString exactTime(const QDateTime &when);   // empty when invalid
QString shortDigest(const Oci::Digest &digest);
// "linux/amd64, linux/arm64/v8"; for more than `max`, the first ones and "+N".
QString platforms(const QList<Oci::Platform> &platforms, int max = 3);

} // namespace Minato::App::Format
