/* The endpoint: creation, datagram routing (RFC 7983 / RFC 9443 demux),
 * the listener, timers over the heap, and the public operations on
 * associations (include/dtls13/endpoint.h). */
#include <stdlib.h>
#include <string.h>

#include "dtls13/errors.h"
#include "endpoint/endpoint_internal.h"
#include "handshake/hello_cache.h"

#define MAX_DATAGRAM_LIMIT 65535u
#define MIN_DATAGRAM 512u /* holds any HelloRetryRequest */

void dtls13_endpoint_options_init(dtls13_endpoint_options *o)
{
    if (!o) return;
    memset(o, 0, sizeof(*o));
    o->cookie_mode = DTLS13_COOKIE_ALWAYS;
    o->under_load_threshold = 64;
    o->handshake_timeout_ms = 20000;
    o->idle_timeout_ms = 30000;
    o->linger_ms = 2000;
    o->max_associations = 100000;
    o->max_datagram = 4096;
}

static bool options_valid(const dtls13_endpoint_options *o)
{
    return (o->cookie_mode == DTLS13_COOKIE_ALWAYS || o->cookie_mode == DTLS13_COOKIE_NEVER ||
            o->cookie_mode == DTLS13_COOKIE_UNDER_LOAD) &&
           o->handshake_timeout_ms > 0 && o->idle_timeout_ms > 0 && o->max_associations > 0 &&
           o->max_datagram >= MIN_DATAGRAM && o->max_datagram <= MAX_DATAGRAM_LIMIT;
}

dtls13_endpoint *dtls13_endpoint_new(dtls13_config *cfg, const dtls13_endpoint_callbacks *cb,
                                     const dtls13_endpoint_options *opts)
{
    if (!cfg || !cb || !cb->send) return NULL;
    dtls13_endpoint_options o;
    if (opts) o = *opts;
    else dtls13_endpoint_options_init(&o);
    if (!options_valid(&o)) return NULL;
    dtls13_endpoint *ep = calloc(1, sizeof(*ep));
    if (!ep) return NULL;
    ep->cb = *cb;
    ep->opts = o;
    /* The listener always decides per datagram (see need_cookie()). */
    ep->listener = dtls13_listener_new(cfg, DTLS13_COOKIE_UNDER_LOAD);
    ep->in_buf = malloc(o.max_datagram);
    ep->out_buf = malloc(o.max_datagram);
    ep->dgram_buf = dtls13_datagram_buffer_new(cfg);
    if (!ep->listener || !ep->in_buf || !ep->out_buf || !ep->dgram_buf || d13_assoc_table_init(&ep->table)) {
        dtls13_listener_free(ep->listener);
        dtls13_datagram_buffer_free(ep->dgram_buf);
        free(ep->in_buf);
        free(ep->out_buf);
        free(ep);
        return NULL;
    }
    ep->cfg = cfg;
    return ep;
}

void dtls13_endpoint_free(dtls13_endpoint *ep)
{
    if (!ep) return;
    dtls13_assoc *a;
    while ((a = d13_timer_heap_top(&ep->heap)) != NULL) d13_assoc_destroy(a, DTLS13_ASSOC_END_SHUTDOWN);
    d13_timer_heap_free(&ep->heap);
    d13_assoc_table_free(&ep->table);
    dtls13_listener_free(ep->listener);
    dtls13_datagram_buffer_free(ep->dgram_buf);
    free(ep->in_buf);
    free(ep->out_buf);
    free(ep);
}

static bool bad_addr(const void *addr, size_t len)
{
    return !addr || len == 0 || len > DTLS13_ENDPOINT_MAX_ADDR;
}

/* Whether a new handshake from addr must go through a cookie exchange. */
static bool need_cookie(dtls13_endpoint *ep, bool validated)
{
    if (validated) return false;
    switch (ep->opts.cookie_mode) {
    case DTLS13_COOKIE_ALWAYS: return true;
    case DTLS13_COOKIE_UNDER_LOAD: return ep->handshaking >= ep->opts.under_load_threshold;
    default: return false;
    }
}

static bool address_validated(dtls13_endpoint *ep, const void *addr, size_t addr_len)
{
    if (!ep->cb.address_validated) return false;
    ep->callback_depth++;
    bool v = ep->cb.address_validated(ep->cb.user, addr, addr_len);
    ep->callback_depth--;
    return v;
}

static void send_listener_reply(dtls13_endpoint *ep, const void *addr, size_t addr_len, size_t len)
{
    ep->callback_depth++;
    int rc = ep->cb.send(ep->cb.user, addr, addr_len, ep->out_buf, len);
    ep->callback_depth--;
    if (rc < 0) ep->stats.send_failures++;
    else ep->stats.datagrams_out++;
}

