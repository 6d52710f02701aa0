// SPDX-License-Identifier: MIT
#include "jsonwriter.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace Switchboard::Core {

void JsonWriter::separate()
{
    if (m_needsComma) {
        m_out.append(',');
    }
}

JsonWriter &JsonWriter::beginObject()
{
    separate();
    m_out.append('{');
    m_needsComma = false;
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out.append('}');
    m_needsComma = true;
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    separate();
    m_out.append('[');
    m_needsComma = false;
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_out.append(']');
    m_needsComma = true;
    return *this;
}

namespace {

constexpr qsizetype ShortString = 120;

bool needsEscape(QByteArrayView text)
{
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || c == '"' || c == '\\') {
            return true;
        }
    }
    return false;
}

// `,"text"` plus `suffix`, in one append: QByteArray appends are not inlined, and a stream writes
// several small pieces per token.
bool appendShort(QByteArray &out, bool comma, QByteArrayView text, char suffix)
{
    if (text.size() > ShortString || needsEscape(text)) {
        return false;
    }
    char buffer[ShortString + 4];
    char *to = buffer;
    if (comma) {
        *to++ = ',';
    }
    *to++ = '"';
    to = std::copy(text.begin(), text.end(), to);
    *to++ = '"';
    if (suffix) {
        *to++ = suffix;
    }
    out.append(buffer, to - buffer);
    return true;
}

} // namespace

JsonWriter &JsonWriter::key(QByteArrayView name)
{
    if (!appendShort(m_out, m_needsComma, name, ':')) {
        separate();
        appendString(m_out, name);
        m_out.append(':');
    }
    m_needsComma = false;
    return *this;
}

JsonWriter &JsonWriter::value(QByteArrayView string)
{
    if (!appendShort(m_out, m_needsComma, string, 0)) {
        separate();
        appendString(m_out, string);
    }
    m_needsComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(std::int64_t number)
{
    separate();
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    m_out.append(buffer, result.ptr - buffer);
    m_needsComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(double number)
{
    separate();
    if (!std::isfinite(number)) {
        m_out.append("null");
    } else {
        // Shortest representation that round-trips: 0.7 stays "0.7".
        char buffer[32];
        const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
        m_out.append(buffer, result.ptr - buffer);
    }
    m_needsComma = true;
    return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
    separate();
    m_out.append(flag ? "true" : "false");
    m_needsComma = true;
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    m_out.append("null");
    m_needsComma = true;
    return *this;
}

JsonWriter &JsonWriter::raw(QByteArrayView json)
{
    separate();
    m_out.append(json.data(), json.size());
    m_needsComma = true;
    return *this;
}

void JsonWriter::appendString(QByteArray &out, QByteArrayView text)
{
    static constexpr char hex[] = "0123456789abcdef";
    out.append('"');
    const char *begin = text.data();
    const char *end = begin + text.size();
    const char *run = begin;
    for (const char *p = begin; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(run, p - run);
        run = p + 1;
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default: {
            const char escape[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            out.append(escape, sizeof escape);
        }
        }
    }
    out.append(run, end - run);
    out.append('"');
}

} // namespace Switchboard::Core
