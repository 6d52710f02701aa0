// SPDX-License-Identifier: MIT
// sb-loadgen: a load generator for Anthropic Messages and OpenAI Chat Completions endpoints, JSON
// and SSE, that validates every response. One thread, epoll, keep-alive connections.
//
//   sb-loadgen --url http://127.0.0.1:PORT --api anthropic|openai --model M [--stream]
//              [--concurrency C] [--seconds S | --requests N] [--tokens N] [--header "K: V"]...
//              [--samples FILE] [--stall-ms MS] [--content TEXT] [--text-bytes N]
//
// Each of C connections sends one request after another (--seconds) or C requests in total are
// spread over them (--requests). Latency is from the first byte sent to the last byte received;
// time to first token is to the first content event with text (not to the headers). A response
// counts as an error unless it is a 200 whose text is exactly N tokens (" w" each; or --text-bytes
// long, for other backends, with --content as the user's message) and, for a
// stream, ends properly (message_stop / [DONE]). With --stall-ms, any gap between two events of
// a stream longer than that is a stall; the wait for a stream's first event (connecting, the
// request, the backend's start) is reported on its own, as firstEventMs, and is not a gap. Prints
// one JSON object; with --samples, also every latency and TTFT (µs).
#include "benchnet.h"

#include <netdb.h>
#include <sys/epoll.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <memory>
#include <numeric>
#include <unordered_map>
#include <vector>

using namespace Bench;

namespace {

struct Options
{
    std::string host = "127.0.0.1";
    int port = 0;
    std::string path = "/v1/messages";
    bool anthropic = true;
    std::string model = "bench-d0-n50";
    bool stream = false;
    int concurrency = 1;
    double seconds = 0;
    long requests = 0;
    int tokens = 50;
    std::vector<std::string> headers;
    std::string samplesPath;
    double stallMs = 0;
    std::string content = "Benchmark me.";
    long textBytes = -1; // expected reply text; 2 × tokens unless given
};

struct Stats
{
    std::vector<double> latency;
    std::vector<double> ttft;
    std::vector<double> firstEvent; // ms from the request's first byte to the stream's first event
    long errors = 0;
    long stalls = 0;
    double maxGapMs = 0;
    std::vector<std::string> errorExamples;

    void error(std::string what)
    {
        ++errors;
        if (errorExamples.size() < 5) {
            errorExamples.push_back(std::move(what));
        }
    }
};

// Length of the JSON string value that starts right after an opening quote at `from`.
size_t jsonStringLength(std::string_view text, size_t from)
{
    size_t length = 0;
    for (size_t i = from; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;
        } else if (text[i] == '"') {
            return length;
        }
        ++length;
    }
    return length;
}

// Sum of the lengths of every `"key":"…"` string value in `text`.
size_t totalStringLength(std::string_view text, std::string_view key)
{
    size_t total = 0;
    for (size_t at = text.find(key); at != std::string_view::npos; at = text.find(key, at + key.size())) {
        total += jsonStringLength(text, at + key.size());
    }
    return total;
}

class Client
{
public:
    Client(const Options &options, Stats &stats, int epoll)
        : m_options(options)
        , m_stats(stats)
        , m_epoll(epoll)
    {
        std::string body = R"({"model":")" + options.model + R"(","max_tokens":)" +
                           std::to_string(options.tokens * 4 + 16) + R"(,"stream":)" +
                           (options.stream ? "true" : "false") + R"(,"messages":[{"role":"user","content":")" +
                           options.content + R"("}]})";
        m_request = "POST " + options.path + " HTTP/1.1\r\nHost: " + options.host + ':' + std::to_string(options.port) +
                    "\r\nContent-Type: application/json\r\nAccept: " +
                    (options.stream ? "text/event-stream" : "application/json") + "\r\n";
        if (options.anthropic) {
            m_request += "anthropic-version: 2023-06-01\r\n";
        }
        for (const auto &header : options.headers) {
            m_request += header + "\r\n";
        }
        m_request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    int fd() const { return m_fd; }
    bool idle() const { return !m_active; }

    void start()
    {
        if (m_fd < 0) {
            connectNow();
        }
        resetResponse();
        m_active = true;
        m_started = Clock::now();
        m_sawEvent = false;
        m_out = m_request;
        flush();
    }

    // Returns false when the connection is finished with (closed).
    void onEvent(uint32_t events)
    {
        if (events & EPOLLOUT) {
            flush();
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
            readAll();
        }
    }

    bool finishedOne()
    {
        const bool done = m_finished;
        m_finished = false;
        return done;
    }

