/* The server's cookie exchange through the stateless listener. */
#include "cli_cookie.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_udp.h"

/** Room for the listener's HelloRetryRequest (listen.h: 512 suffices). */
#define HRR_CAP 1024

bool cli_cookie_gate_init(cli_cookie_gate *g, dtls13_config *cfg, int fd, const cli_report *report, bool verbose)
{
    memset(g, 0, sizeof *g);
    g->fd = fd;
    g->report = report;
    g->verbose = verbose;
    g->listener = dtls13_listener_new(cfg, DTLS13_COOKIE_ALWAYS);
    if (g->listener == NULL) {
        cli_report_error(report, NULL, "cannot create the cookie listener (out of memory or no certificate)");
        return false;
    }
    return true;
}

void cli_cookie_gate_free(cli_cookie_gate *g)
{
    dtls13_listener_free(g->listener);
    g->listener = NULL;
}

/* Logs one decision of the listener (-v). */
static void log_decision(const cli_cookie_gate *g, const char *peer_text, const char *what)
{
    if (!g->verbose) return;
    char line[256];
    snprintf(line, sizeof line, "listener: %s: %s", peer_text, what);
    cli_report_log(g->report, DTLS13_LOG_INFO, line);
}

/* Why the listener dropped a datagram, from the counters it moved. */
static const char *drop_reason(const dtls13_listener_stats *before, const dtls13_listener_stats *after)
{
    /* The drop counters first: a last fragment is counted as buffered too
     * before the reassembled ClientHello is judged. */
    if (after->dropped_amplification > before->dropped_amplification)
        return "dropped: the HelloRetryRequest would exceed 3x the bytes received";
    if (after->dropped_unacceptable > before->dropped_unacceptable)
        return "dropped: a ClientHello this server refuses (no common version, suite, group or signature)";
    if (after->dropped_malformed > before->dropped_malformed)
        return "dropped: not a well-formed first ClientHello (or a wrong message_seq)";
    if (after->fragments_buffered > before->fragments_buffered)
        return "ClientHello fragment buffered for reassembly";
    return "dropped: not a ClientHello";
}

cli_cookie_verdict cli_cookie_gate_admit(cli_cookie_gate *g, const uint8_t *datagram, size_t len,
                                         const struct sockaddr_storage *peer, socklen_t peer_len,
                                         const unsigned char *addr_key, size_t addr_key_len, uint64_t now_ms)
{
    char peer_text[CLI_ADDR_TEXT_LEN];
    cli_udp_format((const struct sockaddr *)peer, peer_len, peer_text);
    dtls13_listener_stats before, after;
    dtls13_listener_get_stats(g->listener, &before);
    uint8_t hrr[HRR_CAP];
    size_t hrr_len = 0;
    int rc = dtls13_listen(g->listener, datagram, len, addr_key, addr_key_len, now_ms, hrr, sizeof hrr, &hrr_len);
    dtls13_listener_get_stats(g->listener, &after);
    if (rc == DTLS13_LISTEN_ACCEPT) {
        log_decision(g, peer_text, "ClientHello with a valid cookie accepted");
        return CLI_COOKIE_ACCEPTED;
    }
    if (rc == DTLS13_LISTEN_SEND_HRR) {
        bool invalid = after.cookies_invalid > before.cookies_invalid;
        /* A DTLS 1.2-only ClientHello gets a HelloVerifyRequest (RFC 6347 4.2.1). */
        const char *message = after.hvr_sent > before.hvr_sent ? "HelloVerifyRequest" : "HelloRetryRequest";
        ssize_t n = sendto(g->fd, hrr, hrr_len, 0, (const struct sockaddr *)peer, peer_len);
        if (n != (ssize_t)hrr_len) {
            char reason[200];
            snprintf(reason, sizeof reason, "sending the %s to %s failed: %s", message, peer_text,
                     n < 0 ? strerror(errno) : "short write");
            cli_report_error(g->report, NULL, reason);
            return CLI_COOKIE_HANDLED;
        }
        char decision[160];
        snprintf(decision, sizeof decision,
                 invalid ? "ClientHello with an invalid cookie answered with a fresh %s"
                         : "ClientHello without a cookie answered with a %s carrying one",
                 message);
        log_decision(g, peer_text, decision);
        cli_report_hello_retry(g->report, peer_text, message, invalid ? "invalid_cookie" : "cookie", hrr_len,
                               after.hrr_sent, after.cookies_invalid);
        return CLI_COOKIE_HANDLED;
    }
    if (rc < 0) {
        char reason[200];
        snprintf(reason, sizeof reason, "listener failed on a datagram from %s: %s", peer_text, dtls13_strerror(rc));
        cli_report_error(g->report, NULL, reason);
        return CLI_COOKIE_HANDLED;
    }
    log_decision(g, peer_text, drop_reason(&before, &after));
    return CLI_COOKIE_HANDLED;
}
