/* The dtls13 server on the endpoint (dtls13/endpoint.h): one socket, one
 * endpoint, any number of concurrent associations, each reported as the
 * single-association tool did (association, handshake, data, closed or
 * error events), and the endpoint's counters on exit. */
#define _GNU_SOURCE /* recvmmsg */
#include "cli_serve.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <sys/resource.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli_json.h"
#include "cli_session.h"
#include "cli_udp.h"
#include "dtls13/endpoint.h"

#define EXIT_INTERRUPTED 130
#define DATAGRAMS_PER_WAKE 64
/* On SIGINT/SIGTERM, at most this many wakes' worth of queued datagrams
 * are handled before the close_notify to everyone. */
#define SHUTDOWN_DRAIN_WAKES 64
#define DATAGRAMS_PER_CALL 16 /* recvmmsg slots of CLI_MAX_DATAGRAM bytes */
/* hello_retry reports: up to HRR_REPORT_BURST one by one, the allowance
 * growing back by one every HRR_REPORT_REFILL_MS; under a flood the rest
 * are counted and summed up at most every HRR_SUMMARY_MS, so that a flood
 * of ClientHellos does not become a flood of output lines (each flushed). */
#define HRR_REPORT_BURST 32u
#define HRR_REPORT_REFILL_MS 100u
#define HRR_SUMMARY_MS 1000u

typedef struct serve serve;

/* What the tool remembers of one association (its user pointer). */
typedef struct served {
    serve *sv;
    char peer_text[CLI_ADDR_TEXT_LEN];
    bool handshake_reported;
    bool ended_reported;
    bool fatal_alert_received;
    int fatal_alert_sent;
    char alert_reason[160];
} served;

struct serve {
    const cli_options *o;
    const cli_report *r;
    int fd;
    dtls13_endpoint *ep;
    uint8_t *buf; /* application data read from a connection */
    uint8_t *rx;  /* DATAGRAMS_PER_CALL datagrams from the socket */
    size_t last_send_len;
    bool finished;     /* --once: the first association ended */
    bool first_ok;     /* and how */
    uint64_t ended_ok, ended_failed;
    /* heap in use (glibc mallinfo2), sampled at most every 100 ms */
    uint64_t heap_base, heap_peak, assoc_at_heap_peak, next_heap_sample_ms;
    /* hello_retry report allowance and what it left unreported */
    uint32_t hrr_allowance;
    uint64_t hrr_refill_ms, hrr_unreported, hrr_unreported_since_ms, hrr_sent, cookies_invalid;
};

static uint64_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
}

static void sample_heap(serve *sv, uint64_t now)
{
    if (now < sv->next_heap_sample_ms) return;
    sv->next_heap_sample_ms = now + 100;
    uint64_t h = heap_in_use();
    if (h > sv->heap_peak) {
        sv->heap_peak = h;
        sv->assoc_at_heap_peak = dtls13_endpoint_count(sv->ep);
    }
}

static int ep_send(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    serve *sv = user;
    sv->last_send_len = len;
    ssize_t n = sendto(sv->fd, data, len, 0, (const struct sockaddr *)addr, (socklen_t)addr_len);
    return n == (ssize_t)len ? 0 : -1;
}

static const char *alert_text(int alert, char *buf, size_t cap)
{
    if (alert < 0) return NULL;
    const char *name = dtls13_alert_name((uint8_t)alert);
    if (name) return name;
    snprintf(buf, cap, "alert_%d", alert);
    return buf;
}

