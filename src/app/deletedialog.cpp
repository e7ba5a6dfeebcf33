#include "deletedialog.h"

#include "appsession.h"
#include "format.h"

#include "client/deleteplan.h"
#include "client/registryclient.h"

#include "ui_deletedialog.h"

#include <QPushButton>
#include <QTreeWidget>

namespace Minato::App {

DeleteDialog::DeleteDialog(AppSession *session, QString connection, QString repository, QStringList tags,
                           QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::DeleteDialog>())
    , m_session(session)
    , m_connection(std::move(connection))
    , m_repository(std::move(repository))
    , m_tags(std::move(tags))
{
    m_ui->setupUi(this);
    m_delete = m_ui->buttons->addButton(m_tags.size() == 1 ? tr("&Delete") : tr("&Delete %1 tags").arg(m_tags.size()),
                                        QDialogButtonBox::DestructiveRole);
    // Cancel is the default: Enter never deletes.
    m_ui->buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(m_delete, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->confirmEdit, &QLineEdit::textChanged, this, &DeleteDialog::updateButton);
    setWindowTitle(m_tags.size() == 1 ? tr("Delete %1:%2").arg(m_repository, m_tags.constFirst())
                                      : tr("Delete %1 tags of %2").arg(m_tags.size()).arg(m_repository));
    m_ui->headline->setText(
        m_tags.size() == 1
            ? tr("Delete the tag <b>%1</b> of %2 on %3?")
                  .arg(m_tags.constFirst().toHtmlEscaped(), m_repository.toHtmlEscaped(), m_connection.toHtmlEscaped())
            : tr("Delete these %1 tags of <b>%2</b> on %3?")
                  .arg(m_tags.size())
                  .arg(m_repository.toHtmlEscaped(), m_connection.toHtmlEscaped()));
    m_ui->explanation->setText(tr("Only the tag name goes where the registry (or its own API) can do that. Where it "
                                  "can only delete images by digest, Minato deletes the image only when no other "
                                  "tag names it, and refuses otherwise. This cannot be undone."));
    m_ui->confirmLabel->setText(tr("Type <b>%1</b> to confirm:").arg(m_repository.toHtmlEscaped()));
    m_ui->confirmLabel->setVisible(false);
    m_ui->confirmEdit->setVisible(false);
    if (m_tags.size() == 1) {
        plan();
    } else {
        listTags();
    }
    updateButton();
}

DeleteDialog::~DeleteDialog()
{
    if (m_query) {
        m_query->cancel();
    }
}

DeleteTagsTask *DeleteDialog::makeTask() const
{
    return new DeleteTagsTask(m_session, m_connection, m_repository, m_tags);
}

void DeleteDialog::plan()
{
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!client) {
        m_ui->statusLabel->setText(tr("The connection \"%1\" no longer exists.").arg(m_connection));
        return;
    }
    m_ui->statusLabel->setText(tr("Checking what this deletes…"));
    auto *query = new Client::DeletePlanQuery(client, m_repository, m_tags.constFirst(), {}, this);
    m_query = query;
    connect(query, &Client::DeletePlanQuery::finished, this, [this, query](const Client::DeletePlanResult &r) {
        query->deleteLater();
        m_query = nullptr;
        if (!r) {
            // The plan is a courtesy, not a gate: the tag can still be deleted, with the reason it was not listed.
            m_ui->statusLabel->setText(tr("Could not work out what else this affects: %1").arg(r.error().message()));
            listTags();
            return;
        }
        showPlan(r.value());
    });
    query->start();
}

void DeleteDialog::showPlan(const Client::DeletePlan &plan)
{
    QTreeWidget *tree = m_ui->affectedTree;
    tree->clear();
    auto *tag = new QTreeWidgetItem(tree, {tr("Tag %1 → %2, %3")
                                               .arg(plan.tag, Format::shortDigest(plan.digest),
                                                    plan.isIndex ? tr("an index") : tr("an image"))});
    m_affected = 1;
    Q_UNUSED(tag)
    if (!plan.otherTags.isEmpty()) {
        auto *group = new QTreeWidgetItem(
            tree, {Format::plural(plan.otherTags.size(), tr("1 other tag names the same image: it stays, and keeps the image"),
                            tr("%1 other tags name the same image: they stay, and keep the image"))});
        for (const QString &other : plan.otherTags) {
            new QTreeWidgetItem(group, {other});
        }
        m_affected += int(plan.otherTags.size());
    }
    if (!plan.children.isEmpty()) {
        auto *group = new QTreeWidgetItem(
            tree, {Format::plural(plan.children.size(),
                            tr("1 child manifest of the index: removed with it only if the image itself is deleted"),
                            tr("%1 child manifests of the index: removed with them only if the image itself is deleted"))});
        for (const Client::PlannedChild &child : plan.children) {
            const QString platform =
                child.descriptor.platform ? child.descriptor.platform->toString() : Format::shortDigest(child.descriptor.digest);
            new QTreeWidgetItem(group, {child.kept() ? tr("%1 (kept: something else uses it)").arg(platform) : platform});
        }
        m_affected += int(plan.children.size());
    }
    if (!plan.referrers.isEmpty()) {
        auto *group = new QTreeWidgetItem(
            tree, {Format::plural(plan.referrers.size(),
                            tr("1 signature, SBOM or attestation left without its image if the image is deleted"),
                            tr("%1 signatures, SBOMs or attestations left without their image if it is deleted"))});
        for (const Client::PlannedReferrer &referrer : plan.referrers) {
            new QTreeWidgetItem(group, {Client::artifactKindName(referrer.referrer.kind) + QStringLiteral(" ") +
                                        Format::shortDigest(referrer.referrer.descriptor.digest)});
        }
        m_affected += int(plan.referrers.size());
    }
    tree->expandAll();
    m_ui->statusLabel->setText(plan.notes.isEmpty() ? QString() : plan.notes.join(u' '));
    m_ui->statusLabel->setVisible(!plan.notes.isEmpty());
    finishListing();
}

void DeleteDialog::listTags()
{
    QTreeWidget *tree = m_ui->affectedTree;
    tree->clear();
    for (const QString &tag : std::as_const(m_tags)) {
        new QTreeWidgetItem(tree, {tr("Tag %1").arg(tag)});
    }
    m_affected = int(m_tags.size());
    finishListing();
}

void DeleteDialog::finishListing()
{
    m_planned = true;
    const bool typed = needsTypedConfirmation();
    m_ui->confirmLabel->setVisible(typed);
    m_ui->confirmEdit->setVisible(typed);
    if (typed) {
        m_ui->confirmEdit->setFocus();
    }
    updateButton();
}

void DeleteDialog::updateButton()
{
    const bool confirmed = !needsTypedConfirmation() || m_ui->confirmEdit->text().trimmed() == m_repository;
    m_delete->setEnabled(m_planned && confirmed);
}

} // namespace Minato::App
