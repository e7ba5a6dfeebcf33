#pragma once

// ConnectionDialog: add or edit a connection — a kind preset (Docker Hub, ECR, GAR, ACR, GHCR, Quay, Harbor,
// Artifactory, generic) that fills the address and says which login the registry wants, the login (saved
// to the keychain, never to the settings file), TLS and proxy options, and "Test connection", which runs
// the capability probe with what is typed and shows what the registry can do. Plain http to a registry that
// is not on this machine, and accepting any certificate, need an explicit tick.
//
//   ConnectionDialog dialog(&session, this);              // add
//   ConnectionDialog dialog(&session, u"Harbor"_s, this);  // edit
//   if (dialog.exec() == QDialog::Accepted) { dialog.savedName(); }

#include "client/capabilitiesprobe.h"
#include "client/connectionprofile.h"
#include "client/credentials.h"

#include <QDialog>
#include <QPointer>

#include <memory>

namespace Ui {
class ConnectionDialog;
}

namespace Minato::App {

class AppSession;

class ConnectionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionDialog)

public:
    explicit ConnectionDialog(AppSession *session, QWidget *parent = nullptr);
    ConnectionDialog(AppSession *session, const QString &editName, QWidget *parent = nullptr);
    ~ConnectionDialog() override;

    // Preselects a kind and address (Go to reference, presets from the empty state).
    void preset(Client::ConnectionProfile::Kind kind, const QString &address = {});
    const QString &savedName() const { return m_savedName; }

    // What the form describes; nullopt with the reason in `error` when it is not usable yet.
    std::optional<Client::ConnectionProfile> profile(QString *error) const;
    std::optional<Client::Credentials> login() const;

    // For tests: the test result line.
    QString testResult() const;

public slots:
    void accept() override;
    void testConnection();

signals:
    void testFinished(bool ok);

private:
    void setUp();
    void kindChanged();
    void showError(const QString &message);
    void onProbe(const Client::CapabilitiesResult &result);

    AppSession *m_session;
    std::unique_ptr<Ui::ConnectionDialog> m_ui;
    QString m_editName;
    QString m_savedName;
    QString m_lastPresetUrl;
    QString m_lastPresetName;
    QPointer<QObject> m_testClient;
    bool m_saving = false;
};

} // namespace Minato::App
