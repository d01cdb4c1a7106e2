/* Operations on the associations of an endpoint and its statistics
 * (include/dtls13/endpoint.h). */
#include <string.h>

#include "dtls13/errors.h"
#include "endpoint/endpoint_internal.h"
#include "handshake/hello_cache.h"

/* An application call on a's connection: marks it busy (so that a close
 * requested from its callbacks waits) and returns whether it already was. */
static bool assoc_enter(dtls13_assoc *a)
{
    bool was_busy = a->busy;
    a->busy = true;
    return was_busy;
}

/* Ends that call: the outermost one settles a (timers, a requested close)
 * at now_ms. Returns rc, the connection call's result. */
static int assoc_leave(dtls13_assoc *a, bool was_busy, int rc, uint64_t now_ms)
{
    a->busy = was_busy;
    if (!was_busy) d13_assoc_settle(a, now_ms);
    return rc;
}

int dtls13_endpoint_write(dtls13_endpoint *ep, dtls13_assoc *a, const uint8_t *data, size_t len, uint64_t now_ms)
{
    if (!ep || !a || a->ep != ep) return DTLS13_ERR_INVALID_ARG;
    bool was_busy = assoc_enter(a);
    return assoc_leave(a, was_busy, dtls13_conn_write(a->conn, data, len, now_ms), now_ms);
}

int dtls13_endpoint_path_ready(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms)
{
    if (!ep || !a || a->ep != ep) return DTLS13_ERR_INVALID_ARG;
    bool was_busy = assoc_enter(a);
    return assoc_leave(a, was_busy, dtls13_conn_path_ready(a->conn, now_ms), now_ms);
}

void dtls13_endpoint_close(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms)
{
    if (!ep || !a || a->ep != ep || a->phase == D13_ASSOC_ENDED) return;
    a->close_requested = true;
    /* Inside one of a's own connection callbacks the connection is busy:
     * the settle that follows that call closes it. */
    if (!a->busy) d13_assoc_settle(a, now_ms);
}

int dtls13_endpoint_rebind(dtls13_endpoint *ep, dtls13_assoc *a, const void *new_addr, size_t new_addr_len)
{
    if (!ep || !a || a->ep != ep || !new_addr || new_addr_len == 0 || new_addr_len > DTLS13_ENDPOINT_MAX_ADDR)
        return DTLS13_ERR_INVALID_ARG;
    dtls13_assoc *holder = d13_assoc_table_find(&ep->table, new_addr, new_addr_len);
    if (holder == a) return DTLS13_OK;
    if (holder) {
        if (holder->phase != D13_ASSOC_ENDED || holder->busy) return DTLS13_ERR_BAD_STATE;
        d13_assoc_destroy(holder, DTLS13_ASSOC_END_REPLACED);
    }
    d13_assoc_table_remove(&ep->table, a);
    memcpy(a->addr, new_addr, new_addr_len);
    a->addr_len = new_addr_len;
    a->addr_hash = d13_assoc_table_hash(&ep->table, new_addr, new_addr_len);
    d13_assoc_table_insert(&ep->table, a);
    return DTLS13_OK;
}

void dtls13_endpoint_reschedule(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms)
{
    if (!ep || !a || a->ep != ep || a->busy) return;
    d13_assoc_settle(a, now_ms);
}

static size_t endpoint_own_bytes(const dtls13_endpoint *ep)
{
    return sizeof(*ep) + 2 * (size_t)ep->opts.max_datagram + d13_assoc_table_bytes(&ep->table) +
           d13_timer_heap_bytes(&ep->heap) + D13_HELLO_CACHE_SLOTS * sizeof(d13_hello_slot);
}

void dtls13_endpoint_get_stats(const dtls13_endpoint *ep, dtls13_endpoint_stats *out)
{
    if (!out) return;
    memset(out, 0, sizeof(*out));
    if (!ep) return;
    *out = ep->stats;
    dtls13_listener_stats ls;
    dtls13_listener_get_stats(ep->listener, &ls);
    out->cookies_sent = ls.hrr_sent;
    out->cookies_verified = ls.cookies_verified;
    out->cookies_invalid = ls.cookies_invalid;
    out->listener_amplification_drops = ls.dropped_amplification;
    out->associations = ep->table.count;
    out->associations_handshaking = ep->handshaking;
    uint64_t bytes = endpoint_own_bytes(ep) + ep->live_state_bytes;
    out->state_bytes = bytes;
}