/* A complete ClientHello the server refuses (no common version, suite,
 * group or signature scheme), from a peer that needs no cookie: a
 * throw-away connection answers it with the alert a stateful server would
 * send (protocol_version, handshake_failure), so the client fails at once
 * instead of retransmitting into silence. With a cookie required the
 * listener stays silent: no alerts towards unvalidated addresses. */
static void refuse_with_alert(dtls13_endpoint *ep, const uint8_t *datagram, size_t len, const void *addr,
                              size_t addr_len, uint64_t now_ms, const dtls13_listener_stats *before)
{
    dtls13_listener_stats after;
    dtls13_listener_get_stats(ep->listener, &after);
    if (after.dropped_unacceptable == before->dropped_unacceptable) return;
    dtls13_assoc *a = d13_assoc_alloc(ep, addr, addr_len, DTLS13_ROLE_SERVER, now_ms);
    if (!a) return;
    a->conn = dtls13_conn_new(ep->cfg, DTLS13_ROLE_SERVER, d13_assoc_send, a);
    if (a->conn) {
        dtls13_conn_set_event_callback(a->conn, d13_assoc_on_event, a); /* counts the alert; a is not linked */
        a->busy = true;
        (void)dtls13_conn_handle_datagram(a->conn, datagram, len, now_ms);
        a->busy = false;
        dtls13_conn_free(a->conn);
    }
    free(a);
}

/* DTLS from an address without an association: the stateless listener.
 * With stale set, the datagram is a second ClientHello answering one of
 * the listener's cookie exchanges while stale, a handshaking association
 * from the same address, was made from a late copy of the client's first
 * ClientHello (it arrived once no cookie was needed any more): when the
 * listener accepts it (its cookie verified, or none is needed), the client
 * is on the listener's path and stale is replaced; otherwise the datagram
 * is dropped and stale left alone. (Before, stale took it and failed with
 * unexpected_message, and the client's handshake waited for it to end.) */
static void handle_new_peer(dtls13_endpoint *ep, dtls13_assoc *stale, const uint8_t *datagram, size_t len,
                            const void *addr, size_t addr_len, uint64_t now_ms)
{
    bool validated = address_validated(ep, addr, addr_len);
    dtls13_listener_set_under_load(ep->listener, need_cookie(ep, validated));
    dtls13_listener_stats before;
    dtls13_listener_get_stats(ep->listener, &before);
    size_t out_len = 0;
    int res = dtls13_listen(ep->listener, datagram, len, addr, addr_len, now_ms, ep->out_buf, ep->opts.max_datagram,
                            &out_len);
    if (stale) {
        if (res != DTLS13_LISTEN_ACCEPT) {
            ep->stats.drops[DTLS13_EP_DROP_LISTENER]++;
            return;
        }
        d13_assoc_destroy(stale, DTLS13_ASSOC_END_REPLACED);
    }
    if (res == DTLS13_LISTEN_SEND_HRR) {
        send_listener_reply(ep, addr, addr_len, out_len);
        return;
    }
    if (res != DTLS13_LISTEN_ACCEPT) {
        ep->stats.drops[DTLS13_EP_DROP_LISTENER]++;
        if (!need_cookie(ep, validated)) refuse_with_alert(ep, datagram, len, addr, addr_len, now_ms, &before);
        return;
    }
    if (ep->table.count >= ep->opts.max_associations) {
        ep->stats.drops[DTLS13_EP_DROP_TABLE_FULL]++;
        return;
    }
    dtls13_assoc *a = d13_assoc_alloc(ep, addr, addr_len, DTLS13_ROLE_SERVER, now_ms);
    if (!a) {
        ep->stats.drops[DTLS13_EP_DROP_ACCEPT_FAILED]++;
        return;
    }
    dtls13_listener_get_stats(ep->listener, &before);
    dtls13_accept_options ao = {d13_assoc_on_event, a, validated};
    a->busy = true;
    a->conn = dtls13_listener_accept_ex(ep->listener, datagram, len, addr, addr_len, d13_assoc_send, a, now_ms, &ao);
    a->busy = false;
    if (!a->conn || d13_assoc_link(ep, a, now_ms)) {
        dtls13_conn_free(a->conn);
        free(a);
        ep->stats.drops[DTLS13_EP_DROP_ACCEPT_FAILED]++;
        return;
    }
    dtls13_listener_stats after;
    dtls13_listener_get_stats(ep->listener, &after);
    a->address_validated = validated || after.cookies_verified > before.cookies_verified;
    if (ep->cb.on_association) {
        ep->callback_depth++;
        ep->cb.on_association(ep->cb.user, a);
        ep->callback_depth--;
    }
    d13_assoc_settle(a, now_ms);
}

