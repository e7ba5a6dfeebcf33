#include "layout.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QUuid>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#endif

namespace Minato::Registry {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Minato::Registry::Layout", text);
}

QString errnoText()
{
#ifdef Q_OS_WIN
    return QString::number(GetLastError());
#else
    return QString::fromLocal8Bit(std::strerror(errno));
#endif
}

bool renameOver(const QString &from, const QString &to)
{
#ifdef Q_OS_WIN
    return MoveFileExW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(from).utf16()),
                       reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(to).utf16()),
                       MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0;
#else
    // rename(2) replaces `to` atomically; QFile::rename refuses an existing target.
    return ::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0;
#endif
}

} // namespace

Layout::Layout(QString root, bool fsync)
    : m_root(QDir::cleanPath(QDir(root).absolutePath()))
    , m_fsync(fsync)
{}

Layout::~Layout()
{
    if (m_lock) {
        m_lock->unlock();
    }
}

bool Layout::open(QString *error)
{
    const auto fail = [error](QString message) {
        if (error) {
            *error = std::move(message);
        }
        return false;
    };
    if (!QDir().mkpath(m_root)) {
        return fail(tr("Cannot create the registry directory %1.").arg(m_root));
    }

    m_lock = std::make_unique<QLockFile>(m_root + QStringLiteral("/.lock"));
    // 0: never take over a lock by age. A lock whose process is gone on this host is still recovered.
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host;
        QString app;
        if (m_lock->error() == QLockFile::LockFailedError && m_lock->getLockInfo(&pid, &host, &app)) {
            return fail(tr("The registry directory %1 is in use by process %2 (%3) on host %4; two servers "
                           "cannot share one directory.")
                            .arg(m_root)
                            .arg(pid)
                            .arg(app.isEmpty() ? tr("unknown program") : app, host.isEmpty() ? tr("?") : host));
        }
        return fail(tr("Cannot lock the registry directory %1 (%2.lock is not writable).").arg(m_root, m_root + u'/'));
    }

    const QString versionPath = m_root + QStringLiteral("/layout-version");
    QFile versionFile(versionPath);
    if (versionFile.exists()) {
        if (!versionFile.open(QIODevice::ReadOnly)) {
            return fail(tr("Cannot read %1.").arg(versionPath));
        }
        const QByteArray text = versionFile.read(64).trimmed();
        if (text != QByteArray::number(version)) {
            return fail(tr("%1 has layout version \"%2\"; this build reads version %3 only.")
                            .arg(m_root, QString::fromLatin1(text.left(16)))
                            .arg(version));
        }
    }

    for (const QString &sub : {QStringLiteral("tmp"), QStringLiteral("blobs/sha256"), QStringLiteral("uploads"),
                               QStringLiteral("repositories")}) {
        if (!QDir().mkpath(m_root + u'/' + sub)) {
            return fail(tr("Cannot create %1.").arg(m_root + u'/' + sub));
        }
    }
    // Temp files belong to writes that never got renamed in: a crash. Nothing refers to them.
    QDir tmp(m_root + QStringLiteral("/tmp"));
    for (const QString &name : tmp.entryList(QDir::Files | QDir::Hidden | QDir::System)) {
        tmp.remove(name);
    }

    if (!versionFile.exists()) {
        QString writeError;
        m_open = true; // writeAtomically needs tmp/, which exists now
        if (!writeAtomically(versionPath, QByteArray::number(version) + '\n', &writeError)) {
            m_open = false;
            return fail(writeError);
        }
    }
    m_open = true;
    return true;
}

QString Layout::blobPath(const Oci::Digest &digest) const
{
    const QString &hex = digest.hex();
    return m_root + QStringLiteral("/blobs/") + digest.algorithmName() + u'/' + hex.left(2) + u'/' + hex;
}

QString Layout::repositoriesDir() const
{
    return m_root + QStringLiteral("/repositories");
}

QString Layout::repositoryDir(QStringView name) const
{
    return repositoriesDir() + u'/' + name.toString();
}

QString Layout::blobLinkPath(QStringView name, const Oci::Digest &digest) const
{
    return repositoryDir(name) + QStringLiteral("/_blobs/") + digest.algorithmName() + u'/' + digest.hex();
}

