/* The poll() loop that drives the sans-IO engine for one association. */
#include "cli_session.h"

#include "cli_udp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/** Longest stdin line kept before it is sent as it is. */
#define LINE_CAP 4096
/** TLS content type of a plaintext handshake record (a ClientHello). */
#define CONTENT_TYPE_HANDSHAKE 22
/** Datagrams read per poll wake-up before timers get a turn. */
#define MAX_DATAGRAMS_PER_WAKE 64

/* State of one running association. */
typedef struct session {
    const cli_session_params *p;
    dtls13_conn *conn;
    uint8_t *buf; /* CLI_MAX_DATAGRAM bytes: received datagrams and records */
    bool handshake_event;
    bool handshake_reported;
    bool fatal_alert_received;
    bool awaiting_reply;
    bool got_reply;
    uint64_t handshake_deadline;
    uint64_t reply_deadline;
    char line[LINE_CAP];
    size_t line_len;
    bool stdin_eof;
    uint64_t last_rx_ms; /* when the peer last sent a datagram */
    uint64_t refused; /* receives that failed with ECONNREFUSED (ICMP port unreachable) */
    bool received;    /* a datagram came from the peer */
    int fatal_alert_sent; /* description of a fatal alert we sent, or -1 */
    char alert_reason[160]; /* its reason, when the engine gave one */
} session;

uint64_t cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Send callback: one datagram to the peer. */
static int send_datagram(void *user, const uint8_t *datagram, size_t len)
{
    const cli_session_params *p = user;
    ssize_t n;
    if (p->peer != NULL) {
        n = sendto(p->fd, datagram, len, 0, (const struct sockaddr *)p->peer, p->peer_len);
    } else {
        n = send(p->fd, datagram, len, 0);
    }
    return n == (ssize_t)len ? 0 : -1;
}

/* Event callback: remembers what the loop must act on. */
static void on_event(void *user, dtls13_conn *conn, const dtls13_event *event)
{
    session *s = user;
    (void)conn;
    if (event->type == DTLS13_EVENT_HANDSHAKE_DONE) s->handshake_event = true;
    if (event->type == DTLS13_EVENT_ALERT_RECEIVED && event->fatal) s->fatal_alert_received = true;
    if (event->type == DTLS13_EVENT_ALERT_SENT && event->fatal) {
        s->fatal_alert_sent = event->alert;
        snprintf(s->alert_reason, sizeof s->alert_reason, "%s",
                 event->reason != NULL ? event->reason : "the connection failed on the accepted ClientHello");
    }
}

/* Sends data as records of at most max_write bytes. */
static bool write_all(session *s, const uint8_t *data, size_t len)
{
    size_t max = dtls13_conn_max_write(s->conn);
    if (max == 0) max = 1;
    do {
        size_t n = len < max ? len : max;
        int rc = dtls13_conn_write(s->conn, data, n, cli_now_ms());
        if (rc < 0) {
            char reason[256];
            snprintf(reason, sizeof reason, "sending application data failed: %s", dtls13_strerror(rc));
            cli_report_error(s->p->report, NULL, reason);
            return false;
        }
        data += n;
        len -= n;
    } while (len > 0);
    return true;
}

/* Reports the failure that put the connection into DTLS13_STATE_FAILED. */
static void report_failure(session *s)
{
    int alert = dtls13_conn_alert(s->conn);
    const char *alert_name = NULL;
    char alert_buf[24], reason_buf[160];
    if (alert >= 0) {
        alert_name = dtls13_alert_name((uint8_t)alert);
        if (alert_name == NULL) {
            snprintf(alert_buf, sizeof alert_buf, "alert_%d", alert);
            alert_name = alert_buf;
        }
    }
    const char *reason = dtls13_conn_failure_reason(s->conn);
    if (reason == NULL) {
        if (s->fatal_alert_received && alert_name != NULL) {
            snprintf(reason_buf, sizeof reason_buf, "peer sent fatal alert %s", alert_name);
        } else if (alert_name != NULL) {
            snprintf(reason_buf, sizeof reason_buf, "handshake failed, sent alert %s", alert_name);
        } else {
            snprintf(reason_buf, sizeof reason_buf, "connection failed");
        }
        reason = reason_buf;
    }
    cli_report_conn_error(s->p->report, alert_name, reason, s->conn);
}