private:
    void connectNow()
    {
        m_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        setNonBlocking(m_fd);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(uint16_t(m_options.port));
        inet_pton(AF_INET, m_options.host.c_str(), &address.sin_addr);
        if (connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
            die("connect");
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.ptr = this;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_fd, &event);
        m_pollingOut = true;
    }

    void closeNow()
    {
        if (m_fd >= 0) {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, m_fd, nullptr);
            close(m_fd);
            m_fd = -1;
        }
    }

    void setPollOut(bool on)
    {
        if (on == m_pollingOut) {
            return;
        }
        m_pollingOut = on;
        epoll_event event{};
        event.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        event.data.ptr = this;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, m_fd, &event);
    }

    void flush()
    {
        while (!m_out.empty()) {
            const ssize_t n = write(m_fd, m_out.data(), m_out.size());
            if (n < 0) {
                if (errno == EAGAIN || errno == ENOTCONN) {
                    setPollOut(true);
                    return;
                }
                fail("write failed");
                return;
            }
            m_out.erase(0, size_t(n));
        }
        setPollOut(false);
    }

    void resetResponse()
    {
        m_in.clear();
        m_headParsed = false;
        m_status = 0;
        m_chunked = false;
        m_contentLength = -1;
        m_bodyRead = 0;
        m_chunkRemaining = -1;
        m_body.clear();
        m_line.clear();
        m_textBytes = 0;
        m_sawEnd = false;
        m_sawError = false;
        m_firstToken = false;
        m_keepAlive = true;
    }

    void fail(const std::string &why)
    {
        m_stats.error(why);
        closeNow();
        complete();
    }

    void complete()
    {
        m_active = false;
        m_finished = true;
    }

    void readAll()
    {
        char buffer[65536];
        for (;;) {
            const ssize_t n = read(m_fd, buffer, sizeof buffer);
            if (n > 0) {
                if (!m_active) {
                    continue; // bytes after a finished response: ignored (should not happen)
                }
                m_in.append(buffer, size_t(n));
                if (!parse()) {
                    return;
                }
                continue;
            }
            if (n == 0) {
                if (m_active) {
                    fail("connection closed before the response ended (status " + std::to_string(m_status) + ")");
                } else {
                    closeNow();
                }
                return;
            }
            if (errno != EAGAIN) {
                if (m_active) {
                    fail(std::string("read: ") + std::strerror(errno));
                } else {
                    closeNow();
                }
            }
            return;
        }
    }

    // Returns false once the response is complete (or failed).
    bool parse()
    {
        if (!m_headParsed) {
            const size_t end = m_in.find("\r\n\r\n");
            if (end == std::string::npos) {
                return true;
            }
            const std::string_view head(m_in.data(), end + 2);
            m_status = std::atoi(m_in.c_str() + 9);
            m_chunked = headerValue(head, "transfer-encoding").find("chunked") != std::string_view::npos;
            const auto length = headerValue(head, "content-length");
            if (!length.empty()) {
                m_contentLength = std::atoll(std::string(length).c_str());
            }
            m_keepAlive = headerValue(head, "connection") != "close";
            m_in.erase(0, end + 4);
            m_headParsed = true;
        }
        // De-chunk into body bytes.
        std::string data;
        if (m_chunked) {
            for (;;) {
                if (m_chunkRemaining < 0) {
                    const size_t lineEnd = m_in.find("\r\n");
                    if (lineEnd == std::string::npos) {
                        break;
                    }
                    m_chunkRemaining = std::strtoll(m_in.c_str(), nullptr, 16);
                    m_in.erase(0, lineEnd + 2);
                    if (m_chunkRemaining == 0) {
                        m_in.clear(); // trailers: none expected
                        consume(data);
                        return end();
                    }
                }
                if (m_in.size() < size_t(m_chunkRemaining) + 2) {
                    // Take what is there; the rest follows.
                    const size_t take = std::min(m_in.size(), size_t(m_chunkRemaining));
                    data.append(m_in, 0, take);
                    m_in.erase(0, take);
                    m_chunkRemaining -= long(take);
                    if (m_chunkRemaining == 0 && m_in.size() < 2) {
                        m_chunkRemaining = -2; // waiting for the CRLF after the data
                    }
                    break;
                }
                data.append(m_in, 0, size_t(m_chunkRemaining));
                m_in.erase(0, size_t(m_chunkRemaining) + 2);
                m_chunkRemaining = -1;
            }
            if (m_chunkRemaining == -2 && m_in.size() >= 2) {
                m_in.erase(0, 2);
                m_chunkRemaining = -1;
                consume(data);
                return parse();
            }
            consume(data);
            return true;
        }
        data.swap(m_in);
        m_bodyRead += long(data.size());
        consume(data);
        if (m_contentLength >= 0 && m_bodyRead >= m_contentLength) {
            return end();
        }
        return true;
    }

    void consume(std::string_view data)
    {
        if (data.empty()) {
            return;
        }
        if (!m_options.stream || m_status != 200) {
            m_body.append(data);
            return;
        }
        m_line.append(data);
        size_t start = 0;
        for (size_t newline = m_line.find('\n'); newline != std::string::npos; newline = m_line.find('\n', start)) {
            const std::string_view line(m_line.data() + start, newline - start);
            start = newline + 1;
            if (line.substr(0, 5) != "data:") {
                continue;
            }
            onData(line);
        }
        m_line.erase(0, start);
    }

    void onData(std::string_view line)
    {
        const auto now = Clock::now();
        if (!m_sawEvent) {
            // Connection set-up and the backend's start, not a pause in a flowing stream.
            m_sawEvent = true;
            m_stats.firstEvent.push_back(std::chrono::duration<double, std::milli>(now - m_started).count());
        } else {
            const double gapMs = std::chrono::duration<double, std::milli>(now - m_lastEvent).count();
            m_stats.maxGapMs = std::max(m_stats.maxGapMs, gapMs);
            if (m_options.stallMs > 0 && gapMs > m_options.stallMs) {
                ++m_stats.stalls;
            }
        }
        m_lastEvent = now;
        size_t text = 0;
        if (m_options.anthropic) {
            if (line.find("\"message_stop\"") != std::string_view::npos) {
                m_sawEnd = true;
            } else if (line.find("\"type\":\"error\"") != std::string_view::npos) {
                m_sawError = true;
                m_body = std::string(line);
            } else if (line.find("\"text_delta\"") != std::string_view::npos) {
                text = totalStringLength(line, "\"text\":\"");
            }
        } else {
            if (line.find("[DONE]") != std::string_view::npos) {
                m_sawEnd = true;
            } else {
                text = totalStringLength(line, "\"content\":\"");
            }
        }
        if (text > 0) {
            if (!m_firstToken) {
                m_firstToken = true;
                m_stats.ttft.push_back(microsSince(m_started));
            }
            m_textBytes += text;
        }
    }

    bool end()
    {
        const double latency = microsSince(m_started);
        const size_t expected = m_options.textBytes >= 0 ? size_t(m_options.textBytes) : size_t(m_options.tokens) * 2;
        if (m_status != 200) {
            m_stats.error("status " + std::to_string(m_status) + ": " + m_body.substr(0, 300));
        } else if (m_options.stream) {
            if (m_sawError || !m_sawEnd) {
                m_stats.error("stream did not end properly: " + m_body.substr(0, 300));
            } else if (m_textBytes != expected) {
                m_stats.error("stream text has " + std::to_string(m_textBytes) + " bytes, expected " +
                              std::to_string(expected));
            } else {
                m_stats.latency.push_back(latency);
            }
        } else {
            const size_t text = m_options.anthropic ? totalStringLength(m_body, "\"text\":\"")
                                                    : totalStringLength(m_body, "\"content\":\"");
            if (text != expected) {
                m_stats.error("reply text has " + std::to_string(text) + " bytes, expected " +
                              std::to_string(expected) + ": " + m_body.substr(0, 200));
            } else {
                m_stats.latency.push_back(latency);
                m_stats.ttft.push_back(latency);
            }
        }
        if (!m_keepAlive) {
            closeNow();
        }
        complete();
        return false;
    }

    const Options &m_options;
    Stats &m_stats;
    int m_epoll;
    int m_fd = -1;
    std::string m_request;
    std::string m_out;
    std::string m_in;
    bool m_pollingOut = false;
    bool m_active = false;
    bool m_finished = false;
    Clock::time_point m_started;
    Clock::time_point m_lastEvent;
    bool m_sawEvent = false;
    bool m_headParsed = false;
    int m_status = 0;
    bool m_chunked = false;
    long m_contentLength = -1;
    long m_bodyRead = 0;
    long m_chunkRemaining = -1;
    bool m_keepAlive = true;
    std::string m_body;
    std::string m_line;
    size_t m_textBytes = 0;
    bool m_sawEnd = false;
    bool m_sawError = false;
    bool m_firstToken = false;
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p / 100.0 * double(values.size())));
    return values[index];
}

