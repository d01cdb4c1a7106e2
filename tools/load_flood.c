/* See load_flood.h. */
#define _GNU_SOURCE /* struct in_pktinfo, IP_PKTINFO */
#include "load_flood.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_json.h"
#include "cli_udp.h"
#include "load_assoc.h"

/** Distinct ClientHellos (fresh randoms and key shares) sent in turn. */
#define NUM_TEMPLATES 16
#define MAX_HELLO 1500
/** First source address (127.1.0.1), as in load_assoc.c. */
#define SOURCE_BASE 0x7f010001u
/* After the last ClientHello, replies are read until DRAIN_QUIET_MS pass
 * without one (a loaded server may still be working through its queue),
 * or every ClientHello has its reply, at most DRAIN_MAX_MS in all. */
#define DRAIN_QUIET_MS 500u
#define DRAIN_MAX_MS 5000u

typedef struct hello_template {
    uint8_t data[MAX_HELLO];
    size_t len;
} hello_template;

typedef struct capture {
    hello_template *t;
} capture;

static int capture_send(void *user, const uint8_t *data, size_t len)
{
    capture *c = user;
    if (c->t->len == 0 && len <= MAX_HELLO) {
        memcpy(c->t->data, data, len);
        c->t->len = len;
    }
    return 0;
}

static bool make_templates(dtls13_config *cfg, hello_template *t, char *err, size_t err_len)
{
    for (size_t i = 0; i < NUM_TEMPLATES; i++) {
        capture c = {&t[i]};
        t[i].len = 0;
        dtls13_conn *conn = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, capture_send, &c);
        if (!conn || dtls13_conn_start(conn, 0) != 0 || t[i].len == 0) {
            dtls13_conn_free(conn);
            snprintf(err, err_len, "could not make a ClientHello");
            return false;
        }
        dtls13_conn_free(conn);
    }
    return true;
}

/* The fixed random of a DTLS 1.3 HelloRetryRequest (RFC 8446 4.1.3), first bytes. */
static const uint8_t hrr_random_prefix[8] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11};

static void classify_reply(load_flood_result *res, const uint8_t *d, size_t len, size_t hello_len)
{
    res->replies++;
    res->bytes_received += len;
    if (hello_len) {
        double amp = (double)len / (double)hello_len;
        if (amp > res->max_amplification) res->max_amplification = amp;
    }
    /* DTLSPlaintext header 13 bytes, then the handshake header (type first);
     * a ServerHello's random follows its 12-byte header and 2-byte version. */
    if (len >= 14 && d[0] == 22 && d[13] == 3) {
        res->hello_verify_requests++;
    } else if (len >= 13 + 12 + 2 + 8 && d[0] == 22 && d[13] == 2 &&
               memcmp(d + 27, hrr_random_prefix, sizeof(hrr_random_prefix)) == 0) {
        res->hello_retry_requests++;
    } else {
        res->other_replies++;
    }
}

/* Reads every reply waiting; the destination address says which source
 * (and so which ClientHello length) it answers. */
static void drain(int fd, load_flood_result *res, const hello_template *t)
{
    uint8_t buf[4096];
    union {
        char space[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct cmsghdr align;
    } control;
    for (;;) {
        struct iovec iov = {buf, sizeof(buf)};
        struct msghdr msg;
        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.space;
        msg.msg_controllen = sizeof(control.space);
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        size_t hello_len = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                struct in_pktinfo pi;
                memcpy(&pi, CMSG_DATA(c), sizeof(pi));
                uint32_t index = ntohl(pi.ipi_addr.s_addr) - SOURCE_BASE;
                hello_len = t[index % NUM_TEMPLATES].len;
            }
        }
        classify_reply(res, buf, (size_t)n, hello_len);
    }
}

/* Sends one ClientHello from 127.1.0.1 + index; false when the socket is full. */
static bool send_from(int fd, const struct sockaddr_in *server, uint32_t index, const hello_template *t, int *error)
{
    union {
        char space[CMSG_SPACE(sizeof(struct in_pktinfo))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof(control));
    const hello_template *h = &t[index % NUM_TEMPLATES];
    struct iovec iov = {(void *)h->data, h->len};
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_name = (void *)server;
    msg.msg_namelen = sizeof(*server);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.space;
    msg.msg_controllen = sizeof(control.space);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
    struct in_pktinfo pi;
    memset(&pi, 0, sizeof(pi));
    pi.ipi_spec_dst.s_addr = htonl(SOURCE_BASE + index);
    memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    *error = 0;
    if (sendmsg(fd, &msg, MSG_DONTWAIT) >= 0) return true;
    *error = errno;
    return false;
}

static bool resolve_ipv4(const char *address, struct sockaddr_in *out, char *err, size_t err_len)
{
    char host[256], port[32];
    if (!cli_udp_split(address, host, sizeof(host), port, sizeof(port), err, err_len)) return false;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    int rc = getaddrinfo(host[0] ? host : "127.0.0.1", port, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, err_len, "--flood needs an IPv4 loopback server address; cannot resolve %s: %s", address,
                 gai_strerror(rc));
        return false;
    }
    memcpy(out, res->ai_addr, sizeof(*out));
    freeaddrinfo(res);
    if ((ntohl(out->sin_addr.s_addr) >> 24) != 127) {
        snprintf(err, err_len, "--flood only targets 127.0.0.0/8 (its sources are loopback addresses), not %s",
                 address);
        return false;
    }
    return true;
}

