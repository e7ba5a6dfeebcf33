#include "compositeoperation.h"

#include "operation.h"

namespace Minato::Client {

CompositeOperation::CompositeOperation(QObject *parent)
    : QObject(parent)
{}

CompositeOperation::~CompositeOperation() = default;

bool CompositeOperation::markFinished()
{
    if (m_finished) {
        return false;
    }
    m_finished = true;
    return true;
}

void CompositeOperation::cancel()
{
    if (m_finished) {
        return;
    }
    QObject *current = m_current;
    m_current = nullptr;
    finishCancelled();
    if (!current) {
        return;
    }
    // Aborted now, deleted later: cancel() may be called from inside the sub-operation's own signal (a
    // finished() or progress() handler of the caller), where deleting it would pull the object out from under
    // its emission. Disconnected first, so its Cancelled result reaches nobody here.
    disconnect(current, nullptr, this, nullptr);
    if (auto *operation = qobject_cast<Operation *>(current)) {
        operation->cancel();
    } else if (auto *composite = qobject_cast<CompositeOperation *>(current)) {
        composite->cancel();
    }
    current->deleteLater();
}

} // namespace Minato::Client
