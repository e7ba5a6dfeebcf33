#pragma once

// Progress on stderr for minatoctl's long commands (cp, export, import): one bar redrawn in place when stderr
// is a terminal, plain lines otherwise (a line per stage and per tenth), or nothing — `--progress bar|lines|none`
// overrides the default. Also the two options those commands share, --progress and --parallel.
//
//   addTransferOptions(cl);                                   // --progress MODE, --parallel N
//   const auto mode = progressMode(ctx, cl);                  // nullopt: a usage error was reported
//   const auto parallel = parallelOption(ctx, cl);
//   auto printer = std::make_shared<ProgressPrinter>(ctx.err(), *mode);
//   printer->stage(tr("downloading"));
//   printer->update(done, total);                             // bytes
//   printer->done();                                          // ends the bar's line before the summary

#include "clicontext.h"

#include <QElapsedTimer>
#include <QString>
#include <QTextStream>

#include <optional>

namespace Minato::Cli {

class ProgressPrinter
{
public:
    enum class Mode { Bar, Lines, None };

    ProgressPrinter(QTextStream &err, Mode mode);

    Mode mode() const { return m_mode; }
    // A new stage ("downloading", "writing archive"): its own line in Lines mode, the bar's label otherwise.
    void stage(const QString &label);
    // done of total bytes; `extra` (e.g. "3/5 blobs") follows the figures on the bar. bytesPerSecond < 0: the
    // stage's average rate is shown.
    void update(qint64 done, qint64 total, const QString &extra = {}, double bytesPerSecond = -1);
    // Ends the bar's line before anything else is printed.
    void done();
    double seconds() const { return double(m_clock.elapsed()) / 1000.0; }

private:
    QTextStream &m_err;
    Mode m_mode;
    QString m_label;
    int m_lastTenth = -1;
    bool m_barShown = false;
    QElapsedTimer m_clock;
    QElapsedTimer m_stageClock;
    QElapsedTimer m_lastDraw;
};

bool stderrIsTerminal();
// --progress MODE and --parallel N.
void addTransferOptions(CommandLine &cl);
// The --progress mode (the terminal decides when it is not given); nullopt after reporting a usage error.
std::optional<ProgressPrinter::Mode> progressMode(Context &ctx, const CommandLine &cl);
// --parallel (1 to 32, default 4); nullopt after reporting a usage error.
std::optional<int> parallelOption(Context &ctx, const CommandLine &cl);

} // namespace Minato::Cli
