// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayList>
#include <QtCore/QString>

namespace Switchboard::Core {

// Whether one turn's upstream prompt extends the previous turn's, and if not, where it stopped and
// which change in the client's request caused it. Made by PrefixDoctor.
struct PrefixDiagnosis
{
    enum class Verdict
    {
        Extends, // the engine's cached prefix stays valid: only the new messages are evaluated
        Broken,  // the engine re-reads the prompt from the first changed byte on
        Unknown, // a body was missing or not JSON
    };
    enum class Cause
    {
        None,
        SystemChanged,
        ToolsChanged,
        ParameterChanged,      // `parameters` names them
        ClientRewroteMessage,  // the client changed its own earlier `messages[clientMessage]`
        ClientDroppedMessages, // the client sent fewer messages than before (compaction, an edit, a retry)
        Translation,           // the client's request extended the previous one: Switchboard broke the prefix
    };

    Verdict verdict = Verdict::Unknown;
    Cause cause = Cause::None;

    // Where the upstream prompts part: the section ("tools", "system", "messages"), the message's
    // index when it is "messages", and the byte offset within that part's compact JSON.
    QByteArray section;
    int upstreamMessage = -1;
    qsizetype byteOffset = -1;
    QByteArray context;      // the bytes just before the difference, the same on both sides
    QByteArray previousText; // what followed there in the previous turn's prompt
    QByteArray currentText;  // and what follows now
    int clientMessage = -1;
    QByteArrayList parameters;

    bool broken() const { return verdict == Verdict::Broken; }
    bool blamesSwitchboard() const { return cause == Cause::Translation; }
    // "upstream messages[3] byte 120" / "upstream tools byte 5"
    QString location() const;
    // "client rewrote messages[2]", "Switchboard's translation", ...
    QString causeText() const;
    // One line for the log and the table: the location, the cause and the short diff.
    QString summary() const;
    // Several lines for the inspector.
    QString details() const;
};

} // namespace Switchboard::Core
