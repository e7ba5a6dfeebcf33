#include "errorbanner.h"

#include "client/clienterror.h"

#include <QApplication>
#include <QBoxLayout>
#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace Minato::App {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_layout = new QGridLayout(this);
    m_layout->setContentsMargins(8, 6, 8, 6);
    m_icon = new QLabel(this);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
    m_icon->setAlignment(Qt::AlignTop);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("errorText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_buttons = new QWidget(this);
    m_buttonsLayout = new QBoxLayout(QBoxLayout::LeftToRight, m_buttons);
    m_buttonsLayout->setContentsMargins(0, 0, 0, 0);
    m_retry = new QPushButton(tr("Retry"), m_buttons);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_action = new QPushButton(m_buttons);
    m_action->setObjectName(QStringLiteral("fixButton"));
    m_buttonsLayout->addWidget(m_action);
    m_buttonsLayout->addWidget(m_retry);
    m_layout->addWidget(m_icon, 0, 0, Qt::AlignTop);
    m_layout->addWidget(m_text, 0, 1);
    m_layout->setColumnStretch(1, 1);
    placeButtons(Placement::Beside);
    connect(m_retry, &QPushButton::clicked, this, &ErrorBanner::retryRequested);
    connect(m_action, &QPushButton::clicked, this, &ErrorBanner::actionRequested);
    applyColours();
    hide();
}

ErrorBanner::~ErrorBanner() = default;

bool ErrorBanner::connectionCanFix(const Client::ClientError &error)
{
    using Kind = Client::ClientError::Kind;
    switch (error.kind()) {
    case Kind::Auth:
    case Kind::AuthRequired:
    case Kind::CredentialStore:
    case Kind::NotFoundOrPrivate:
    case Kind::Tls:
    case Kind::Transport:
        return true;
    case Kind::Registry:
        return error.hasRegistryCode(Oci::ErrorCode::Denied) || error.hasRegistryCode(Oci::ErrorCode::Unauthorized);
    case Kind::Timeout:
    case Kind::Http:
    case Kind::NotFound:
    case Kind::RateLimited:
    case Kind::Cancelled:
    case Kind::InvalidResponse:
    case Kind::InvalidRequest:
    case Kind::LocalFile:
        break;
    }
    return false;
}

void ErrorBanner::showClientError(const Client::ClientError &error)
{
    showError(error.message(), connectionCanFix(error) ? tr("Edit connection…") : QString());
}

void ErrorBanner::showError(const QString &message, const QString &actionText)
{
    m_text->setText(message);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    show();
    placeButtons(placementFor(width()));
}

ErrorBanner::Placement ErrorBanner::placementFor(int width) const
{
    // Beside the sentence while it keeps a readable width; under it in a narrow pane, in a row or, narrower
    // still, one above the other: buttons side by side would make the banner — and so its pane, in the
    // window's splitter — wider than the pane was.
    const int spacing = qMax(0, m_layout->horizontalSpacing());
    const int left = leftColumnWidth();
    const int row = m_retry->sizeHint().width()
                    + (m_action->isHidden() ? 0 : m_action->sizeHint().width() + qMax(0, m_buttonsLayout->spacing()));
    const int readableText = fontMetrics().averageCharWidth() * 32;
    if (width >= left + readableText + spacing + row) {
        return Placement::Beside;
    }
    return width >= left + row ? Placement::BelowInRow : Placement::BelowStacked;
}

void ErrorBanner::placeButtons(Placement placement)
{
    if (m_layout->indexOf(m_buttons) >= 0 && placement == m_placement) {
        return;
    }
    m_placement = placement;
    m_layout->removeWidget(m_buttons);
    m_buttonsLayout->setDirection(placement == Placement::BelowStacked ? QBoxLayout::TopToBottom
                                                                       : QBoxLayout::LeftToRight);
    if (placement == Placement::Beside) {
        m_layout->addWidget(m_buttons, 0, 2, Qt::AlignTop);
    } else {
        m_layout->addWidget(m_buttons, 1, 1, Qt::AlignRight);
    }
}

QSize ErrorBanner::minimumSizeHint() const
{
    // The narrowest arrangement's width, whichever is shown: a layout's minimum is that of its current
    // arrangement, so a banner laid out wide would never let its pane become narrow enough to rearrange it.
    QSize hint = QFrame::minimumSizeHint();
    const int widestButton = qMax(m_retry->sizeHint().width(), m_action->isHidden() ? 0 : m_action->sizeHint().width());
    hint.setWidth(qMin(hint.width(), leftColumnWidth() + qMax(m_text->minimumSizeHint().width(), widestButton)));
    return hint;
}

int ErrorBanner::leftColumnWidth() const
{
    // The margins, the icon and the space after it: what is left of the sentence (and of buttons under it).
    const QMargins margins = m_layout->contentsMargins();
    return margins.left() + margins.right() + m_icon->sizeHint().width() + qMax(0, m_layout->horizontalSpacing());
}

void ErrorBanner::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    placeButtons(placementFor(width()));
}

QString ErrorBanner::message() const
{
    return m_text->text();
}

void ErrorBanner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
        applyColours();
    }
}

void ErrorBanner::applyColours()
{
    // A warm tint of the window colour: legible in light and dark palettes alike.
    QPalette p = palette();
    const QColor base = QApplication::palette().color(QPalette::Window);
    const bool dark = base.lightness() < 128;
    const QColor tint = dark ? QColor(0x5a, 0x2a, 0x22) : QColor(0xfd, 0xe8, 0xe4);
    p.setColor(QPalette::Window, tint);
    p.setColor(QPalette::WindowText, dark ? QColor(0xf5, 0xdd, 0xd8) : QColor(0x5c, 0x1a, 0x10));
    // Setting the palette sends PaletteChange again; guard against recursion by comparing.
    if (p != palette()) {
        setPalette(p);
    }
}

} // namespace Minato::App
