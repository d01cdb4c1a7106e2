/* One association of the endpoint: its connection's callbacks, its SRTP
 * session, its timers (retransmission, handshake timeout, idle, linger)
 * and its end. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/errors.h"
#include "endpoint/endpoint_internal.h"

/* libsrtp2's per-session allocation for one stream in each direction
 * (srtp_ctx_t, the stream templates and their cipher/auth contexts): an
 * estimate for the statistics, the SRTP state not being ours to measure. */
#define SRTP_SESSION_ESTIMATE 2048u

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

static uint64_t add_ms(uint64_t t, uint32_t ms)
{
    return t > UINT64_MAX - ms ? UINT64_MAX : t + ms;
}

dtls13_assoc *d13_assoc_alloc(dtls13_endpoint *ep, const void *addr, size_t addr_len, dtls13_role role,
                              uint64_t now_ms)
{
    dtls13_assoc *a = calloc(1, sizeof(*a));
    if (!a) return NULL;
    a->ep = ep;
    a->role = role;
    memcpy(a->addr, addr, addr_len);
    a->addr_len = addr_len;
    a->addr_hash = d13_assoc_table_hash(&ep->table, addr, addr_len);
    a->created_ms = now_ms;
    a->last_rx_ms = now_ms;
    a->deadline = UINT64_MAX;
    a->phase = D13_ASSOC_HANDSHAKING;
    return a;
}

int d13_assoc_link(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms)
{
    if (d13_timer_heap_push(&ep->heap, a)) return DTLS13_ERR_NO_MEMORY;
    /* One datagram buffer for all: saves 2 x MTU per association. A config
     * whose MTU grew after the endpoint was made keeps per-connection ones. */
    (void)dtls13_conn_share_datagram_buffer(a->conn, ep->dgram_buf);
    d13_assoc_table_insert(&ep->table, a);
    ep->handshaking++;
    a->counted_handshaking = true;
    a->linked = true;
    ep->stats.handshakes_started++;
    if (ep->table.count > ep->stats.associations_peak) ep->stats.associations_peak = ep->table.count;
    d13_assoc_settle(a, now_ms);
    return DTLS13_OK;
}

int d13_assoc_send(void *user, const uint8_t *datagram, size_t len)
{
    dtls13_assoc *a = user;
    dtls13_endpoint *ep = a->ep;
    ep->callback_depth++;
    int rc = ep->cb.send(ep->cb.user, a->addr, a->addr_len, datagram, len);
    ep->callback_depth--;
    if (rc < 0) ep->stats.send_failures++;
    else ep->stats.datagrams_out++;
    return rc;
}

static void leave_handshaking(dtls13_assoc *a)
{
    if (!a->counted_handshaking) return;
    a->counted_handshaking = false;
    a->ep->handshaking--;
}

static void on_handshake_done(dtls13_assoc *a)
{
    dtls13_endpoint *ep = a->ep;
    if (a->phase != D13_ASSOC_HANDSHAKING) return;
    a->phase = D13_ASSOC_CONNECTED;
    a->address_validated = true;
    leave_handshaking(a);
    ep->stats.handshakes_completed++;
    if (dtls13_conn_version(a->conn) == DTLS13_VERSION_DTLS12) ep->stats.handshakes_dtls12++;
    else ep->stats.handshakes_dtls13++;
    /* The SRTP session exists before the application hears of the handshake. */
    if (dtls13_conn_srtp_profile(a->conn) != 0 && !a->srtp) (void)dtls13_srtp_new(a->conn, &a->srtp);
}

void d13_assoc_on_event(void *user, dtls13_conn *conn, const dtls13_event *event)
{
    (void)conn;
    dtls13_assoc *a = user;
    dtls13_endpoint *ep = a->ep;
    if (event->type == DTLS13_EVENT_HANDSHAKE_DONE) {
        a->connected_ms = ep->now_ms;
        on_handshake_done(a);
    }
    if ((event->type == DTLS13_EVENT_ALERT_SENT || event->type == DTLS13_EVENT_ALERT_RECEIVED) && event->fatal)
        ep->stats.failed_by_alert[event->alert]++;
    /* An alert sent on the very ClientHello that would have created it: the
     * association never existed for the application. */
    if (!ep->cb.on_event || !a->linked) return;
    ep->callback_depth++;
    ep->cb.on_event(ep->cb.user, a, event);
    ep->callback_depth--;
}

