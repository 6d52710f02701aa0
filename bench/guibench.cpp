// SPDX-License-Identifier: MIT
// The GUI benchmark: streams a Markdown reply into the chat view at increasing token rates and
// measures how late a 1 ms probe timer runs meanwhile (a late tick is input, paint and animation
// waiting too), then times opening a finished 10,000-token conversation. See BENCHMARKS.md.
//
//   build/bin/sb-guibench [--seconds 3] [--runs 3] [--rates 250,500,...] [--write]
#include "chat/chatmessage.h"
#include "chat/chatmessagemodel.h"
#include "chatview.h"
#include "messagewidget.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QDateTime>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QWidget>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>
#include <vector>

namespace {

using namespace Qt::StringLiterals;
using Switchboard::Core::ChatMessage;
using Switchboard::Core::ChatMessageModel;
using Switchboard::Ui::ChatView;
using Switchboard::Ui::MessageWidget;

constexpr double StallBudgetMs = 16.0; // one frame at 60 Hz
constexpr int OpenTokens = 10000;
constexpr int OpenTurns = 50;

// A fixed generator, so every run and every machine streams the same text.
class Lcg
{
public:
    explicit Lcg(quint64 seed)
        : m_state(seed)
    {}
    int below(int n)
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return int((m_state >> 33) % quint64(n));
    }

private:
    quint64 m_state;
};

// Replies as a chat model writes them: headings, prose with bold and inline code, lists, and
// fenced code blocks, in varying proportions.
class ReplyWriter
{
public:
    explicit ReplyWriter(quint64 seed)
        : m_random(seed)
    {}

    QString write(qsizetype minChars)
    {
        QString text;
        while (text.size() < minChars) {
            section(text);
        }
        return text;
    }

private:
    QString word()
    {
        static const QStringList words = {
            u"the"_s,     u"request"_s, u"stream"_s,    u"token"_s,    u"model"_s,   u"returns"_s,   u"a"_s,
            u"of"_s,      u"and"_s,     u"server"_s,    u"response"_s, u"each"_s,    u"message"_s,   u"when"_s,
            u"is"_s,      u"to"_s,      u"header"_s,    u"value"_s,    u"with"_s,    u"function"_s,  u"that"_s,
            u"in"_s,      u"context"_s, u"window"_s,    u"it"_s,       u"usually"_s, u"parameter"_s, u"for"_s,
            u"latency"_s, u"client"_s,  u"buffering"_s, u"output"_s,   u"can"_s,     u"be"_s,        u"retry"_s,
        };
        return words.at(m_random.below(int(words.size())));
    }

    void sentence(QString &text)
    {
        const int count = 8 + m_random.below(10);
        for (int i = 0; i < count; ++i) {
            QString w = word();
            if (i == 0) {
                w[0] = w[0].toUpper();
            }
            const int style = m_random.below(16);
            if (style == 0 && i > 0) {
                w = u"**"_s + w + u' ' + word() + u"**"_s;
            } else if (style == 1 && i > 0) {
                w = u'`' + w + u"()`"_s;
            }
            text += (i == 0 ? QString() : u" "_s) + w;
        }
        text += m_random.below(6) == 0 ? u": "_s : u". "_s;
    }

    void paragraph(QString &text)
    {
        const int count = 2 + m_random.below(4);
        for (int i = 0; i < count; ++i) {
            sentence(text);
        }
        text.chop(1);
        text += u"\n\n"_s;
    }

    void list(QString &text)
    {
        const bool numbered = m_random.below(2) == 0;
        const int count = 3 + m_random.below(4);
        for (int i = 0; i < count; ++i) {
            text += numbered ? QString::number(i + 1) + u". "_s : u"- "_s;
            sentence(text);
            text.chop(1);
            text += u'\n';
        }
        text += u'\n';
    }

    void code(QString &text)
    {
        static const QStringList languages = {u"cpp"_s, u"python"_s, u"bash"_s, u"json"_s};
        text += u"```"_s + languages.at(m_random.below(int(languages.size()))) + u'\n';
        const int lines = 5 + m_random.below(14);
        for (int i = 0; i < lines; ++i) {
            const int indent = 4 * m_random.below(3);
            text += QString(indent, u' ') + u"auto "_s + word() + u"_"_s + word() + u" = "_s + word() + u'(' + word() +
                    u", "_s + QString::number(m_random.below(1000)) + u");"_s;
            if (m_random.below(4) == 0) {
                text += u" // "_s + word() + u' ' + word();
            }
            text += u'\n';
        }
        text += u"```\n\n"_s;
    }

