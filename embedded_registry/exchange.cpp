#include "exchange.h"

namespace Minato::Registry {

QByteArray HttpHeaders::value(QByteArrayView name) const
{
    for (const auto &[key, value] : m_fields) {
        if (name.compare(key, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

QList<QByteArray> HttpHeaders::values(QByteArrayView name) const
{
    QList<QByteArray> out;
    for (const auto &[key, value] : m_fields) {
        if (name.compare(key, Qt::CaseInsensitive) == 0) {
            out.append(value);
        }
    }
    return out;
}

bool HttpHeaders::contains(QByteArrayView name) const
{
    for (const auto &field : m_fields) {
        if (name.compare(field.first, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

void HttpHeaders::add(QByteArray name, QByteArray value)
{
    m_fields.append({std::move(name), std::move(value)});
}

void HttpHeaders::set(QByteArray name, QByteArray value)
{
    remove(name);
    add(std::move(name), std::move(value));
}

void HttpHeaders::remove(QByteArrayView name)
{
    m_fields.removeIf([name](const QPair<QByteArray, QByteArray> &f) {
        return name.compare(f.first, Qt::CaseInsensitive) == 0;
    });
}

} // namespace Minato::Registry