/* The earliest moment something must happen to a. */
static uint64_t next_deadline(const dtls13_assoc *a)
{
    const dtls13_endpoint_options *o = &a->ep->opts;
    if (a->phase == D13_ASSOC_ENDED) return add_ms(a->ended_ms, o->linger_ms);
    uint64_t t = min_u64(dtls13_conn_next_timeout(a->conn), add_ms(a->last_rx_ms, o->idle_timeout_ms));
    if (a->phase == D13_ASSOC_HANDSHAKING) t = min_u64(t, add_ms(a->created_ms, o->handshake_timeout_ms));
    return t;
}

static void mark_ended(dtls13_assoc *a, dtls13_assoc_end reason, uint64_t now_ms)
{
    if (a->phase == D13_ASSOC_HANDSHAKING) a->ep->stats.handshakes_failed++;
    leave_handshaking(a);
    a->phase = D13_ASSOC_ENDED;
    a->end_reason = reason;
    a->ended_ms = now_ms;
}

void d13_assoc_settle(dtls13_assoc *a, uint64_t now_ms)
{
    if (a->close_requested) {
        a->close_requested = false;
        if (a->phase != D13_ASSOC_ENDED) {
            a->busy = true;
            (void)dtls13_conn_close(a->conn, now_ms);
            a->busy = false;
        }
    }
    dtls13_state st = dtls13_conn_state(a->conn);
    if (st == DTLS13_STATE_CONNECTED && a->phase == D13_ASSOC_HANDSHAKING) on_handshake_done(a);
    if ((st == DTLS13_STATE_FAILED || st == DTLS13_STATE_CLOSED) && a->phase != D13_ASSOC_ENDED)
        mark_ended(a, st == DTLS13_STATE_FAILED ? DTLS13_ASSOC_END_FAILED : DTLS13_ASSOC_END_CLOSED, now_ms);
    d13_assoc_account(a);
    uint64_t deadline = next_deadline(a);
    /* Never due again at the same instant: a timeout must make progress. */
    if (deadline <= now_ms && a->phase != D13_ASSOC_ENDED) deadline = now_ms + 1;
    d13_timer_heap_update(&a->ep->heap, a, deadline);
}

void d13_assoc_handle_dtls(dtls13_assoc *a, const uint8_t *datagram, size_t len, uint64_t now_ms)
{
    a->datagrams_in++;
    dtls13_stats before;
    dtls13_conn_stats(a->conn, &before);
    a->busy = true;
    (void)dtls13_conn_handle_datagram(a->conn, datagram, len, now_ms);
    a->busy = false;
    dtls13_stats after;
    dtls13_conn_stats(a->conn, &after);
    /* Only records the connection accepted show the peer is there: forged
     * datagrams from its address do not keep the association alive. */
    if (after.records_in > before.records_in) a->last_rx_ms = now_ms;
    d13_assoc_settle(a, now_ms);
}

void d13_assoc_handle_media(dtls13_assoc *a, const uint8_t *datagram, size_t len, bool rtcp)
{
    dtls13_endpoint *ep = a->ep;
    a->datagrams_in++;
    if (!a->srtp || a->phase == D13_ASSOC_ENDED) {
        a->media_dropped++;
        ep->stats.drops[DTLS13_EP_DROP_MEDIA_NO_KEYS]++;
        return;
    }
    memcpy(ep->in_buf, datagram, len);
    size_t out_len = 0;
    int rc = rtcp ? dtls13_srtp_unprotect_rtcp(a->srtp, ep->in_buf, len, &out_len)
                  : dtls13_srtp_unprotect_rtp(a->srtp, ep->in_buf, len, &out_len);
    if (rc != 0) {
        a->media_dropped++;
        dtls13_endpoint_drop why = rc == DTLS13_SRTP_ERR_AUTH     ? DTLS13_EP_DROP_SRTP_AUTH
                                   : rc == DTLS13_SRTP_ERR_REPLAY ? DTLS13_EP_DROP_SRTP_REPLAY
                                                                  : DTLS13_EP_DROP_SRTP_PACKET;
        ep->stats.drops[why]++;
        return;
    }
    /* Authenticated media refreshes the idle timer lazily: the heap entry
     * is re-armed from last_rx_ms when it comes due. */
    a->last_rx_ms = ep->now_ms;
    a->media_in++;
    ep->stats.media_in++;
    ep->stats.media_bytes_in += out_len;
    if (!ep->cb.on_media) return;
    ep->callback_depth++;
    ep->cb.on_media(ep->cb.user, a, ep->in_buf, out_len, rtcp);
    ep->callback_depth--;
}

