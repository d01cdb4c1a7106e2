/* Deterministic network simulator for tests and benchmarks.
 *
 * Endpoints are dtls13_conn objects driven only through the public sans-IO
 * API (include/dtls13/). Each endpoint is wired to one peer endpoint; every
 * direction of a wire is a link with its own parameters: loss, burst loss
 * (Gilbert-Elliott), duplication, reordering, base one-way delay, jitter and
 * a path MTU (larger datagrams are dropped, as on a real path).
 *
 * Time is virtual (milliseconds) and all randomness comes from one seeded
 * xoshiro256** generator, so a run is fully determined by its seed and its
 * parameters: a failing seed can be replayed exactly.
 *
 * Datagrams in flight sit in an event queue ordered by delivery time (ties
 * in send order). The queue has a fixed capacity; a datagram sent while it
 * is full is dropped and counted, like a router queue overflowing, so the
 * simulator never holds unbounded memory. */
#ifndef D13_TEST_NETSIM_H
#define D13_TEST_NETSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dtls13/dtls13.h"

/** Most endpoints one simulator holds. */
#define NETSIM_MAX_ENDPOINTS 8
/** Most datagrams in flight at once (all links together). */
#define NETSIM_QUEUE_CAPACITY 4096
/** Largest datagram the simulator carries (UDP payload limit). */
#define NETSIM_MAX_DATAGRAM 65507u
/** Virtual time at which a new simulator's clock starts. */
#define NETSIM_START_MS 1000u

/** Parameters of one direction of a link. Probabilities are in [0, 1]. */
typedef struct netsim_link_params {
    double loss;               /**< independent loss probability per datagram */
    double duplicate;          /**< probability a datagram is delivered twice */
    double reorder;            /**< probability a datagram is held back ... */
    uint32_t reorder_extra_ms; /**< ... by this many extra milliseconds */
    uint32_t delay_ms;         /**< base one-way delay */
    uint32_t jitter_ms;        /**< extra delay, uniform in [0, jitter_ms] */
    size_t mtu;                /**< larger datagrams are dropped; 0 = no limit */
    double burst_enter;        /**< Gilbert-Elliott: good -> bad per datagram */
    double burst_exit;         /**< bad -> good per datagram */
    double burst_loss;         /**< loss probability while in the bad state */
} netsim_link_params;

/** What happened on one direction of a link. */
typedef struct netsim_link_stats {
    uint64_t sent;            /**< datagrams handed to the link by the sender */
    uint64_t delivered;       /**< datagrams handed to the receiver (copies included) */
    uint64_t dropped_loss;    /**< lost to the independent loss probability */
    uint64_t dropped_burst;   /**< lost in the burst (bad) state */
    uint64_t dropped_mtu;     /**< larger than the link MTU */
    uint64_t dropped_queue;   /**< the event queue was full (copies included) */
    uint64_t dropped_unconnected; /**< sent before netsim_connect wired a peer */
    uint64_t duplicated;      /**< extra copies made (sent + duplicated =
                                   delivered + all drops + still in flight) */
    uint64_t held_back;       /**< datagrams given the reordering delay */
    uint64_t reordered;       /**< delivered after a datagram sent later */
    uint64_t bytes_sent;      /**< payload bytes handed to the link */
} netsim_link_stats;

/** Per-endpoint record kept by the simulator. */
typedef struct netsim_endpoint_info {
    uint64_t connected_at_ms; /**< virtual time of HANDSHAKE_DONE, 0 before */
    int events[8];            /**< count per dtls13_event_type */
    int last_alert;           /**< last alert sent or received, -1 if none */
} netsim_endpoint_info;

typedef struct netsim netsim;

/** Fills p with a clean link: no loss, no delay, no MTU limit. */
void netsim_link_params_init(netsim_link_params *p);

/** Creates a simulator whose randomness is determined by seed. Returns NULL
 *  when out of memory. */
netsim *netsim_new(uint64_t seed);

/** Frees the simulator, its connections and the datagrams in flight. */
void netsim_free(netsim *sim);

/** Creates a connection for role from cfg as a new endpoint. Returns its
 *  index (0, 1, ...) or -1 when the simulator is full or creation failed. */
int netsim_add_endpoint(netsim *sim, dtls13_config *cfg, dtls13_role role);

/** Wires endpoints a and b together: datagrams from a travel over a_to_b,
 *  datagrams from b over b_to_a (the parameters are copied). Returns 0, or
 *  -1 on bad indexes. */
int netsim_connect(netsim *sim, int a, int b, const netsim_link_params *a_to_b,
                   const netsim_link_params *b_to_a);

/** Replaces the parameters of the link from endpoint `from` to its peer
 *  (datagrams already in flight keep their fate). Returns 0 or -1. */
int netsim_set_link(netsim *sim, int from, const netsim_link_params *params);

/** The connection of an endpoint, or NULL for a bad index. */
dtls13_conn *netsim_conn(const netsim *sim, int endpoint);

/** What the simulator recorded for an endpoint (NULL for a bad index). */
const netsim_endpoint_info *netsim_endpoint(const netsim *sim, int endpoint);

/** Statistics of the link from endpoint `from` to its peer (NULL if none). */
const netsim_link_stats *netsim_link(const netsim *sim, int from);

/** Current virtual time in milliseconds. */
uint64_t netsim_now(const netsim *sim);

/** Calls dtls13_conn_start on every endpoint at the current time (servers
 *  first, so they are listening when the first ClientHello lands). */
void netsim_start_all(netsim *sim);

/** Advances to the next event (a delivery or a connection timer) if it is
 *  due no later than limit_ms, and handles it. Returns false when nothing
 *  is due by limit_ms (the clock then stays where it was). */
bool netsim_step(netsim *sim, uint64_t limit_ms);

/** Condition for netsim_run_until. */
typedef bool (*netsim_done_fn)(const netsim *sim, void *user);

/** Steps until done(sim, user) holds (checked before every step) or no
 *  event is due by limit_ms; then advances the clock to limit_ms if done
 *  never held. Returns whether done held. */
bool netsim_run_until(netsim *sim, netsim_done_fn done, void *user, uint64_t limit_ms);

/** Steps through every event due by limit_ms and leaves the clock there. */
void netsim_run_for(netsim *sim, uint64_t duration_ms);

/** Ready-made condition: every endpoint is CONNECTED, or one has FAILED
 *  or CLOSED (check the states afterwards). */
bool netsim_all_connected_or_dead(const netsim *sim, void *user);

/** Whether every endpoint is CONNECTED. */
bool netsim_all_connected(const netsim *sim);

/** Number of datagrams in flight. */
size_t netsim_in_flight(const netsim *sim);

/** Draws the next 64-bit value from the simulator's generator (for tests
 *  that want more randomness on the same seed). */
uint64_t netsim_random(netsim *sim);

/** Prints one line per datagram event (sent, dropped and why, delivered)
 *  and per timer run to out; NULL turns tracing off. */
void netsim_set_trace(netsim *sim, FILE *out);

/** Writes a one-line description of link parameters into out
 *  (NUL-terminated, truncated to cap). */
void netsim_describe_link(const netsim_link_params *p, char *out, size_t cap);

#endif
