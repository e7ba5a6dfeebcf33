#include "compositeoperation.h"

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
    delete current; // aborts the request in flight without another finished()
}

} // namespace Minato::Client
