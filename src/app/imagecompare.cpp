#include "imagecompare.h"

#include "format.h"

#include <QHash>
#include <QMap>
#include <QSet>

namespace Minato::App {

using Client::InspectedImage;

namespace {

QString shellWords(const QStringList &words)
{
    QStringList quoted;
    for (const QString &w : words) {
        quoted << (w.contains(QLatin1Char(' ')) || w.isEmpty() ? QLatin1Char('"') + w + QLatin1Char('"') : w);
    }
    return quoted.join(QLatin1Char(' '));
}

CompareRow::State stateOf(bool inLeft, bool inRight, const QString &left, const QString &right)
{
    if (inLeft && !inRight) {
        return CompareRow::State::OnlyLeft;
    }
    if (!inLeft && inRight) {
        return CompareRow::State::OnlyRight;
    }
    return left == right ? CompareRow::State::Same : CompareRow::State::Changed;
}

// A row present on both sides (possibly empty on one: "no Entrypoint" is a value too).
CompareRow both(CompareRow::Section section, const QString &key, const QString &left, const QString &right)
{
    CompareRow row;
    row.section = section;
    row.key = key;
    row.left = left;
    row.right = right;
    row.state = left == right ? CompareRow::State::Same : CompareRow::State::Changed;
    return row;
}

QString createdOf(const InspectedImage &image)
{
    if (!image.config || !image.config->created || Oci::ImageConfig::isPlaceholderTime(*image.config->created)) {
        return image.config ? ImageCompare::tr("not recorded") : QString();
    }
    return Format::exactTime(*image.config->created);
}

QString platformOf(const InspectedImage &image)
{
    if (image.platform) {
        return image.platform->toString();
    }
    return image.config ? image.config->platformString() : QString();
}

} // namespace

QList<CompareRow> ImageComparison::section(CompareRow::Section wanted) const
{
    QList<CompareRow> out;
    for (const CompareRow &row : rows) {
        if (row.section == wanted) {
            out.append(row);
        }
    }
    return out;
}

ImageComparison ImageCompare::compare(const InspectedImage &left, const InspectedImage &right,
                                      const Oci::Digest &leftIndex, const Oci::Digest &rightIndex)
{
    using Section = CompareRow::Section;
    ImageComparison c;
    c.sameManifest = left.manifestDigest.isValid() && left.manifestDigest == right.manifestDigest;

    // Overview.
    if (leftIndex.isValid() || rightIndex.isValid()) {
        const QString none = tr("(not an index)");
        CompareRow index = both(Section::Overview, tr("Index digest"),
                                leftIndex.isValid() ? Format::shortDigest(leftIndex) : none,
                                rightIndex.isValid() ? Format::shortDigest(rightIndex) : none);
        index.state = leftIndex == rightIndex ? CompareRow::State::Same : CompareRow::State::Changed;
        index.leftTip = leftIndex.toString();
        index.rightTip = rightIndex.toString();
        c.rows.append(index);
    }
    CompareRow digest = both(Section::Overview, tr("Digest"), Format::shortDigest(left.manifestDigest),
                             Format::shortDigest(right.manifestDigest));
    digest.state = left.manifestDigest == right.manifestDigest ? CompareRow::State::Same : CompareRow::State::Changed;
    digest.leftTip = left.manifestDigest.toString();
    digest.rightTip = right.manifestDigest.toString();
    c.rows.append(digest);
    c.rows.append(both(Section::Overview, tr("Media type"), left.manifestMediaType, right.manifestMediaType));
    c.rows.append(both(Section::Overview, tr("Platform"), platformOf(left), platformOf(right)));
    c.rows.append(both(Section::Overview, tr("Created"), createdOf(left), createdOf(right)));
    CompareRow size = both(Section::Overview, tr("Total size"), Format::size(left.totalSize()), Format::size(right.totalSize()));
    size.state = left.totalSize() == right.totalSize() ? CompareRow::State::Same : CompareRow::State::Changed;
    c.rows.append(size);

    // Config: the settings a container starts with.
    const Oci::ContainerConfig none{};
    const Oci::ContainerConfig &l = left.config ? left.config->container : none;
    const Oci::ContainerConfig &r = right.config ? right.config->container : none;
    const QString comma = QStringLiteral(", ");
    c.rows.append(both(Section::Config, tr("Entrypoint"), shellWords(l.entrypoint), shellWords(r.entrypoint)));
    c.rows.append(both(Section::Config, tr("Cmd"), shellWords(l.cmd), shellWords(r.cmd)));
    c.rows.append(both(Section::Config, tr("WorkingDir"), l.workingDir, r.workingDir));
    c.rows.append(both(Section::Config, tr("User"), l.user, r.user));
    c.rows.append(both(Section::Config, tr("Exposed ports"), l.exposedPorts.join(comma), r.exposedPorts.join(comma)));
    c.rows.append(both(Section::Config, tr("Volumes"), l.volumes.join(comma), r.volumes.join(comma)));

    // Env by name: the left image's order, then the names only the right one has. A repeated name: the last wins.
    const QMap<QString, QString> leftEnv = left.config ? left.config->envMap() : QMap<QString, QString>();
    const QMap<QString, QString> rightEnv = right.config ? right.config->envMap() : QMap<QString, QString>();
    QStringList names;
    for (const InspectedImage *image : {&left, &right}) {
        if (image->config) {
            for (const Oci::EnvVar &var : image->config->envVars()) {
                if (!names.contains(var.name)) {
                    names.append(var.name);
                }
            }
        }
    }
    for (const QString &name : std::as_const(names)) {
        CompareRow row;
        row.section = Section::Env;
        row.key = name;
        row.left = leftEnv.value(name);
        row.right = rightEnv.value(name);
        row.state = stateOf(leftEnv.contains(name), rightEnv.contains(name), row.left, row.right);
        c.rows.append(row);
    }

    // Labels by key.
    QStringList keys = l.labels.keys();
    for (const QString &key : r.labels.keys()) {
        if (!l.labels.contains(key)) {
            keys.append(key);
        }
    }
    keys.sort();
    for (const QString &key : std::as_const(keys)) {
        CompareRow row;
        row.section = Section::Labels;
        row.key = key;
        row.left = l.labels.value(key);
        row.right = r.labels.value(key);
        row.state = stateOf(l.labels.contains(key), r.labels.contains(key), row.left, row.right);
        c.rows.append(row);
    }

    // Layers by position, each marked shared when the other image has it anywhere.
    QSet<QString> leftDigests;
    QSet<QString> rightDigests;
    for (const auto &layer : left.layers) {
        leftDigests.insert(layer.digest.toString());
    }
    for (const auto &layer : right.layers) {
        rightDigests.insert(layer.digest.toString());
    }
    c.leftLayers = int(left.layers.size());
    c.rightLayers = int(right.layers.size());
    QSet<QString> counted;
    const auto layerText = [](const Client::InspectedLayer &layer) {
        return Format::shortDigest(layer.digest) + QStringLiteral(" · ") + Format::size(layer.size);
    };
    const qsizetype count = qMax(left.layers.size(), right.layers.size());
    for (qsizetype i = 0; i < count; ++i) {
        CompareRow row;
        row.section = Section::Layers;
        row.key = tr("Layer %1").arg(i + 1);
        const bool hasLeft = i < left.layers.size();
        const bool hasRight = i < right.layers.size();
        if (hasLeft) {
            const auto &layer = left.layers.at(i);
            row.left = layerText(layer);
            row.leftTip = layer.digest.toString();
            row.leftShared = rightDigests.contains(layer.digest.toString());
            if (!row.leftShared) {
                c.differingBytes += qMax<qint64>(0, layer.size);
            } else if (!counted.contains(row.leftTip)) {
                counted.insert(row.leftTip);
                ++c.sharedLayers;
            }
        }
        if (hasRight) {
            const auto &layer = right.layers.at(i);
            row.right = layerText(layer);
            row.rightTip = layer.digest.toString();
            row.rightShared = leftDigests.contains(layer.digest.toString());
            if (!row.rightShared) {
                c.differingBytes += qMax<qint64>(0, layer.size);
            }
        }
        if (hasLeft && hasRight) {
            row.state = row.leftTip == row.rightTip ? CompareRow::State::Same : CompareRow::State::Changed;
        } else {
            row.state = hasLeft ? CompareRow::State::OnlyLeft : CompareRow::State::OnlyRight;
        }
        c.rows.append(row);
    }

    for (const CompareRow &row : std::as_const(c.rows)) {
        c.differences += row.state != CompareRow::State::Same;
    }
    return c;
}

QString ImageCompare::summary(const ImageComparison &c)
{
    const int layers = qMax(c.leftLayers, c.rightLayers);
    if (c.sameManifest) {
        return tr("Identical: both name the same image (%1).")
            .arg(Format::plural(layers, tr("1 layer"), tr("%1 layers")));
    }
    QString layerLine;
    if (c.sharedLayers == layers) {
        layerLine = Format::plural(layers, tr("the 1 layer is shared"), tr("all %1 layers shared"));
    } else {
        layerLine = tr("%1 of %2 shared, %3 differ")
                        .arg(c.sharedLayers)
                        .arg(Format::plural(layers, tr("1 layer"), tr("%1 layers")), Format::size(c.differingBytes));
    }
    if (c.differences == 0) {
        return tr("Identical in what is compared (the manifests differ in other fields)") + QStringLiteral(" · ") +
               layerLine;
    }
    return layerLine + QStringLiteral(" · ") +
           Format::plural(c.differences, tr("1 difference"), tr("%1 differences"));
}

QString ImageCompare::sectionName(CompareRow::Section section)
{
    switch (section) {
    case CompareRow::Section::Overview:
        return tr("Overview");
    case CompareRow::Section::Config:
        return tr("Config");
    case CompareRow::Section::Env:
        return tr("Env");
    case CompareRow::Section::Labels:
        return tr("Labels");
    case CompareRow::Section::Layers:
        return tr("Layers");
    }
    return {};
}

QString ImageCompare::stateName(const CompareRow &row)
{
    if (row.section == CompareRow::Section::Layers) {
        switch (row.state) {
        case CompareRow::State::Same:
            return tr("shared");
        case CompareRow::State::Changed:
            return row.leftShared && row.rightShared ? tr("shared, reordered") : tr("different");
        case CompareRow::State::OnlyLeft:
            return tr("only left");
        case CompareRow::State::OnlyRight:
            return tr("only right");
        }
    }
    switch (row.state) {
    case CompareRow::State::Same:
        return tr("same");
    case CompareRow::State::Changed:
        return tr("changed");
    case CompareRow::State::OnlyLeft:
        return tr("only left");
    case CompareRow::State::OnlyRight:
        return tr("only right");
    }
    return {};
}

} // namespace Minato::App