    void section(QString &text)
    {
        if (m_random.below(3) == 0) {
            text += u"### "_s + word() + u' ' + word() + u"\n\n"_s;
        }
        paragraph(text);
        if (m_random.below(2) == 0) {
            list(text);
        }
        if (m_random.below(3) != 0) {
            paragraph(text);
        }
        if (m_random.below(5) < 3) {
            code(text);
        }
    }

    Lcg m_random;
};

// About four characters a token, cut where a tokenizer would: a word with its leading space, long
// words in pieces, runs of whitespace on their own.
QStringList tokenize(const QString &text)
{
    QStringList tokens;
    qsizetype i = 0;
    while (i < text.size()) {
        qsizetype j = i;
        while (j < text.size() && j - i < 4 && text[j].isSpace()) {
            ++j;
        }
        while (j < text.size() && j - i < 5 && !text[j].isSpace()) {
            ++j;
        }
        if (j == i) {
            ++j;
        }
        tokens.append(text.sliced(i, j - i));
        i = j;
    }
    return tokens;
}

double cpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto rank = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())));
    return values[rank];
}

double median(std::vector<double> values)
{
    return percentile(std::move(values), 50);
}

double round3(double value)
{
    return std::round(value * 1000) / 1000;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll()).section(u' ', 0, 2) : QString();
}

// With --trace-events: which top-level event deliveries took longer than 2 ms, summed by receiver
// class and event type, to see what a stall is made of.
class BenchApplication final : public QApplication
{
public:
    using QApplication::QApplication;

    bool tracing = false;
    struct Slow
    {
        int count = 0;
        double totalMs = 0;
        double maxMs = 0;
    };
    std::map<QString, Slow> slow;

    bool notify(QObject *receiver, QEvent *event) override
    {
        if (!tracing || m_depth > 0) {
            return QApplication::notify(receiver, event);
        }
        const QString key =
            QString::fromLatin1(receiver->metaObject()->className()) + u" / "_s + QString::number(int(event->type()));
        ++m_depth;
        QElapsedTimer clock;
        clock.start();
        const bool result = QApplication::notify(receiver, event);
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        --m_depth;
        if (ms > 2.0) {
            Slow &entry = slow[key];
            ++entry.count;
            entry.totalMs += ms;
            entry.maxMs = std::max(entry.maxMs, ms);
        }
        return result;
    }

private:
    int m_depth = 0;
};

// The window as the app lays it out: conversations on the left, parameters on the right, and a
// chat column of about 760 px between them.
struct Window
{
    QWidget frame;
    ChatView *view = nullptr;
    ChatMessageModel model;

    Window()
    {
        auto *layout = new QHBoxLayout(&frame);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->setSpacing(0);
        auto *sidebar = new QWidget(&frame);
        sidebar->setFixedWidth(240);
        auto *parameters = new QWidget(&frame);
        parameters->setFixedWidth(280);
        view = new ChatView(&frame);
        layout->addWidget(sidebar);
        layout->addWidget(view, 1);
        layout->addWidget(parameters);
        view->setModel(&model);
        frame.resize(1280, 860);
        frame.show();
        settle();
    }

    // Lets deferred deletes, layouts and paints from the previous step finish outside the clock.
    static void settle()
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 50) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        }
    }
};

ChatMessage userMessage(const QString &text)
{
    ChatMessage message;
    message.role = ChatMessage::Role::User;
    message.text = text;
    return message;
}

ChatMessage assistantMessage(const QString &text, ChatMessage::State state)
{
    ChatMessage message;
    message.role = ChatMessage::Role::Assistant;
    message.text = text;
    message.state = state;
    message.stats.outputTokens = int(tokenize(text).size());
    message.stats.durationMs = 1000;
    message.stats.stopReason = u"end_turn"_s;
    return message;
}

