// SPDX-License-Identifier: MIT
#include "prefixdiagnosis.h"

namespace Switchboard::Core {

using namespace Qt::StringLiterals;

namespace {

// JSON text is already escaped; only make sure a log line stays one line.
QString printable(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    text.replace(u'\n', u"\\n"_s).replace(u'\r', u"\\r"_s);
    return text;
}

} // namespace

QString PrefixDiagnosis::location() const
{
    if (section.isEmpty()) {
        return {};
    }
    const QString part = upstreamMessage >= 0
                             ? QStringLiteral("%1[%2]").arg(QString::fromLatin1(section)).arg(upstreamMessage)
                             : QString::fromLatin1(section);
    return QStringLiteral("upstream %1 byte %2").arg(part).arg(byteOffset);
}

QString PrefixDiagnosis::causeText() const
{
    switch (cause) {
    case Cause::None:
        return {};
    case Cause::SystemChanged:
        return u"the client changed its system prompt"_s;
    case Cause::ToolsChanged:
        return u"the client changed its tools"_s;
    case Cause::ParameterChanged:
        return QStringLiteral("the client changed %1").arg(QString::fromUtf8(parameters.join(", ")));
    case Cause::ClientRewroteMessage:
        return QStringLiteral("the client rewrote its own messages[%1]").arg(clientMessage);
    case Cause::ClientDroppedMessages:
        return QStringLiteral("the client dropped messages from messages[%1] on (compaction or an edit)")
            .arg(clientMessage);
    case Cause::Translation:
        return u"the client's request extended the previous one: Switchboard's translation broke the prefix"_s;
    }
    return {};
}

QString PrefixDiagnosis::summary() const
{
    switch (verdict) {
    case Verdict::Extends:
        return u"prefix ok"_s;
    case Verdict::Unknown:
        return u"prefix unknown"_s;
    case Verdict::Broken:
        break;
    }
    return QStringLiteral("prefix broken at %1: %2; …%3[was: %4][now: %5]")
        .arg(location(), causeText(), printable(context), printable(previousText), printable(currentText));
}

QString PrefixDiagnosis::details() const
{
    if (verdict != Verdict::Broken) {
        return summary();
    }
    return QStringLiteral("The upstream prompt no longer extends the previous turn's: the engine re-reads it from %1.\n"
                          "Cause: %2.\n\n"
                          "Before: …%3%4\n"
                          "Now:    …%3%5")
        .arg(location(), causeText(), printable(context), printable(previousText), printable(currentText));
}

} // namespace Switchboard::Core
