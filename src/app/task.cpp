#include "task.h"

#include "appsession.h"
#include "format.h"

#include "client/registryclient.h"

#include <QDir>
#include <QFileInfo>

#include <memory>

namespace Minato::App {

Task::Task(AppSession *session, QString title, bool countsBytes, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_title(std::move(title))
    , m_countsBytes(countsBytes)
{}

Task::~Task()
{
    if (m_job) {
        disconnect(m_job, nullptr, this, nullptr);
        m_job->cancel();
        m_job->deleteLater();
    }
}

void Task::abort()
{
    if (m_job) {
        m_job->cancel();
    }
}

Client::RegistryClient *Task::clientFor(const QString &connection)
{
    Client::RegistryClient *client = m_session ? m_session->client(connection) : nullptr;
    if (!client) {
        failWith(tr("The connection \"%1\" no longer exists.").arg(connection));
    }
    return client;
}

void Task::releaseJob()
{
    if (m_job) {
        m_job->deleteLater();
        m_job = nullptr;
    }
}

void Task::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    m_startedAt = QDateTime::currentDateTimeUtc();
    ++m_runs;
    run();
}

void Task::cancel()
{
    if (m_state != State::Running) {
        return;
    }
    abort();
    if (m_state == State::Running) {
        markCancelled();
    }
}

void Task::retry()
{
    if (!canRetry()) {
        return;
    }
    m_state = State::Running;
    m_error.clear();
    m_done = 0;
    m_speed = 0;
    m_startedAt = QDateTime::currentDateTimeUtc();
    ++m_runs;
    emit changed();
    run();
}

void Task::setProgress(qint64 done, qint64 total, double bytesPerSecond, const QString &detail)
{
    m_done = done;
    m_total = total;
    m_speed = bytesPerSecond;
    m_detail = detail;
    emit changed();
}

void Task::setDetail(const QString &detail)
{
    m_detail = detail;
    emit changed();
}

void Task::succeed(const QString &detail)
{
    m_detail = detail;
    m_done = m_total;
    end(State::Succeeded);
}

void Task::failWith(const QString &error, const QString &detail)
{
    m_error = error;
    if (!detail.isEmpty()) {
        m_detail = detail;
    }
    end(State::Failed);
}

void Task::markCancelled()
{
    m_detail = tr("Cancelled");
    end(State::Cancelled);
}

void Task::end(State state)
{
    if (m_state != State::Running) {
        return;
    }
    m_state = state;
    m_speed = 0;
    emit changed();
    emit finished();
}

// ---- CopyTask ---------------------------------------------------------------------------------------------

CopyTask::CopyTask(AppSession *session, Place source, Place target, Client::CopyJob::Options options,
                   QObject *parent)
    : Task(session, tr("Copy %1:%2 to %3/%4")
               .arg(source.repository, source.reference, target.connection,
                    target.repository + (target.reference.isEmpty() ? QString() : u':' + target.reference)),
           true, parent)
    , m_source(std::move(source))
    , m_target(std::move(target))
    , m_options(std::move(options))
{}


void CopyTask::run()
{
    Client::RegistryClient *from = clientFor(m_source.connection);
    Client::RegistryClient *to = from ? clientFor(m_target.connection) : nullptr;
    if (!to) {
        return;
    }
    Client::CopyJob::Image src;
    src.repository = m_source.repository;
    src.reference = m_source.reference;
    Client::CopyJob::Image dst;
    dst.repository = m_target.repository;
    dst.reference = m_target.reference;
    auto *job = new Client::CopyJob(from, src, to, dst, m_options, this);
    setJob(job);
    setDetail(tr("Reading the image…"));
    connect(job, &Client::CopyJob::planned, this, [this](const Client::ImageGraph &graph) {
        m_newIndex = graph.rewritten();
        setDetail(tr("%1 to copy").arg(Format::size(graph.blobBytes())));
    });
    connect(job, &Client::CopyJob::progress, this, [this](const Client::CopyProgress &p) {
        QString detail = tr("%1 of %2 blobs · %3 of %4")
                             .arg(p.blobsDone)
                             .arg(p.blobsTotal)
                             .arg(Format::size(p.doneBytes), Format::size(p.totalBytes));
        if (p.bytesPerSecond > 0) {
            detail += tr(" · %1/s").arg(Format::size(qint64(p.bytesPerSecond)));
        }
        if (p.blobsDone == p.blobsTotal && p.manifestsTotal > 0) {
            detail = tr("Pushing manifests: %1 of %2").arg(p.manifestsDone).arg(p.manifestsTotal);
        }
        setProgress(p.doneBytes, p.totalBytes, p.bytesPerSecond, detail);
    });
    connect(job, &Client::CopyJob::finished, this, [this, job](const Client::CopyResult &r) {
        const auto failed = job->failedBlobs().size();
        if (settled(r)) {
            if (state() == State::Failed && failed > 0) {
                setDetail(Format::plural(failed, tr("1 blob still to copy: Retry sends only that one."),
                                         tr("%1 blobs still to copy: Retry sends only those.")));
            }
            return;
        }
        m_result = r.value();
        const double seconds = double(r->elapsedMs) / 1000.0;
        const int reused = r->blobsPresent + r->blobsMounted;
        QString detail = r->blobsCopied == 0
                             ? Format::plural(reused, tr("Copied: nothing to send, the blob was there already or mounted"),
                                              tr("Copied: nothing to send, the %1 blobs were there already or mounted"))
                             : tr("Copied: %1 sent in %2 s").arg(Format::size(r->bytesSent)).arg(seconds, 0, 'f', 1);
        if (r->blobsCopied > 0 && reused > 0) {
            detail += Format::plural(reused, tr(", 1 blob already there"), tr(", %1 blobs already there"));
        }
        if (r->originalDigest.isValid()) {
            detail += tr(" · a new index %1 (only some platforms): signatures of the original do not apply")
                          .arg(Format::shortDigest(r->digest));
        }
        succeed(detail);
    });
    job->start();
}


// ---- RetagTask --------------------------------------------------------------------------------------------

RetagTask::RetagTask(AppSession *session, QString connection, Client::Retag::Image source, Client::Retag::Image target,
                     QObject *parent)
    : Task(session, tr("Tag %1:%2 as %3:%4").arg(source.repository, source.reference, target.repository, target.reference), false,
           parent)
    , m_connection(std::move(connection))
    , m_source(std::move(source))
    , m_target(std::move(target))
{}


void RetagTask::run()
{
    Client::RegistryClient *client = clientFor(m_connection);
    if (!client) {
        return;
    }
    auto *job = new Client::Retag(client, m_source, m_target, this);
    setJob(job);
    setDetail(tr("Reading the manifest…"));
    connect(job, &Client::Retag::progress, this,
            [this](int done, int total) { setProgress(done, total, 0, tr("%1 of %2 steps").arg(done).arg(total)); });
    connect(job, &Client::Retag::finished, this, [this, job](const Client::RetagResult &r) {
        if (settled(r)) {
            return;
        }
        QString detail = tr("Tagged: %1:%2 is %3").arg(m_target.repository, m_target.reference, Format::shortDigest(r->digest));
        if (r->mountedBlobs > 0) {
            detail += Format::plural(r->mountedBlobs, tr(", 1 blob mounted"), tr(", %1 blobs mounted"));
        }
        succeed(detail);
    });
    job->start();
}


std::optional<Task::ChangedTags> RetagTask::changedTags() const
{
    if (state() != State::Succeeded) {
        return std::nullopt;
    }
    ChangedTags changed;
    changed.connection = m_connection;
    changed.repository = m_target.repository;
    return changed;
}

// ---- ExportTask -------------------------------------------------------------------------------------------

ExportTask::ExportTask(AppSession *session, QString connection, QString repository, QString reference, QString path,
                       Client::ImageExport::Options options, QObject *parent)
    : Task(session, tr("Export %1:%2 to %3").arg(repository, reference, QFileInfo(path).fileName()), true, parent)
    , m_connection(std::move(connection))
    , m_repository(std::move(repository))
    , m_reference(std::move(reference))
    , m_path(std::move(path))
    , m_options(std::move(options))
{}


void ExportTask::run()
{
    Client::RegistryClient *client = clientFor(m_connection);
    if (!client) {
        return;
    }
    auto *job = new Client::ImageExport(client, m_repository, m_reference, m_path, m_options, this);
    setJob(job);
    auto stage = std::make_shared<QString>(tr("Reading the image…"));
    setDetail(*stage);
    connect(job, &Client::ImageExport::stageChanged, this, [this, stage](Client::ImageExport::Stage s) {
        switch (s) {
        case Client::ImageExport::Stage::Reading:
            *stage = tr("Reading the image…");
            break;
        case Client::ImageExport::Stage::Downloading:
            *stage = tr("Downloading");
            break;
        case Client::ImageExport::Stage::Writing:
            *stage = tr("Writing the archive");
            break;
        }
        setDetail(*stage);
    });
    connect(job, &Client::ImageExport::progress, this, [this, stage](qint64 done, qint64 total) {
        setProgress(done, total, 0, tr("%1: %2 of %3").arg(*stage, Format::size(done), Format::size(total)));
    });
    connect(job, &Client::ImageExport::finished, this, [this, job](const Client::ImageExportResult &r) {
        if (settled(r)) {
            return;
        }
        succeed(r->format == Client::ImageExportInfo::Format::DockerArchive
                    ? tr("Saved %1 (%2) for docker load").arg(QDir::toNativeSeparators(r->path), Format::size(r->archiveBytes))
                    : tr("Saved the OCI image layout %1 (%2)").arg(QDir::toNativeSeparators(r->path), Format::size(r->totalBytes)));
    });
    job->start();
}


// ---- ImportTask -------------------------------------------------------------------------------------------

ImportTask::ImportTask(AppSession *session, QString path, QString connection, QString repository, QString tag,
                       QObject *parent)
    : Task(session, tr("Import %1 as %2:%3").arg(QFileInfo(path).fileName(), repository, tag), true, parent)
    , m_path(std::move(path))
    , m_connection(std::move(connection))
    , m_repository(std::move(repository))
    , m_tag(std::move(tag))
{}


void ImportTask::run()
{
    Client::RegistryClient *client = clientFor(m_connection);
    if (!client) {
        return;
    }
    auto *job = new Client::ImageImport(client, m_path, m_repository, m_tag, {}, this);
    setJob(job);
    setDetail(tr("Reading %1…").arg(QFileInfo(m_path).fileName()));
    connect(job, &Client::ImageImport::progress, this, [this](qint64 done, qint64 total) {
        setProgress(done, total, 0, tr("Uploading: %1 of %2").arg(Format::size(done), Format::size(total)));
    });
    connect(job, &Client::ImageImport::finished, this, [this, job](const Client::ImageImportResult &r) {
        if (settled(r)) {
            return;
        }
        succeed(tr("Pushed %1:%2 (%3), %4 sent").arg(m_repository, m_tag, Format::shortDigest(r->digest),
                                                     Format::size(r->uploadedBytes)));
    });
    job->start();
}


std::optional<Task::ChangedTags> ImportTask::changedTags() const
{
    if (state() != State::Succeeded) {
        return std::nullopt;
    }
    ChangedTags changed;
    changed.connection = m_connection;
    changed.repository = m_repository;
    return changed;
}

// ---- DeleteTagsTask ---------------------------------------------------------------------------------------

DeleteTagsTask::DeleteTagsTask(AppSession *session, QString connection, QString repository, QStringList tags,
                               QObject *parent)
    : Task(session, tags.size() == 1 ? tr("Delete %1:%2").arg(repository, tags.constFirst())
                            : tr("Delete %1 tags of %2").arg(tags.size()).arg(repository),
           false, parent)
    , m_connection(std::move(connection))
    , m_repository(std::move(repository))
    , m_pending(std::move(tags))
{}


void DeleteTagsTask::run()
{
    Client::RegistryClient *client = clientFor(m_connection);
    if (!client) {
        return;
    }
    m_failures.clear();
    auto *job = new Client::BulkDelete(client, m_repository, m_pending, {}, this);
    setJob(job);
    const QStringList tags = m_pending;
    setProgress(0, tags.size(), 0, tr("Deleting…"));
    connect(job, &Client::BulkDelete::itemFinished, this, [this, tags](int index, const Client::DeleteResult &r) {
        const QString tag = tags.value(index);
        if (r) {
            m_deleted.append(tag);
            emit tagDeleted(m_connection, m_repository, tag);
        } else if (!r.isCancelled()) {
            m_failures.append({tag, r.error().message()});
        }
    });
    connect(job, &Client::BulkDelete::progress, this, [this](int done, int total) {
        setProgress(done, total, 0, tr("%1 of %2 tags").arg(done).arg(total));
    });
    connect(job, &Client::BulkDelete::finished, this, [this, job](const Client::BulkDeleteResult &r) {
        if (settled(r)) {
            return;
        }
        if (!m_failures.isEmpty()) {
            QStringList failed;
            for (const auto &[tag, why] : std::as_const(m_failures)) {
                failed.append(tag);
            }
            m_pending = failed;
            failWith(m_failures.constFirst().second,
                     tr("Deleted %1; not deleted: %2").arg(r->deleted).arg(failed.join(QStringLiteral(", "))));
            return;
        }
        succeed(Format::plural(r->deleted, tr("Deleted 1 tag"), tr("Deleted %1 tags")));
    });
    job->start();
}

std::optional<Task::ChangedTags> DeleteTagsTask::changedTags() const
{
    if (m_deleted.isEmpty()) { // a delete that failed for some tags still removed the others
        return std::nullopt;
    }
    ChangedTags changed;
    changed.connection = m_connection;
    changed.repository = m_repository;
    changed.removedTags = true;
    return changed;
}

} // namespace Minato::App
