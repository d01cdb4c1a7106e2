/* See load_assoc.h. */
#include "load_assoc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_udp.h"

/** How often every open association's timers are looked at. */
#define SCAN_INTERVAL_MS 5u
/** Largest datagram received. */
#define MAX_DATAGRAM 65536u
/** First loopback source address of --sources (127.1.0.1). */
#define SOURCE_BASE 0x7f010001u

typedef enum assoc_state {
    ASSOC_FREE = 0,
    ASSOC_HANDSHAKING, /* started, not connected */
    ASSOC_EXCHANGING,  /* connected, waiting for the echo of its data */
    ASSOC_HELD,        /* connected and done, kept open by --hold */
} assoc_state;

typedef struct load_run load_run;

typedef struct load_assoc {
    load_run *run;
    int fd;
    dtls13_conn *conn;
    assoc_state state;
    uint64_t started_us;
    uint64_t deadline_ms;
    size_t echoed;
    uint64_t resend_ms; /* when the data goes out again if its echo has not come */
    uint32_t resend_interval_ms;
    char alert[LOAD_REASON_LEN]; /* the alert that ended it, from the event callback */
} load_assoc;

struct load_run {
    const load_options *o;
    dtls13_config *cfg;
    load_stats *st;
    struct sockaddr_storage server;
    socklen_t server_len;
    int epfd;
    load_assoc *slots;
    size_t num_slots;
    size_t *free_list;
    size_t num_free;
    uint64_t in_flight, held;
    uint8_t *payload; /* o->data_bytes of application data */
    uint64_t open;    /* established associations not yet released */
};

uint64_t load_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t now_ms(void)
{
    return load_now_us() / 1000u;
}

unsigned long load_raise_fd_limit(unsigned long wanted)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    if (rl.rlim_cur < wanted) {
        rlim_t target = wanted;
        if (rl.rlim_max != RLIM_INFINITY && target > rl.rlim_max) target = rl.rlim_max;
        rl.rlim_cur = target;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return (unsigned long)rl.rlim_cur;
}

static int assoc_send(void *user, const uint8_t *data, size_t len)
{
    load_assoc *a = user;
    ssize_t n = send(a->fd, data, len, 0);
    if (n < 0) return -1;
    a->run->st->datagrams_out++;
    a->run->st->bytes_out += (uint64_t)n;
    return 0;
}

static void assoc_event(void *user, dtls13_conn *conn, const dtls13_event *ev)
{
    (void)conn;
    load_assoc *a = user;
    if (a->alert[0] || !ev->fatal) return;
    if (ev->type == DTLS13_EVENT_ALERT_SENT)
        snprintf(a->alert, sizeof(a->alert), "sent %s", dtls13_alert_name(ev->alert));
    else if (ev->type == DTLS13_EVENT_ALERT_RECEIVED)
        snprintf(a->alert, sizeof(a->alert), "received %s", dtls13_alert_name(ev->alert));
}

/* Frees the association's connection and socket; the slot goes back. */
static void assoc_release(load_run *r, load_assoc *a)
{
    if (a->state == ASSOC_HANDSHAKING || a->state == ASSOC_EXCHANGING) r->in_flight--;
    if (a->state == ASSOC_HELD) r->held--;
    if (a->state == ASSOC_EXCHANGING || a->state == ASSOC_HELD) r->open--;
    if (a->conn) {
        dtls13_stats cs;
        dtls13_conn_stats(a->conn, &cs);
        r->st->retransmissions += cs.retransmissions;
        dtls13_conn_free(a->conn);
    }
    if (a->fd >= 0) close(a->fd);
    a->conn = NULL;
    a->fd = -1;
    a->state = ASSOC_FREE;
    r->free_list[r->num_free++] = (size_t)(a - r->slots);
}

static void assoc_fail(load_run *r, load_assoc *a, const char *reason)
{
    load_stats_fail(r->st, a->alert[0] ? a->alert : reason);
    assoc_release(r, a);
}

/* close_notify, then the association is done. */
static void assoc_finish(load_run *r, load_assoc *a, uint64_t now)
{
    dtls13_conn_close(a->conn, now);
    r->st->completed++;
    assoc_release(r, a);
}

/* The association reached its goal (connected, data echoed). */
static void assoc_done(load_run *r, load_assoc *a, uint64_t now)
{
    if (!r->o->hold) {
        assoc_finish(r, a, now);
        return;
    }
    r->in_flight--;
    r->held++;
    a->state = ASSOC_HELD;
}

/* Sends the association's application data. Application data is not
 * retransmitted by DTLS: a record lost in a burst (or one that reached a
 * DTLS 1.3 server before the client's Finished did) is sent again by
 * scan() until its echo arrives. */
static bool send_data(load_run *r, load_assoc *a, uint64_t now)
{
    size_t max_write = dtls13_conn_max_write(a->conn);
    if (max_write == 0) max_write = 1000;
    for (size_t off = 0; off < r->o->data_bytes; off += max_write) {
        size_t n = r->o->data_bytes - off < max_write ? r->o->data_bytes - off : max_write;
        if (dtls13_conn_write(a->conn, r->payload + off, n, now) < 0) {
            assoc_fail(r, a, "write failed");
            return false;
        }
    }
    a->resend_ms = now + a->resend_interval_ms;
    if (a->resend_interval_ms < 8000) a->resend_interval_ms *= 2;
    return true;
}

