#include "connectiondialog.h"

#include "appsession.h"
#include "ui_connectiondialog.h"

#include "client/authsession.h"
#include "client/clienterror.h"
#include "client/registryclient.h"

#include <QFileDialog>
#include <QHostAddress>
#include <QPushButton>

namespace Minato::App {

using Client::ConnectionProfile;
using Kind = Client::ConnectionProfile::Kind;

namespace {

struct Preset
{
    Kind kind;
    const char *address;
    const char *hint;
};

// Addresses and what each registry wants as a login (the vendors' documented `docker login` recipes).
const Preset kPresets[] = {
    {Kind::DockerHub, "https://registry-1.docker.io",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "Your Docker ID and a personal access token (Account settings → Personal access tokens). "
                       "Anonymous access works for public images, with a pull limit.")},
    {Kind::Ecr, "https://ACCOUNT.dkr.ecr.REGION.amazonaws.com",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "User name AWS and the output of `aws ecr get-login-password` (valid 12 hours), or leave "
                       "both empty and configure docker-credential-ecr-login.")},
    {Kind::Gar, "https://REGION-docker.pkg.dev",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "User name oauth2accesstoken and the output of `gcloud auth print-access-token`, or "
                       "_json_key and a service account key; docker-credential-gcloud works too.")},
    {Kind::Acr, "https://NAME.azurecr.io",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "A token or service principal: its name and password (Azure portal → the registry → "
                       "Tokens), or the admin user if enabled.")},
    {Kind::Ghcr, "https://ghcr.io",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "Your GitHub user name and a personal access token (classic) with read:packages "
                       "(write:packages and delete:packages to change images).")},
    {Kind::Quay, "https://quay.io",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "Your Quay user name and an encrypted password, or a robot account (name+robot) and its "
                       "token.")},
    {Kind::Harbor, "https://harbor.example.com",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "A Harbor user, or a robot account (robot$name) and its secret.")},
    {Kind::Artifactory, "https://example.jfrog.io/artifactory/api/docker/REPOSITORY",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "Your user name and an identity token or API key. The address includes the Docker "
                       "repository's path (/artifactory/api/docker/<repository>).")},
    {Kind::Generic, "https://registry.example.com",
     QT_TRANSLATE_NOOP("Minato::App::ConnectionDialog",
                       "Any registry speaking the OCI distribution API (distribution, zot, Gitea, GitLab, "
                       "minato-registry …). http:// is fine for one on this machine.")},
};

const Preset &presetFor(Kind kind)
{
    for (const Preset &p : kPresets) {
        if (p.kind == kind) {
            return p;
        }
    }
    return kPresets[std::size(kPresets) - 1];
}

bool isLoopbackHost(const QString &host)
{
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0) {
        return true;
    }
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

ConnectionDialog::ConnectionDialog(AppSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_ui(std::make_unique<Ui::ConnectionDialog>())
{
    setUp();
    setWindowTitle(tr("Add a connection"));
    preset(Kind::Generic);
}

ConnectionDialog::ConnectionDialog(AppSession *session, const QString &editName, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_ui(std::make_unique<Ui::ConnectionDialog>())
    , m_editName(editName)
{
    setUp();
    setWindowTitle(tr("Edit connection"));
    const auto existing = session->connection(editName);
    if (!existing) {
        showError(tr("This connection no longer exists."));
        return;
    }
    const QSignalBlocker block(m_ui->kindCombo);
    m_ui->kindCombo->setCurrentIndex(m_ui->kindCombo->findData(int(existing->kind)));
    kindChanged();
    m_ui->nameEdit->setText(existing->name);
    m_ui->urlEdit->setText(existing->baseUrl.toString());
    m_ui->caEdit->setText(existing->caCertificateFile);
    m_ui->clientCertEdit->setText(existing->clientCertificateFile);
    m_ui->clientKeyEdit->setText(existing->clientKeyFile);
    m_ui->insecureTlsCheck->setChecked(existing->allowInsecureTls);
    m_ui->plainHttpCheck->setChecked(existing->allowPlainHttp);
    switch (existing->proxy.mode) {
    case Client::ProxySetting::Mode::System:
        break;
    case Client::ProxySetting::Mode::None:
        m_ui->proxyEdit->setText(QStringLiteral("none"));
        break;
    case Client::ProxySetting::Mode::Http:
        m_ui->proxyEdit->setText(existing->proxy.url.toString());
        break;
    }
    m_ui->secretEdit->setPlaceholderText(tr("Unchanged (stored in the keychain)"));
    m_ui->userEdit->setPlaceholderText(tr("Unchanged; type to replace the stored login"));
}

ConnectionDialog::~ConnectionDialog() = default;

void ConnectionDialog::setUp()
{
    m_ui->setupUi(this);
    for (const Preset &p : kPresets) {
        // Product names stay as they are; the generic kind is a description, in the person's language.
        m_ui->kindCombo->addItem(p.kind == Kind::Generic ? tr("OCI registry") : ConnectionProfile::kindName(p.kind),
                                 int(p.kind));
    }
    m_ui->errorLabel->hide();
    QPalette errorPalette = m_ui->errorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
    m_ui->errorLabel->setPalette(errorPalette);
    m_ui->hintLabel->setForegroundRole(QPalette::PlaceholderText);
    // A word-wrapped label in a form row is laid out at its minimum width unless told otherwise.
    m_ui->hintLabel->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_ui->hintLabel->setMinimumWidth(fontMetrics().averageCharWidth() * 60);
    connect(m_ui->kindCombo, &QComboBox::currentIndexChanged, this, &ConnectionDialog::kindChanged);
    connect(m_ui->testButton, &QPushButton::clicked, this, &ConnectionDialog::testConnection);
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &ConnectionDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &ConnectionDialog::reject);
    connect(m_ui->caBrowse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("CA certificates (PEM)"), {},
                                                          tr("PEM files (*.pem *.crt *.cert);;All files (*)"));
        if (!file.isEmpty()) {
            m_ui->caEdit->setText(file);
        }
    });
}

