// bench_sink: the least a registry must do to take a push — accept the upload and drop the bytes. The floor
// of registry_bench.sh's push rows: skopeo pushing into it measures skopeo (and the loopback) alone.
//
//   bench_sink PORT        # serves 127.0.0.1:PORT until killed; one line per request on stderr
//
// It answers only what a push asks (distribution-spec "Pushing blobs", "Pushing manifests"):
//   GET|HEAD /v2/                                 200 {}
//   HEAD|GET /v2/<name>/blobs/<digest>            404 BLOB_UNKNOWN, 200 with its size once a PUT named it
//   POST     /v2/<name>/blobs/uploads/            202, Location: /v2/<name>/blobs/uploads/<id>
//   PATCH    /v2/<name>/blobs/uploads/<id>        body dropped; 202, Location, Range: 0-<offset-1>
//   PUT      /v2/<name>/blobs/uploads/<id>?digest=<d>   body dropped; 201, Location, Docker-Content-Digest: <d>
//   PUT      /v2/<name>/manifests/<ref>           201 with Docker-Content-Digest (SHA-256 of the manifest only)
//   HEAD|GET /v2/<name>/manifests/<ref>           404 MANIFEST_UNKNOWN
// Bodies are read (Content-Length or chunked, as Go's client sends a PATCH of unknown length) into one buffer and
// dropped: no hashing, no file, no check of the client's digest. One thread per connection, blocking I/O.
// Plain POSIX sockets and OpenSSL's one-shot digest; no Qt, so nothing but the reading costs CPU.
#include <openssl/evp.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr size_t bufferBytes = 256 * 1024;
constexpr size_t maxHeadBytes = 64 * 1024;
constexpr size_t maxManifestBytes = 4 * 1024 * 1024;

std::mutex g_mutex;
std::map<std::string, long long> g_blobs;    // "<name>@<digest>" -> size, after the closing PUT
std::map<std::string, long long> g_sessions; // upload id -> bytes received
std::atomic<long long> g_nextId{1};

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string sha256Hex(const std::string &data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        return {};
    }
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string queryValue(std::string_view query, std::string_view key)
{
    size_t at = 0;
    while (at <= query.size()) {
        const size_t end = std::min(query.find('&', at), query.size());
        const std::string_view pair = query.substr(at, end - at);
        if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=') {
            std::string value(pair.substr(key.size() + 1));
            const size_t colon = value.find("%3A");
            if (colon != std::string::npos) {
                value.replace(colon, 3, ":");
            }
            return value;
        }
        at = end + 1;
    }
    return {};
}

