// SPDX-License-Identifier: MIT
// sb-bench-backend: an OpenAI-compatible Chat Completions server fast enough never to be the
// bottleneck. One thread, epoll, keep-alive, no JSON parsing.
//
//   sb-bench-backend [--port N] [--hold-until K]
//
// The model name picks the reply: "…d<D>-n<N>…" streams N tokens D ms apart (JSON replies wait
// N×D ms), so one backend serves every benchmark phase and every relay passes the choice through.
// Every token is the two bytes " w". With --hold-until K, no reply starts before K requests are
// waiting (a barrier only a relay that never queues streams can pass).
#include "benchnet.h"

#include <queue>

#include <sys/epoll.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

using namespace Bench;

namespace {

struct Profile
{
    int delayMs = 0;
    int tokens = 50;
};

Profile profileOf(std::string_view body)
{
    Profile profile;
    const size_t model = body.find("\"model\"");
    if (model == std::string_view::npos) {
        return profile;
    }
    const size_t open = body.find('"', body.find(':', model) + 1);
    const size_t close = body.find('"', open + 1);
    const std::string_view name = body.substr(open + 1, close - open - 1);
    for (size_t at = name.find('d'); at != std::string_view::npos; at = name.find('d', at + 1)) {
        int delay = 0;
        int tokens = 0;
        if (std::sscanf(std::string(name.substr(at)).c_str(), "d%d-n%d", &delay, &tokens) == 2) {
            profile.delayMs = std::max(0, delay);
            profile.tokens = std::clamp(tokens, 1, 1'000'000);
            break;
        }
    }
    return profile;
}

bool wantsStream(std::string_view body)
{
    const size_t at = body.find("\"stream\"");
    if (at == std::string_view::npos) {
        return false;
    }
    const size_t value = body.find_first_not_of(" :", at + 8);
    return value != std::string_view::npos && body.substr(value, 4) == "true";
}

std::string chunk(std::string_view data)
{
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return std::string(size) + std::string(data) + "\r\n";
}

const std::string TokenEvent =
    chunk(R"(data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":0,"model":"bench",)"
          R"("choices":[{"index":0,"delta":{"content":" w"},"finish_reason":null}]})"
          "\n\n");

struct Connection
{
    int fd = -1;
    std::string in;
    std::string out;
    bool busy = false; // a reply is being produced
    bool closeAfter = false;
    bool pollingOut = false;
    // The reply under way.
    bool stream = false;
    Profile profile;
    int sent = 0;
    uint64_t generation = 0;
};

struct Timer
{
    Clock::time_point due;
    int fd;
    uint64_t generation;
    bool operator>(const Timer &other) const { return due > other.due; }
};

class Server
{
public:
    Server(int port, int holdUntil)
        : m_holdUntil(holdUntil)
    {
        m_epoll = epoll_create1(0);
        m_listener = socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(uint16_t(port));
        if (bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
            die("bind");
        }
        if (listen(m_listener, 4096) != 0) {
            die("listen");
        }
        setNonBlocking(m_listener);
        socklen_t length = sizeof address;
        getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        watch(m_listener, EPOLLIN);
    }

    int port() const { return m_port; }

    void run()
    {
        std::vector<epoll_event> events(1024);
        for (;;) {
            int timeout = -1;
            if (!m_timers.empty()) {
                const auto wait =
                    std::chrono::duration_cast<std::chrono::milliseconds>(m_timers.top().due - Clock::now());
                timeout = int(std::max<long long>(0, wait.count()));
            }
            const int ready = epoll_wait(m_epoll, events.data(), int(events.size()), timeout);
            if (ready < 0 && errno != EINTR) {
                die("epoll_wait");
            }
            for (int i = 0; i < ready; ++i) {
                const int fd = events[i].data.fd;
                if (fd == m_listener) {
                    acceptAll();
                    continue;
                }
                auto found = m_connections.find(fd);
                if (found == m_connections.end()) {
                    continue;
                }
                Connection &connection = *found->second;
                if (events[i].events & (EPOLLHUP | EPOLLERR)) {
                    drop(connection);
                    continue;
                }
                if (events[i].events & EPOLLOUT) {
                    flush(connection);
                }
                if (events[i].events & EPOLLIN) {
                    readFrom(connection);
                }
            }
            runTimers();
        }
    }

private:
    void watch(int fd, uint32_t events, bool modify = false)
    {
        epoll_event event{};
        event.events = events;
        event.data.fd = fd;
        epoll_ctl(m_epoll, modify ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event);
    }

