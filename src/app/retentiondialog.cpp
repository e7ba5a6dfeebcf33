#include "retentiondialog.h"

#include "appsession.h"
#include "format.h"

#include "client/registryclient.h"

#include "ui_retentiondialog.h"

#include <QPushButton>

namespace Minato::App {

RetentionDialog::RetentionDialog(AppSession *session, QString connection, QString repository, QWidget *parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::RetentionDialog>())
    , m_session(session)
    , m_connection(std::move(connection))
    , m_repository(std::move(repository))
{
    m_ui->setupUi(this);
    m_delete = m_ui->buttons->addButton(tr("&Delete"), QDialogButtonBox::DestructiveRole);
    m_ui->buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(m_delete, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_ui->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    setWindowTitle(tr("Clean up %1").arg(m_repository));
    m_ui->headline->setText(tr("Delete old tags of <b>%1</b> on %2 by rules. <b>Preview</b> shows every tag and what "
                               "would happen to it; nothing is deleted before you confirm.")
                                .arg(m_repository.toHtmlEscaped(), m_connection.toHtmlEscaped()));
    m_ui->confirmLabel->setText(tr("Type <b>%1</b> to confirm:").arg(m_repository.toHtmlEscaped()));
    m_ui->planTree->setColumnWidth(0, 150);
    m_ui->planTree->setColumnWidth(1, 190);
    m_ui->planTree->setColumnWidth(2, 150);
    m_ui->planTree->setColumnWidth(3, 70);
    connect(m_ui->previewButton, &QPushButton::clicked, this, &RetentionDialog::preview);
    connect(m_ui->keepCheck, &QCheckBox::toggled, this, &RetentionDialog::rulesChanged);
    connect(m_ui->keepSpin, &QSpinBox::valueChanged, this, &RetentionDialog::rulesChanged);
    connect(m_ui->olderCheck, &QCheckBox::toggled, this, &RetentionDialog::rulesChanged);
    connect(m_ui->olderEdit, &QLineEdit::textChanged, this, &RetentionDialog::rulesChanged);
    connect(m_ui->matchEdit, &QLineEdit::textChanged, this, &RetentionDialog::rulesChanged);
    connect(m_ui->confirmEdit, &QLineEdit::textChanged, this, &RetentionDialog::updateButton);
    rulesChanged();
}

RetentionDialog::~RetentionDialog()
{
    if (m_query) {
        m_query->cancel();
    }
}

std::optional<Client::RetentionRules> RetentionDialog::rules(QString *problem) const
{
    Client::RetentionRules rules;
    if (m_ui->keepCheck->isChecked()) {
        rules.keepLast = m_ui->keepSpin->value();
    }
    if (m_ui->olderCheck->isChecked()) {
        rules.olderThanSeconds = Client::parseRetentionAge(m_ui->olderEdit->text().trimmed());
        if (!rules.olderThanSeconds) {
            *problem = tr("The age is not understood: write it like 30d, 12h, 90m or 2w.");
            return std::nullopt;
        }
    }
    rules.match = QRegularExpression(m_ui->matchEdit->text().trimmed());
    if (!rules.match.isValid()) {
        *problem = tr("The pattern is not a valid regular expression: %1.").arg(rules.match.errorString());
        return std::nullopt;
    }
    if (!rules.hasRule()) {
        *problem = tr("Choose at least one rule: keep the newest, or delete those older than an age.");
        return std::nullopt;
    }
    return rules;
}

void RetentionDialog::rulesChanged()
{
    m_ui->keepSpin->setEnabled(m_ui->keepCheck->isChecked());
    m_ui->olderEdit->setEnabled(m_ui->olderCheck->isChecked());
    if (m_query) {
        m_query->cancel();
    }
    m_plan.reset();
    m_ui->planTree->clear();
    QString problem;
    const bool usable = rules(&problem).has_value();
    m_ui->previewButton->setEnabled(usable);
    m_ui->summaryLabel->setText(usable ? tr("Press Preview to see what these rules would delete.") : problem);
    updateButton();
}

void RetentionDialog::preview()
{
    QString problem;
    const auto set = rules(&problem);
    Client::RegistryClient *client = m_session ? m_session->client(m_connection) : nullptr;
    if (!set || !client) {
        m_ui->summaryLabel->setText(client ? problem : tr("The connection \"%1\" no longer exists.").arg(m_connection));
        return;
    }
    if (m_query) {
        m_query->cancel();
    }
    m_plan.reset();
    m_ui->planTree->clear();
    Client::RetentionPlanQuery::Options options;
    options.cache = m_session->digestCache();
    auto *query = new Client::RetentionPlanQuery(client, m_repository, *set, options, this);
    m_query = query;
    m_ui->summaryLabel->setText(tr("Reading the tags and their dates…"));
    connect(query, &Client::RetentionPlanQuery::progress, this, [this](int done, int total) {
        m_ui->summaryLabel->setText(tr("Reading dates: %1 of %2 tags…").arg(done).arg(total));
    });
    connect(query, &Client::RetentionPlanQuery::finished, this, [this, query](const Client::RetentionPlanResult &r) {
        query->deleteLater();
        m_query = nullptr;
        if (r.isCancelled()) {
            return;
        }
        if (!r) {
            m_ui->summaryLabel->setText(r.error().message());
            return;
        }
        showPlan(r.value());
    });
    updateButton();
    query->start();
}

void RetentionDialog::showPlan(const Client::RetentionPlan &plan)
{
    m_plan = plan;
    const QColor deleteColor(0xc0, 0x39, 0x2b);
    for (const Client::RetentionItem &item : plan.items) {
        const bool removed = item.action == Client::RetentionItem::Action::Delete;
        QString why = item.reason;
        if (!item.sharesWithKept.isEmpty()) {
            why += tr(" (shares its image with %1: only the tag name goes)").arg(item.sharesWithKept.join(QStringLiteral(", ")));
        }
        auto *row = new QTreeWidgetItem(m_ui->planTree,
                                        {item.tag, item.created.isValid() ? Format::exactTime(item.created) : tr("unknown"),
                                         Format::shortDigest(item.digest), removed ? tr("Delete") : tr("Keep"), why});
        row->setToolTip(4, why);
        if (removed) {
            row->setForeground(3, deleteColor);
            QFont bold = row->font(3);
            bold.setBold(true);
            row->setFont(3, bold);
        }
    }
    const int count = plan.deleteCount();
    QString summary = count == 0 ? tr("These rules delete nothing: all %1 tags stay.").arg(plan.items.size())
                                 : tr("Would delete %1 of %2 tags (dates from %3).")
                                       .arg(count)
                                       .arg(plan.items.size())
                                       .arg(plan.dateSource);
    if (!plan.notes.isEmpty()) {
        summary += QLatin1Char(' ') + plan.notes.join(QLatin1Char(' '));
    }
    m_ui->summaryLabel->setText(summary);
    updateButton();
}

DeleteTagsTask *RetentionDialog::makeTask() const
{
    if (!m_plan || m_plan->deleteCount() == 0) {
        return nullptr;
    }
    return new DeleteTagsTask(m_session, m_connection, m_repository, m_plan->toDelete());
}

void RetentionDialog::updateButton()
{
    const int count = m_plan ? m_plan->deleteCount() : 0;
    const bool typed = count > TypedConfirmationAbove;
    m_ui->confirmLabel->setVisible(typed);
    m_ui->confirmEdit->setVisible(typed);
    m_delete->setText(count > 0 ? Format::plural(count, tr("&Delete 1 tag"), tr("&Delete %1 tags")) : tr("&Delete"));
    m_delete->setEnabled(count > 0 && (!typed || m_ui->confirmEdit->text().trimmed() == m_repository));
}

} // namespace Minato::App
