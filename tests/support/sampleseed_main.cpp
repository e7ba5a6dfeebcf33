// minato-sample-seed: pushes SampleImages (sampleimages.h) to a registry, for screenshots and the GUI
// benchmark. Not installed; built with the tests.
//
//   minato-sample-seed http://127.0.0.1:5000 demo [SCALE]        # the demo set; SCALE bytes per size unit
//   minato-sample-seed http://127.0.0.1:5000 tags REPO COUNT      # one image under COUNT tags
//   minato-sample-seed http://127.0.0.1:5000 repos PREFIX COUNT   # COUNT repositories with one tag each
#include "sampleimages.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    QTextStream err(stderr);
    if (args.size() < 2) {
        err << "usage: minato-sample-seed URL demo [SCALE] | tags REPO COUNT | repos PREFIX COUNT\n";
        return 2;
    }
    Minato::Test::SampleImages samples{QUrl(args.at(0))};
    QString error;
    bool ok = false;
    QElapsedTimer timer;
    timer.start();
    if (args.at(1) == QStringLiteral("demo")) {
        samples.setLayerScale(args.size() > 2 ? args.at(2).toInt() : 1024);
        ok = samples.pushDemoSet(&error);
    } else if (args.at(1) == QStringLiteral("tags") && args.size() == 4) {
        ok = samples.pushTagSeries(args.at(2), args.at(3).toInt(), &error);
    } else if (args.at(1) == QStringLiteral("repos") && args.size() == 4) {
        ok = samples.pushRepositories(args.at(2), args.at(3).toInt(), &error);
    } else {
        err << "usage: minato-sample-seed URL demo [SCALE] | tags REPO COUNT | repos PREFIX COUNT\n";
        return 2;
    }
    if (!ok) {
        err << "minato-sample-seed: " << error << '\n';
        return 1;
    }
    QTextStream(stdout) << samples.requests() << " requests in " << timer.elapsed() << " ms\n";
    return 0;
}
