#pragma once

// ImageCompare: two inspected images side by side, as rows a person reads — what the Compare dialog shows and
// its tests check. A pure function of the two images (no network, no widgets).
//
//   const ImageComparison c = ImageCompare::compare(left, right);
//   for (const CompareRow &row : c.rows) { row.section; row.key; row.left; row.right; row.state; }
//   c.identical();          // the same manifest, or nothing compared differs
//   ImageCompare::summary(c);   // "3 of 5 layers shared, 12.3 MB differ · 4 differences"
//
// Sections, in this order: Overview (the index's digest when a side is one, the image manifest's digest, media type, platform, created, total size), Config (Entrypoint,
// Cmd, WorkingDir, User, ports, volumes), Env (by variable name, left's order then right's new names), Labels
// (by key, sorted), Layers (by position; a layer is "shared" when its digest is in the other image at all, so
// a reordered layer still counts as shared).

#include "client/imageinspector.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace Minato::App {

struct CompareRow
{
    enum class Section { Overview, Config, Env, Labels, Layers };
    enum class State { Same, Changed, OnlyLeft, OnlyRight };

    Section section = Section::Overview;
    QString key;
    QString left;  // empty when the left image has no such item (OnlyRight)
    QString right; // empty when the right image has no such item (OnlyLeft)
    State state = State::Same;
    QString leftTip; // the full value (a whole digest) for a tooltip; empty: the text itself
    QString rightTip;
    bool leftShared = false; // Layers: the left layer's digest is also in the right image
    bool rightShared = false;
};

struct ImageComparison
{
    QList<CompareRow> rows;
    bool sameManifest = false;  // both sides are the very same manifest (digest)
    int leftLayers = 0;
    int rightLayers = 0;
    int sharedLayers = 0;       // distinct layer digests found in both images
    qint64 differingBytes = 0;  // compressed bytes of the layers found in one image only (both sides summed)
    int differences = 0;        // rows whose state is not Same

    bool identical() const { return sameManifest || differences == 0; }
    QList<CompareRow> section(CompareRow::Section section) const;
};

class ImageCompare
{
    Q_DECLARE_TR_FUNCTIONS(Minato::App::ImageCompare)

public:
    // leftIndex/rightIndex: the digest of the index a side's tag names, when it names one (its image is then one
    // platform of it): an "Index digest" row heads the Overview.
    static ImageComparison compare(const Client::InspectedImage &left, const Client::InspectedImage &right,
                                   const Oci::Digest &leftIndex = {}, const Oci::Digest &rightIndex = {});
    // One line for the dialog's head: "Identical: …" or "3 of 5 layers shared, 12.3 MB differ · 4 differences".
    static QString summary(const ImageComparison &comparison);
    static QString sectionName(CompareRow::Section section);
    static QString stateName(const CompareRow &row);
};

} // namespace Minato::App
