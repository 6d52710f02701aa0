// SPDX-License-Identifier: MIT
#include "chat/codesnippets.h"

#include "chat/chatrequest.h"
#include "chat/codeliteral.h"
#include "json/jsonparser.h"
#include "json/jsonwriter.h"

#include <QtCore/QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Switchboard::Core {

namespace {

using Language = CodeLiteral::Language;

// The body in the order a person reads a Messages request, written as it goes: the tools and
// tool_choice the user typed are spliced in as written (keys in their order, numbers as spelled),
// which a QJsonObject, sorting its keys and respelling 1.0 as 1, would not keep.
QByteArray writeBody(const ChatSettings &settings, const QList<ChatMessage> &messages)
{
    QByteArray out;
    JsonWriter body(out);
    body.beginObject();
    body.field("model", settings.model.toUtf8());
    body.field("max_tokens", settings.maxTokens);
    if (!settings.system.isEmpty()) {
        body.field("system", settings.system.toUtf8());
    }
    body.key("messages").raw(ChatRequest::turns(messages));
    if (settings.temperature) {
        body.field("temperature", *settings.temperature);
    }
    if (settings.topP) {
        body.field("top_p", *settings.topP);
    }
    if (settings.topK) {
        body.field("top_k", *settings.topK);
    }
    QStringList stopSequences = settings.stopSequences;
    stopSequences.removeAll(QString()); // an empty sequence would be refused, and can never match
    if (!stopSequences.isEmpty()) {
        body.key("stop_sequences").beginArray();
        for (const QString &sequence : std::as_const(stopSequences)) {
            body.value(sequence.toUtf8());
        }
        body.endArray();
    }
    if (settings.stream) {
        body.field("stream", true);
    }
    // The panel only commits tools that parse; a store edited by hand could still hold others, and
    // those are left out rather than sent as something the user did not write.
    const QByteArray tools = Json::minified(settings.toolsJson.toUtf8());
    if (tools.startsWith('[') && tools != "[]") {
        body.key("tools").raw(tools);
        const QByteArray choice = Json::minified(settings.toolChoice.toUtf8());
        if (choice.startsWith('{') && choice != "{}") {
            body.key("tool_choice").raw(choice);
        }
    }
    if (settings.thinkingBudget) {
        body.key("thinking")
            .beginObject()
            .field("type", "enabled")
            .field("budget_tokens", *settings.thinkingBudget)
            .endObject();
    }
    body.endObject();
    return out;
}

// The body without "stream": messages.stream() sets it, and messages.create() is the
// non-streaming call.
QByteArray sdkParameters(const ChatSettings &settings, const QList<ChatMessage> &messages)
{
    ChatSettings parameters = settings;
    parameters.stream = false;
    return writeBody(parameters, messages);
}

QString normalisedBase(QStringView baseUrl)
{
    QStringView base = baseUrl.trimmed();
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    return base.toString();
}

// Everything inside single quotes is literal in a POSIX shell except the quote itself, which is
// closed, escaped and reopened.
QString singleQuoted(QStringView text)
{
    return u'\'' + text.toString().replace(u'\'', u"'\\''"_s) + u'\'';
}

QString shellWord(QStringView text)
{
    const bool plain = !text.isEmpty() && std::all_of(text.begin(), text.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') ||
               QStringView(u"-_.,:/@%+=").contains(c);
    });
    return plain ? text.toString() : singleQuoted(text);
}

} // namespace

QByteArray CodeSnippets::requestBody(const ChatSettings &settings, const QList<ChatMessage> &messages)
{
    return writeBody(settings, messages);
}

QString CodeSnippets::curl(QStringView baseUrl, const ChatSettings &settings, const QList<ChatMessage> &messages)
{
    // The snippets are rendered from the body itself, in its order, so they say what the chat sends.
    const QByteArray body = writeBody(settings, messages);
    // -N: print events as they arrive instead of when curl's buffer fills.
    return u"curl "_s + (settings.stream ? u"-N "_s : QString()) +
           shellWord(QString(normalisedBase(baseUrl) + u"/v1/messages")) +
           u" \\\n"
           u"    -H \"content-type: application/json\" \\\n"
           u"    -H \"anthropic-version: 2023-06-01\" \\\n"
           u"    -H \"x-api-key: $ANTHROPIC_API_KEY\" \\\n"
           u"    --data " +
           singleQuoted(CodeLiteral::jsonObject(body, Language::Json)) + u'\n';
}

QString CodeSnippets::python(QStringView baseUrl, const ChatSettings &settings, const QList<ChatMessage> &messages,
                             KeyPolicy policy)
{
    QString arguments;
    for (const auto &[key, literal] :
         CodeLiteral::jsonMembers(sdkParameters(settings, messages), Language::Python, 1)) {
        arguments += CodeLiteral::indentation(Language::Python, 1) + key + u'=' + literal + u",\n";
    }

    QString out = u"import os\n"
                  u"\n"
                  u"import anthropic\n"
                  u"\n"
                  u"client = anthropic.Anthropic(\n"
                  u"    base_url="_s +
                  CodeLiteral::string(normalisedBase(baseUrl), Language::Python) + u",\n";
    out += policy == KeyPolicy::Placeholder ? u"    api_key=os.environ.get(\"ANTHROPIC_API_KEY\", \"switchboard\"),\n"_s
                                            : u"    api_key=os.environ[\"ANTHROPIC_API_KEY\"],\n"_s;
    out += u")\n\n";
    if (settings.stream) {
        out += u"with client.messages.stream(\n" + arguments +
               u") as stream:\n"
               u"    for text in stream.text_stream:\n"
               u"        print(text, end=\"\", flush=True)\n"
               u"print()\n";
    } else {
        out += u"message = client.messages.create(\n" + arguments +
               u")\n"
               u"print(\"\".join(block.text for block in message.content if block.type == \"text\"))\n";
    }
    return out;
}

QString CodeSnippets::typeScript(QStringView baseUrl, const ChatSettings &settings, const QList<ChatMessage> &messages,
                                 KeyPolicy policy)
{
    const QString parameters = CodeLiteral::jsonObject(sdkParameters(settings, messages), Language::JavaScript);

    QString out = u"import Anthropic from \"@anthropic-ai/sdk\";\n"
                  u"\n"
                  u"const client = new Anthropic({\n"
                  u"  baseURL: "_s +
                  CodeLiteral::string(normalisedBase(baseUrl), Language::JavaScript) + u",\n";
    out += policy == KeyPolicy::Placeholder ? u"  apiKey: process.env.ANTHROPIC_API_KEY ?? \"switchboard\",\n"_s
                                            : u"  apiKey: process.env.ANTHROPIC_API_KEY,\n"_s;
    out += u"});\n\n";
    if (settings.stream) {
        out += u"const stream = client.messages.stream(" + parameters +
               u").on(\"text\", (text) => process.stdout.write(text));\n"
               u"await stream.finalMessage();\n"
               u"process.stdout.write(\"\\n\");\n";
    } else {
        // Narrowing on block.type keeps this valid TypeScript without annotations.
        out += u"const message = await client.messages.create(" + parameters +
               u");\n"
               u"for (const block of message.content) {\n"
               u"  if (block.type === \"text\") {\n"
               u"    process.stdout.write(block.text);\n"
               u"  }\n"
               u"}\n"
               u"process.stdout.write(\"\\n\");\n";
    }
    return out;
}

} // namespace Switchboard::Core