/* Whether the datagram starts with a DTLSPlaintext ClientHello record; its
 * message_seq in *seq. message_seq 0 starts a handshake (a peer that
 * restarted after its association ended); above 0 it answers a
 * HelloRetryRequest or HelloVerifyRequest. */
static bool plaintext_client_hello(const uint8_t *d, size_t len, unsigned *seq)
{
    /* record header 13 bytes, then msg_type, length(3), message_seq(2) */
    if (len < 13 + 12 || d[0] != 22 || d[3] != 0 || d[4] != 0 || d[13] != 1) return false;
    *seq = (unsigned)d[17] << 8 | d[18];
    return true;
}

static void handle_dtls(dtls13_endpoint *ep, dtls13_assoc *a, const uint8_t *datagram, size_t len,
                        const void *addr, size_t addr_len, uint64_t now_ms)
{
    unsigned seq = 0;
    bool client_hello = plaintext_client_hello(datagram, len, &seq);
    if (a && a->phase == D13_ASSOC_ENDED && client_hello && seq == 0) {
        d13_assoc_destroy(a, DTLS13_ASSOC_END_REPLACED);
        a = NULL;
    }
    /* A second ClientHello that this association cannot have asked for
     * (it sent no HelloRetryRequest of its own) answers the listener's. */
    if (a && a->phase == D13_ASSOC_HANDSHAKING && a->role == DTLS13_ROLE_SERVER &&
        client_hello && seq > 0 && !dtls13_conn_used_hello_retry(a->conn)) {
        handle_new_peer(ep, a, datagram, len, addr, addr_len, now_ms);
        return;
    }
    if (a) d13_assoc_handle_dtls(a, datagram, len, now_ms);
    else handle_new_peer(ep, NULL, datagram, len, addr, addr_len, now_ms);
}

static void handle_stun(dtls13_endpoint *ep, dtls13_assoc *a, const uint8_t *datagram, size_t len,
                        const void *addr, size_t addr_len, uint64_t now_ms)
{
    if (!ep->cb.on_stun) {
        ep->stats.drops[DTLS13_EP_DROP_STUN_UNHANDLED]++;
        return;
    }
    ep->stats.stun_in++;
    ep->callback_depth++;
    bool authenticated = ep->cb.on_stun(ep->cb.user, a, addr, addr_len, datagram, len);
    ep->callback_depth--;
    if (!authenticated) return;
    ep->stats.stun_authenticated++;
    /* The callback may have rebound a elsewhere: look it up again. */
    a = d13_assoc_table_find(&ep->table, addr, addr_len);
    if (!a || a->phase == D13_ASSOC_ENDED) return;
    a->last_rx_ms = now_ms; /* consent freshness (RFC 7675) */
    if (a->phase == D13_ASSOC_HANDSHAKING && a->role == DTLS13_ROLE_SERVER && !a->address_validated) {
        a->address_validated = true;
        a->busy = true;
        (void)dtls13_conn_set_peer_address_validated(a->conn);
        a->busy = false;
        d13_assoc_settle(a, now_ms);
    }
}

int dtls13_endpoint_handle_datagram(dtls13_endpoint *ep, const uint8_t *datagram, size_t len, const void *addr,
                                    size_t addr_len, uint64_t now_ms)
{
    if (!ep || (!datagram && len) || bad_addr(addr, addr_len)) return DTLS13_ERR_INVALID_ARG;
    if (ep->callback_depth > 0) return DTLS13_ERR_BAD_STATE;
    ep->now_ms = now_ms;
    ep->stats.datagrams_in++;
    dtls13_demux_kind kind = dtls13_demux_classify_count(&ep->stats.demux, datagram, len);
    if (len > ep->opts.max_datagram) {
        ep->stats.drops[DTLS13_EP_DROP_TOO_LARGE]++;
        return DTLS13_OK;
    }
    dtls13_assoc *a = d13_assoc_table_find(&ep->table, addr, addr_len);
    switch (kind) {
    case DTLS13_DEMUX_DTLS: handle_dtls(ep, a, datagram, len, addr, addr_len, now_ms); break;
    case DTLS13_DEMUX_RTP:
    case DTLS13_DEMUX_RTCP:
        if (a) d13_assoc_handle_media(a, datagram, len, kind == DTLS13_DEMUX_RTCP);
        else ep->stats.drops[DTLS13_EP_DROP_MEDIA_UNKNOWN_PEER]++;
        break;
    case DTLS13_DEMUX_STUN: handle_stun(ep, a, datagram, len, addr, addr_len, now_ms); break;
    case DTLS13_DEMUX_ZRTP:
    case DTLS13_DEMUX_TURN_CHANNEL: ep->stats.drops[DTLS13_EP_DROP_UNROUTED_KIND]++; break;
    default: ep->stats.drops[DTLS13_EP_DROP_DEMUX]++; break;
    }
    return DTLS13_OK;
}