/* Closes the connection (sending close_notify) and reports it. */
static void close_locally(session *s)
{
    dtls13_conn_close(s->conn, cli_now_ms());
    cli_report_closed(s->p->report, "local", s->conn);
}

/* Result of examining the connection after some input. */
typedef enum step {
    STEP_CONTINUE = -1,
    STEP_OK = CLI_SESSION_OK,
    STEP_FAILED = CLI_SESSION_FAILED,
} step;

/* Acts on what the last input changed: reports the handshake, reads and
 * echoes data, sends --send text, detects the end and timeouts. */
static step examine(session *s)
{
    const cli_options *o = s->p->opts;
    const cli_report *r = s->p->report;
    bool client = o->mode == CLI_MODE_CLIENT;
    dtls13_state state = dtls13_conn_state(s->conn);

    if (!s->handshake_reported && (s->handshake_event || state == DTLS13_STATE_CONNECTED)) {
        s->handshake_reported = true;
        if (!cli_report_handshake(r, o, s->conn)) {
            close_locally(s);
            return STEP_FAILED;
        }
        if (client && o->send_text != NULL && state == DTLS13_STATE_CONNECTED) {
            if (!write_all(s, (const uint8_t *)o->send_text, strlen(o->send_text))) return STEP_FAILED;
            s->awaiting_reply = true;
            s->reply_deadline = cli_now_ms() + o->timeout_ms;
        }
    }

    if (s->handshake_reported) {
        for (;;) {
            int n = dtls13_conn_read(s->conn, s->buf, CLI_MAX_DATAGRAM);
            if (n < 0) break;
            cli_report_data(r, s->buf, (size_t)n);
            if (!client && o->echo && dtls13_conn_state(s->conn) == DTLS13_STATE_CONNECTED) {
                if (!write_all(s, s->buf, (size_t)n)) return STEP_FAILED;
            }
            if (s->awaiting_reply) s->got_reply = true;
        }
    }
    if (s->got_reply) {
        close_locally(s);
        return STEP_OK;
    }

    state = dtls13_conn_state(s->conn);
    if (state == DTLS13_STATE_FAILED) {
        report_failure(s);
        return STEP_FAILED;
    }
    if (state == DTLS13_STATE_CLOSED) {
        if (!s->handshake_reported) {
            cli_report_conn_error(r, "close_notify", "peer closed the connection before the handshake completed", s->conn);
            return STEP_FAILED;
        }
        if (s->awaiting_reply) {
            cli_report_conn_error(r, "close_notify", "peer closed the connection without replying", s->conn);
            return STEP_FAILED;
        }
        cli_report_closed(r, "peer", s->conn);
        return STEP_OK;
    }
    if (client && o->send_text == NULL && s->stdin_eof && s->line_len == 0 && s->handshake_reported) {
        close_locally(s);
        return STEP_OK;
    }

    uint64_t now = cli_now_ms();
    if (!s->handshake_reported && now >= s->handshake_deadline) {
        char reason[400];
        if (s->refused > 0 && !s->received)
            snprintf(reason, sizeof reason,
                     "handshake did not complete within %u ms: nothing listens at %s (each datagram was refused, "
                     "ICMP port unreachable %llu times)",
                     (unsigned)o->timeout_ms, o->address, (unsigned long long)s->refused);
        else
            snprintf(reason, sizeof reason, "handshake did not complete within %u ms", (unsigned)o->timeout_ms);
        cli_report_conn_error(r, NULL, reason, s->conn);
        return STEP_FAILED;
    }
    if (s->awaiting_reply && now >= s->reply_deadline) {
        char reason[128];
        snprintf(reason, sizeof reason, "no reply within %u ms", (unsigned)o->timeout_ms);
        cli_report_conn_error(r, NULL, reason, s->conn);
        close_locally(s);
        return STEP_FAILED;
    }
    return STEP_CONTINUE;
}

