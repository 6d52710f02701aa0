// SPDX-License-Identifier: MIT
#include "httpheaders.h"

namespace Switchboard::Core {

void HttpHeaders::set(QByteArrayView name, QByteArray value)
{
    remove(name);
    m_fields.append({name.toByteArray(), std::move(value)});
}

void HttpHeaders::remove(QByteArrayView name)
{
    m_fields.removeIf([name](const Field &field) { return field.first.compare(name, Qt::CaseInsensitive) == 0; });
}

bool HttpHeaders::contains(QByteArrayView name) const
{
    return count(name) > 0;
}

QByteArray HttpHeaders::value(QByteArrayView name) const
{
    for (const auto &field : m_fields) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0) {
            return field.second;
        }
    }
    return {};
}

QByteArray HttpHeaders::combinedValue(QByteArrayView name) const
{
    QByteArray combined;
    for (const auto &field : m_fields) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0) {
            if (!combined.isEmpty()) {
                combined.append(", ");
            }
            combined.append(field.second);
        }
    }
    return combined;
}

int HttpHeaders::count(QByteArrayView name) const
{
    int n = 0;
    for (const auto &field : m_fields) {
        if (field.first.compare(name, Qt::CaseInsensitive) == 0) {
            ++n;
        }
    }
    return n;
}

bool HttpHeaders::listContains(QByteArrayView headerValue, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= headerValue.size()) {
        qsizetype end = headerValue.indexOf(',', start);
        if (end < 0) {
            end = headerValue.size();
        }
        if (headerValue.sliced(start, end - start).trimmed().compare(token, Qt::CaseInsensitive) == 0) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

} // namespace Switchboard::Core