QString Layout::manifestLinkPath(QStringView name, const Oci::Digest &digest) const
{
    return repositoryDir(name) + QStringLiteral("/_manifests/") + digest.algorithmName() + u'/' + digest.hex();
}

QString Layout::tagsDir(QStringView name) const
{
    return repositoryDir(name) + QStringLiteral("/_tags");
}

QString Layout::tagPath(QStringView name, QStringView tag) const
{
    return tagsDir(name) + u'/' + tag.toString();
}

QString Layout::referrersDir(QStringView name, const Oci::Digest &subject) const
{
    return repositoryDir(name) + QStringLiteral("/_referrers/") + subject.algorithmName() + u'/' + subject.hex();
}

QString Layout::referrerPath(QStringView name, const Oci::Digest &subject, const Oci::Digest &referrer) const
{
    return referrersDir(name, subject) + u'/' + referrer.algorithmName() + u'-' + referrer.hex();
}

QString Layout::uploadsDir() const
{
    return m_root + QStringLiteral("/uploads");
}

QString Layout::uploadDir(QStringView id) const
{
    return uploadsDir() + u'/' + id.toString();
}

QString Layout::uploadDataPath(QStringView id) const
{
    return uploadDir(id) + QStringLiteral("/data");
}

QString Layout::uploadStatePath(QStringView id) const
{
    return uploadDir(id) + QStringLiteral("/state");
}

QString Layout::newTempPath() const
{
    return m_root + QStringLiteral("/tmp/") + QUuid::createUuid().toString(QUuid::WithoutBraces) +
           QStringLiteral(".tmp");
}

bool Layout::sync(QFile &file) const
{
    if (!m_fsync) {
        return true;
    }
    if (!file.flush()) {
        return false;
    }
#ifdef Q_OS_WIN
    return _commit(file.handle()) == 0;
#else
    return ::fsync(file.handle()) == 0;
#endif
}

void Layout::syncDirectoryOf(const QString &path) const
{
    // Makes the rename itself durable (the file's own fsync does not cover its directory entry).
#ifndef Q_OS_WIN
    if (!m_fsync) {
        return;
    }
    const int fd = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(path)
#endif
}

bool Layout::writeAtomically(const QString &path, QByteArrayView data, QString *error, Durability durability) const
{
    const QString temp = newTempPath();
    QFile file(temp);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        if (error) {
            *error = tr("Cannot create %1: %2").arg(temp, file.errorString());
        }
        return false;
    }
    const bool written = file.write(data.data(), data.size()) == data.size() &&
                         (durability == Durability::Scratch ? file.flush() : sync(file));
    file.close();
    if (!written) {
        if (error) {
            *error = tr("Cannot write %1: %2").arg(temp, file.errorString());
        }
        QFile::remove(temp);
        return false;
    }
    if (!place(temp, path, error, durability)) {
        QFile::remove(temp);
        return false;
    }
    return true;
}

bool Layout::moveIntoPlace(const QString &from, const QString &to, QString *error) const
{
    if (m_fsync) {
        QFile file(from);
        if (!file.open(QIODevice::ReadWrite) || !sync(file)) {
            if (error) {
                *error = tr("Cannot flush %1 to disk: %2").arg(from, file.errorString());
            }
            return false;
        }
    }
    return place(from, to, error);
}

bool Layout::place(const QString &from, const QString &to, QString *error, Durability durability) const
{
    const QString dir = QFileInfo(to).absolutePath();
    if (!QDir().mkpath(dir)) {
        if (error) {
            *error = tr("Cannot create %1.").arg(dir);
        }
        return false;
    }
    if (!renameOver(from, to)) {
        if (error) {
            *error = tr("Cannot rename %1 to %2: %3").arg(from, to, errnoText());
        }
        return false;
    }
    if (durability == Durability::Durable) {
        syncDirectoryOf(to);
    }
    return true;
}

bool Layout::removeFile(const QString &path)
{
    return QFile::remove(path) || !QFileInfo::exists(path);
}

} // namespace Minato::Registry