/* The association ended: one closed or error event, once. */
static void report_end(served *s, dtls13_assoc *a, const char *override_reason)
{
    if (s->ended_reported) return;
    s->ended_reported = true;
    serve *sv = s->sv;
    const dtls13_conn *conn = dtls13_assoc_conn(a);
    dtls13_state st = dtls13_conn_state(conn);
    bool ok = false;
    if (override_reason) {
        cli_report_conn_error(sv->r, NULL, override_reason, conn);
    } else if (st == DTLS13_STATE_CLOSED && s->handshake_reported) {
        ok = true;
        cli_report_closed(sv->r, "peer", conn);
    } else if (st == DTLS13_STATE_CLOSED) {
        cli_report_conn_error(sv->r, "close_notify", "peer closed the connection before the handshake completed",
                              conn);
    } else {
        char abuf[24], rbuf[200];
        const char *alert = alert_text(dtls13_conn_alert(conn), abuf, sizeof abuf);
        const char *reason = dtls13_conn_failure_reason(conn);
        if (!reason) {
            if (s->fatal_alert_received && alert) snprintf(rbuf, sizeof rbuf, "peer sent fatal alert %s", alert);
            else if (alert) snprintf(rbuf, sizeof rbuf, "handshake failed, sent alert %s", alert);
            else snprintf(rbuf, sizeof rbuf, "connection failed");
            reason = rbuf;
        }
        cli_report_conn_error(sv->r, alert, reason, conn);
    }
    if (ok) sv->ended_ok++;
    else sv->ended_failed++;
    if (sv->o->once && !sv->finished) {
        sv->finished = true;
        sv->first_ok = ok;
    }
}

static void on_association(void *user, dtls13_assoc *a)
{
    serve *sv = user;
    served *s = calloc(1, sizeof(*s));
    if (!s) {
        dtls13_endpoint_close(sv->ep, a, cli_now_ms());
        return;
    }
    s->sv = sv;
    s->fatal_alert_sent = -1;
    size_t len = 0;
    const void *addr = dtls13_assoc_address(a, &len);
    cli_udp_format((const struct sockaddr *)addr, (socklen_t)len, s->peer_text);
    dtls13_assoc_set_user(a, s);
    cli_report_association(sv->r, "server", s->peer_text);
    if (sv->o->peer_fingerprint) {
        int rc = dtls13_assoc_set_peer_fingerprint(a, sv->o->peer_fingerprint);
        if (rc < 0 && rc != DTLS13_ERR_CERTIFICATE) {
            char reason[200];
            snprintf(reason, sizeof reason, "bad --peer-fingerprint: %s", dtls13_strerror(rc));
            cli_report_error(sv->r, NULL, reason);
            dtls13_endpoint_close(sv->ep, a, cli_now_ms());
        }
    }
}

static void echo_back(serve *sv, dtls13_assoc *a, const uint8_t *data, size_t len)
{
    size_t max = dtls13_conn_max_write(dtls13_assoc_conn(a));
    if (max == 0) max = 1;
    do {
        size_t n = len < max ? len : max;
        int rc = dtls13_endpoint_write(sv->ep, a, data, n, cli_now_ms());
        if (rc < 0) {
            char reason[200];
            snprintf(reason, sizeof reason, "sending application data failed: %s", dtls13_strerror(rc));
            cli_report_error(sv->r, NULL, reason);
            return;
        }
        data += n;
        len -= n;
    } while (len > 0);
}

static void on_event(void *user, dtls13_assoc *a, const dtls13_event *ev)
{
    serve *sv = user;
    served *s = dtls13_assoc_user(a);
    if (!s) return;
    dtls13_conn *conn = dtls13_assoc_conn(a);
    switch (ev->type) {
    case DTLS13_EVENT_HANDSHAKE_DONE:
        s->handshake_reported = true;
        if (!cli_report_handshake(sv->r, sv->o, conn)) dtls13_endpoint_close(sv->ep, a, cli_now_ms());
        break;
    case DTLS13_EVENT_DATA:
        for (;;) {
            int n = dtls13_conn_read(conn, sv->buf, CLI_MAX_DATAGRAM);
            if (n < 0) break;
            cli_report_data(sv->r, sv->buf, (size_t)n);
            if (sv->o->echo && dtls13_conn_state(conn) == DTLS13_STATE_CONNECTED) echo_back(sv, a, sv->buf, (size_t)n);
        }
        break;
    case DTLS13_EVENT_ALERT_RECEIVED:
        if (ev->fatal) s->fatal_alert_received = true;
        break;
    case DTLS13_EVENT_ALERT_SENT:
        if (ev->fatal) {
            s->fatal_alert_sent = ev->alert;
            snprintf(s->alert_reason, sizeof s->alert_reason, "%s", ev->reason ? ev->reason : "");
        }
        break;
    case DTLS13_EVENT_CLOSED: report_end(s, a, NULL); break;
    }
}

