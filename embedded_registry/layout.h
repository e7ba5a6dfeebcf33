#pragma once

// Layout: the registry's directory tree, drawn once here, and the only code that builds paths in it. It also
// owns the exclusive lock on the root and the few file primitives every store uses to stay crash-safe.
//
//   Layout layout(root, /*fsync*/ true);
//   if (!layout.open(&error)) { qCritical() << error; return; }  // "… is in use by process 4242 on host …"
//   layout.writeAtomically(layout.tagPath(u"team/app", u"v1"), "sha256:…", &error);
//
// <root>/
//   .lock                                QLockFile: one server per root; holds the owner's PID and host
//   layout-version                       "1": the version of this tree; another number refuses to open
//   tmp/                                 temp files of atomic writes; emptied on open (a crash leaves some)
//   blobs/sha256/ab/abcdef…              content-addressed bytes (layers, configs, manifests), shared by all
//                                        repositories; immutable once renamed in
//   uploads/<uuid>/state                 JSON {"repository", "created", "updated"} of an upload session
//   uploads/<uuid>/data                  the bytes received so far; renamed into blobs/ when completed
//   repositories/<name…>/                one directory per name component ("team/app" → team/app/)
//       _blobs/sha256/<hex>              link: the blob is visible in this repository (pushed or mounted)
//       _manifests/sha256/<hex>          link: this manifest is in the repository; JSON {"mediaType", "subject"}
//       _tags/<tag>                      "sha256:<hex>": the manifest the tag points at
//       _referrers/sha256/<subject hex>/sha256-<hex>
//                                        the referrers API descriptor (JSON) of a manifest whose subject is
//                                        <subject>, written before that manifest's link, removed after it
//
// Name components match [a-z0-9]+(…) (distribution-spec "Pulling manifests"), so they never begin with '_'
// and cannot collide with the _blobs/_manifests/_tags/_referrers directories (distribution's own trick).
// Tags ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}) are safe file names; on a case-insensitive file system "V1" and
// "v1" would share a file — the tree is meant for Linux (and case-sensitive APFS/NTFS directories).
//
// Crash safety: every file becomes visible by rename(2) from tmp/ or uploads/ (same file system), after an
// fsync when enabled, so a kill -9 at any instant leaves either the old file or the new one. Writers order
// their steps so that whatever is visible is consistent: blob bytes before any link to them, a referrer entry
// before the manifest link it describes (readers skip entries whose manifest is not linked), the manifest
// link before a tag naming it; deletes go the other way.
//
// Thread-safe after open(): the object is immutable; concurrent renames onto one path are atomic.

#include "oci/digest.h"

#include <QByteArrayView>
#include <QString>

#include <memory>

class QFile;
class QLockFile;

namespace Minato::Registry {

class Layout
{
public:
    static constexpr int version = 1;

    Layout(QString root, bool fsync);
    ~Layout();
    Layout(const Layout &) = delete;
    Layout &operator=(const Layout &) = delete;

    // Creates the tree if needed, takes the lock, checks layout-version and empties tmp/. On failure
    // *error says why in a sentence (naming the PID holding the lock).
    bool open(QString *error);
    bool isOpen() const { return m_open; }

    const QString &root() const { return m_root; }
    bool fsyncEnabled() const { return m_fsync; }

    QString blobPath(const Oci::Digest &digest) const;
    QString repositoriesDir() const;
    QString repositoryDir(QStringView name) const;
    QString blobLinkPath(QStringView name, const Oci::Digest &digest) const;
    QString manifestLinkPath(QStringView name, const Oci::Digest &digest) const;
    QString tagsDir(QStringView name) const;
    QString tagPath(QStringView name, QStringView tag) const;
    QString referrersDir(QStringView name, const Oci::Digest &subject) const;
    QString referrerPath(QStringView name, const Oci::Digest &subject, const Oci::Digest &referrer) const;
    QString uploadsDir() const;
    QString uploadDir(QStringView id) const;
    QString uploadDataPath(QStringView id) const;
    QString uploadStatePath(QStringView id) const;
    // A fresh path in tmp/ (unique; nothing there yet).
    QString newTempPath() const;

    // Durable: fsynced (when enabled) before the rename, and the rename fsynced too — survives power loss.
    // Scratch: renamed atomically but never fsynced — survives a crash of the process (the kernel keeps
    // it), may be lost with the machine. For state that can be recreated (upload sessions: a client whose
    // session is gone starts the upload again).
    enum class Durability { Durable, Scratch };

    // Writes data to a temp file, fsyncs it (Durable, when enabled) and renames it over path, creating
    // path's directory. Readers see the old content or the new one, never a part.
    bool writeAtomically(const QString &path, QByteArrayView data, QString *error = nullptr,
                         Durability durability = Durability::Durable) const;
    // Renames from over to (replacing it atomically), after fsyncing from when enabled.
    bool moveIntoPlace(const QString &from, const QString &to, QString *error = nullptr) const;
    // fsync of an open file when enabled; true when disabled.
    bool sync(QFile &file) const;
    // Removes a file; true when it is gone (also when it was never there).
    static bool removeFile(const QString &path);

private:
    // The rename step of moveIntoPlace, for a file already synced.
    bool place(const QString &from, const QString &to, QString *error,
               Durability durability = Durability::Durable) const;
    void syncDirectoryOf(const QString &path) const;

    QString m_root;
    bool m_fsync = true;
    bool m_open = false;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace Minato::Registry