    void acceptAll()
    {
        for (;;) {
            const int fd = accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK);
            if (fd < 0) {
                return;
            }
            setNonBlocking(fd);
            auto connection = std::make_unique<Connection>();
            connection->fd = fd;
            watch(fd, EPOLLIN);
            m_connections.emplace(fd, std::move(connection));
        }
    }

    void drop(Connection &connection)
    {
        if (connection.busy) {
            m_held.erase(std::remove(m_held.begin(), m_held.end(), connection.fd), m_held.end());
        }
        close(connection.fd);
        m_connections.erase(connection.fd);
    }

    void readFrom(Connection &connection)
    {
        char buffer[65536];
        for (;;) {
            const ssize_t n = read(connection.fd, buffer, sizeof buffer);
            if (n > 0) {
                connection.in.append(buffer, size_t(n));
                continue;
            }
            if (n == 0 || errno != EAGAIN) {
                drop(connection);
                return;
            }
            break;
        }
        serveNext(connection);
    }

    void serveNext(Connection &connection)
    {
        if (connection.busy) {
            return;
        }
        const size_t headEnd = connection.in.find("\r\n\r\n");
        if (headEnd == std::string::npos) {
            return;
        }
        const std::string_view head(connection.in.data(), headEnd + 2);
        const std::string_view lengthText = headerValue(head, "content-length");
        const size_t length =
            lengthText.empty() ? 0 : size_t(std::strtoull(std::string(lengthText).c_str(), nullptr, 10));
        if (connection.in.size() < headEnd + 4 + length) {
            return;
        }
        const std::string body = connection.in.substr(headEnd + 4, length);
        const bool get = head.substr(0, 4) == "GET ";
        connection.closeAfter = headerValue(head, "connection") == "close";
        connection.in.erase(0, headEnd + 4 + length);
        connection.busy = true;
        if (get) {
            const std::string json = R"({"object":"list","data":[{"id":"bench","object":"model","owned_by":"bench"}]})";
            finish(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                   std::to_string(json.size()) + "\r\n\r\n" + json);
            return;
        }
        connection.stream = wantsStream(body);
        connection.profile = profileOf(body);
        connection.sent = 0;
        if (m_holdUntil > 0) {
            m_held.push_back(connection.fd);
            if (int(m_held.size()) >= m_holdUntil) {
                m_holdUntil = 0; // the barrier opens once, for everyone waiting
                const auto held = std::exchange(m_held, {});
                for (const int fd : held) {
                    if (auto found = m_connections.find(fd); found != m_connections.end()) {
                        begin(*found->second);
                    }
                }
            }
            return;
        }
        begin(connection);
    }

    void begin(Connection &connection)
    {
        ++connection.generation;
        if (!connection.stream) {
            if (connection.profile.delayMs > 0) {
                schedule(connection, connection.profile.delayMs * connection.profile.tokens);
                return;
            }
            sendCompletion(connection);
            return;
        }
        send(connection, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
                             chunk(R"(data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":0,)"
                                   R"("model":"bench","choices":[{"index":0,"delta":{"role":"assistant","content":""},)"
                                   R"("finish_reason":null}]})"
                                   "\n\n"));
        continueStream(connection);
    }

    void sendCompletion(Connection &connection)
    {
        std::string text;
        text.reserve(size_t(connection.profile.tokens) * 2);
        for (int i = 0; i < connection.profile.tokens; ++i) {
            text += " w";
        }
        const std::string json =
            R"({"id":"chatcmpl-bench","object":"chat.completion","created":0,"model":"bench","choices":[{"index":0,)"
            R"("message":{"role":"assistant","content":")" +
            text + R"("},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":)" +
            std::to_string(connection.profile.tokens) + R"(,"total_tokens":)" +
            std::to_string(connection.profile.tokens + 10) + "}}";
        finish(connection, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(json.size()) + "\r\n\r\n" + json);
    }

    void continueStream(Connection &connection)
    {
        if (connection.profile.delayMs > 0 && connection.sent < connection.profile.tokens) {
            send(connection, TokenEvent);
            ++connection.sent;
            if (connection.sent < connection.profile.tokens) {
                schedule(connection, connection.profile.delayMs);
                return;
            }
        } else {
            std::string all;
            all.reserve(TokenEvent.size() * size_t(connection.profile.tokens - connection.sent));
            for (; connection.sent < connection.profile.tokens; ++connection.sent) {
                all += TokenEvent;
            }
            send(connection, all);
        }
        const std::string end =
            chunk(R"(data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":0,"model":"bench",)"
                  R"("choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,)"
                  R"("completion_tokens":)" +
                  std::to_string(connection.profile.tokens) + R"(,"total_tokens":)" +
                  std::to_string(connection.profile.tokens + 10) + "}}\n\n") +
            chunk("data: [DONE]\n\n") + "0\r\n\r\n";
        finish(connection, end);
    }

    void schedule(Connection &connection, int delayMs)
    {
        m_timers.push(Timer{Clock::now() + std::chrono::milliseconds(delayMs), connection.fd, connection.generation});
    }

    void runTimers()
    {
        const auto now = Clock::now();
        while (!m_timers.empty() && m_timers.top().due <= now) {
            const Timer timer = m_timers.top();
            m_timers.pop();
            auto found = m_connections.find(timer.fd);
            if (found == m_connections.end() || found->second->generation != timer.generation) {
                continue; // the connection went away (or was reused)
            }
            Connection &connection = *found->second;
            if (connection.stream) {
                continueStream(connection);
            } else {
                sendCompletion(connection);
            }
        }
    }

    void finish(Connection &connection, const std::string &bytes)
    {
        connection.busy = false;
        const int fd = connection.fd;
        send(connection, bytes);
        auto found = m_connections.find(fd);
        if (found == m_connections.end()) {
            return;
        }
        if (connection.closeAfter) {
            shutdown(fd, SHUT_WR);
            return;
        }
        serveNext(connection); // a pipelined request may be waiting
    }

    void send(Connection &connection, const std::string &bytes)
    {
        if (!connection.out.empty()) {
            connection.out += bytes;
            return;
        }
        const ssize_t n = write(connection.fd, bytes.data(), bytes.size());
        if (n < 0 && errno != EAGAIN) {
            return; // the reader is gone; EPOLLHUP/read() will drop it
        }
        const size_t written = n < 0 ? 0 : size_t(n);
        if (written < bytes.size()) {
            connection.out.assign(bytes, written, std::string::npos);
            if (!connection.pollingOut) {
                connection.pollingOut = true;
                watch(connection.fd, EPOLLIN | EPOLLOUT, true);
            }
        }
    }

    void flush(Connection &connection)
    {
        while (!connection.out.empty()) {
            const ssize_t n = write(connection.fd, connection.out.data(), connection.out.size());
            if (n <= 0) {
                return;
            }
            connection.out.erase(0, size_t(n));
        }
        connection.pollingOut = false;
        watch(connection.fd, EPOLLIN, true);
    }

    int m_epoll = -1;
    int m_listener = -1;
    int m_port = 0;
    int m_holdUntil = 0;
    std::vector<int> m_held;
    std::unordered_map<int, std::unique_ptr<Connection>> m_connections;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> m_timers;
};

} // namespace

int main(int argc, char **argv)
{
    int port = 0;
    int holdUntil = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view option = argv[i];
        if (option == "--port") {
            port = std::atoi(argv[i + 1]);
        } else if (option == "--hold-until") {
            holdUntil = std::atoi(argv[i + 1]);
        } else {
            std::fprintf(stderr, "usage: sb-bench-backend [--port N] [--hold-until K]\n");
            return 2;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    raiseFileLimit();
    Server server(port, holdUntil);
    std::printf("Listening on http://127.0.0.1:%d\n", server.port());
    std::fflush(stdout);
    server.run();
}