static void on_freed(void *user, dtls13_assoc *a, dtls13_assoc_end reason)
{
    serve *sv = user;
    served *s = dtls13_assoc_user(a);
    if (!s) return;
    char text[160];
    if (reason == DTLS13_ASSOC_END_IDLE) {
        snprintf(text, sizeof text, "peer silent for %u ms: association dropped", (unsigned)sv->o->timeout_ms);
        report_end(s, a, text);
    } else if (reason == DTLS13_ASSOC_END_HANDSHAKE_TIMEOUT) {
        snprintf(text, sizeof text, "handshake did not complete within %u ms", (unsigned)sv->o->timeout_ms);
        report_end(s, a, text);
    } else if (reason == DTLS13_ASSOC_END_SHUTDOWN && !s->ended_reported) {
        report_end(s, a, "interrupted");
    } else {
        report_end(s, a, NULL);
    }
    free(s);
}

/* The listener's answer to a datagram from a new peer, as the
 * single-association server reported it (hello_retry events, -v logs). */
/* Whether one more hello_retry may be reported one by one at now. */
static bool hrr_report_allowed(serve *sv, uint64_t now)
{
    if (now > sv->hrr_refill_ms) {
        uint64_t grown = (now - sv->hrr_refill_ms) / HRR_REPORT_REFILL_MS;
        if (grown > 0) {
            uint64_t allowance = sv->hrr_allowance + grown;
            sv->hrr_allowance = allowance > HRR_REPORT_BURST ? HRR_REPORT_BURST : (uint32_t)allowance;
            sv->hrr_refill_ms += grown * HRR_REPORT_REFILL_MS;
        }
    }
    if (sv->hrr_allowance == 0) return false;
    sv->hrr_allowance--;
    return true;
}

/* When the summary of unreported hello_retry answers is due (UINT64_MAX:
 * none pending). */
static uint64_t hrr_summary_due(const serve *sv)
{
    return sv->hrr_unreported ? sv->hrr_unreported_since_ms + HRR_SUMMARY_MS : UINT64_MAX;
}

/* Reports the hello_retry answers left unreported, once HRR_SUMMARY_MS
 * have passed since the first of them (or now, with force). */
static void hrr_flush_summary(serve *sv, uint64_t now, bool force)
{
    if (sv->hrr_unreported == 0 || (!force && now < hrr_summary_due(sv))) return;
    uint64_t since = sv->hrr_unreported_since_ms;
    cli_report_hello_retry_summary(sv->r, sv->hrr_unreported, now > since ? now - since : 0, sv->hrr_sent,
                                   sv->cookies_invalid);
    sv->hrr_unreported = 0;
}

static void report_listener(serve *sv, const dtls13_listener_stats *b, const dtls13_listener_stats *a,
                            const dtls13_endpoint_stats *eb, const dtls13_endpoint_stats *ea, const char *peer,
                            uint64_t now)
{
    char line[256];
    if (a->hrr_sent > b->hrr_sent) {
        sv->hrr_sent = a->hrr_sent;
        sv->cookies_invalid = a->cookies_invalid;
        if (!hrr_report_allowed(sv, now)) {
            if (sv->hrr_unreported++ == 0) sv->hrr_unreported_since_ms = now;
            return;
        }
        bool invalid = a->cookies_invalid > b->cookies_invalid;
        const char *message = a->hvr_sent > b->hvr_sent ? "HelloVerifyRequest" : "HelloRetryRequest";
        if (sv->o->verbose) {
            snprintf(line, sizeof line,
                     invalid ? "listener: %s: ClientHello with an invalid cookie answered with a fresh %s"
                             : "listener: %s: ClientHello without a cookie answered with a %s carrying one",
                     peer, message);
            cli_report_log(sv->r, DTLS13_LOG_INFO, line);
        }
        cli_report_hello_retry(sv->r, peer, message, invalid ? "invalid_cookie" : "cookie", sv->last_send_len,
                               a->hrr_sent, a->cookies_invalid);
        return;
    }
    if (a->cookies_verified > b->cookies_verified && sv->o->verbose) {
        snprintf(line, sizeof line, "listener: %s: ClientHello with a valid cookie accepted", peer);
        cli_report_log(sv->r, DTLS13_LOG_INFO, line);
    }
    if (ea->drops[DTLS13_EP_DROP_ACCEPT_FAILED] > eb->drops[DTLS13_EP_DROP_ACCEPT_FAILED]) {
        const char *alert = NULL;
        for (int i = 0; i < 256 && !alert; i++)
            if (ea->failed_by_alert[i] > eb->failed_by_alert[i]) alert = dtls13_alert_name((uint8_t)i);
        cli_report_error(sv->r, alert, "cannot create the connection from the accepted ClientHello");
        sv->ended_failed++;
        if (sv->o->once && !sv->finished) sv->finished = true;
        return;
    }
    if (!sv->o->verbose || a->accepted > b->accepted) return;
    const char *why = "dropped: not a ClientHello";
    if (a->dropped_amplification > b->dropped_amplification)
        why = "dropped: the HelloRetryRequest would exceed 3x the bytes received";
    else if (a->dropped_unacceptable > b->dropped_unacceptable)
        why = "dropped: a ClientHello this server refuses (no common version, suite, group or signature)";
    else if (a->dropped_malformed > b->dropped_malformed)
        why = "dropped: not a well-formed first ClientHello (or a wrong message_seq)";
    else if (a->fragments_buffered > b->fragments_buffered)
        why = "ClientHello fragment buffered for reassembly";
    snprintf(line, sizeof line, "listener: %s: %s", peer, why);
    cli_report_log(sv->r, DTLS13_LOG_INFO, line);
}