struct StreamRun
{
    double p50 = 0;
    double p99 = 0;
    double max = 0;
    int stalls = 0; // ticks more than a frame late
    qint64 tokens = 0;
    double achievedRate = 0;
    double cpuShare = 0; // of one core
};

// One reply streamed at `rate` tokens/s for `seconds`, with the probe running.
StreamRun streamOnce(Window &window, const QStringList &tokens, int rate, double seconds)
{
    window.model.setMessages(
        {userMessage(u"Explain streaming with examples."_s), assistantMessage({}, ChatMessage::State::Streaming)});
    Window::settle();

    QElapsedTimer clock;
    std::vector<double> lateness;
    lateness.reserve(size_t(seconds * 1100));
    qint64 delivered = 0;

    // Tokens arrive as the client hands them over: one appendText each, as many per tick as are
    // due, so a late tick delivers a burst (as a late network read would).
    QTimer feeder;
    feeder.setTimerType(Qt::PreciseTimer);
    feeder.setInterval(1);
    QObject::connect(&feeder, &QTimer::timeout, &window.model, [&] {
        const auto due = qint64(double(rate) * double(clock.nsecsElapsed()) / 1e9);
        for (; delivered < due; ++delivered) {
            window.model.appendText(1, tokens.at(delivered % tokens.size()));
        }
    });
    // The probe: a tick's lateness is its distance from the previous tick, less the interval.
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(1);
    qint64 last = 0;
    QObject::connect(&probe, &QTimer::timeout, &window.model, [&] {
        const qint64 now = clock.nsecsElapsed();
        lateness.push_back(std::max(0.0, double(now - last) / 1e6 - 1.0));
        last = now;
    });

    QEventLoop loop;
    QTimer::singleShot(int(seconds * 1000), Qt::PreciseTimer, &loop, &QEventLoop::quit);
    const double cpuStart = cpuSeconds();
    clock.start();
    feeder.start();
    probe.start();
    loop.exec();
    const double elapsed = double(clock.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpuStart;
    feeder.stop();
    probe.stop();

    window.model.replace(1, assistantMessage(window.model.at(1).text, ChatMessage::State::Complete));
    StreamRun run;
    run.p50 = percentile(lateness, 50);
    run.p99 = percentile(lateness, 99);
    run.max = lateness.empty() ? 0 : *std::max_element(lateness.begin(), lateness.end());
    run.stalls = int(std::count_if(lateness.begin(), lateness.end(), [](double l) { return l > StallBudgetMs; }));
    run.tokens = delivered;
    run.achievedRate = double(delivered) / elapsed;
    run.cpuShare = cpu / elapsed;
    return run;
}

// From the model's reset (a conversation opened) to a paint of the laid-out window.
double openOnce(Window &window, const QList<ChatMessage> &messages)
{
    window.model.setMessages({});
    Window::settle();
    QElapsedTimer clock;
    clock.start();
    window.model.setMessages(messages);
    for (int row = 0; row < window.view->messageCount(); ++row) {
        window.view->messageAt(row)->flushPendingText();
    }
    // New messages are shown by a queued call, and layout requests cascade upwards one level per
    // pass: a few passes over the posted events settle both. grab() then paints what is in view.
    for (int pass = 0; pass < 8; ++pass) {
        QCoreApplication::sendPostedEvents();
    }
    const QPixmap pixmap = window.frame.grab();
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    const MessageWidget *last = window.view->messageAt(window.view->messageCount() - 1);
    if (pixmap.isNull() || !last || !last->isVisible() || last->height() < 50) {
        std::fprintf(stderr, "sb-guibench: the opened conversation was not laid out when grabbed\n");
    }
    return ms;
}

// A reply streamed token by token must end looking as it does when loaded from the store: grabs
// both (the whole message, not just what is in view) and compares them pixel for pixel.
bool checkLook(Window &window, const QString &directory)
{
    ReplyWriter writer(11);
    const QString text = writer.write(6000);
    const QStringList tokens = tokenize(text);
    window.model.setMessages(
        {userMessage(u"Explain streaming with examples."_s), assistantMessage({}, ChatMessage::State::Streaming)});
    Window::settle();
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        window.model.appendText(1, tokens.at(i));
        if (i % 16 == 0) {
            window.view->messageAt(1)->flushPendingText();
            QCoreApplication::processEvents();
        }
    }
    window.model.replace(1, assistantMessage(text, ChatMessage::State::Complete));
    Window::settle();
    const QImage streamed = window.view->messageAt(1)->grab().toImage();
    openOnce(window, {userMessage(u"Explain streaming with examples."_s),
                      assistantMessage(text, ChatMessage::State::Complete)});
    Window::settle();
    const QImage loaded = window.view->messageAt(1)->grab().toImage();
    streamed.save(directory + u"/streamed.png"_s);
    loaded.save(directory + u"/loaded.png"_s);
    const bool same = streamed == loaded;
    std::fprintf(stderr, "sb-guibench: streamed and loaded reply (%dx%d, %dx%d) %s\n", streamed.width(),
                 streamed.height(), loaded.width(), loaded.height(), same ? "look the same" : "DIFFER");
    return same;
}

