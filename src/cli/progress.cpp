#include "progress.h"

#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace Minato::Cli {

bool stderrIsTerminal()
{
#ifdef Q_OS_UNIX
    return isatty(fileno(stderr)) != 0;
#else
    return false;
#endif
}

ProgressPrinter::ProgressPrinter(QTextStream &err, Mode mode)
    : m_err(err)
    , m_mode(mode)
{
    m_clock.start();
}

void ProgressPrinter::stage(const QString &label)
{
    done();
    m_label = label;
    m_lastTenth = -1;
    m_stageClock.start();
    if (m_mode == Mode::Lines) {
        m_err << label << Qt::endl;
    }
}

void ProgressPrinter::update(qint64 done, qint64 total, const QString &extra, double bytesPerSecond)
{
    if (m_mode == Mode::None) {
        return;
    }
    const int percent = total > 0 ? int(done * 100 / total) : 100;
    if (m_mode == Mode::Lines) {
        const int tenth = percent / 10;
        if (tenth != m_lastTenth) {
            m_lastTenth = tenth;
            m_err << QStringLiteral("  %1%  %2 of %3").arg(percent, 3).arg(humanSize(done), humanSize(total))
                  << Qt::endl;
        }
        return;
    }
    if (m_lastDraw.isValid() && m_lastDraw.elapsed() < 100 && done < total) {
        return;
    }
    m_lastDraw.start();
    constexpr int Width = 30;
    const int filled = total > 0 ? int(done * Width / total) : Width;
    if (bytesPerSecond < 0) {
        const double seconds = double(qMax<qint64>(1, m_stageClock.elapsed())) / 1000.0;
        bytesPerSecond = double(done) / seconds;
    }
    const QString rate = humanSize(qint64(bytesPerSecond)) + QStringLiteral("/s");
    m_err << '\r' << m_label << QStringLiteral(" [") << QString(filled, u'#') << QString(Width - filled, u' ')
          << QStringLiteral("] ") << QStringLiteral("%1%").arg(percent, 3) << QStringLiteral("  ") << humanSize(done)
          << QStringLiteral(" / ") << humanSize(total) << QStringLiteral("  ") << rate;
    if (!extra.isEmpty()) {
        m_err << QStringLiteral("  ") << extra;
    }
    m_err << "\x1b[K" << Qt::flush;
    m_barShown = true;
}

void ProgressPrinter::done()
{
    if (m_barShown) {
        m_err << Qt::endl;
        m_barShown = false;
    }
}

std::optional<ProgressPrinter::Mode> progressMode(Context &ctx, const CommandLine &cl)
{
    const QString mode = cl.value(QStringLiteral("progress"));
    if (mode.isEmpty()) {
        return stderrIsTerminal() ? ProgressPrinter::Mode::Bar : ProgressPrinter::Mode::Lines;
    }
    if (mode == u"bar") {
        return ProgressPrinter::Mode::Bar;
    }
    if (mode == u"lines") {
        return ProgressPrinter::Mode::Lines;
    }
    if (mode == u"none") {
        return ProgressPrinter::Mode::None;
    }
    ctx.usage(tr("--progress takes bar, lines or none"));
    return std::nullopt;
}

void addTransferOptions(CommandLine &cl)
{
    cl.parser().addOption({QStringLiteral("progress"),
                           tr("How to show progress on stderr: bar (default on a terminal), lines, none."),
                           QStringLiteral("MODE")});
    cl.parser().addOption(
        {QStringLiteral("parallel"), tr("Blobs transferred at a time (default 4)."), QStringLiteral("N")});
}

std::optional<int> parallelOption(Context &ctx, const CommandLine &cl)
{
    if (!cl.isSet(QStringLiteral("parallel"))) {
        return 4;
    }
    bool ok = false;
    const int n = cl.value(QStringLiteral("parallel")).toInt(&ok);
    if (!ok || n < 1 || n > 32) {
        ctx.usage(tr("--parallel wants a number from 1 to 32"));
        return std::nullopt;
    }
    return n;
}

} // namespace Minato::Cli