std::string summary(const std::vector<double> &values)
{
    if (values.empty()) {
        return "null";
    }
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    char out[256];
    std::snprintf(out, sizeof out, R"({"p50":%.1f,"p90":%.1f,"p99":%.1f,"max":%.1f,"mean":%.1f})",
                  percentile(values, 50), percentile(values, 90), percentile(values, 99),
                  *std::max_element(values.begin(), values.end()), mean);
    return out;
}

std::string jsonEscape(const std::string &text)
{
    std::string out;
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

Options parseOptions(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view option = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "sb-loadgen: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (option == "--url") {
            const std::string url = value();
            const size_t hostStart = url.find("://") + 3;
            const size_t colon = url.find(':', hostStart);
            const size_t slash = url.find('/', hostStart);
            options.host = url.substr(hostStart, colon - hostStart);
            options.port = std::atoi(url.c_str() + colon + 1);
            if (slash != std::string::npos) {
                options.path = url.substr(slash);
            }
        } else if (option == "--api") {
            options.anthropic = value() == "anthropic";
        } else if (option == "--model") {
            options.model = value();
        } else if (option == "--stream") {
            options.stream = true;
        } else if (option == "--concurrency") {
            options.concurrency = std::max(1, std::atoi(value().c_str()));
        } else if (option == "--seconds") {
            options.seconds = std::atof(value().c_str());
        } else if (option == "--requests") {
            options.requests = std::atol(value().c_str());
        } else if (option == "--tokens") {
            options.tokens = std::atoi(value().c_str());
        } else if (option == "--header") {
            options.headers.push_back(value());
        } else if (option == "--samples") {
            options.samplesPath = value();
        } else if (option == "--content") {
            options.content = value();
        } else if (option == "--text-bytes") {
            options.textBytes = std::atol(value().c_str());
        } else if (option == "--stall-ms") {
            options.stallMs = std::atof(value().c_str());
        } else {
            std::fprintf(stderr, "sb-loadgen: unknown option %s\n", argv[i]);
            std::exit(2);
        }
    }
    if (options.port == 0 || (options.seconds <= 0 && options.requests <= 0)) {
        std::fprintf(stderr, "sb-loadgen: give --url and --seconds or --requests\n");
        std::exit(2);
    }
    return options;
}

} // namespace

