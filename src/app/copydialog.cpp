#include "copydialog.h"

#include "appsession.h"

#include "oci/reference.h"

#include "ui_copydialog.h"

#include <QPushButton>

namespace Minato::App {

CopyDialog::CopyDialog(AppSession *session, CopyTask::Place source, QList<Oci::Platform> platforms, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::CopyDialog>())
    , m_session(session)
    , m_source(std::move(source))
    , m_platforms(std::move(platforms))
{
    m_ui->setupUi(this);
    m_copy = m_ui->buttons->addButton(tr("&Copy"), QDialogButtonBox::AcceptRole);
    m_copy->setDefault(true);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    m_ui->sourceLabel->setText(tr("Copy <b>%1:%2</b> from %3. Blobs the destination has are not sent again; within "
                                  "one registry they are mounted.")
                                   .arg(m_source.repository.toHtmlEscaped(), m_source.reference.toHtmlEscaped(),
                                        m_source.connection.toHtmlEscaped()));
    for (const Client::ConnectionProfile &profile : session->connections()) {
        m_ui->connectionCombo->addItem(profile.name);
    }
    // Another connection by default: a copy within the same repository is a retag.
    for (int i = 0; i < m_ui->connectionCombo->count(); ++i) {
        if (m_ui->connectionCombo->itemText(i) != m_source.connection) {
            m_ui->connectionCombo->setCurrentIndex(i);
            break;
        }
    }
    m_ui->repositoryEdit->setText(m_source.repository);
    const bool byDigest = Oci::Digest::isValidString(m_source.reference);
    m_ui->tagEdit->setText(byDigest ? QString() : m_source.reference);
    m_ui->tagEdit->setPlaceholderText(byDigest ? tr("Required: the source is named by its digest") : QString());

    m_ui->platformsBox->setVisible(!m_platforms.isEmpty());
    for (const Oci::Platform &platform : std::as_const(m_platforms)) {
        auto *item = new QListWidgetItem(platform.toString(), m_ui->platformList);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
    }
    m_ui->subsetWarning->setText(tr("Only some platforms: the destination gets a NEW index with a new digest. "
                                    "Signatures and attestations made on the original do not apply to it."));
    connect(m_ui->allPlatformsCheck, &QCheckBox::toggled, this, &CopyDialog::validate);
    connect(m_ui->platformList, &QListWidget::itemChanged, this, &CopyDialog::validate);
    connect(m_ui->connectionCombo, &QComboBox::currentIndexChanged, this, &CopyDialog::validate);
    connect(m_ui->repositoryEdit, &QLineEdit::textChanged, this, &CopyDialog::validate);
    connect(m_ui->tagEdit, &QLineEdit::textChanged, this, &CopyDialog::validate);
    validate();
}

CopyDialog::~CopyDialog() = default;

CopyTask::Place CopyDialog::target() const
{
    CopyTask::Place place;
    place.connection = m_ui->connectionCombo->currentText();
    place.repository = m_ui->repositoryEdit->text().trimmed();
    place.reference = m_ui->tagEdit->text().trimmed();
    return place;
}

Client::CopyJob::Options CopyDialog::options() const
{
    Client::CopyJob::Options options;
    options.referrers = m_ui->referrersCheck->isChecked();
    if (!m_ui->allPlatformsCheck->isChecked()) {
        for (int i = 0; i < m_ui->platformList->count(); ++i) {
            if (m_ui->platformList->item(i)->checkState() == Qt::Checked) {
                options.platforms.append(m_platforms.value(i));
            }
        }
    }
    return options;
}

CopyTask *CopyDialog::makeTask() const
{
    return new CopyTask(m_session, m_source, target(), options());
}

void CopyDialog::validate()
{
    const bool all = m_ui->allPlatformsCheck->isChecked();
    m_ui->platformList->setEnabled(!all);
    int chosen = 0;
    for (int i = 0; i < m_ui->platformList->count(); ++i) {
        chosen += m_ui->platformList->item(i)->checkState() == Qt::Checked ? 1 : 0;
    }
    const bool subset = !all && chosen < m_ui->platformList->count();
    m_ui->subsetWarning->setVisible(subset && chosen > 0);

    const CopyTask::Place to = target();
    QString problem;
    if (to.connection.isEmpty()) {
        problem = tr("Add a connection to copy to.");
    } else if (!Oci::Reference::isValidRepositoryPath(to.repository)) {
        problem = tr("The repository name is not valid: lowercase letters, digits and . _ - separated by /.");
    } else if (to.reference.isEmpty() && Oci::Digest::isValidString(m_source.reference)) {
        problem = tr("Give the copy a tag.");
    } else if (!to.reference.isEmpty() && !Oci::Reference::isValidTag(to.reference)) {
        problem = tr("The tag is not valid: up to 128 letters, digits, _ . - (not first).");
    } else if (!all && chosen == 0) {
        problem = tr("Choose at least one platform.");
    } else if (to.connection == m_source.connection && to.repository == m_source.repository &&
               (to.reference.isEmpty() || to.reference == m_source.reference)) {
        problem = tr("That is where the image already is.");
    }
    m_ui->problemLabel->setText(problem);
    m_ui->problemLabel->setVisible(!problem.isEmpty());
    m_copy->setEnabled(problem.isEmpty());
}

} // namespace Minato::App