/* Reads the datagrams waiting on the socket into the engine. */
static step receive_datagrams(session *s)
{
    const cli_session_params *p = s->p;
    for (int i = 0; i < MAX_DATAGRAMS_PER_WAKE; i++) {
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(p->fd, s->buf, CLI_MAX_DATAGRAM, MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return STEP_CONTINUE;
            /* ICMP port unreachable: the server may not be up yet; the
             * retransmission timer keeps trying until --timeout-ms. Said
             * once, so that a wait for nothing does not pass in silence. */
            if (errno == ECONNREFUSED) {
                if (s->refused++ == 0 && !s->received) {
                    char note[300];
                    snprintf(note, sizeof note,
                             "%s refused the datagram (ICMP port unreachable: nothing listens there yet?); "
                             "retrying for up to %u ms (--timeout-ms)",
                             p->opts->address, (unsigned)p->opts->timeout_ms);
                    cli_report_log(p->report, DTLS13_LOG_WARN, note);
                }
                continue;
            }
            char reason[256];
            snprintf(reason, sizeof reason, "receiving from the socket failed: %s", strerror(errno));
            cli_report_error(p->report, NULL, reason);
            return STEP_FAILED;
        }
        if (p->peer != NULL && !cli_udp_same_peer(&from, from_len, p->peer, p->peer_len)) {
            /* One association at a time: other peers are ignored, unless
             * the current peer has been silent for --timeout-ms and a new
             * client sends a ClientHello (it will retransmit it). */
            if (n > 0 && s->buf[0] == CONTENT_TYPE_HANDSHAKE &&
                cli_now_ms() - s->last_rx_ms >= s->p->opts->timeout_ms) {
                char reason[128];
                snprintf(reason, sizeof reason, "peer silent for %u ms and a new client is waiting: abandoned",
                         (unsigned)s->p->opts->timeout_ms);
                cli_report_conn_error(p->report, NULL, reason, s->conn);
                return STEP_FAILED;
            }
            continue;
        }
        s->last_rx_ms = cli_now_ms();
        s->received = true;
        dtls13_conn_handle_datagram(s->conn, s->buf, (size_t)n, s->last_rx_ms);
        if (dtls13_conn_state(s->conn) != DTLS13_STATE_HANDSHAKING &&
            dtls13_conn_state(s->conn) != DTLS13_STATE_CONNECTED)
            return STEP_CONTINUE;
    }
    return STEP_CONTINUE;
}

/* Reads stdin and sends each complete, non-empty line (without its
 * newline); a line longer than the buffer is sent in pieces. */
static step read_stdin(session *s)
{
    ssize_t n = read(s->p->stdin_fd, s->line + s->line_len, LINE_CAP - s->line_len);
    if (n < 0) return (errno == EAGAIN || errno == EINTR) ? STEP_CONTINUE : STEP_FAILED;
    if (n == 0) s->stdin_eof = true;
    s->line_len += (size_t)n;
    size_t start = 0;
    for (size_t i = 0; i < s->line_len; i++) {
        if (s->line[i] != '\n') continue;
        if (i > start && !write_all(s, (const uint8_t *)s->line + start, i - start)) return STEP_FAILED;
        start = i + 1;
    }
    size_t rest = s->line_len - start;
    memmove(s->line, s->line + start, rest);
    s->line_len = rest;
    if (rest == LINE_CAP || (s->stdin_eof && rest > 0)) {
        if (!write_all(s, (const uint8_t *)s->line, rest)) return STEP_FAILED;
        s->line_len = 0;
    }
    return STEP_CONTINUE;
}

/* Earliest of the engine timer and our own deadlines. */
static uint64_t next_deadline(const session *s)
{
    uint64_t next = dtls13_conn_next_timeout(s->conn);
    if (!s->handshake_reported && s->handshake_deadline < next) next = s->handshake_deadline;
    if (s->awaiting_reply && s->reply_deadline < next) next = s->reply_deadline;
    return next;
}

