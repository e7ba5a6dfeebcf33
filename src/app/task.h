#pragma once

// Task: one long job a person started — a copy, a delete of many tags — as the Tasks panel shows it: a title,
// its state, progress (bytes, or items), speed, a line of detail, the final error in plain words, cancel, and a
// retry of what failed. Each subclass wraps one client job (src/client); the job keeps running while the person
// browses elsewhere, since nothing here belongs to a pane.
//
//   auto *task = new CopyTask(session, {u"Docker Hub"_s, u"library/nginx"_s, u"1.27"_s},
//                             {u"Local registry"_s, u"mirror/nginx"_s, {}}, options);
//   tasks->add(task);                       // TaskListModel: shown, started, owned
//   connect(task, &Task::changed, …);       // progress, detail
//   task->cancel();  task->retry();         // retry: only when state() == Failed and canRetry()
//
// Contract: start() once (TaskListModel::add does it); changed() after every visible change (at most a few
// times a second for byte progress); finished() once per run — a retry() is a new run of the same task.

#include "client/bulkdelete.h"
#include "client/compositeoperation.h"
#include "client/copyjob.h"
#include "client/imageexport.h"
#include "client/imageimport.h"
#include "client/retag.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <optional>

namespace Minato::Client {
class RegistryClient;
}

namespace Minato::App {

class AppSession;

class Task : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Task)

public:
    enum class State { Running, Succeeded, Failed, Cancelled };

    ~Task() override;

    const QString &title() const { return m_title; }
    State state() const { return m_state; }
    bool isRunning() const { return m_state == State::Running; }
    // Progress: done of total units (bytes when countsBytes(), else items); total 0 = not known yet.
    qint64 done() const { return m_done; }
    qint64 total() const { return m_total; }
    bool countsBytes() const { return m_countsBytes; }
    double bytesPerSecond() const { return m_speed; }
    // One line under the title: what is happening or what happened ("3 of 5 blobs", "Copied, 512 MiB in 4 s").
    const QString &detail() const { return m_detail; }
    // Failed: what went wrong, a sentence a person can act on.
    const QString &errorText() const { return m_error; }
    const QDateTime &startedAt() const { return m_startedAt; }
    int runs() const { return m_runs; }

    void start();
    void cancel();
    // The repository whose tags this task has changed, once it has ended (nullopt: none). The window reloads the
    // tags pane when it shows that repository; removedTags also clears the details, whose tag may be gone.
    struct ChangedTags
    {
        QString connection;
        QString repository;
        bool removedTags = false;
    };
    virtual std::optional<ChangedTags> changedTags() const { return std::nullopt; }

    // A failed task can be run again: only what is missing (a copy skips the blobs the target has; a delete
    // retries the tags that failed).
    virtual bool canRetry() const { return m_state == State::Failed; }
    void retry();

signals:
    void changed();
    void finished();

protected:
    Task(AppSession *session, QString title, bool countsBytes, QObject *parent);

    // Starts the job (again, after retry()); the subclass reports through the setters below.
    virtual void run() = 0;
    // Cancels the job; markCancelled() follows from the job's Cancelled result or right here.
    virtual void abort();

    // The client of a saved connection; nullptr after failing the task with a sentence when it is gone.
    Client::RegistryClient *clientFor(const QString &connection);
    // The job this run started (a child of the task): cancelled by abort() and when the task is destroyed.
    void setJob(Client::CompositeOperation *job) { m_job = job; }
    // A finished job's result: true when it was a cancel or an error, which this has already shown (the task then
    // ends Cancelled or Failed); false when it is a value for the subclass. Either way the job is let go.
    template<typename R>
    bool settled(const R &result)
    {
        releaseJob();
        if (result.isCancelled()) {
            markCancelled();
            return true;
        }
        if (!result) {
            failWith(result.error().message());
            return true;
        }
        return false;
    }

    void setProgress(qint64 done, qint64 total, double bytesPerSecond, const QString &detail);
    void setDetail(const QString &detail);
    void succeed(const QString &detail);
    void failWith(const QString &error, const QString &detail = {});
    void markCancelled();

    QPointer<AppSession> m_session;

