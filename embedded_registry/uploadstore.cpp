#include "uploadstore.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

#ifdef Q_OS_LINUX
#include <fcntl.h> // sync_file_range
#endif

namespace Minato::Registry {

struct UploadStore::Session
{
    QString id;
    QString repository;
    qint64 created = 0;
    std::atomic<qint64> updated{0}; // last activity, ms since the epoch
    std::atomic<qint64> size{0};    // bytes in the data file
    // Covers data[0, size) when set; only the lease holder touches it.
    std::optional<Oci::Sha256Hasher> hasher;
    bool busy = false; // under m_mutex: leased
    bool gone = false; // under m_mutex: cancelled while leased; the lease removes the files
};

// ---- Lease -------------------------------------------------------------------------------------------------

UploadStore::Lease::Lease(UploadStore &store, std::shared_ptr<Session> session)
    : m_store(store)
    , m_session(std::move(session))
{}

UploadStore::Lease::~Lease()
{
    m_store.release(*this);
}

const QString &UploadStore::Lease::id() const
{
    return m_session->id;
}

const QString &UploadStore::Lease::repository() const
{
    return m_session->repository;
}

qint64 UploadStore::Lease::size() const
{
    return m_session->size.load();
}

bool UploadStore::Lease::prepare()
{
    const QString path = m_store.m_layout.uploadDataPath(m_session->id);
    if (!m_session->hasher) {
        // The process restarted or a write failed: hash what the file holds, once, before appending.
        QFile in(path);
        if (!in.open(QIODevice::ReadOnly)) {
            return false;
        }
        Oci::Sha256Hasher hasher;
        QByteArray buffer(1 << 20, Qt::Uninitialized);
        qint64 total = 0;
        while (true) {
            const qint64 n = in.read(buffer.data(), buffer.size());
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                break;
            }
            hasher.addData(buffer.constData(), n);
            total += n;
        }
        m_session->hasher.emplace(std::move(hasher));
        m_session->size = total;
    }
    m_file.setFileName(path);
    m_writebackStart = m_session->size;
    // Unbuffered: a write error shows at once, and the size we report is what the file holds.
    return m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered);
}

bool UploadStore::Lease::append(const char *data, qint64 size)
{
    const qint64 written = m_file.write(data, size);
    if (written == size) {
        m_session->hasher->addData(data, size);
        const qint64 end = m_session->size += size;
        startWriteback(end);
        return true;
    }
    m_session->hasher.reset();
    m_session->size = m_file.size();
    return false;
}

void UploadStore::Lease::startWriteback(qint64 end)
{
#ifdef Q_OS_LINUX
    // The blob is fsynced before it is committed. Starting the disk writes as the data arrives (without
    // waiting: SYNC_FILE_RANGE_WRITE only queues them) overlaps them with the transfer, so that final fsync
    // finds little left to do instead of a whole large layer.
    constexpr qint64 writebackChunk = qint64(8) * 1024 * 1024;
    if (!m_store.m_options.fsync || end - m_writebackStart < writebackChunk) {
        return;
    }
    ::sync_file_range(m_file.handle(), m_writebackStart, end - m_writebackStart, SYNC_FILE_RANGE_WRITE);
    m_writebackStart = end;
#else
    Q_UNUSED(end)
#endif
}

UploadStore::FinishResult UploadStore::Lease::finish(const Oci::Digest &expected, const BlobStore &blobs,
                                                     QString *error)
{
    m_file.close();
    if (!m_session->hasher && !prepare()) {
        if (error) {
            *error = QStringLiteral("cannot read the upload's data");
        }
        return FinishResult::Failed;
    }
    m_file.close();
    const Oci::Digest actual = m_session->hasher->digest();
    m_session->hasher.reset(); // digest() reset it: it no longer describes the file
    if (actual != expected) {
        m_remove = true;
        if (error) {
            *error = QStringLiteral("the upload's content has digest %1").arg(actual.toString());
        }
        return FinishResult::DigestMismatch;
    }
    if (!blobs.commitFile(m_store.m_layout.uploadDataPath(m_session->id), actual, error)) {
        return FinishResult::Failed;
    }
    m_remove = true;
    return FinishResult::Completed;
}

void UploadStore::Lease::discard()
{
    m_remove = true;
}

// ---- UploadStore ---------------------------------------------------------------------------------------------

UploadStore::UploadStore(const Layout &layout, const RegistryOptions &options)
    : m_layout(layout)
    , m_options(options)
{}

UploadStore::~UploadStore() = default;

qint64 UploadStore::now() const
{
    return m_options.clock ? m_options.clock() : QDateTime::currentMSecsSinceEpoch();
}

bool UploadStore::expired(const Session &session, qint64 nowMs) const
{
    return !session.busy && nowMs - session.updated.load() > m_options.uploadExpiry.count();
}

void UploadStore::removeFiles(const QString &id) const
{
    QDir(m_layout.uploadDir(id)).removeRecursively();
}

