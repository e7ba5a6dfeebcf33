#pragma once

// CompositeOperation: the contract of an operation made of other operations (ImageInspector, Retag,
// DeleteTag, DeleteImage, BulkDelete) — the same one Operation (operation.h) keeps for a single request:
// exactly one finished(), and cancel() ending it with Cancelled at once. The sub-operation in flight is kept
// in m_current; cancel() cancels it after finishing (its request is aborted at once, its own finished() reaches
// nobody here) and deletes it later — safe even when cancel() is called from inside that sub-operation's signal.
//
//   class Retag final : public CompositeOperation {
//       void finishWith(const RetagResult &r) { if (markFinished()) emit finished(r); }
//       void finishCancelled() override { finishWith(ClientError::cancelled()); }
//   };

#include <QObject>
#include <QPointer>

namespace Minato::Client {

class CompositeOperation : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CompositeOperation)

public:
    ~CompositeOperation() override;

    bool isFinished() const { return m_finished; }
    // Ends the operation with Cancelled (once; nothing after it has finished) and aborts the sub-operation.
    void cancel();

protected:
    explicit CompositeOperation(QObject *parent);

    // True the first time only: the caller then emits its finished(result).
    bool markFinished();
    // Finishes with ClientError::cancelled() through the subclass's own finished() signal.
    virtual void finishCancelled() = 0;

    QPointer<QObject> m_current; // the sub-operation in flight

private:
    bool m_finished = false;
};

} // namespace Minato::Client
