#pragma once

// DetailsPane: one tag, inspected — tabs Overview (platforms of an index with attestation entries apart,
// size, created, signed/SBOM badges), Layers (sizes with a bar of each one's share), Config (Entrypoint,
// Cmd, Env, WorkingDir, User, ports, volumes, labels), History (created_by), Referrers (signatures, SBOMs,
// attestations) and Raw (the JSON documents, highlighted). A Copy menu gives the digest, the references
// and pull commands pinned by digest. For an index, a platform chooser picks which image the tabs show
// (linux/amd64 first, else the first entry).
//
//   pane->setSession(&session);
//   pane->showTag(u"Local registry"_s, u"team/app"_s, u"v1"_s, knownTags);   // knownTags: cosign tags
//   connect(pane, &DetailsPane::inspected, tagsPane, &TagsPane::supplyMetadata);   // no second request

#include "client/imageinspector.h"
#include "client/referrersquery.h"
#include "client/tagmetadataprovider.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;
class QTextBrowser;
class QToolButton;
class QTreeWidget;

namespace Minato::App {

class AppSession;
class ErrorBanner;
class JsonHighlighter;

class DetailsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailsPane)

public:
    explicit DetailsPane(QWidget *parent = nullptr);
    ~DetailsPane() override;

    void setSession(AppSession *session) { m_session = session; }
    void showTag(const QString &connection, const QString &repository, const QString &tag,
                 const QStringList &knownTags = {});
    void clear();
    void reload();
    bool isLoading() const { return !m_inspector.isNull() || !m_child.isNull(); }
    // The platform the tabs show ("linux/arm64/v8"); empty for a single image.
    QString currentPlatform() const;
    void choosePlatform(const QString &platform);

    QTabWidget *tabs() const { return m_tabs; }
    ErrorBanner *banner() const { return m_banner; }
    const std::optional<Client::ImageInspection> &inspection() const { return m_inspection; }
    const std::optional<Client::InspectedImage> &image() const { return m_image; }
    // An index: the compressed bytes of all its platforms' configs and layers, shared blobs counted once;
    // -1 until known (and on Docker Hub, where each platform's manifest would count as a pull).
    qint64 indexTotalSize() const { return m_indexTotal; }
    // The entries of the Copy menu (label, text), for the current tag.
    QList<QPair<QString, QString>> copyEntries() const;

    // Repaints what depends on light or dark (the Raw tab's colours).
    void paletteChanged();

signals:
    // The tag's metadata as the inspection found it (Loaded), for the tags table.
    void inspected(const Minato::Client::TagMetadata &metadata);
    // Everything (manifest, config, referrers) has been shown, or failed.
    void loaded(bool ok);
    void editConnectionRequested(const QString &connection);

private:
    void onInspected(const Client::InspectionResult &result);
    void inspectPlatform(int entry);
    void onChildInspected(const Client::InspectionResult &result);
    void onReferrers(const Client::ReferrersResult &result);
    void sumPlatforms();
    void fail(const Client::ClientError &error);
    void renderOverview();
    void renderImage();
    void renderRaw();
    void updateCopyMenu();
    void maybeFinished();

    AppSession *m_session = nullptr;
    QString m_connection;
    QString m_repository;
    QString m_tag;
    QStringList m_knownTags;
    QPointer<Client::ImageInspector> m_inspector;
    QPointer<Client::ImageInspector> m_child;
    QPointer<Client::ReferrersQuery> m_referrersQuery;
    std::optional<Client::ImageInspection> m_inspection;
    std::optional<Client::InspectedImage> m_image;
    std::optional<Client::ReferrersInfo> m_referrers;
    QString m_referrersError;
    QList<QPointer<QObject>> m_platformQueries;
    QHash<QString, qint64> m_indexBlobs; // digest → size, over every platform of an index
    int m_platformsPending = 0;
    qint64 m_indexTotal = -1;
    bool m_failed = false;

    QLabel *m_title = nullptr;
    QComboBox *m_platforms = nullptr;
    QToolButton *m_copy = nullptr;
    ErrorBanner *m_banner = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_message = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTextBrowser *m_overview = nullptr;
    QTreeWidget *m_layers = nullptr;
    QTreeWidget *m_config = nullptr;
    QTreeWidget *m_history = nullptr;
    QTreeWidget *m_referrersView = nullptr;
    QComboBox *m_rawChoice = nullptr;
    QPlainTextEdit *m_raw = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
};

} // namespace Minato::App