bool load_flood_run(const load_options *o, dtls13_config *cfg, bool quiet, load_flood_result *out, char *err,
                    size_t err_len)
{
    memset(out, 0, sizeof(*out));
    struct sockaddr_in server;
    if (!resolve_ipv4(o->connect, &server, err, err_len)) return false;
    hello_template *t = calloc(NUM_TEMPLATES, sizeof(*t));
    if (!t) {
        snprintf(err, err_len, "out of memory");
        return false;
    }
    if (!make_templates(cfg, t, err, err_len)) {
        free(t);
        return false;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int one = 1, big = 8 << 20;
    if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) != 0) {
        snprintf(err, err_len, "socket with IP_PKTINFO: %s", strerror(errno));
        if (fd >= 0) close(fd);
        free(t);
        return false;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) != 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    uint64_t start = load_now_us() / 1000u, last_progress = start;
    for (uint32_t i = 0; i < o->flood;) {
        uint64_t now = load_now_us() / 1000u;
        if (o->flood_rate && i >= (now - start) * o->flood_rate / 1000u + 1) {
            drain(fd, out, t);
            struct timespec nap = {0, 200000};
            nanosleep(&nap, NULL);
            continue;
        }
        int error = 0;
        if (send_from(fd, &server, i, t, &error)) {
            out->sent++;
            out->bytes_sent += t[i % NUM_TEMPLATES].len;
            i++;
        } else if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS) {
            struct pollfd p = {fd, POLLOUT | POLLIN, 0};
            poll(&p, 1, 10);
        } else {
            out->send_errors++;
            i++;
            if (error == EINVAL || error == EADDRNOTAVAIL) {
                snprintf(err, err_len, "sending from 127.1.x.y failed (%s): is lo up with 127.0.0.0/8?", strerror(error));
                close(fd);
                free(t);
                return false;
            }
        }
        if ((i & 63u) == 0) drain(fd, out, t);
        if (!quiet && now >= last_progress + 1000) {
            fprintf(stderr, "[flood %.1fs] %llu ClientHellos sent, %llu replies\n", (double)(now - start) / 1000.0,
                    (unsigned long long)out->sent, (unsigned long long)out->replies);
            last_progress = now;
        }
    }
    uint64_t drain_start = load_now_us() / 1000u, quiet_since = drain_start;
    for (uint64_t now = drain_start; now < drain_start + DRAIN_MAX_MS && now < quiet_since + DRAIN_QUIET_MS &&
                                     out->replies < out->sent;
         now = load_now_us() / 1000u) {
        struct pollfd p = {fd, POLLIN, 0};
        uint64_t before = out->replies;
        if (poll(&p, 1, 50) > 0) drain(fd, out, t);
        if (out->replies != before) quiet_since = load_now_us() / 1000u;
    }
    out->duration_ms = load_now_us() / 1000u - start;
    close(fd);
    free(t);
    return true;
}

void load_flood_print(const load_flood_result *r, FILE *f, bool json)
{
    if (json) {
        cli_json j;
        cli_json_begin(&j, "flood");
        cli_json_uint(&j, "sent", r->sent);
        cli_json_uint(&j, "send_errors", r->send_errors);
        cli_json_uint(&j, "bytes_sent", r->bytes_sent);
        cli_json_uint(&j, "replies", r->replies);
        cli_json_uint(&j, "bytes_received", r->bytes_received);
        cli_json_uint(&j, "hello_retry_requests", r->hello_retry_requests);
        cli_json_uint(&j, "hello_verify_requests", r->hello_verify_requests);
        cli_json_uint(&j, "other_replies", r->other_replies);
        cli_json_uint(&j, "max_amplification_permille", (uint64_t)(r->max_amplification * 1000.0 + 0.5));
        cli_json_uint(&j, "duration_ms", r->duration_ms);
        cli_json_end(&j, f);
        return;
    }
    fprintf(f, "flood: %llu ClientHellos from %llu source addresses in %.2f s (%.0f/s), %llu send errors\n",
            (unsigned long long)r->sent, (unsigned long long)r->sent, (double)r->duration_ms / 1000.0,
            r->duration_ms ? (double)r->sent * 1000.0 / (double)r->duration_ms : 0.0,
            (unsigned long long)r->send_errors);
    fprintf(f, "  replies: %llu (%llu HelloRetryRequests, %llu HelloVerifyRequests, %llu other), %llu bytes\n",
            (unsigned long long)r->replies, (unsigned long long)r->hello_retry_requests,
            (unsigned long long)r->hello_verify_requests, (unsigned long long)r->other_replies,
            (unsigned long long)r->bytes_received);
    fprintf(f, "  amplification: %.2fx overall, %.2fx at most for one address (limit 3x)\n",
            r->bytes_sent ? (double)r->bytes_received / (double)r->bytes_sent : 0.0, r->max_amplification);
}
