#include "credentialhelper.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QPointer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

#include <functional>

namespace Minato::Client {

namespace {

// What docker-credential-helpers' client looks for (credentials.ErrCredentialsNotFound).
constexpr QLatin1String NotFoundMessage("credentials not found in native keychain");
// docker-credential-helpers' marker for an identity token in place of a user name.
constexpr QLatin1String IdentityTokenUser("<token>");

struct HelperOutcome
{
    bool started = false;
    QString startError; // when !started
    bool timedOut = false;
    bool tooLong = false;
    bool crashed = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    bool succeeded() const { return started && !timedOut && !tooLong && !crashed && exitCode == 0; }
    bool saysNotFound() const
    {
        return !succeeded() && (out.contains(NotFoundMessage.data()) || err.contains(NotFoundMessage.data()));
    }
    // The first line of what the helper said on failure, shortened: an error text, quoted so that a person
    // can act on it. Only used for failures, where helpers print errors and not secrets.
    QString failureText() const
    {
        QByteArray text = out.trimmed().isEmpty() ? err.trimmed() : out.trimmed();
        if (const qsizetype newline = text.indexOf('\n'); newline >= 0) {
            text.truncate(newline);
        }
        QString line = QString::fromUtf8(text).trimmed();
        if (line.size() > 200) {
            line = line.left(200) + u'…';
        }
        return line;
    }
};

// One helper process: writes `input` to its stdin once it has started, collects stdout/stderr (bounded),
// and reports once. Owned by the job it serves; destroying it kills a process still running, without
// blocking: the QProcess is detached and deletes itself once the kill has been reaped.
class HelperCall final : public QObject
{
public:
    using Done = std::function<void(const HelperOutcome &)>;

    HelperCall(const QString &program, const QString &action, QByteArray input, std::chrono::milliseconds timeout,
               QObject *parent, Done done)
        : QObject(parent)
        , m_process(new QProcess(this))
        , m_input(std::move(input))
        , m_done(std::move(done))
    {
        m_process->setProgram(program);
        m_process->setArguments({action}); // the action only: secrets never go into argv
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        connect(m_process, &QProcess::started, this, [this] {
            m_outcome.started = true;
            m_process->write(m_input);
            m_process->closeWriteChannel();
            m_input.fill('\0');
            m_input.clear();
        });
        connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { collect(QProcess::StandardOutput); });
        connect(m_process, &QProcess::readyReadStandardError, this, [this] { collect(QProcess::StandardError); });
        connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
            if (error == QProcess::FailedToStart) {
                m_outcome.startError = m_process->errorString();
                report();
            }
        });
        connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
            collect(QProcess::StandardOutput);
            collect(QProcess::StandardError);
            m_outcome.exitCode = exitCode;
            m_outcome.crashed = status == QProcess::CrashExit;
            report();
        });
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            m_outcome.timedOut = true;
            report();
        });
        m_timer.start(timeout);
        m_process->start(QIODevice::ReadWrite);
    }

    ~HelperCall() override
    {
        m_input.fill('\0');
        if (m_process->state() != QProcess::NotRunning) {
            // Detach, kill, and let the QProcess go once the child is reaped (its destructor would block).
            m_process->disconnect(this);
            m_process->setParent(nullptr);
            QObject::connect(m_process, &QProcess::finished, m_process, &QObject::deleteLater);
            m_process->kill();
        }
    }
    Q_DISABLE_COPY_MOVE(HelperCall)

private:
    void collect(QProcess::ProcessChannel channel)
    {
        m_process->setReadChannel(channel);
        QByteArray &buffer = channel == QProcess::StandardOutput ? m_outcome.out : m_outcome.err;
        buffer.append(m_process->readAll());
        if (buffer.size() > CredentialHelper::MaxOutputSize) {
            m_outcome.tooLong = true;
            report();
        }
    }

    void report()
    {
        if (m_reported) {
            return;
        }
        m_reported = true;
        m_timer.stop();
        if (m_process->state() != QProcess::NotRunning) {
            m_process->kill();
        }
        // The callback may finish the job; the job only deletes itself (and us) later, from the event loop.
        m_done(m_outcome);
    }

    QProcess *m_process;
    QByteArray m_input;
    Done m_done;
    QTimer m_timer;
    HelperOutcome m_outcome;
    bool m_reported = false;
};