QString markdownTable(const QJsonObject &result)
{
    QStringList lines;
    const QJsonObject machine = result[u"machine"_s].toObject();
    lines << u"Measured %1 on %2 cores (load average before: %3), offscreen platform, chat column %4 px: "
             u"%5 s per rate, median of %6 runs."_s.arg(result[u"date"_s].toString())
                 .arg(machine[u"cpus"_s].toInt())
                 .arg(machine[u"loadAverage"_s].toString())
                 .arg(result[u"chatWidth"_s].toInt())
                 .arg(result[u"seconds"_s].toDouble())
                 .arg(result[u"runs"_s].toInt())
          << QString();
    lines
        << u"| Tokens/s | Delivered/s | Probe lateness p50 | p99 | max | Ticks > 16 ms | CPU (one core) | p99 ≤ 16 ms |"_s
        << u"|---|---|---|---|---|---|---|---|"_s;
    for (const QJsonValue &value : result[u"stream"_s].toArray()) {
        const QJsonObject rate = value.toObject();
        lines << u"| %1 | %2 | %3 ms | %4 ms | %5 ms | %6 | %7 % | %8 |"_s.arg(rate[u"rate"_s].toInt())
                     .arg(rate[u"achievedRate"_s].toDouble(), 0, 'f', 0)
                     .arg(rate[u"p50Ms"_s].toDouble(), 0, 'f', 2)
                     .arg(rate[u"p99Ms"_s].toDouble(), 0, 'f', 2)
                     .arg(rate[u"maxMs"_s].toDouble(), 0, 'f', 1)
                     .arg(rate[u"stalls"_s].toInt())
                     .arg(rate[u"cpuPercent"_s].toDouble(), 0, 'f', 0)
                     .arg(rate[u"pass"_s].toBool() ? u"yes"_s : u"**no**"_s);
    }
    lines << QString();
    const int best = result[u"highestRate"_s].toInt();
    lines << (best > 0 ? u"Highest sustained rate with probe p99 ≤ 16 ms: **%1 tokens/s** (target ≥ 2,000)."_s.arg(best)
                       : u"No rate kept probe p99 ≤ 16 ms (target ≥ 2,000 tokens/s)."_s)
          << QString();
    const QJsonObject open = result[u"open"_s].toObject();
    if (!open.isEmpty()) {
        lines << u"| Opening a finished conversation | Median of %1 | Min | Max |"_s.arg(open[u"runs"_s].toInt())
              << u"|---|---|---|---|"_s;
        for (const auto &[key, label] : {std::pair{u"oneReply"_s, u"one reply of 10,000 tokens"_s},
                                         std::pair{u"fiftyTurns"_s, u"50 turns, 10,000 tokens in all"_s}}) {
            const QJsonObject figure = open[key].toObject();
            lines << u"| %1 (%2 characters) | %3 ms | %4 ms | %5 ms |"_s.arg(label)
                         .arg(figure[u"chars"_s].toInt())
                         .arg(figure[u"medianMs"_s].toDouble(), 0, 'f', 1)
                         .arg(figure[u"minMs"_s].toDouble(), 0, 'f', 1)
                         .arg(figure[u"maxMs"_s].toDouble(), 0, 'f', 1);
        }
    }
    return lines.join(u'\n');
}