/* The loop: examine, wait for input or a timer, feed it, repeat. */
static cli_session_result run_loop(session *s)
{
    const cli_session_params *p = s->p;
    for (;;) {
        step st = examine(s);
        if (st != STEP_CONTINUE) return (cli_session_result)st;

        uint64_t now = cli_now_ms();
        if (dtls13_conn_next_timeout(s->conn) <= now) {
            dtls13_conn_handle_timeout(s->conn, now);
            continue;
        }
        uint64_t deadline = next_deadline(s);
        int wait_ms = -1;
        if (deadline != UINT64_MAX) wait_ms = deadline - now > (uint64_t)INT_MAX ? INT_MAX : (int)(deadline - now);

        struct pollfd fds[3];
        nfds_t nfds = 0;
        fds[nfds++] = (struct pollfd){.fd = p->fd, .events = POLLIN};
        int sig_index = -1, stdin_index = -1;
        if (p->signal_fd >= 0) {
            sig_index = (int)nfds;
            fds[nfds++] = (struct pollfd){.fd = p->signal_fd, .events = POLLIN};
        }
        if (p->stdin_fd >= 0 && !s->stdin_eof && s->handshake_reported) {
            stdin_index = (int)nfds;
            fds[nfds++] = (struct pollfd){.fd = p->stdin_fd, .events = POLLIN};
        }
        int ready = poll(fds, nfds, wait_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            char reason[256];
            snprintf(reason, sizeof reason, "poll failed: %s", strerror(errno));
            cli_report_error(p->report, NULL, reason);
            return CLI_SESSION_FAILED;
        }
        if (sig_index >= 0 && (fds[sig_index].revents & POLLIN)) {
            struct signalfd_siginfo info;
            if (read(p->signal_fd, &info, sizeof info) < 0) {
                /* nothing to do: we stop either way */
            }
            if (dtls13_conn_state(s->conn) == DTLS13_STATE_CONNECTED) {
                close_locally(s);
            } else {
                cli_report_conn_error(p->report, NULL, "interrupted", s->conn);
            }
            return CLI_SESSION_INTERRUPTED;
        }
        if (fds[0].revents & (POLLIN | POLLERR)) {
            if (receive_datagrams(s) == STEP_FAILED) return CLI_SESSION_FAILED;
        }
        if (stdin_index >= 0 && (fds[stdin_index].revents & (POLLIN | POLLHUP | POLLERR))) {
            if (read_stdin(s) == STEP_FAILED) return CLI_SESSION_FAILED;
        }
    }
}

cli_session_result cli_session_run(const cli_session_params *p, const uint8_t *first_datagram, size_t first_len)
{
    const cli_options *o = p->opts;
    session s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.fatal_alert_sent = -1;
    s.buf = malloc(CLI_MAX_DATAGRAM);
    if (s.buf == NULL) {
        cli_report_error(p->report, NULL, "out of memory");
        return CLI_SESSION_FAILED;
    }
    uint64_t now = cli_now_ms();
    s.handshake_deadline = now + o->timeout_ms;
    s.last_rx_ms = now;
    if (p->listener != NULL) {
        /* The event callback goes in before the first flight is sent. */
        dtls13_accept_options accept_opts = {.event_fn = on_event, .event_user = &s};
        s.conn = dtls13_listener_accept_ex(p->listener, first_datagram, first_len, p->peer_key, p->peer_key_len,
                                           send_datagram, (void *)p, now, &accept_opts);
        if (s.conn == NULL) {
            const char *alert = s.fatal_alert_sent >= 0 ? dtls13_alert_name((uint8_t)s.fatal_alert_sent) : NULL;
            cli_report_error(p->report, alert,
                             s.fatal_alert_sent >= 0 ? s.alert_reason
                                                     : "cannot create the connection from the accepted ClientHello");
            free(s.buf);
            return CLI_SESSION_FAILED;
        }
    } else {
        dtls13_role role = o->mode == CLI_MODE_SERVER ? DTLS13_ROLE_SERVER : DTLS13_ROLE_CLIENT;
        s.conn = dtls13_conn_new(p->cfg, role, send_datagram, (void *)p);
        if (s.conn == NULL) {
            cli_report_error(p->report, NULL, "cannot create the connection (out of memory or no certificate)");
            free(s.buf);
            return CLI_SESSION_FAILED;
        }
        dtls13_conn_set_event_callback(s.conn, on_event, &s);
    }

    cli_session_result result = CLI_SESSION_FAILED;
    int rc = 0;
    if (o->peer_fingerprint != NULL) {
        rc = dtls13_conn_set_peer_fingerprint(s.conn, o->peer_fingerprint);
        if (rc < 0) {
            char reason[200];
            snprintf(reason, sizeof reason, "bad --peer-fingerprint: %s", dtls13_strerror(rc));
            cli_report_error(p->report, NULL, reason);
            goto done;
        }
    }
    if (p->listener == NULL) {
        rc = dtls13_conn_start(s.conn, now);
        if (rc < 0) {
            char reason[256];
            snprintf(reason, sizeof reason, "cannot start the handshake: %s", dtls13_strerror(rc));
            cli_report_error(p->report, NULL, reason);
            goto done;
        }
        if (first_datagram != NULL) dtls13_conn_handle_datagram(s.conn, first_datagram, first_len, cli_now_ms());
    }
    result = run_loop(&s);
done:
    dtls13_conn_free(s.conn);
    free(s.buf);
    return result;
}