bool isValidHelperName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    return pattern.match(name).hasMatch();
}

} // namespace

CredentialListJob::CredentialListJob() = default;
CredentialListJob::~CredentialListJob() = default;

void CredentialListJob::finish(QMap<QString, QString> entries, std::optional<CredentialError> error)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_entries = std::move(entries);
    m_error = std::move(error);
    QMetaObject::invokeMethod(
        this,
        [this] {
            Q_EMIT finished();
            deleteLater();
        },
        Qt::QueuedConnection);
}

CredentialHelper::CredentialHelper(QString name)
    : m_name(std::move(name))
{}

CredentialHelper::~CredentialHelper() = default;

QString CredentialHelper::programName() const
{
    return QStringLiteral("docker-credential-") + m_name;
}

QString CredentialHelper::programPath() const
{
    if (!isValidHelperName(m_name)) {
        return {};
    }
    return QStandardPaths::findExecutable(programName());
}

QString CredentialHelper::displayName() const
{
    return programName();
}

QString CredentialHelper::serverUrl(const QString &registryKey)
{
    return registryKey == dockerHubKey() ? dockerHubLegacyKey() : registryKey;
}

namespace {

// Starts `action` for `job`, or fails the job when the helper cannot be run; `interpret` turns a completed
// run into the job's result.
void runForJob(const CredentialHelper &helper, CredentialJob *job, const QString &action, QByteArray input,
               std::function<void(CredentialJob *, const HelperOutcome &)> interpret)
{
    const QString program = helper.programPath();
    if (program.isEmpty()) {
        job->fail(CredentialError::Kind::NoBackend,
                  CredentialHelper::tr("The docker credential helper “%1” is not installed (it is not on PATH). "
                                       "Install it, or remove it from \"credsStore\"/\"credHelpers\" in the "
                                       "docker configuration.")
                      .arg(helper.programName()));
        return;
    }
    new HelperCall(
        program, action, std::move(input), helper.timeout(), job,
        [job, interpret = std::move(interpret), name = helper.programName(), action](const HelperOutcome &outcome) {
            if (outcome.timedOut) {
                return; // the job's own timer, started first, reports the timeout
            }
            if (!outcome.started) {
                job->fail(CredentialError::Kind::NoBackend,
                          CredentialHelper::tr("The docker credential helper “%1” could not be "
                                               "started: %2")
                              .arg(name, outcome.startError));
                return;
            }
            if (outcome.tooLong) {
                job->fail(CredentialError::Kind::Other,
                          CredentialHelper::tr("“%1 %2” printed more than a helper ever should; it "
                                               "does not seem to be a docker credential helper.")
                              .arg(name, action));
                return;
            }
            if (outcome.crashed) {
                job->fail(CredentialError::Kind::Other, CredentialHelper::tr("“%1 %2” crashed.").arg(name, action));
                return;
            }
            interpret(job, outcome);
        });
}

void failFromExit(CredentialJob *job, const QString &name, const QString &action, const HelperOutcome &outcome)
{
    const QString said = outcome.failureText();
    job->fail(CredentialError::Kind::Other, said.isEmpty()
                                                ? CredentialHelper::tr("“%1 %2” failed (exit code %3).")
                                                      .arg(name, action, QString::number(outcome.exitCode))
                                                : CredentialHelper::tr("“%1 %2” failed: %3").arg(name, action, said));
}

} // namespace

