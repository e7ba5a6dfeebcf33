#include "filerangedevice.h"

namespace Minato::Client {

FileRangeDevice::FileRangeDevice(QString filePath, qint64 offset, qint64 length, QObject *parent)
    : QIODevice(parent)
    , m_file(filePath)
    , m_offset(offset)
    , m_length(length)
{}

FileRangeDevice::~FileRangeDevice() = default;

bool FileRangeDevice::open(OpenMode mode)
{
    if ((mode & ReadWrite) != ReadOnly || m_offset < 0 || m_length < 0) {
        setErrorString(tr("only reading a range of the file is possible"));
        return false;
    }
    if (!m_file.open(QIODevice::ReadOnly)) {
        setErrorString(m_file.errorString());
        return false;
    }
    if (m_file.size() < m_offset + m_length) {
        setErrorString(tr("the file holds %1 bytes; bytes %2 to %3 were expected")
                           .arg(m_file.size())
                           .arg(m_offset)
                           .arg(m_offset + m_length));
        m_file.close();
        return false;
    }
    if (!m_file.seek(m_offset)) {
        setErrorString(m_file.errorString());
        m_file.close();
        return false;
    }
    return QIODevice::open(mode | Unbuffered);
}

void FileRangeDevice::close()
{
    QIODevice::close();
    m_file.close();
}

bool FileRangeDevice::seek(qint64 pos)
{
    if (pos < 0 || pos > m_length || !QIODevice::seek(pos)) {
        return false;
    }
    return m_file.seek(m_offset + pos);
}

qint64 FileRangeDevice::readData(char *data, qint64 maxSize)
{
    const qint64 at = pos();
    const qint64 want = qMin(maxSize, m_length - at);
    if (want <= 0) {
        return 0; // end of the range (QIODevice reports it as atEnd)
    }
    if (m_file.pos() != m_offset + at && !m_file.seek(m_offset + at)) {
        setErrorString(m_file.errorString());
        return -1;
    }
    const qint64 n = m_file.read(data, want);
    if (n < 0) {
        setErrorString(m_file.errorString());
    }
    return n;
}

qint64 FileRangeDevice::writeData(const char *data, qint64 maxSize)
{
    Q_UNUSED(data)
    Q_UNUSED(maxSize)
    return -1;
}

} // namespace Minato::Client
