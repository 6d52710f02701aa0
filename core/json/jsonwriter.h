// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>

#include <cstdint>

namespace Switchboard::Core {

// Appends compact JSON to a buffer. Keys keep the order they are written in (QJsonObject sorts them)
// and no intermediate tree is built: this sits on the per-event path of every stream.
class JsonWriter
{
public:
    explicit JsonWriter(QByteArray &out)
        : m_out(out)
    {}

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    JsonWriter &key(QByteArrayView name);

    JsonWriter &value(QByteArrayView string);
    JsonWriter &value(const char *string) { return value(QByteArrayView(string)); }
    JsonWriter &value(const QByteArray &string) { return value(QByteArrayView(string)); }
    JsonWriter &value(std::int64_t number);
    JsonWriter &value(int number) { return value(std::int64_t(number)); }
    JsonWriter &value(double number);
    JsonWriter &value(bool flag);
    JsonWriter &null();
    // Inserts already-serialised JSON (a relayed schema or tool input) as one value.
    JsonWriter &raw(QByteArrayView json);

    template<typename T>
    JsonWriter &field(QByteArrayView name, const T &v)
    {
        key(name);
        return value(v);
    }

    // Appends `text` as a quoted JSON string with the escapes JSON requires.
    static void appendString(QByteArray &out, QByteArrayView text);

private:
    void separate();

    QByteArray &m_out;
    bool m_needsComma = false;
};

} // namespace Switchboard::Core