bool d13_assoc_run_timers(dtls13_assoc *a, uint64_t now_ms)
{
    const dtls13_endpoint_options *o = &a->ep->opts;
    if (a->phase == D13_ASSOC_ENDED) {
        if (now_ms >= add_ms(a->ended_ms, o->linger_ms)) {
            d13_assoc_destroy(a, a->end_reason);
            return true;
        }
    } else if (a->phase == D13_ASSOC_HANDSHAKING && now_ms >= add_ms(a->created_ms, o->handshake_timeout_ms)) {
        a->ep->stats.handshakes_failed++;
        d13_assoc_destroy(a, DTLS13_ASSOC_END_HANDSHAKE_TIMEOUT);
        return true;
    } else if (now_ms >= add_ms(a->last_rx_ms, o->idle_timeout_ms)) {
        if (a->phase == D13_ASSOC_HANDSHAKING) a->ep->stats.handshakes_failed++;
        d13_assoc_destroy(a, DTLS13_ASSOC_END_IDLE);
        return true;
    } else if (dtls13_conn_next_timeout(a->conn) <= now_ms) {
        a->ep->stats.timer_wakeups++;
        a->busy = true;
        (void)dtls13_conn_handle_timeout(a->conn, now_ms);
        a->busy = false;
    }
    d13_assoc_settle(a, now_ms);
    return false;
}

void d13_assoc_destroy(dtls13_assoc *a, dtls13_assoc_end reason)
{
    dtls13_endpoint *ep = a->ep;
    if (ep->cb.on_freed) {
        ep->callback_depth++;
        ep->cb.on_freed(ep->cb.user, a, reason);
        ep->callback_depth--;
    }
    leave_handshaking(a);
    if (a->linked) {
        d13_assoc_account(a);
        ep->live_state_bytes -= a->acct_bytes;
    }
    d13_assoc_table_remove(&ep->table, a);
    d13_timer_heap_remove(&ep->heap, a);
    ep->stats.freed[reason]++;
    dtls13_srtp_free(a->srtp);
    dtls13_conn_free(a->conn);
    free(a);
}

void d13_assoc_account(dtls13_assoc *a)
{
    dtls13_endpoint *ep = a->ep;
    dtls13_stats cs;
    dtls13_conn_stats(a->conn, &cs);
    uint64_t dropped = cs.dropped_bad_header + cs.dropped_bad_tag + cs.dropped_unknown_epoch + cs.dropped_replay +
                       cs.dropped_unexpected;
    ep->stats.records_in += cs.records_in - a->acct_records_in;
    ep->stats.records_out += cs.records_out - a->acct_records_out;
    ep->stats.retransmissions += cs.retransmissions - a->acct_retransmissions;
    ep->stats.dtls_dropped += dropped - a->acct_dtls_dropped;
    a->acct_records_in = cs.records_in;
    a->acct_records_out = cs.records_out;
    a->acct_retransmissions = cs.retransmissions;
    a->acct_dtls_dropped = dropped;
    size_t bytes = d13_assoc_state_bytes(a);
    ep->live_state_bytes += bytes;
    ep->live_state_bytes -= a->acct_bytes;
    a->acct_bytes = bytes;
}

size_t d13_assoc_state_bytes(const dtls13_assoc *a)
{
    return sizeof(*a) + dtls13_conn_memory_bytes(a->conn) + (a->srtp ? SRTP_SESSION_ESTIMATE : 0);
}
