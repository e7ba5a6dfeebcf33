#pragma once

// UploadStore: blob upload sessions (distribution-spec "Pushing blobs"), each a directory uploads/<uuid>/
// with the bytes received so far and a small state file (layout.h).
//
//   UploadStore uploads(layout, options);
//   uploads.load();                                             // once, after Layout::open()
//   auto lease = uploads.create(u"team/app", &error);           // POST: a new session, leased
//   lease = uploads.acquire(id, u"team/app", &error);           // PATCH/PUT: exclusive use of a session
//   lease->append(data, size);                                  // → data file + incremental SHA-256
//   switch (lease->finish(digest, blobs, &message)) { … }       // PUT: verify, rename into blobs/
//   // the lease is released when the last shared_ptr goes
//
// A session is used by one request at a time: acquire() of a leased session reports Busy. The running
// SHA-256 lives in memory; after a restart (or a failed write) the data file is hashed again on the next
// acquire. Sessions idle longer than RegistryOptions::uploadExpiry are purged (on load, on create, and on
// purgeExpired()); an unknown, expired or other repository's session is Unknown.
// Thread-safe.

#include "blobstore.h"
#include "layout.h"
#include "registryoptions.h"

#include "oci/digest.h"
#include "oci/sha256.h"

#include <QFile>
#include <QHash>
#include <QMutex>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace Minato::Registry {

class UploadStore
{
    struct Session;

public:
    enum class Error {
        None,
        Unknown, // no such session (never created, cancelled, completed, expired, or another repository's)
        Busy,    // another request is using the session
        TooMany, // maxConcurrentUploads sessions are open
        Io,      // the file system failed
    };

    enum class FinishResult { Completed, DigestMismatch, Failed };

    // Exclusive use of one session; released (or, after finish/discard, removed) on destruction.
    class Lease
    {
    public:
        ~Lease();
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;

        const QString &id() const;
        const QString &repository() const;
        // Bytes received so far: the offset the next chunk must start at.
        qint64 size() const;
        // Appends to the data file and the running hash. False on an I/O error (the session stays usable
        // at its new size, rehashed on its next use).
        bool append(const char *data, qint64 size);
        // Verifies the whole upload against expected. On a match the bytes become the blob (BlobStore) and
        // the session is gone; on a mismatch the session is discarded too, as distribution does (the spec is
        // silent): the client starts over. Failed leaves the session as it was.
        FinishResult finish(const Oci::Digest &expected, const BlobStore &blobs, QString *error = nullptr);
        // Removes the session when the lease ends (a failed monolithic upload, a cancel).
        void discard();

    private:
        friend class UploadStore;
        Lease(UploadStore &store, std::shared_ptr<Session> session);
        bool prepare(); // opens the data file, rehashes it when the in-memory hash is missing

        // Queues the disk writes of what was appended since the last call, every few MiB (Linux).
        void startWriteback(qint64 end);

        UploadStore &m_store;
        std::shared_ptr<Session> m_session;
        QFile m_file;
        qint64 m_writebackStart = 0;
        bool m_remove = false;
    };

    UploadStore(const Layout &layout, const RegistryOptions &options);
    ~UploadStore();
    UploadStore(const UploadStore &) = delete;
    UploadStore &operator=(const UploadStore &) = delete;

    // Reads uploads/ after a start: keeps valid sessions (without their hash), removes broken or expired ones.
    void load();

    std::shared_ptr<Lease> create(const QString &repository, Error *error);
    std::shared_ptr<Lease> acquire(const QString &id, const QString &repository, Error *error);
    // Bytes received by a session (GET status), or nullopt when Unknown. Does not need the lease.
    std::optional<qint64> status(const QString &id, const QString &repository);
    // Removes a session (DELETE); a leased one goes when its lease ends. False when Unknown.
    bool cancel(const QString &id, const QString &repository);
    // Removes sessions idle longer than the expiry; returns how many.
    int purgeExpired();
    // Open sessions (expired ones not yet purged included).
    int count() const;

private:
    qint64 now() const;
    bool expired(const Session &session, qint64 nowMs) const;
    // Under m_mutex: the live session, or nullptr (an expired one is dropped on the way).
    std::shared_ptr<Session> findLocked(const QString &id, const QString &repository);
    void removeFiles(const QString &id) const;
    void release(Lease &lease);

    const Layout &m_layout;
    const RegistryOptions &m_options;
    mutable QMutex m_mutex;
    QHash<QString, std::shared_ptr<Session>> m_sessions;
};

} // namespace Minato::Registry