int main(int argc, char **argv)
{
    const Options options = parseOptions(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    raiseFileLimit();
    const int epoll = epoll_create1(0);
    Stats stats;
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < options.concurrency; ++i) {
        clients.push_back(std::make_unique<Client>(options, stats, epoll));
    }
    const auto started = Clock::now();
    const auto deadline =
        started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
    long sent = 0;
    auto mayStart = [&] {
        if (options.requests > 0) {
            return sent < options.requests;
        }
        return Clock::now() < deadline;
    };
    for (auto &client : clients) {
        if (mayStart()) {
            client->start();
            ++sent;
        }
    }
    std::vector<epoll_event> events(4096);
    long busy = sent;
    while (busy > 0) {
        const int ready = epoll_wait(epoll, events.data(), int(events.size()), 1000);
        for (int i = 0; i < ready; ++i) {
            auto *client = static_cast<Client *>(events[i].data.ptr);
            client->onEvent(events[i].events);
            if (client->finishedOne()) {
                --busy;
                if (mayStart()) {
                    client->start();
                    ++sent;
                    ++busy;
                }
            }
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    std::printf(R"({"requests":%ld,"ok":%zu,"errors":%ld,"seconds":%.3f,"rps":%.1f,"latencyUs":%s,"ttftUs":%s,)"
                R"("firstEventMs":%s,"maxGapMs":%.1f,"stalls":%ld,"errorExamples":[)",
                sent, stats.latency.size(), stats.errors, elapsed, double(stats.latency.size()) / elapsed,
                summary(stats.latency).c_str(), summary(stats.ttft).c_str(), summary(stats.firstEvent).c_str(),
                stats.maxGapMs, stats.stalls);
    for (size_t i = 0; i < stats.errorExamples.size(); ++i) {
        std::printf("%s\"%s\"", i ? "," : "", jsonEscape(stats.errorExamples[i]).c_str());
    }
    std::printf("]}\n");
    if (!options.samplesPath.empty()) {
        std::ofstream samples(options.samplesPath);
        samples << "{\"latencyUs\":[";
        for (size_t i = 0; i < stats.latency.size(); ++i) {
            samples << (i ? "," : "") << stats.latency[i];
        }
        samples << "],\"ttftUs\":[";
        for (size_t i = 0; i < stats.ttft.size(); ++i) {
            samples << (i ? "," : "") << stats.ttft[i];
        }
        samples << "]}\n";
    }
    return stats.errors == 0 ? 0 : 1;
}