void UploadStore::load()
{
    const qint64 nowMs = now();
    QDir dir(m_layout.uploadsDir());
    for (const QString &id : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stateFile(m_layout.uploadStatePath(id));
        const QFileInfo data(m_layout.uploadDataPath(id));
        QJsonObject state;
        if (stateFile.open(QIODevice::ReadOnly) && stateFile.size() < 64 * 1024) {
            state = QJsonDocument::fromJson(stateFile.readAll()).object();
        }
        auto session = std::make_shared<Session>();
        session->id = id;
        session->repository = state.value(QStringLiteral("repository")).toString();
        session->created = qint64(state.value(QStringLiteral("created")).toDouble());
        session->updated = std::max(session->created, data.lastModified().toMSecsSinceEpoch());
        session->size = data.size();
        // A session without its state or data is the trace of a crash mid-create or mid-complete.
        if (session->repository.isEmpty() || !data.isFile() || expired(*session, nowMs)) {
            removeFiles(id);
            continue;
        }
        QMutexLocker locker(&m_mutex);
        m_sessions.insert(id, session);
    }
}

std::shared_ptr<UploadStore::Lease> UploadStore::create(const QString &repository, Error *error)
{
    purgeExpired();
    auto session = std::make_shared<Session>();
    session->id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    session->repository = repository;
    session->created = now();
    session->updated = session->created;
    session->hasher.emplace();
    session->busy = true;
    {
        QMutexLocker locker(&m_mutex);
        if (m_options.maxConcurrentUploads > 0 && m_sessions.size() >= m_options.maxConcurrentUploads) {
            *error = Error::TooMany;
            return nullptr;
        }
        m_sessions.insert(session->id, session);
    }
    auto lease = std::shared_ptr<Lease>(new Lease(*this, session));
    // Data first, then state: load() drops a directory that has no state.
    const QJsonObject state{{QStringLiteral("repository"), repository},
                            {QStringLiteral("created"), double(session->created)}};
    QFile data(m_layout.uploadDataPath(session->id));
    if (!QDir().mkpath(m_layout.uploadDir(session->id)) || !data.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        lease->discard();
        *error = Error::Io;
        return nullptr;
    }
    data.close();
    // Scratch: a session is worth nothing after a power loss (the client starts over), so starting one costs
    // no fsync; a crash of the process alone keeps it (the kernel has the file).
    if (!m_layout.writeAtomically(m_layout.uploadStatePath(session->id), QJsonDocument(state).toJson(), nullptr,
                                  Layout::Durability::Scratch) ||
        !lease->prepare()) {
        lease->discard();
        *error = Error::Io;
        return nullptr;
    }
    *error = Error::None;
    return lease;
}

std::shared_ptr<UploadStore::Session> UploadStore::findLocked(const QString &id, const QString &repository)
{
    const auto it = m_sessions.constFind(id);
    if (it == m_sessions.cend() || it.value()->repository != repository) {
        return nullptr;
    }
    std::shared_ptr<Session> session = it.value();
    if (expired(*session, now())) {
        m_sessions.erase(it);
        removeFiles(id);
        return nullptr;
    }
    return session;
}

std::shared_ptr<UploadStore::Lease> UploadStore::acquire(const QString &id, const QString &repository, Error *error)
{
    std::shared_ptr<Session> session;
    {
        QMutexLocker locker(&m_mutex);
        session = findLocked(id, repository);
        if (!session) {
            *error = Error::Unknown;
            return nullptr;
        }
        if (session->busy) {
            *error = Error::Busy;
            return nullptr;
        }
        session->busy = true;
    }
    auto lease = std::shared_ptr<Lease>(new Lease(*this, session));
    if (!lease->prepare()) {
        *error = Error::Io;
        return nullptr;
    }
    *error = Error::None;
    return lease;
}

std::optional<qint64> UploadStore::status(const QString &id, const QString &repository)
{
    QMutexLocker locker(&m_mutex);
    const auto session = findLocked(id, repository);
    if (!session) {
        return std::nullopt;
    }
    return session->size.load();
}

bool UploadStore::cancel(const QString &id, const QString &repository)
{
    std::shared_ptr<Session> session;
    {
        QMutexLocker locker(&m_mutex);
        session = findLocked(id, repository);
        if (!session) {
            return false;
        }
        m_sessions.remove(id);
        if (session->busy) {
            session->gone = true;
            return true;
        }
    }
    removeFiles(id);
    return true;
}

int UploadStore::purgeExpired()
{
    QList<QString> ids;
    {
        QMutexLocker locker(&m_mutex);
        const qint64 nowMs = now();
        for (auto it = m_sessions.begin(); it != m_sessions.end();) {
            if (expired(*it.value(), nowMs)) {
                ids.append(it.key());
                it = m_sessions.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (const QString &id : ids) {
        removeFiles(id);
    }
    return int(ids.size());
}

int UploadStore::count() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_sessions.size());
}

void UploadStore::release(Lease &lease)
{
    lease.m_file.close();
    const std::shared_ptr<Session> &session = lease.m_session;
    bool remove = lease.m_remove;
    {
        QMutexLocker locker(&m_mutex);
        session->busy = false;
        session->updated = now();
        remove = remove || session->gone;
        if (remove) {
            const auto it = m_sessions.constFind(session->id);
            if (it != m_sessions.cend() && it.value() == session) {
                m_sessions.erase(it);
            }
        }
    }
    if (remove) {
        removeFiles(session->id);
    }
}

} // namespace Minato::Registry
