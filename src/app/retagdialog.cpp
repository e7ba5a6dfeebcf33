#include "retagdialog.h"

#include "oci/reference.h"

#include "ui_retagdialog.h"

#include <QPushButton>

namespace Minato::App {

RetagDialog::RetagDialog(AppSession *session, QString connection, Client::Retag::Image source, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::RetagDialog>())
    , m_session(session)
    , m_connection(std::move(connection))
    , m_source(std::move(source))
{
    m_ui->setupUi(this);
    m_tag = m_ui->buttons->addButton(tr("&Tag"), QDialogButtonBox::AcceptRole);
    m_tag->setDefault(true);
    connect(m_ui->buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_ui->sourceLabel->setText(tr("Give <b>%1:%2</b> another tag on %3. No data moves; a tag of that name that "
                                  "exists already moves to this image.")
                                   .arg(m_source.repository.toHtmlEscaped(), m_source.reference.toHtmlEscaped(),
                                        m_connection.toHtmlEscaped()));
    m_ui->repositoryEdit->setText(m_source.repository);
    connect(m_ui->tagEdit, &QLineEdit::textChanged, this, &RetagDialog::validate);
    connect(m_ui->repositoryEdit, &QLineEdit::textChanged, this, &RetagDialog::validate);
    m_ui->tagEdit->setFocus();
    validate();
}

RetagDialog::~RetagDialog() = default;

Client::Retag::Image RetagDialog::target() const
{
    Client::Retag::Image image;
    image.repository = m_ui->repositoryEdit->text().trimmed();
    image.reference = m_ui->tagEdit->text().trimmed();
    return image;
}

RetagTask *RetagDialog::makeTask() const
{
    return new RetagTask(m_session, m_connection, m_source, target());
}

void RetagDialog::validate()
{
    const Client::Retag::Image to = target();
    QString problem;
    if (to.reference.isEmpty()) {
        problem = tr("Type the new tag.");
    } else if (!Oci::Reference::isValidTag(to.reference)) {
        problem = tr("The tag is not valid: up to 128 letters, digits, _ . - (not first).");
    } else if (!Oci::Reference::isValidRepositoryPath(to.repository)) {
        problem = tr("The repository name is not valid: lowercase letters, digits and . _ - separated by /.");
    } else if (to.repository == m_source.repository && to.reference == m_source.reference) {
        problem = tr("That is its name already.");
    }
    m_ui->problemLabel->setText(problem);
    m_ui->problemLabel->setVisible(!problem.isEmpty() && !to.reference.isEmpty());
    m_tag->setEnabled(problem.isEmpty());
}

} // namespace Minato::App