bool writeSection(const QString &path, const QString &table)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return false;
    }
    QString text = QString::fromUtf8(file.readAll());
    file.close();
    const QString begin = u"<!-- gui:begin -->"_s;
    const QString end = u"<!-- gui:end -->"_s;
    const qsizetype from = text.indexOf(begin);
    const qsizetype to = text.indexOf(end);
    if (from < 0 || to < from) {
        return false;
    }
    text = text.left(from + begin.size()) + u'\n' + table + u'\n' + text.mid(to);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    return file.write(text.toUtf8()) >= 0;
}

} // namespace

int main(int argc, char **argv)
{
    // No display needed; the offscreen platform still lays out and paints into a backing store.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    BenchApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Streams replies into the chat view and times opening a long conversation."_s);
    parser.addHelpOption();
    const QCommandLineOption secondsOption(u"seconds"_s, u"Seconds of streaming per rate and run."_s, u"s"_s, u"3"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"Runs per rate; the median is reported."_s, u"n"_s, u"3"_s);
    const QCommandLineOption ratesOption(u"rates"_s, u"Token rates to try, comma-separated."_s, u"list"_s,
                                         u"250,500,1000,2000,4000,8000,16000"_s);
    const QCommandLineOption openRunsOption(u"open-runs"_s, u"Runs of each opening figure."_s, u"n"_s, u"5"_s);
    const QCommandLineOption skipOpenOption(u"skip-open"_s, u"Skip the opening figures."_s);
    const QCommandLineOption skipStreamOption(u"skip-stream"_s, u"Skip the streaming figures."_s);
    const QCommandLineOption traceOption(u"trace-events"_s,
                                         u"List event deliveries over 2 ms while streaming (profiling)."_s);
    const QCommandLineOption lookOption(
        u"check-look"_s, u"Only compare a streamed reply with the same reply loaded; grabs go to <dir>."_s, u"dir"_s);
    const QCommandLineOption writeOption(u"write"_s, u"Update the GUI section of BENCHMARKS.md."_s);
    const QCommandLineOption fileOption(u"benchmarks-file"_s, u"The file --write updates."_s, u"path"_s,
                                        QStringLiteral(SB_BENCHMARKS_MD));
    parser.addOptions({secondsOption, runsOption, ratesOption, openRunsOption, skipOpenOption, skipStreamOption,
                       traceOption, lookOption, writeOption, fileOption});
    parser.process(app);
    const double seconds = std::max(0.2, parser.value(secondsOption).toDouble());
    const int runs = std::max(1, parser.value(runsOption).toInt());
    const int openRuns = std::max(1, parser.value(openRunsOption).toInt());
    QList<int> rates;
    for (const QString &rate : parser.value(ratesOption).split(u',', Qt::SkipEmptyParts)) {
        rates.append(rate.toInt());
    }

    QJsonObject result;
    result[u"date"_s] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    result[u"machine"_s] = QJsonObject{{u"cpus"_s, QThread::idealThreadCount()}, {u"loadAverage"_s, loadAverage()}};
    result[u"seconds"_s] = seconds;
    result[u"runs"_s] = runs;

    Window window;
    if (parser.isSet(lookOption)) {
        return checkLook(window, parser.value(lookOption)) ? 0 : 1;
    }
    result[u"chatWidth"_s] = window.view->viewport()->width();
    const int maxRate = rates.isEmpty() ? 0 : *std::max_element(rates.begin(), rates.end());
    ReplyWriter writer(20240601);
    const QString streamText = writer.write(qsizetype(double(maxRate) * seconds * 5) + 4096);
    const QStringList tokens = tokenize(streamText);
    result[u"charsPerToken"_s] = round3(double(streamText.size()) / double(tokens.size()));

    if (!parser.isSet(skipStreamOption)) {
        // A warm-up, so font loading and first-use allocations land outside the figures.
        streamOnce(window, tokens, 250, 0.5);
        app.tracing = parser.isSet(traceOption);
        QJsonArray stream;
        int highest = 0;
        bool allPassed = true;
        int failuresInARow = 0;
        for (const int rate : std::as_const(rates)) {
            std::vector<double> p50, p99, max, achieved, cpu, stalls;
            for (int run = 0; run < runs; ++run) {
                const StreamRun figures = streamOnce(window, tokens, rate, seconds);
                p50.push_back(figures.p50);
                p99.push_back(figures.p99);
                max.push_back(figures.max);
                achieved.push_back(figures.achievedRate);
                cpu.push_back(figures.cpuShare * 100);
                stalls.push_back(figures.stalls);
                std::fprintf(stderr,
                             "sb-guibench: %d tokens/s run %d: p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d stalls\n",
                             rate, run + 1, figures.p50, figures.p99, figures.max, figures.stalls);
            }
            const bool pass = median(p99) <= StallBudgetMs;
            allPassed = allPassed && pass;
            if (allPassed) {
                highest = rate;
            }
            stream.append(QJsonObject{{u"rate"_s, rate},
                                      {u"achievedRate"_s, round3(median(achieved))},
                                      {u"p50Ms"_s, round3(median(p50))},
                                      {u"p99Ms"_s, round3(median(p99))},
                                      {u"maxMs"_s, round3(median(max))},
                                      {u"stalls"_s, int(median(stalls))},
                                      {u"cpuPercent"_s, round3(median(cpu))},
                                      {u"pass"_s, pass}});
            failuresInARow = pass ? 0 : failuresInARow + 1;
            if (failuresInARow == 2) {
                break;
            }
        }
        app.tracing = false;
        for (const auto &[key, entry] : app.slow) {
            std::fprintf(stderr, "sb-guibench: slow event %s: %d times, %.1f ms in all, longest %.1f ms\n",
                         qPrintable(key), entry.count, entry.totalMs, entry.maxMs);
        }
        result[u"stream"_s] = stream;
        result[u"highestRate"_s] = highest;
    }

    if (!parser.isSet(skipOpenOption)) {
        // The same kind of text as the stream, cut at 10,000 tokens: one long reply, and 50 turns
        // (25 questions and 25 replies) sharing the same budget.
        ReplyWriter openWriter(7);
        const QStringList openTokens = tokenize(openWriter.write(OpenTokens * 6));
        const QString oneReplyText = openTokens.mid(0, OpenTokens).join(QString());
        const QList<ChatMessage> oneReply = {userMessage(u"Explain streaming with examples."_s),
                                             assistantMessage(oneReplyText, ChatMessage::State::Complete)};
        QList<ChatMessage> fiftyTurns;
        const int perTurn = OpenTokens / OpenTurns;
        qsizetype fiftyChars = 0;
        for (int turn = 0; turn < OpenTurns; ++turn) {
            const QString text = openTokens.mid(turn * perTurn, perTurn).join(QString()).trimmed();
            fiftyChars += text.size();
            fiftyTurns.append(turn % 2 == 0 ? userMessage(text) : assistantMessage(text, ChatMessage::State::Complete));
        }
        openOnce(window, oneReply); // warm-up
        QJsonObject open{{u"runs"_s, openRuns}};
        for (const auto &[key, messages, chars] : {std::tuple{u"oneReply"_s, oneReply, oneReplyText.size()},
                                                   std::tuple{u"fiftyTurns"_s, fiftyTurns, fiftyChars}}) {
            std::vector<double> times;
            for (int run = 0; run < openRuns; ++run) {
                times.push_back(openOnce(window, messages));
            }
            open[key] = QJsonObject{{u"chars"_s, qint64(chars)},
                                    {u"medianMs"_s, round3(median(times))},
                                    {u"minMs"_s, round3(*std::min_element(times.begin(), times.end()))},
                                    {u"maxMs"_s, round3(*std::max_element(times.begin(), times.end()))}};
        }
        result[u"open"_s] = open;
    }

    const QString table = markdownTable(result);
    std::printf("%s\n\n%s\n", QJsonDocument(result).toJson(QJsonDocument::Indented).constData(),
                table.toUtf8().constData());
    if (parser.isSet(writeOption) && !writeSection(parser.value(fileOption), table)) {
        std::fprintf(stderr, "sb-guibench: could not update the gui section of %s\n",
                     qPrintable(parser.value(fileOption)));
        return 1;
    }
    return 0;
}
