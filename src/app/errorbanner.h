#pragma once

// ErrorBanner: an error shown inside the pane that failed (UI.md "Errors in place"), never a modal dialog:
// the sentence from ClientError::message(), a Retry button and, when there is one, the action that fixes it
// ("Edit connection", "Sign in").
//
//   banner->showError(error.message(), tr("Edit connection…"));   // action text optional
//   connect(banner, &ErrorBanner::retryRequested, this, &Pane::reload);
//   connect(banner, &ErrorBanner::actionRequested, this, &Pane::editConnection);
//   banner->hide();                                                // when the pane loads again

#include <QFrame>

class QLabel;
class QPushButton;

namespace Minato::App {

class ErrorBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorBanner)

public:
    explicit ErrorBanner(QWidget *parent = nullptr);
    ~ErrorBanner() override;

    void showError(const QString &message, const QString &actionText = {});
    QString message() const;
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *actionButton() const { return m_action; }

signals:
    void retryRequested();
    void actionRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyColours();

    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_action = nullptr;
};

} // namespace Minato::App