static void handle_one(serve *sv, const uint8_t *data, size_t len, const struct sockaddr_storage *peer,
                       socklen_t peer_len)
{
    uint64_t now = cli_now_ms();
    if (dtls13_endpoint_find(sv->ep, peer, peer_len) != NULL || len == 0 || data[0] < 20 || data[0] > 63) {
        (void)dtls13_endpoint_handle_datagram(sv->ep, data, len, peer, peer_len, now);
        return;
    }
    dtls13_listener *l = dtls13_endpoint_listener(sv->ep);
    dtls13_listener_stats lb, la;
    dtls13_endpoint_stats *eb = malloc(2 * sizeof(*eb));
    if (!eb) return;
    dtls13_listener_get_stats(l, &lb);
    dtls13_endpoint_get_stats(sv->ep, &eb[0]);
    (void)dtls13_endpoint_handle_datagram(sv->ep, data, len, peer, peer_len, now);
    dtls13_listener_get_stats(l, &la);
    dtls13_endpoint_get_stats(sv->ep, &eb[1]);
    char text[CLI_ADDR_TEXT_LEN];
    cli_udp_format((const struct sockaddr *)peer, peer_len, text);
    report_listener(sv, &lb, &la, &eb[0], &eb[1], text, now);
    free(eb);
}

/* Reads what the socket holds, DATAGRAMS_PER_CALL datagrams a system
 * call, at most DATAGRAMS_PER_WAKE before timers get their turn. Returns
 * the datagrams handled (DATAGRAMS_PER_WAKE or more: the socket may hold
 * more), or -1 on a socket error. */
static int receive(serve *sv)
{
    struct mmsghdr msgs[DATAGRAMS_PER_CALL];
    struct iovec iov[DATAGRAMS_PER_CALL];
    struct sockaddr_storage peers[DATAGRAMS_PER_CALL];
    int done = 0;
    while (done < DATAGRAMS_PER_WAKE) {
        memset(msgs, 0, sizeof msgs);
        memset(peers, 0, sizeof peers);
        for (int i = 0; i < DATAGRAMS_PER_CALL; i++) {
            iov[i].iov_base = sv->rx + (size_t)i * CLI_MAX_DATAGRAM;
            iov[i].iov_len = CLI_MAX_DATAGRAM;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &peers[i];
            msgs[i].msg_hdr.msg_namelen = sizeof peers[i];
        }
        int n = recvmmsg(sv->fd, msgs, DATAGRAMS_PER_CALL, MSG_DONTWAIT, NULL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return done;
            if (errno == ECONNREFUSED) { /* an earlier send's ICMP error: counts as one datagram */
                done++;
                continue;
            }
            char reason[200];
            snprintf(reason, sizeof reason, "receiving from the socket failed: %s", strerror(errno));
            cli_report_error(sv->r, NULL, reason);
            return -1;
        }
        for (int i = 0; i < n; i++)
            handle_one(sv, iov[i].iov_base, msgs[i].msg_len, &peers[i], msgs[i].msg_hdr.msg_namelen);
        done += n;
        if (n < DATAGRAMS_PER_CALL) return done;
    }
    return done;
}