dtls13_listener *dtls13_endpoint_listener(dtls13_endpoint *ep)
{
    return ep ? ep->listener : NULL;
}

size_t dtls13_endpoint_count(const dtls13_endpoint *ep)
{
    return ep ? ep->table.count : 0;
}

void dtls13_endpoint_foreach(const dtls13_endpoint *ep, void (*fn)(void *user, dtls13_assoc *a), void *user)
{
    if (!ep || !fn) return;
    for (size_t i = 0; i < ep->heap.count; i++) fn(user, ep->heap.items[i]);
}

const char *dtls13_assoc_end_name(dtls13_assoc_end reason)
{
    switch (reason) {
    case DTLS13_ASSOC_END_HANDSHAKE_TIMEOUT: return "handshake-timeout";
    case DTLS13_ASSOC_END_IDLE: return "idle";
    case DTLS13_ASSOC_END_FAILED: return "failed";
    case DTLS13_ASSOC_END_CLOSED: return "closed";
    case DTLS13_ASSOC_END_REPLACED: return "replaced";
    case DTLS13_ASSOC_END_SHUTDOWN: return "shutdown";
    }
    return "unknown";
}

const char *dtls13_endpoint_drop_name(dtls13_endpoint_drop reason)
{
    static const char *const names[DTLS13_EP_DROP_COUNT] = {
        "demux",       "unrouted-kind", "stun-unhandled", "media-unknown-peer", "media-no-keys", "srtp-auth",
        "srtp-replay", "srtp-packet",   "listener",       "table-full",         "too-large",     "accept-failed",
    };
    return (unsigned)reason < DTLS13_EP_DROP_COUNT ? names[reason] : "unknown";
}

dtls13_conn *dtls13_assoc_conn(const dtls13_assoc *a)
{
    return a ? a->conn : NULL;
}

dtls13_srtp *dtls13_assoc_srtp(const dtls13_assoc *a)
{
    return a ? a->srtp : NULL;
}

const void *dtls13_assoc_address(const dtls13_assoc *a, size_t *len)
{
    if (len) *len = a ? a->addr_len : 0;
    return a ? a->addr : NULL;
}

void dtls13_assoc_set_user(dtls13_assoc *a, void *user)
{
    if (a) a->user = user;
}

void *dtls13_assoc_user(const dtls13_assoc *a)
{
    return a ? a->user : NULL;
}

int dtls13_assoc_set_peer_fingerprint(dtls13_assoc *a, const char *fingerprint)
{
    if (!a) return DTLS13_ERR_INVALID_ARG;
    bool was_busy = a->busy;
    a->busy = true;
    int rc = dtls13_conn_set_peer_fingerprint(a->conn, fingerprint);
    a->busy = was_busy;
    if (!was_busy && a->linked) d13_assoc_settle(a, a->ep->now_ms);
    return rc;
}

void dtls13_assoc_get_info(const dtls13_assoc *a, dtls13_assoc_info *out)
{
    if (!out) return;
    memset(out, 0, sizeof(*out));
    if (!a) return;
    out->role = a->role;
    out->state = dtls13_conn_state(a->conn);
    out->version = dtls13_conn_version(a->conn);
    out->created_ms = a->created_ms;
    out->connected_ms = a->connected_ms;
    out->last_rx_ms = a->last_rx_ms;
    out->address_validated = a->address_validated;
    out->datagrams_in = a->datagrams_in;
    out->media_in = a->media_in;
    out->media_out = a->media_out;
    out->media_dropped = a->media_dropped;
    out->state_bytes = d13_assoc_state_bytes(a);
    dtls13_conn_stats(a->conn, &out->conn);
    dtls13_srtp_get_stats(a->srtp, &out->srtp);
}
