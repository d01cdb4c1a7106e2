/* Internals of the multi-association endpoint (include/dtls13/endpoint.h):
 * the association record, the address table and the timer heap. */
#ifndef D13_ENDPOINT_INTERNAL_H
#define D13_ENDPOINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/endpoint.h"

/** Where an association is in its life, as the endpoint sees it. */
typedef enum d13_assoc_phase {
    D13_ASSOC_HANDSHAKING = 0, /* connection not yet connected */
    D13_ASSOC_CONNECTED = 1,
    D13_ASSOC_ENDED = 2,       /* failed or closed: lingering until freed */
} d13_assoc_phase;

struct dtls13_assoc {
    dtls13_endpoint *ep;
    dtls13_conn *conn;
    dtls13_srtp *srtp;
    void *user;
    dtls13_role role;
    d13_assoc_phase phase;
    dtls13_assoc_end end_reason; /* when ENDED */

    uint8_t addr[DTLS13_ENDPOINT_MAX_ADDR];
    size_t addr_len;
    uint64_t addr_hash;
    dtls13_assoc *next_in_bucket; /* address table chain */

    size_t heap_index;   /* position in the timer heap */
    uint64_t deadline;   /* heap key: the earliest of the timers below */
    uint64_t created_ms;
    uint64_t connected_ms;
    uint64_t last_rx_ms;
    uint64_t ended_ms;

    bool address_validated;
    bool linked;            /* in the table and the heap (false while being accepted) */
    bool busy;              /* inside a call into conn: its callbacks are running */
    bool close_requested;   /* dtls13_endpoint_close() while busy: done in settle */
    bool counted_handshaking;

    uint64_t datagrams_in;
    uint64_t media_in, media_out, media_dropped;

    /* What this association last added to the endpoint's running sums
     * (d13_assoc_account), so that statistics are O(1). */
    uint64_t acct_records_in, acct_records_out, acct_retransmissions, acct_dtls_dropped;
    size_t acct_bytes;
};

/** Hash table of associations by address: chained buckets, a power of two
 *  of them, grown when the load passes one entry per bucket. */
typedef struct d13_assoc_table {
    dtls13_assoc **buckets;
    size_t num_buckets;
    size_t count;
    uint64_t seed;
} d13_assoc_table;

/** Binary min-heap of associations by deadline; each association knows
 *  its index, so updates and removals are O(log n). */
typedef struct d13_timer_heap {
    dtls13_assoc **items;
    size_t count, cap;
} d13_timer_heap;

struct dtls13_endpoint {
    dtls13_config *cfg;
    dtls13_endpoint_callbacks cb;
    dtls13_endpoint_options opts;
    dtls13_listener *listener;
    d13_assoc_table table;
    d13_timer_heap heap;
    size_t handshaking; /* associations in D13_ASSOC_HANDSHAKING */
    int callback_depth; /* > 0 while a callback of the application runs */
    uint64_t now_ms;    /* time of the call being handled */
    uint64_t live_state_bytes; /* sum of the associations' acct_bytes */
    uint8_t *in_buf;    /* incoming media, decrypted in place (max_datagram) */
    uint8_t *out_buf;   /* outgoing media and listener replies (max_datagram) */
    dtls13_datagram_buffer *dgram_buf; /* where every association assembles its DTLS datagrams */
    dtls13_endpoint_stats stats;
};

/* ---- assoc_table.c ---- */
/** Allocates the first buckets and draws the hash seed. */
int d13_assoc_table_init(d13_assoc_table *t);
/** Frees the buckets (not the associations). */
void d13_assoc_table_free(d13_assoc_table *t);
/** The table's seeded hash of an address. */
uint64_t d13_assoc_table_hash(const d13_assoc_table *t, const void *addr, size_t len);
/** The association with exactly these address bytes, or NULL. */
dtls13_assoc *d13_assoc_table_find(const d13_assoc_table *t, const void *addr, size_t len);
/** Inserts a (its addr/addr_len/addr_hash set, not present yet); grows the
 *  table when needed (a failed growth only leaves longer chains). */
void d13_assoc_table_insert(d13_assoc_table *t, dtls13_assoc *a);
/** Removes a (which must be present). */
void d13_assoc_table_remove(d13_assoc_table *t, dtls13_assoc *a);
/** Bytes held by the bucket array. */
size_t d13_assoc_table_bytes(const d13_assoc_table *t);

/* ---- timer_heap.c ---- */
/** Frees the heap's array (not the associations). */
void d13_timer_heap_free(d13_timer_heap *h);
/** Adds a with key a->deadline. DTLS13_ERR_NO_MEMORY when it cannot grow. */
int d13_timer_heap_push(d13_timer_heap *h, dtls13_assoc *a);
/** Removes a (which must be in the heap). */
void d13_timer_heap_remove(d13_timer_heap *h, dtls13_assoc *a);
/** Sets a's key to deadline and restores the heap order. */
void d13_timer_heap_update(d13_timer_heap *h, dtls13_assoc *a, uint64_t deadline);
/** The association with the earliest deadline, or NULL. O(1). */
dtls13_assoc *d13_timer_heap_top(const d13_timer_heap *h);
/** Bytes held by the heap's array. */
size_t d13_timer_heap_bytes(const d13_timer_heap *h);

/* ---- assoc.c ---- */
/** Creates an association for conn (whose send callback and event callback
 *  must be d13_assoc_send/d13_assoc_on_event with the returned pointer as
 *  user: use d13_assoc_alloc first, then attach the conn). */
dtls13_assoc *d13_assoc_alloc(dtls13_endpoint *ep, const void *addr, size_t addr_len, dtls13_role role,
                              uint64_t now_ms);
/** Links a (with its conn attached) into the table and the heap. */
int d13_assoc_link(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms);
/** Send callback of every association's connection (user: the assoc). */
int d13_assoc_send(void *user, const uint8_t *datagram, size_t len);
/** Event callback of every association's connection (user: the assoc). */
void d13_assoc_on_event(void *user, dtls13_conn *conn, const dtls13_event *event);
/** After any call into a's connection: notes a state change (connected,
 *  ended), carries out a deferred close and re-arms a's timer. */
void d13_assoc_settle(dtls13_assoc *a, uint64_t now_ms);
/** Handles a DTLS datagram for a. */
void d13_assoc_handle_dtls(dtls13_assoc *a, const uint8_t *datagram, size_t len, uint64_t now_ms);
/** Handles an SRTP (rtcp false) or SRTCP datagram for a. */
void d13_assoc_handle_media(dtls13_assoc *a, const uint8_t *datagram, size_t len, bool rtcp);
/** Runs a's due timers at now_ms; frees a when it expired or its linger
 *  ended (returns true then). */
bool d13_assoc_run_timers(dtls13_assoc *a, uint64_t now_ms);
/** Unlinks and frees a, reporting reason through on_freed. */
void d13_assoc_destroy(dtls13_assoc *a, dtls13_assoc_end reason);
/** Adds what changed in a's connection statistics and state bytes since
 *  the last call to the endpoint's running sums. */
void d13_assoc_account(dtls13_assoc *a);
/** Bytes of state a holds (struct, connection buffers, SRTP estimate). */
size_t d13_assoc_state_bytes(const dtls13_assoc *a);

#endif
