#pragma once

// RegistryOptions: the knobs of the embedded registry's storage and handlers, shared by the stores, the
// handler and the Registry facade (which calls them Registry::Options).
//
//   RegistryOptions options;
//   options.fsync = false;                         // `--no-fsync`: faster, not crash-durable
//   options.uploadExpiry = std::chrono::minutes(10);
//   Registry registry(root, options);

#include <QtGlobal>

#include <chrono>
#include <functional>

namespace Minato::Registry {

struct RegistryOptions
{
    // fsync every file before it is renamed into place. Off, a crash may lose recent pushes (the rename is
    // still atomic, so nothing partial ever becomes visible), but never corrupt what was there.
    bool fsync = true;
    // Refuse every write (push, delete, upload) with 405 UNSUPPORTED, as distribution's read-only mode does.
    bool readOnly = false;
    // An upload session untouched for this long is purged; later requests get 404 BLOB_UPLOAD_UNKNOWN.
    std::chrono::milliseconds uploadExpiry = std::chrono::hours(1);
    // Open upload sessions at once; one more is refused with 429 TOOMANYREQUESTS. 0 means no limit.
    int maxConcurrentUploads = 256;
    // Largest page of tags/list and _catalog; a larger (or absent) n is cut here and a Link header says more
    // remain, which the spec allows ("MAY return fewer than <int> results … [when] a Link header is provided").
    int maxPageSize = 10000;
    // Wall clock in ms since the epoch; tests replace it to expire sessions without sleeping.
    std::function<qint64()> clock;
};

} // namespace Minato::Registry