private:
    void end(State state);
    void releaseJob();

    QPointer<Client::CompositeOperation> m_job;
    QString m_title;
    bool m_countsBytes = false;
    State m_state = State::Running;
    qint64 m_done = 0;
    qint64 m_total = 0;
    double m_speed = 0;
    QString m_detail;
    QString m_error;
    QDateTime m_startedAt;
    bool m_started = false;
    int m_runs = 0;
};

// An image from one connection to another (or another repository), with CopyJob.
class CopyTask final : public Task
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CopyTask)

public:
    struct Place
    {
        QString connection;
        QString repository;
        QString reference; // source: tag or digest; target: a tag, or empty (the source's tag)
    };

    CopyTask(AppSession *session, Place source, Place target, Client::CopyJob::Options options,
             QObject *parent = nullptr);
    ~CopyTask() override = default;

    const Place &source() const { return m_source; }
    const Place &target() const { return m_target; }
    // After the source was read: a platform subset made a new index (its digest differs from the source's).
    bool wroteNewIndex() const { return m_newIndex; }
    const std::optional<Client::CopyInfo> &result() const { return m_result; }

protected:
    void run() override;

private:
    Place m_source;
    Place m_target;
    Client::CopyJob::Options m_options;
    bool m_newIndex = false;
    std::optional<Client::CopyInfo> m_result;
};

// Another tag for an image on the same connection (Retag: no data moves; into another repository its blobs are
// mounted first). Quick, but a task all the same: its result and any error show where the others do.
class RetagTask final : public Task
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetagTask)

public:
    RetagTask(AppSession *session, QString connection, Client::Retag::Image source, Client::Retag::Image target,
              QObject *parent = nullptr);
    ~RetagTask() override = default;

    const QString &connection() const { return m_connection; }
    const Client::Retag::Image &target() const { return m_target; }
    std::optional<ChangedTags> changedTags() const override;

protected:
    void run() override;

private:
    QString m_connection;
    Client::Retag::Image m_source;
    Client::Retag::Image m_target;
};

// An image written to disk (ImageExport): an OCI image layout directory (every platform, the registry's digests) or
// a docker-archive tar for `docker load` (one platform). A retry fetches only the blobs still missing (a layout).
class ExportTask final : public Task
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ExportTask)

public:
    ExportTask(AppSession *session, QString connection, QString repository, QString reference, QString path,
               Client::ImageExport::Options options, QObject *parent = nullptr);
    ~ExportTask() override = default;

    const QString &path() const { return m_path; }

protected:
    void run() override;

private:
    QString m_connection;
    QString m_repository;
    QString m_reference;
    QString m_path;
    Client::ImageExport::Options m_options;
};

// An OCI image layout directory or a docker-archive tar pushed into a repository under a tag (ImageImport); blobs
// the repository has are not sent again, so a retry sends only what is missing.
class ImportTask final : public Task
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportTask)

public:
    ImportTask(AppSession *session, QString path, QString connection, QString repository, QString tag,
               QObject *parent = nullptr);
    ~ImportTask() override = default;

    const QString &connection() const { return m_connection; }
    const QString &repository() const { return m_repository; }
    std::optional<ChangedTags> changedTags() const override;

protected:
    void run() override;

private:
    QString m_path;
    QString m_connection;
    QString m_repository;
    QString m_tag;
};

// Tags of one repository deleted as one job, with BulkDelete; a retry deletes the tags that failed.
class DeleteTagsTask final : public Task
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeleteTagsTask)

public:
    DeleteTagsTask(AppSession *session, QString connection, QString repository, QStringList tags,
                   QObject *parent = nullptr);
    ~DeleteTagsTask() override = default;

    const QString &connection() const { return m_connection; }
    const QString &repository() const { return m_repository; }
    const QStringList &deleted() const { return m_deleted; }
    // Tags that could not be deleted, each with its sentence.
    const QList<QPair<QString, QString>> &failures() const { return m_failures; }
    std::optional<ChangedTags> changedTags() const override;

signals:
    // A tag is gone (the panes showing the repository drop it).
    void tagDeleted(const QString &connection, const QString &repository, const QString &tag);

protected:
    void run() override;

private:
    QString m_connection;
    QString m_repository;
    QStringList m_pending; // the tags this run deletes
    QStringList m_deleted;
    QList<QPair<QString, QString>> m_failures;
};

} // namespace Minato::App