void ConnectionDialog::preset(Kind kind, const QString &address)
{
    m_ui->kindCombo->setCurrentIndex(m_ui->kindCombo->findData(int(kind)));
    kindChanged();
    if (!address.isEmpty()) {
        m_ui->urlEdit->setText(address);
        const QString host = QUrl::fromUserInput(address).host();
        if (!host.isEmpty() && m_editName.isEmpty()) {
            m_ui->nameEdit->setText(host);
            m_lastPresetName = host;
        }
    }
}

void ConnectionDialog::kindChanged()
{
    const Kind kind = Kind(m_ui->kindCombo->currentData().toInt());
    const Preset &p = presetFor(kind);
    m_ui->hintLabel->setText(tr(p.hint));
    const QString address = QString::fromLatin1(p.address);
    // Replace the address and name only while they are the previous preset's (never what was typed).
    if (m_ui->urlEdit->text().isEmpty() || m_ui->urlEdit->text() == m_lastPresetUrl) {
        m_ui->urlEdit->setText(address);
        m_ui->urlEdit->selectAll();
        m_lastPresetUrl = address;
    }
    if (m_ui->nameEdit->text().isEmpty() || m_ui->nameEdit->text() == m_lastPresetName) {
        const QString name = kind == Kind::Generic ? QString() : ConnectionProfile::kindName(kind);
        m_ui->nameEdit->setText(name);
        m_lastPresetName = name;
    }
}

std::optional<ConnectionProfile> ConnectionDialog::profile(QString *error) const
{
    ConnectionProfile p;
    p.kind = Kind(m_ui->kindCombo->currentData().toInt());
    p.name = m_ui->nameEdit->text().trimmed();
    QString address = m_ui->urlEdit->text().trimmed();
    if (p.name.isEmpty()) {
        *error = tr("Give the connection a name.");
        return std::nullopt;
    }
    if (address.isEmpty()) {
        *error = tr("Type the registry's address, e.g. https://registry.example.com.");
        return std::nullopt;
    }
    if (!address.contains(QStringLiteral("://"))) {
        address.prepend(QStringLiteral("https://"));
    }
    p.baseUrl = QUrl(address, QUrl::StrictMode);
    if (!p.baseUrl.isValid() || p.baseUrl.host().isEmpty()
        || (p.baseUrl.scheme() != QStringLiteral("https") && p.baseUrl.scheme() != QStringLiteral("http"))) {
        *error = tr("“%1” is not a registry address: use https://host[:port][/path].").arg(address);
        return std::nullopt;
    }
    if (address.contains(QStringLiteral("ACCOUNT")) || address.contains(QStringLiteral("REGION"))
        || address.contains(QStringLiteral("NAME.azurecr")) || address.contains(QStringLiteral("REPOSITORY"))) {
        *error = tr("Replace the placeholders in capitals in the address with your own values.");
        return std::nullopt;
    }
    if (!p.baseUrl.userInfo().isEmpty()) {
        *error = tr("Put the user name and password in their own fields, not in the address.");
        return std::nullopt;
    }
    p.allowPlainHttp = m_ui->plainHttpCheck->isChecked();
    if (p.baseUrl.scheme() == QStringLiteral("http") && !isLoopbackHost(p.baseUrl.host()) && !p.allowPlainHttp) {
        *error = tr("%1 is not on this machine: plain http would send logins and images unencrypted. Use https, or "
                    "tick “Allow plain http” if this is a lab registry you trust.")
                     .arg(p.baseUrl.host());
        return std::nullopt;
    }
    p.allowInsecureTls = m_ui->insecureTlsCheck->isChecked();
    p.caCertificateFile = m_ui->caEdit->text().trimmed();
    p.clientCertificateFile = m_ui->clientCertEdit->text().trimmed();
    p.clientKeyFile = m_ui->clientKeyEdit->text().trimmed();
    const QString proxy = m_ui->proxyEdit->text().trimmed();
    if (proxy.compare(QStringLiteral("none"), Qt::CaseInsensitive) == 0) {
        p.proxy.mode = Client::ProxySetting::Mode::None;
    } else if (!proxy.isEmpty()) {
        p.proxy.mode = Client::ProxySetting::Mode::Http;
        p.proxy.url = QUrl(proxy.contains(QStringLiteral("://")) ? proxy : QStringLiteral("http://") + proxy);
    }
    if (const QString why = p.validate(); !why.isEmpty()) {
        *error = tr("The connection is not usable: %1").arg(why);
        return std::nullopt;
    }
    return p;
}

