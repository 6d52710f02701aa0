// SPDX-License-Identifier: MIT
#include "redactor.h"

#include <QtCore/QMutex>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace Switchboard::Core {

namespace {

constexpr qsizetype MinimumSecretSize = 8;

struct Registry
{
    QMutex mutex;
    QSet<QByteArray> secrets;
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

struct Rule
{
    QRegularExpression pattern;
    // The match is replaced by capture 1 (what identifies the secret, kept) + Mask.
};

const std::array<Rule, 9> &rules()
{
    using Option = QRegularExpression::PatternOption;
    static const std::array<Rule, 9> instance{{
        // A header line inside a body or a dump: "x-api-key: …".
        {QRegularExpression(
            QStringLiteral(R"re(((?:^|[\r\n])[ \t]*(?:x-api-key|api-key|x-goog-api-key|authorization|)re"
                           R"re(proxy-authorization|cookie|set-cookie|x-auth-token)[ \t]*:[ \t]*)[^\r\n]+)re"),
            Option::CaseInsensitiveOption)},
        // JSON fields that hold credentials: "api_key": "…".
        {QRegularExpression(
            QStringLiteral(
                R"re(("(?:api[_-]?key|x-api-key|apikey|authorization|password|passwd|secret|client_secret|)re"
                R"re(access_token|refresh_token|id_token|token|auth_token|session_token)"\s*:\s*")(?:[^"\\]|\\.)*)re"),
            Option::CaseInsensitiveOption)},
        // URL parameters: ?key=…, &access_token=…
        {QRegularExpression(
            QStringLiteral(R"re(([?&;](?:key|api[_-]?key|apikey|token|access_token|auth|sig|signature|)re"
                           R"re(password|secret|x-api-key|code)=)[^&#\s"'<>]*)re"),
            Option::CaseInsensitiveOption)},
        // Credentials in a URL: scheme://user:password@host
        {QRegularExpression(QStringLiteral(R"re(([a-z][a-z0-9+.\-]*://)[^/\s:@"']+:[^/\s@"']*(?=@))re"),
                            Option::CaseInsensitiveOption)},
        // Authorization schemes in free text.
        {QRegularExpression(QStringLiteral(R"re(\b((?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=\-]{8,})re"),
                            Option::CaseInsensitiveOption)},
        // Anthropic, OpenAI and look-alike keys (Switchboard's own sk-sb- too).
        {QRegularExpression(QStringLiteral(R"re(\b(sk-(?:ant-|proj-|sb-)?)[A-Za-z0-9_\-]{12,})re"))},
        // AWS access key ids, Google API keys, GitHub and Slack tokens.
        {QRegularExpression(QStringLiteral(R"re(\b(AKIA|ASIA|AIza|gh[pousr]_|github_pat_|xox[abprs]-))re"
                                           R"re([A-Za-z0-9_\-]{12,})re"))},
        // JSON Web Tokens.
        {QRegularExpression(
            QStringLiteral(R"re(\b(eyJ)[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})re"))},
        // Hugging Face tokens.
        {QRegularExpression(QStringLiteral(R"re(\b(hf_)[A-Za-z0-9]{20,})re"))},
    }};
    return instance;
}

QString applyRules(QString text)
{
    const QString mask = QString::fromLatin1(Redactor::Mask);
    for (const Rule &rule : rules()) {
        QString out;
        qsizetype last = 0;
        auto matches = rule.pattern.globalMatch(text);
        if (!matches.hasNext()) {
            continue;
        }
        while (matches.hasNext()) {
            const auto match = matches.next();
            out += QStringView(text).mid(last, match.capturedStart(0) - last);
            out += match.captured(1);
            out += mask;
            last = match.capturedEnd(0);
        }
        out += QStringView(text).mid(last);
        text = std::move(out);
    }
    return text;
}

} // namespace

QByteArray Redactor::text(QByteArrayView input)
{
    QByteArray text = input.toByteArray();
    {
        Registry &known = registry();
        const QMutexLocker lock(&known.mutex);
        for (const QByteArray &secret : std::as_const(known.secrets)) {
            text.replace(secret, Mask.toByteArray());
        }
    }
    return applyRules(QString::fromUtf8(text)).toUtf8();
}

QByteArray Redactor::escapeControls(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            out.append("\\x").append(QByteArray::number(u, 16).rightJustified(2, '0'));
        } else {
            out.append(c);
        }
    }
    return out;
}

void Redactor::installMessageHandler()
{
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext &context, const QString &message) {
        const QByteArray line = forLog(qFormatLogMessage(type, context, message).toUtf8()) + '\n';
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
        std::fflush(stderr);
        if (type == QtFatalMsg) {
            std::abort();
        }
    });
}

bool Redactor::isCredentialHeader(QByteArrayView name)
{
    static const std::array<QByteArrayView, 9> names{"authorization", "proxy-authorization", "x-api-key",
                                                     "api-key",       "x-goog-api-key",      "cookie",
                                                     "set-cookie",    "x-auth-token",        "x-amz-security-token"};
    for (QByteArrayView candidate : names) {
        if (name.compare(candidate, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    const QByteArray lower = name.toByteArray().toLower();
    return lower.contains("secret") || lower.contains("password") || lower.endsWith("-token");
}

QByteArray Redactor::headerValue(QByteArrayView name, QByteArrayView value)
{
    if (!isCredentialHeader(name)) {
        return text(value);
    }
    // Keep the scheme of an Authorization value, so "Bearer" vs "Basic" stays visible.
    const QByteArray trimmed = value.trimmed().toByteArray();
    const qsizetype space = trimmed.indexOf(' ');
    if (name.compare(QByteArrayView("authorization"), Qt::CaseInsensitive) == 0 && space > 0) {
        return trimmed.left(space + 1) + Mask.toByteArray();
    }
    return Mask.toByteArray();
}

HttpHeaders Redactor::headers(const HttpHeaders &headers)
{
    HttpHeaders masked;
    for (const auto &field : headers.fields()) {
        masked.append(field.first, headerValue(field.first, field.second));
    }
    return masked;
}

void Redactor::registerSecret(QByteArrayView secret)
{
    const QByteArray trimmed = secret.trimmed().toByteArray();
    if (trimmed.size() < MinimumSecretSize) {
        return;
    }
    Registry &known = registry();
    const QMutexLocker lock(&known.mutex);
    known.secrets.insert(trimmed);
}

} // namespace Switchboard::Core