/* Moves the association on after its connection did something. */
static void assoc_check(load_run *r, load_assoc *a, uint64_t now)
{
    dtls13_state s = dtls13_conn_state(a->conn);
    if (s == DTLS13_STATE_FAILED || s == DTLS13_STATE_CLOSED) {
        assoc_fail(r, a, s == DTLS13_STATE_CLOSED ? "closed by the server" : "handshake failed");
        return;
    }
    if (a->state == ASSOC_HANDSHAKING && s == DTLS13_STATE_CONNECTED) {
        load_stats_latency(r->st, load_now_us() - a->started_us);
        r->st->established++;
        if (++r->open > r->st->peak_established) r->st->peak_established = r->open;
        if (r->o->data_bytes == 0) {
            a->state = ASSOC_EXCHANGING;
            assoc_done(r, a, now);
            return;
        }
        a->state = ASSOC_EXCHANGING;
        a->resend_interval_ms = 1000;
        if (!send_data(r, a, now)) return;
    }
    if (a->state == ASSOC_EXCHANGING) {
        uint8_t buf[16384];
        int n;
        while ((n = dtls13_conn_read(a->conn, buf, sizeof(buf))) > 0) a->echoed += (size_t)n;
        if (a->echoed >= r->o->data_bytes) assoc_done(r, a, now);
    }
}

/* A socket for one association: bound to its loopback source address
 * (with --sources), connected to the server, non-blocking. */