class Connection
{
public:
    explicit Connection(int fd)
        : m_fd(fd)
        , m_buffer(bufferBytes)
    {}
    ~Connection() { ::close(m_fd); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    void serve()
    {
        for (;;) {
            std::string head;
            if (!readHead(&head)) {
                return;
            }
            if (!handle(head)) {
                return;
            }
        }
    }

private:
    size_t buffered() const { return m_end - m_start; }

    bool fill()
    {
        if (m_start == m_end) {
            m_start = m_end = 0;
        } else if (m_end == m_buffer.size()) {
            std::memmove(m_buffer.data(), m_buffer.data() + m_start, buffered());
            m_end -= m_start;
            m_start = 0;
        }
        for (;;) {
            const ssize_t n = ::recv(m_fd, m_buffer.data() + m_end, m_buffer.size() - m_end, 0);
            if (n > 0) {
                m_end += static_cast<size_t>(n);
                return true;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
    }

    bool readHead(std::string *head)
    {
        for (;;) {
            const std::string_view view(m_buffer.data() + m_start, buffered());
            if (!view.empty() && (view.front() < 'A' || view.front() > 'Z')) {
                // Not a request line: skopeo tries TLS first (a ClientHello starts with 0x16) and falls back to
                // plain HTTP only when that attempt fails, so close at once instead of waiting for a head.
                return false;
            }
            const size_t end = view.find("\r\n\r\n");
            if (end != std::string_view::npos) {
                head->assign(view.substr(0, end + 2));
                m_start += end + 4;
                return true;
            }
            if (buffered() > maxHeadBytes || !fill()) {
                return false;
            }
        }
    }

    bool readLine(std::string *line)
    {
        for (;;) {
            const std::string_view view(m_buffer.data() + m_start, buffered());
            const size_t end = view.find("\r\n");
            if (end != std::string_view::npos) {
                line->assign(view.substr(0, end));
                m_start += end + 2;
                return true;
            }
            if (buffered() > maxHeadBytes || !fill()) {
                return false;
            }
        }
    }

    // Drops n body bytes (or keeps them in *keep, for a manifest).
    bool take(long long n, std::string *keep)
    {
        while (n > 0) {
            if (buffered() == 0 && !fill()) {
                return false;
            }
            const size_t used = static_cast<size_t>(std::min<long long>(n, static_cast<long long>(buffered())));
            if (keep) {
                keep->append(m_buffer.data() + m_start, used);
            }
            m_start += used;
            n -= static_cast<long long>(used);
        }
        return true;
    }

    // Reads the request body; returns its size, -1 when the connection broke or the body was malformed.
    long long body(long long contentLength, bool chunked, std::string *keep)
    {
        if (!chunked) {
            return take(contentLength, keep) ? contentLength : -1;
        }
        long long total = 0;
        std::string line;
        for (;;) {
            if (!readLine(&line)) {
                return -1;
            }
            char *end = nullptr;
            const long long size = std::strtoll(line.c_str(), &end, 16);
            if (end == line.c_str() || size < 0) {
                return -1;
            }
            if (size == 0) {
                do { // trailer fields, then the empty line
                    if (!readLine(&line)) {
                        return -1;
                    }
                } while (!line.empty());
                return total;
            }
            if (!take(size, keep) || !readLine(&line) || !line.empty()) {
                return -1;
            }
            total += size;
        }
    }

    bool send(const std::string &data)
    {
        size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(m_fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return false;
            }
            sent += static_cast<size_t>(n);
        }
        return true;
    }

    bool respond(int status, const char *reason, const std::vector<std::string> &fields, const std::string &body,
                 bool head)
    {
        std::string out = "HTTP/1.1 " + std::to_string(status) + ' ' + reason + "\r\n";
        out += "Docker-Distribution-API-Version: registry/2.0\r\n";
        for (const std::string &field : fields) {
            out += field + "\r\n";
        }
        if (!body.empty()) {
            out += "Content-Type: application/json\r\n";
        }
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
        if (!head) {
            out += body;
        }
        return send(out);
    }

    static std::string error(const char *code)
    {
        return std::string("{\"errors\":[{\"code\":\"") + code + "\",\"message\":\"bench_sink\"}]}";
    }

    bool handle(const std::string &head)
    {
        const auto started = std::chrono::steady_clock::now();
        const size_t lineEnd = head.find("\r\n");
        const std::string requestLine = head.substr(0, lineEnd);
        const size_t sp1 = requestLine.find(' ');
        const size_t sp2 = requestLine.rfind(' ');
        if (sp1 == std::string::npos || sp2 <= sp1) {
            return false;
        }
        const std::string method = requestLine.substr(0, sp1);
        const std::string target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
        const size_t q = target.find('?');
        const std::string path = target.substr(0, q);
        const std::string query = q == std::string::npos ? std::string() : target.substr(q + 1);

        long long contentLength = 0;
        bool chunked = false;
        bool close = false;
        bool expectContinue = false;
        size_t at = lineEnd + 2;
        while (at < head.size()) {
            const size_t end = head.find("\r\n", at);
            const std::string line = head.substr(at, end - at);
            at = end + 2;
            const size_t colon = line.find(':');
            if (colon == std::string::npos) {
                continue;
            }
            const std::string name = lower(line.substr(0, colon));
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            const std::string lowered = lower(value);
            if (name == "content-length") {
                contentLength = std::atoll(value.c_str());
            } else if (name == "transfer-encoding") {
                chunked = lowered.find("chunked") != std::string::npos;
            } else if (name == "connection") {
                close = lowered.find("close") != std::string::npos;
            } else if (name == "expect") {
                expectContinue = lowered == "100-continue";
            }
        }
        if (expectContinue && !send("HTTP/1.1 100 Continue\r\n\r\n")) {
            return false;
        }
        const bool isHead = method == "HEAD";
        const bool isManifestPut = method == "PUT" && path.find("/manifests/") != std::string::npos;
        std::string manifest;
        const long long received = body(contentLength, chunked, isManifestPut ? &manifest : nullptr);
        if (received < 0 || (isManifestPut && manifest.size() > maxManifestBytes)) {
            return false;
        }

        int status = 404;
        bool ok = true;
        const size_t uploads = path.find("/blobs/uploads/");
        const size_t blobs = path.find("/blobs/");
        const size_t manifests = path.find("/manifests/");
        if (path == "/v2/" || path == "/v2") {
            status = 200;
            ok = respond(200, "OK", {}, "{}", isHead);
        } else if (path.rfind("/v2/", 0) == 0 && uploads != std::string::npos) {
            const std::string name = path.substr(4, uploads - 4);
            const std::string rest = path.substr(uploads + 15);
            const std::string prefix = "/v2/" + name + "/blobs/uploads/";
            if (method == "POST" && rest.empty()) {
                const std::string id = "u" + std::to_string(g_nextId++);
                {
                    std::lock_guard<std::mutex> lock(g_mutex);
                    g_sessions[id] = 0;
                }
                status = 202;
                ok = respond(202, "Accepted", {"Location: " + prefix + id, "Range: 0-0", "Docker-Upload-UUID: " + id},
                             {}, false);
            } else if ((method == "PATCH" || method == "PUT") && !rest.empty()) {
                long long offset = -1;
                {
                    std::lock_guard<std::mutex> lock(g_mutex);
                    auto it = g_sessions.find(rest);
                    if (it != g_sessions.end()) {
                        it->second += received;
                        offset = it->second;
                        if (method == "PUT") {
                            g_sessions.erase(it);
                        }
                    }
                }
                const std::string digest = queryValue(query, "digest");
                if (offset < 0) {
                    ok = respond(404, "Not Found", {}, error("BLOB_UPLOAD_UNKNOWN"), false);
                } else if (method == "PATCH") {
                    status = 202;
                    ok = respond(202, "Accepted",
                                 {"Location: " + prefix + rest,
                                  "Range: 0-" + std::to_string(offset > 0 ? offset - 1 : 0),
                                  "Docker-Upload-UUID: " + rest},
                                 {}, false);
                } else if (digest.empty()) {
                    status = 400;
                    ok = respond(400, "Bad Request", {}, error("DIGEST_INVALID"), false);
                } else {
                    {
                        std::lock_guard<std::mutex> lock(g_mutex);
                        g_blobs[name + '@' + digest] = offset;
                    }
                    status = 201;
                    ok = respond(201, "Created",
                                 {"Location: /v2/" + name + "/blobs/" + digest, "Docker-Content-Digest: " + digest}, {},
                                 false);
                }
            } else {
                ok = respond(404, "Not Found", {}, error("UNSUPPORTED"), isHead);
            }
        } else if (path.rfind("/v2/", 0) == 0 && blobs != std::string::npos && (isHead || method == "GET")) {
            const std::string key = path.substr(4, blobs - 4) + '@' + path.substr(blobs + 7);
            long long size = -1;
            {
                std::lock_guard<std::mutex> lock(g_mutex);
                auto it = g_blobs.find(key);
                if (it != g_blobs.end()) {
                    size = it->second;
                }
            }
            if (size >= 0 && isHead) {
                status = 200;
                ok = send("HTTP/1.1 200 OK\r\nDocker-Distribution-API-Version: registry/2.0\r\n"
                          "Content-Type: application/octet-stream\r\nDocker-Content-Digest: " +
                          path.substr(blobs + 7) + "\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n");
            } else {
                // A GET of a blob the sink has (it kept no bytes) is answered 404 too: a push never reads a blob.
                ok = respond(404, "Not Found", {}, error("BLOB_UNKNOWN"), isHead);
            }
        } else if (path.rfind("/v2/", 0) == 0 && manifests != std::string::npos) {
            const std::string name = path.substr(4, manifests - 4);
            if (method == "PUT") {
                const std::string digest = "sha256:" + sha256Hex(manifest);
                status = 201;
                ok = respond(201, "Created",
                             {"Location: /v2/" + name + "/manifests/" + digest, "Docker-Content-Digest: " + digest}, {},
                             false);
            } else {
                ok = respond(404, "Not Found", {}, error("MANIFEST_UNKNOWN"), isHead);
            }
        } else {
            ok = respond(404, "Not Found", {}, error("UNSUPPORTED"), isHead);
        }
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        std::fprintf(stderr, "%s %s %d %lld B %lld ms\n", method.c_str(), path.c_str(), status, received,
                     static_cast<long long>(ms));
        return ok && !close;
    }

    int m_fd;
    std::vector<char> m_buffer;
    size_t m_start = 0;
    size_t m_end = 0;
};

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: bench_sink PORT\n");
        return 2;
    }
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(listener, 128) != 0) {
        std::perror("bench_sink: bind/listen");
        return 1;
    }
    std::printf("bench_sink listening on 127.0.0.1:%s\n", argv[1]);
    std::fflush(stdout);
    for (;;) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            std::perror("bench_sink: accept");
            return 1;
        }
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); // as Go's net/http and minato-registry do
        std::thread([fd] {
            Connection connection(fd);
            connection.serve();
        }).detach();
    }
}
