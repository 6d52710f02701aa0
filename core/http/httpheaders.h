// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QList>
#include <QtCore/QPair>

namespace Switchboard::Core {

// An ordered list of header fields. Lookups ignore case; order and spelling are kept, because the
// inspector shows what was on the wire and a pass-through relays it.
class HttpHeaders
{
public:
    using Field = QPair<QByteArray, QByteArray>;

    HttpHeaders() = default;
    HttpHeaders(std::initializer_list<Field> fields)
        : m_fields(fields)
    {}

    void append(QByteArray name, QByteArray value) { m_fields.append({std::move(name), std::move(value)}); }
    // Replaces every field of that name with one.
    void set(QByteArrayView name, QByteArray value);
    void remove(QByteArrayView name);

    bool contains(QByteArrayView name) const;
    // The first value of that name, or an empty array.
    QByteArray value(QByteArrayView name) const;
    // All values of that name joined with ", " (RFC 9110 §5.3).
    QByteArray combinedValue(QByteArrayView name) const;
    int count(QByteArrayView name) const;

    const QList<Field> &fields() const { return m_fields; }
    qsizetype size() const { return m_fields.size(); }
    bool isEmpty() const { return m_fields.isEmpty(); }

    // Whether a comma-separated header (Connection, Transfer-Encoding, ...) lists `token`.
    static bool listContains(QByteArrayView headerValue, QByteArrayView token);

private:
    QList<Field> m_fields;
};

} // namespace Switchboard::Core