std::optional<Client::Credentials> ConnectionDialog::login() const
{
    const QString user = m_ui->userEdit->text().trimmed();
    const QString secret = m_ui->secretEdit->text();
    if (user.isEmpty() && secret.isEmpty()) {
        return std::nullopt;
    }
    Client::Credentials c;
    c.username = user;
    c.secret = secret;
    return c;
}

void ConnectionDialog::showError(const QString &message)
{
    m_ui->errorLabel->setText(message);
    m_ui->errorLabel->setVisible(!message.isEmpty());
}

QString ConnectionDialog::testResult() const
{
    return m_ui->testResult->text();
}

void ConnectionDialog::testConnection()
{
    QString error;
    const auto p = profile(&error);
    if (!p) {
        showError(error);
        return;
    }
    showError({});
    delete m_testClient.data();
    // With what is typed; when editing without a new login, the stored one.
    auto *client = m_session->makeClient(*p, login(), this);
    m_testClient = client;
    m_ui->testButton->setEnabled(false);
    m_ui->testResult->setText(tr("Testing…"));
    auto *probe = client->probeCapabilities();
    connect(probe, &Client::CapabilitiesProbe::finished, this, &ConnectionDialog::onProbe);
    probe->start();
}

void ConnectionDialog::onProbe(const Client::CapabilitiesResult &result)
{
    m_ui->testButton->setEnabled(true);
    if (auto *client = m_testClient.data()) {
        client->deleteLater();
    }
    if (!result) {
        m_ui->testResult->setText(QStringLiteral("✖ ") + result.error().message());
        emit testFinished(false);
        return;
    }
    const Client::Capabilities &caps = result.value();
    QStringList parts;
    switch (caps.authScheme) {
    case Client::AuthSession::Scheme::Anonymous:
        parts << tr("no login needed");
        break;
    case Client::AuthSession::Scheme::Basic:
        parts << tr("Basic login");
        break;
    case Client::AuthSession::Scheme::Bearer:
        parts << tr("token login");
        break;
    case Client::AuthSession::Scheme::Unknown:
        break;
    }
    const auto yesNo = [](const std::optional<bool> &v, const QString &yes, const QString &no) {
        return !v ? QString() : *v ? yes : no;
    };
    parts << yesNo(caps.catalog, tr("lists repositories"), tr("no repository list"));
    parts << yesNo(caps.deleteEnabled, tr("delete enabled"), tr("delete disabled"));
    parts << yesNo(caps.referrersApi, tr("referrers API"), QString());
    if (caps.rateRemaining && caps.rateLimit) {
        parts << tr("%1 of %2 pulls left").arg(*caps.rateRemaining).arg(*caps.rateLimit);
    }
    parts.removeAll(QString());
    m_ui->testResult->setText(QStringLiteral("✔ ") + tr("Reachable") + QStringLiteral(" · ")
                              + parts.join(QStringLiteral(" · ")));
    emit testFinished(true);
}

void ConnectionDialog::accept()
{
    if (m_saving) {
        return;
    }
    QString error;
    const auto p = profile(&error);
    if (!p) {
        showError(error);
        return;
    }
    showError({});
    m_saving = true;
    m_ui->buttonBox->setEnabled(false);
    const auto done = [this, name = p->name](const QString &message) {
        m_saving = false;
        m_ui->buttonBox->setEnabled(true);
        if (!message.isEmpty() && !message.startsWith(tr("The connection was saved"))) {
            showError(message);
            return;
        }
        m_savedName = name;
        if (!message.isEmpty()) {
            showError(message); // saved, but the login was not: say so, then close on the next click
            m_editName = name;
            return;
        }
        QDialog::accept();
    };
    if (m_editName.isEmpty()) {
        m_session->addConnection(*p, login(), done);
    } else {
        m_session->updateConnection(m_editName, *p, login(), done);
    }
}

} // namespace Minato::App
