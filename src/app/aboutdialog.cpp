#include "aboutdialog.h"

#include "buildinfo.h"
#include "ui_aboutdialog.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QIcon>
#include <QPushButton>

namespace Minato::App {

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent), m_ui(std::make_unique<Ui::AboutDialog>())
{
    m_ui->setupUi(this);
    m_ui->iconLabel->setPixmap(QIcon(QStringLiteral(":/icons/minato.svg")).pixmap(96, 96));
    m_ui->titleLabel->setText(
        tr("<h2>Minato %1</h2>"
           "<p>A desktop manager for container registries: browse, inspect, copy and clean Docker Hub, ECR, "
           "ACR, Artifact Registry, GHCR, Quay, Harbor, Artifactory and self-hosted registries, and run a "
           "local OCI registry with one click.</p>")
            .arg(QStringLiteral(MINATO_VERSION)));

    for (const ComponentVersion &c : componentVersions()) {
        m_ui->versionsView->addTopLevelItem(new QTreeWidgetItem({c.name, c.version}));
    }
    m_ui->versionsView->resizeColumnToContents(0);

    QPushButton *copy = m_ui->buttonBox->addButton(tr("Copy versions"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(versionsText()); });
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(560, 440);
}

AboutDialog::~AboutDialog() = default;

QString AboutDialog::versionsText() const
{
    return componentVersionsText();
}

} // namespace Minato::App