static int open_socket(load_run *r, uint64_t index, char *err, size_t err_len)
{
    int fd = socket(r->server.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_len, "socket: %s", strerror(errno));
        return -1;
    }
    if (r->o->sources) {
        struct sockaddr_in src;
        memset(&src, 0, sizeof(src));
        src.sin_family = AF_INET;
        src.sin_addr.s_addr = htonl(SOURCE_BASE + (uint32_t)(index % r->o->sources));
        if (bind(fd, (const struct sockaddr *)&src, sizeof(src)) != 0) {
            snprintf(err, err_len, "bind to a 127.1.x.y source address: %s", strerror(errno));
            close(fd);
            return -1;
        }
    }
    if (connect(fd, (const struct sockaddr *)&r->server, r->server_len) != 0) {
        snprintf(err, err_len, "connect: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Starts one more association; false when a socket could not be made
 * (counted as a failure). */
static bool start_one(load_run *r, uint64_t now)
{
    load_assoc *a = &r->slots[r->free_list[--r->num_free]];
    memset(a, 0, sizeof(*a));
    a->run = r;
    a->fd = -1;
    char err[128];
    r->st->started++;
    a->fd = open_socket(r, r->st->started - 1, err, sizeof(err));
    if (a->fd >= 0) a->conn = dtls13_conn_new(r->cfg, DTLS13_ROLE_CLIENT, assoc_send, a);
    struct epoll_event ev = {.events = EPOLLIN, .data = {.ptr = a}};
    if (a->fd < 0 || !a->conn || epoll_ctl(r->epfd, EPOLL_CTL_ADD, a->fd, &ev) != 0) {
        a->state = ASSOC_FREE;
        load_stats_fail(r->st, a->fd < 0 ? err : "out of memory or descriptors");
        if (a->conn) dtls13_conn_free(a->conn);
        if (a->fd >= 0) close(a->fd);
        r->free_list[r->num_free++] = (size_t)(a - r->slots);
        return false;
    }
    dtls13_conn_set_event_callback(a->conn, assoc_event, a);
    a->state = ASSOC_HANDSHAKING;
    r->in_flight++;
    a->started_us = load_now_us();
    a->deadline_ms = now + r->o->timeout_ms;
    if (dtls13_conn_start(a->conn, now) != 0) {
        assoc_fail(r, a, "start failed");
        return false;
    }
    return true;
}

static void receive_all(load_run *r, load_assoc *a, uint8_t *buf, uint64_t now)
{
    for (;;) {
        ssize_t n = recv(a->fd, buf, MAX_DATAGRAM, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
            assoc_fail(r, a,
                       errno == ECONNREFUSED ? "connection refused (nothing listens at the address)" : "recv failed");
            return;
        }
        r->st->datagrams_in++;
        r->st->bytes_in += (uint64_t)n;
        dtls13_conn_handle_datagram(a->conn, buf, (size_t)n, now);
        assoc_check(r, a, now);
        if (a->state == ASSOC_FREE) return;
    }
}

/* Timers and deadlines of every open association. */
static void scan(load_run *r, uint64_t now)
{
    for (size_t i = 0; i < r->num_slots; i++) {
        load_assoc *a = &r->slots[i];
        if (a->state == ASSOC_FREE) continue;
        if (dtls13_conn_next_timeout(a->conn) <= now) {
            dtls13_conn_handle_timeout(a->conn, now);
            assoc_check(r, a, now);
            if (a->state == ASSOC_FREE) continue;
        }
        if (a->state == ASSOC_EXCHANGING && now >= a->resend_ms) {
            a->echoed = 0; /* the echo is counted afresh */
            if (!send_data(r, a, now)) continue;
        }
        if (a->state != ASSOC_HELD && now >= a->deadline_ms)
            assoc_fail(r, a, a->state == ASSOC_HANDSHAKING ? "timeout in the handshake" : "timeout waiting for the echo");
    }
}

static bool resolve_server(load_run *r, char *err, size_t err_len)
{
    char host[256], port[32];
    if (!cli_udp_split(r->o->connect, host, sizeof(host), port, sizeof(port), err, err_len)) return false;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_family = r->o->sources ? AF_INET : AF_UNSPEC;
    int rc = getaddrinfo(host[0] ? host : "127.0.0.1", port, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, err_len, "cannot resolve %s%s: %s", r->o->connect, r->o->sources ? " as IPv4 (--sources)" : "",
                 gai_strerror(rc));
        return false;
    }
    memcpy(&r->server, res->ai_addr, res->ai_addrlen);
    r->server_len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

static void close_held(load_run *r, uint64_t now)
{
    for (size_t i = 0; i < r->num_slots; i++)
        if (r->slots[i].state == ASSOC_HELD) assoc_finish(r, &r->slots[i], now);
}

bool load_run_associations(const load_options *o, dtls13_config *cfg, load_stats *st, bool quiet, char *err,
                           size_t err_len)
{
    load_run r;
    memset(&r, 0, sizeof(r));
    r.o = o;
    r.cfg = cfg;
    r.st = st;
    r.epfd = -1;
    if (!resolve_server(&r, err, err_len)) return false;
    r.num_slots = o->hold ? o->count : (o->concurrency < o->count ? o->concurrency : o->count);
    unsigned long limit = load_raise_fd_limit(r.num_slots + 64);
    if (limit < r.num_slots + 16) {
        snprintf(err, err_len, "%zu sockets wanted but the open-file limit is %lu (raise `ulimit -n`)", r.num_slots,
                 limit);
        return false;
    }
    r.slots = calloc(r.num_slots, sizeof(*r.slots));
    r.free_list = calloc(r.num_slots, sizeof(*r.free_list));
    r.payload = malloc(o->data_bytes ? o->data_bytes : 1);
    uint8_t *buf = malloc(MAX_DATAGRAM);
    r.epfd = epoll_create1(EPOLL_CLOEXEC);
    bool ok = r.slots && r.free_list && r.payload && buf && r.epfd >= 0;
    if (!ok) snprintf(err, err_len, "out of memory or descriptors");
    for (size_t i = 0; ok && i < r.num_slots; i++) {
        r.slots[i].fd = -1;
        r.free_list[r.num_free++] = r.num_slots - 1 - i;
    }
    for (size_t i = 0; ok && i < o->data_bytes; i++) r.payload[i] = (uint8_t)('a' + i % 26);

    uint64_t start = now_ms(), next_scan = start, hold_until = 0;
    bool holding = false;
    struct epoll_event events[256];
    while (ok) {
        uint64_t now = now_ms();
        /* New associations: up to the concurrency, the rate and the count. */
        while (st->started < o->count && r.num_free > 0 && r.in_flight < o->concurrency &&
               (o->rate == 0 || st->started < (now - start) * o->rate / 1000u + 1)) {
            start_one(&r, now);
        }
        if (st->started == o->count && r.in_flight == 0) {
            if (r.held == 0) break;
            if (!holding) {
                holding = true;
                hold_until = now + o->hold_ms;
                if (!quiet) load_stats_progress(st, stderr, now, r.in_flight, r.held, true);
            }
            if (now >= hold_until) {
                close_held(&r, now);
                break;
            }
        }
        int timeout = (int)(next_scan > now ? next_scan - now : 0);
        int n = epoll_wait(r.epfd, events, (int)(sizeof(events) / sizeof(events[0])), timeout);
        now = now_ms();
        for (int i = 0; i < n; i++) {
            load_assoc *a = events[i].data.ptr;
            if (a->state != ASSOC_FREE) receive_all(&r, a, buf, now);
        }
        if (now >= next_scan) {
            scan(&r, now);
            next_scan = now + SCAN_INTERVAL_MS;
        }
        if (!quiet) load_stats_progress(st, stderr, now, r.in_flight, r.held, false);
    }
    st->end_ms = now_ms();
    if (!quiet && ok) load_stats_progress(st, stderr, st->end_ms, r.in_flight, r.held, true);
    for (size_t i = 0; r.slots && i < r.num_slots; i++)
        if (r.slots[i].state != ASSOC_FREE) assoc_release(&r, &r.slots[i]);
    if (r.epfd >= 0) close(r.epfd);
    free(buf);
    free(r.payload);
    free(r.free_list);
    free(r.slots);
    return ok;
}