typedef struct assoc_list {
    dtls13_assoc **items;
    size_t count, cap;
} assoc_list;

static void collect(void *user, dtls13_assoc *a)
{
    assoc_list *l = user;
    if (l->count < l->cap) l->items[l->count++] = a;
}

/* SIGINT/SIGTERM: close_notify to every connected peer, reported as a
 * local close. (Collected first: closing re-arms the timer heap that
 * dtls13_endpoint_foreach() walks.) */
static void close_all(serve *sv)
{
    assoc_list l = {NULL, 0, dtls13_endpoint_count(sv->ep)};
    l.items = calloc(l.cap ? l.cap : 1, sizeof(*l.items));
    if (!l.items) return;
    dtls13_endpoint_foreach(sv->ep, collect, &l);
    for (size_t i = 0; i < l.count; i++) {
        dtls13_assoc *a = l.items[i];
        served *s = dtls13_assoc_user(a);
        if (!s || dtls13_conn_state(dtls13_assoc_conn(a)) != DTLS13_STATE_CONNECTED) continue;
        s->ended_reported = true;
        dtls13_endpoint_close(sv->ep, a, cli_now_ms());
        cli_report_closed(sv->r, "local", dtls13_assoc_conn(a));
    }
    free(l.items);
}

static void report_stats(const serve *sv)
{
    dtls13_endpoint_stats *s = malloc(sizeof(*s));
    if (!s) return;
    dtls13_endpoint_get_stats(sv->ep, s);
    struct rusage ru;
    uint64_t cpu_ms = 0;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        cpu_ms = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000u +
                 (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000u;
    if (sv->r->json) {
        cli_json j;
        cli_json_begin(&j, "stats");
        cli_json_uint(&j, "datagrams_in", s->datagrams_in);
        cli_json_uint(&j, "datagrams_out", s->datagrams_out);
        cli_json_uint(&j, "handshakes_started", s->handshakes_started);
        cli_json_uint(&j, "handshakes_completed", s->handshakes_completed);
        cli_json_uint(&j, "handshakes_failed", s->handshakes_failed);
        cli_json_uint(&j, "handshakes_dtls13", s->handshakes_dtls13);
        cli_json_uint(&j, "handshakes_dtls12", s->handshakes_dtls12);
        cli_json_uint(&j, "cookies_sent", s->cookies_sent);
        cli_json_uint(&j, "cookies_verified", s->cookies_verified);
        cli_json_uint(&j, "cookies_invalid", s->cookies_invalid);
        cli_json_uint(&j, "associations", s->associations);
        cli_json_uint(&j, "associations_peak", s->associations_peak);
        cli_json_uint(&j, "closed_ok", sv->ended_ok);
        cli_json_uint(&j, "ended_failed", sv->ended_failed);
        cli_json_uint(&j, "state_bytes", s->state_bytes);
        cli_json_uint(&j, "heap_base_bytes", sv->heap_base);
        cli_json_uint(&j, "heap_peak_bytes", sv->heap_peak);
        cli_json_uint(&j, "associations_at_heap_peak", sv->assoc_at_heap_peak);
        cli_json_uint(&j, "cpu_ms", cpu_ms);
        cli_json_end(&j, sv->r->out);
    } else {
        fprintf(sv->r->out,
                "stats: %llu handshakes started, %llu completed (%llu DTLS 1.3, %llu DTLS 1.2), %llu failed; "
                "%llu cookies sent, %llu verified; peak %llu associations; %llu ms of CPU\n",
                (unsigned long long)s->handshakes_started, (unsigned long long)s->handshakes_completed,
                (unsigned long long)s->handshakes_dtls13, (unsigned long long)s->handshakes_dtls12,
                (unsigned long long)s->handshakes_failed, (unsigned long long)s->cookies_sent,
                (unsigned long long)s->cookies_verified, (unsigned long long)s->associations_peak,
                (unsigned long long)cpu_ms);
    }
    free(s);
}

int cli_serve_run(const cli_options *o, const cli_report *r, dtls13_config *cfg, int signal_fd)
{
    char err[300];
    int fd = cli_udp_listen(o->address, err, sizeof err);
    if (fd < 0) {
        cli_report_error(r, NULL, err);
        return EXIT_FAILURE;
    }
    serve sv = {.o = o, .r = r, .fd = fd, .hrr_allowance = HRR_REPORT_BURST, .hrr_refill_ms = cli_now_ms()};
    sv.buf = malloc(CLI_MAX_DATAGRAM);
    sv.rx = malloc((size_t)DATAGRAMS_PER_CALL * CLI_MAX_DATAGRAM);
    dtls13_endpoint_callbacks cb = {.send = ep_send, .on_association = on_association, .on_event = on_event,
                                    .on_freed = on_freed, .user = &sv};
    dtls13_endpoint_options eo;
    dtls13_endpoint_options_init(&eo);
    eo.cookie_mode = o->cookie == CLI_COOKIE_ALWAYS       ? DTLS13_COOKIE_ALWAYS
                     : o->cookie == CLI_COOKIE_UNDER_LOAD ? DTLS13_COOKIE_UNDER_LOAD
                                                          : DTLS13_COOKIE_NEVER;
    eo.handshake_timeout_ms = o->timeout_ms;
    eo.idle_timeout_ms = o->timeout_ms;
    eo.max_datagram = 65535;
    sv.ep = sv.buf && sv.rx ? dtls13_endpoint_new(cfg, &cb, &eo) : NULL;
    if (!sv.ep) {
        cli_report_error(r, NULL, "cannot create the endpoint (out of memory or no certificate)");
        free(sv.buf);
        free(sv.rx);
        close(fd);
        return EXIT_FAILURE;
    }
    cli_report_listening(r, o->address, cli_udp_local_port(fd));
    sv.heap_base = sv.heap_peak = heap_in_use();
    int status = EXIT_SUCCESS;
    while (!sv.finished) {
        uint64_t now = cli_now_ms();
        sample_heap(&sv, now);
        dtls13_endpoint_handle_timeout(sv.ep, now);
        hrr_flush_summary(&sv, now, false);
        if (sv.finished) break;
        uint64_t next = dtls13_endpoint_next_timeout(sv.ep);
        uint64_t summary_due = hrr_summary_due(&sv);
        if (summary_due < next) next = summary_due;
        int wait_ms = -1;
        if (next != UINT64_MAX) wait_ms = next <= now ? 0 : next - now > (uint64_t)INT_MAX ? INT_MAX : (int)(next - now);
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = signal_fd, .events = POLLIN}};
        int ready = poll(fds, signal_fd >= 0 ? 2 : 1, wait_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            snprintf(err, sizeof err, "poll failed: %s", strerror(errno));
            cli_report_error(r, NULL, err);
            status = EXIT_FAILURE;
            break;
        }
        if (signal_fd >= 0 && (fds[1].revents & POLLIN)) {
            struct signalfd_siginfo info;
            if (read(signal_fd, &info, sizeof info) < 0) {
                /* we stop either way */
            }
            /* What peers sent before the signal is handled first (a
             * close_notify already queued ends its association as the peer
             * meant, not as a local close); bounded, so a flood cannot hold
             * the shutdown. */
            for (int wake = 0; wake < SHUTDOWN_DRAIN_WAKES && receive(&sv) >= DATAGRAMS_PER_WAKE; wake++) {
            }
            close_all(&sv);
            status = EXIT_INTERRUPTED;
            break;
        }
        if ((fds[0].revents & (POLLIN | POLLERR)) && receive(&sv) < 0) {
            status = EXIT_FAILURE;
            break;
        }
    }
    if (sv.finished) status = sv.first_ok ? EXIT_SUCCESS : EXIT_FAILURE;
    hrr_flush_summary(&sv, cli_now_ms(), true);
    report_stats(&sv);
    dtls13_endpoint_free(sv.ep);
    free(sv.buf);
    free(sv.rx);
    close(fd);
    return status;
}
