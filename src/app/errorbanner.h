#pragma once

// ErrorBanner: an error shown inside the pane that failed (UI.md "Errors in place"), never a modal dialog:
// the sentence from ClientError::message(), a Retry button and, when there is one, the action that fixes it
// ("Edit connection…") — beside the sentence, or under it when the pane is narrow.
//
//   banner->showClientError(error);            // the sentence; "Edit connection…" when the settings can fix it
//   banner->showError(text, tr("Open…"));      // any other sentence and action (action text optional)
//   connect(banner, &ErrorBanner::retryRequested, this, &Pane::reload);
//   connect(banner, &ErrorBanner::actionRequested, this, &Pane::editConnection);
//   banner->hide();                            // when the pane loads again

#include <QFrame>

class QBoxLayout;
class QGridLayout;
class QLabel;
class QPushButton;

namespace Minato::Client {
class ClientError;
} // namespace Minato::Client

namespace Minato::App {

class ErrorBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorBanner)

public:
    explicit ErrorBanner(QWidget *parent = nullptr);
    ~ErrorBanner() override;

    // One rule for every pane: whether the connection's settings (the dialog behind "Edit connection…") can
    // fix this failure. Yes for
    //   Auth, AuthRequired, CredentialStore — the login: wrong, missing, or unreadable where it is kept;
    //   Registry DENIED/UNAUTHORIZED       — the login decides what may be done: another one may have the right;
    //   NotFoundOrPrivate                   — the repository may be private and the connection not signed in;
    //   Tls                                 — CA certificate, client certificate, "allow insecure", plain http;
    //   Transport                           — no answer at all: refused, unknown host, proxy failure. The
    //                                         address or the proxy may be wrong (the sentence says to check
    //                                         them); Retry stays beside it for a network that was just down.
    // No for what settings cannot change: Timeout (the dialog has no timeout field), Http 5xx, NotFound (the
    // name does not exist), RateLimited, InvalidResponse, InvalidRequest, LocalFile, Cancelled.
    static bool connectionCanFix(const Client::ClientError &error);

    // error.message(), with "Edit connection…" when connectionCanFix(error).
    void showClientError(const Client::ClientError &error);
    void showError(const QString &message, const QString &actionText = {});
    QString message() const;
    QPushButton *retryButton() const { return m_retry; }
    QSize minimumSizeHint() const override;
    QPushButton *actionButton() const { return m_action; }

signals:
    void retryRequested();
    void actionRequested();

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void applyColours();
    enum class Placement { Beside, BelowInRow, BelowStacked };
    Placement placementFor(int width) const;
    int leftColumnWidth() const;
    void placeButtons(Placement placement);

    QGridLayout *m_layout = nullptr;
    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    QWidget *m_buttons = nullptr;
    QBoxLayout *m_buttonsLayout = nullptr;
    QPushButton *m_retry = nullptr;
    QPushButton *m_action = nullptr;
    Placement m_placement = Placement::Beside;
};

} // namespace Minato::App