uint64_t dtls13_endpoint_next_timeout(const dtls13_endpoint *ep)
{
    if (!ep) return UINT64_MAX;
    const dtls13_assoc *top = d13_timer_heap_top(&ep->heap);
    return top ? top->deadline : UINT64_MAX;
}

size_t dtls13_endpoint_handle_timeout(dtls13_endpoint *ep, uint64_t now_ms)
{
    if (!ep || ep->callback_depth > 0) return 0;
    ep->now_ms = now_ms;
    size_t handled = 0;
    dtls13_assoc *a;
    /* Each association handled is re-armed later than now_ms or freed, so
     * the loop ends after at most one visit per due association. */
    while ((a = d13_timer_heap_top(&ep->heap)) != NULL && a->deadline <= now_ms) {
        (void)d13_assoc_run_timers(a, now_ms);
        handled++;
    }
    return handled;
}

int dtls13_endpoint_connect(dtls13_endpoint *ep, const void *addr, size_t addr_len, uint64_t now_ms,
                            dtls13_assoc **out)
{
    if (out) *out = NULL;
    if (!ep || bad_addr(addr, addr_len)) return DTLS13_ERR_INVALID_ARG;
    dtls13_assoc *old = d13_assoc_table_find(&ep->table, addr, addr_len);
    if (old) {
        if (old->phase != D13_ASSOC_ENDED || old->busy) return DTLS13_ERR_BAD_STATE;
        d13_assoc_destroy(old, DTLS13_ASSOC_END_REPLACED);
    }
    if (ep->table.count >= ep->opts.max_associations) return DTLS13_ERR_WOULD_BLOCK;
    ep->now_ms = now_ms;
    dtls13_assoc *a = d13_assoc_alloc(ep, addr, addr_len, DTLS13_ROLE_CLIENT, now_ms);
    if (!a) return DTLS13_ERR_NO_MEMORY;
    a->conn = dtls13_conn_new(ep->cfg, DTLS13_ROLE_CLIENT, d13_assoc_send, a);
    if (!a->conn || d13_assoc_link(ep, a, now_ms)) {
        dtls13_conn_free(a->conn);
        free(a);
        return DTLS13_ERR_NO_MEMORY;
    }
    dtls13_conn_set_event_callback(a->conn, d13_assoc_on_event, a);
    a->busy = true;
    (void)dtls13_conn_start(a->conn, now_ms);
    a->busy = false;
    d13_assoc_settle(a, now_ms);
    if (out) *out = a;
    return DTLS13_OK;
}

dtls13_assoc *dtls13_endpoint_find(const dtls13_endpoint *ep, const void *addr, size_t addr_len)
{
    if (!ep || bad_addr(addr, addr_len)) return NULL;
    return d13_assoc_table_find(&ep->table, addr, addr_len);
}

int dtls13_endpoint_send_media(dtls13_endpoint *ep, dtls13_assoc *a, const uint8_t *packet, size_t len, bool rtcp,
                               uint64_t now_ms)
{
    (void)now_ms;
    if (!ep || !a || a->ep != ep || !packet) return DTLS13_ERR_INVALID_ARG;
    if (!a->srtp || a->phase == D13_ASSOC_ENDED) return DTLS13_ERR_WOULD_BLOCK;
    size_t cap = ep->opts.max_datagram;
    if (len > cap || cap - len < dtls13_srtp_overhead(a->srtp, rtcp)) return DTLS13_ERR_INVALID_ARG;
    memcpy(ep->out_buf, packet, len);
    size_t out_len = 0;
    int rc = rtcp ? dtls13_srtp_protect_rtcp(a->srtp, ep->out_buf, len, cap, &out_len)
                  : dtls13_srtp_protect_rtp(a->srtp, ep->out_buf, len, cap, &out_len);
    if (rc != 0) return rc;
    ep->callback_depth++;
    rc = ep->cb.send(ep->cb.user, a->addr, a->addr_len, ep->out_buf, out_len);
    ep->callback_depth--;
    if (rc < 0) {
        ep->stats.send_failures++;
        return rc;
    }
    ep->stats.datagrams_out++;
    ep->stats.media_out++;
    ep->stats.media_bytes_out += len;
    a->media_out++;
    return DTLS13_OK;
}