void CredentialHelper::startLookup(CredentialJob *job)
{
    runForJob(
        *this, job, QStringLiteral("get"), serverUrl(job->registryKey()).toUtf8(),
        [name = programName()](CredentialJob *j, const HelperOutcome &outcome) {
            if (outcome.saysNotFound()) {
                j->fail(CredentialError::Kind::NotFound, tr("%1 has no login for %2.").arg(name, j->registryKey()));
                return;
            }
            if (!outcome.succeeded()) {
                failFromExit(j, name, QStringLiteral("get"), outcome);
                return;
            }
            const QJsonDocument document = QJsonDocument::fromJson(outcome.out);
            const QJsonObject object = document.object();
            const QJsonValue username = object.value(QLatin1String("Username"));
            const QJsonValue secret = object.value(QLatin1String("Secret"));
            // The message never quotes the output: it would contain the secret.
            if (!document.isObject() || !secret.isString() ||
                !(username.isString() || username.isUndefined() || username.isNull())) {
                j->fail(CredentialError::Kind::Other,
                        tr("“%1 get” answered with something other than the JSON object of the docker "
                           "credential helper protocol.")
                            .arg(name));
                return;
            }
            if (secret.toString().isEmpty()) {
                j->fail(CredentialError::Kind::NotFound, tr("%1 has no login for %2.").arg(name, j->registryKey()));
                return;
            }
            Credentials credentials{username.toString(), secret.toString(), false};
            if (credentials.username == IdentityTokenUser) {
                credentials.username.clear();
                credentials.isIdentityToken = true;
            }
            j->finish(CredentialResult::success(std::move(credentials), name));
        });
}

void CredentialHelper::startStore(CredentialJob *job, const Credentials &credentials)
{
    QJsonObject payload;
    payload.insert(QStringLiteral("ServerURL"), serverUrl(job->registryKey()));
    payload.insert(QStringLiteral("Username"),
                   credentials.isIdentityToken ? QString(IdentityTokenUser) : credentials.username);
    payload.insert(QStringLiteral("Secret"), credentials.secret);
    runForJob(*this, job, QStringLiteral("store"), QJsonDocument(payload).toJson(QJsonDocument::Compact),
              [name = programName()](CredentialJob *j, const HelperOutcome &outcome) {
                  if (!outcome.succeeded()) {
                      failFromExit(j, name, QStringLiteral("store"), outcome);
                      return;
                  }
                  j->finish(CredentialResult::success({}, name));
              });
}

void CredentialHelper::startErase(CredentialJob *job)
{
    runForJob(*this, job, QStringLiteral("erase"), serverUrl(job->registryKey()).toUtf8(),
              [name = programName()](CredentialJob *j, const HelperOutcome &outcome) {
                  if (!outcome.succeeded() && !outcome.saysNotFound()) {
                      failFromExit(j, name, QStringLiteral("erase"), outcome);
                      return;
                  }
                  j->finish(CredentialResult::success({}, name));
              });
}

CredentialListJob *CredentialHelper::list()
{
    auto *job = new CredentialListJob;
    const QString program = programPath();
    const QString name = programName();
    if (program.isEmpty()) {
        job->finish({}, CredentialError(CredentialError::Kind::NoBackend,
                                        tr("The docker credential helper “%1” is not installed (it is not on "
                                           "PATH).")
                                            .arg(name)));
        return job;
    }
    new HelperCall(
        program, QStringLiteral("list"), QByteArrayLiteral("unused"), timeout(), job,
        [job, name, seconds = timeout().count() / 1000.0](const HelperOutcome &outcome) {
            using Kind = CredentialError::Kind;
            if (outcome.timedOut) {
                job->finish({},
                            CredentialError(Kind::Timeout,
                                            tr("No answer from %1 within %2 s.").arg(name, QString::number(seconds))));
                return;
            }
            if (!outcome.started) {
                job->finish({}, CredentialError(Kind::NoBackend, tr("The docker credential helper “%1” could not be "
                                                                    "started: %2")
                                                                     .arg(name, outcome.startError)));
                return;
            }
            const QJsonDocument document = QJsonDocument::fromJson(outcome.out);
            if (!outcome.succeeded() || !document.isObject()) {
                const QString said = outcome.failureText();
                job->finish({},
                            CredentialError(
                                Kind::Other,
                                tr("“%1 list” failed: %2").arg(name, said.isEmpty() ? tr("unexpected output") : said)));
                return;
            }
            QMap<QString, QString> entries;
            const QJsonObject object = document.object();
            for (auto it = object.begin(); it != object.end(); ++it) {
                entries.insert(it.key(), it.value().toString());
            }
            job->finish(std::move(entries), std::nullopt);
        });
    return job;
}

} // namespace Minato::Client
