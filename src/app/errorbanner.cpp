#include "errorbanner.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
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
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    m_icon = new QLabel(this);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
    m_icon->setAlignment(Qt::AlignTop);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("errorText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_retry = new QPushButton(tr("Retry"), this);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_action = new QPushButton(this);
    m_action->setObjectName(QStringLiteral("fixButton"));
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignTop);
    layout->addWidget(m_retry, 0, Qt::AlignTop);
    connect(m_retry, &QPushButton::clicked, this, &ErrorBanner::retryRequested);
    connect(m_action, &QPushButton::clicked, this, &ErrorBanner::actionRequested);
    applyColours();
    hide();
}

ErrorBanner::~ErrorBanner() = default;

void ErrorBanner::showError(const QString &message, const QString &actionText)
{
    m_text->setText(message);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    show();
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
