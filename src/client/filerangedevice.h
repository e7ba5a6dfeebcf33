#pragma once

// FileRangeDevice: a read-only, random-access view of bytes [offset, offset + length) of a file — a member of a
// tar archive handed to BlobUpload as if it were a file of its own (BlobUpload reads from pos() and seeks back to
// re-send after a transport failure; each view opens the file itself, so several uploads read one archive at
// once without sharing a file position).
//
//   FileRangeDevice layer(archivePath, entry.offset, entry.size);
//   if (!layer.open(QIODevice::ReadOnly)) fail(layer.errorString());   // also when the file is shorter
//   auto *up = new BlobUpload(client, repo, {}, layer.size(), &layer, {}, this);

#include <QFile>
#include <QIODevice>
#include <QString>

namespace Minato::Client {

class FileRangeDevice final : public QIODevice
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FileRangeDevice)

public:
    FileRangeDevice(QString filePath, qint64 offset, qint64 length, QObject *parent = nullptr);
    ~FileRangeDevice() override;

    // ReadOnly only; fails when the file cannot be opened or ends before offset + length.
    bool open(OpenMode mode) override;
    void close() override;
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool seek(qint64 pos) override;
    QString fileName() const { return m_file.fileName(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 maxSize) override;

private:
    QFile m_file;
    qint64 m_offset = 0;
    qint64 m_length = 0;
};

} // namespace Minato::Client
