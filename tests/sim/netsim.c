/* Deterministic network simulator: seeded links, virtual clock, bounded
 * event queue (a binary min-heap on delivery time, then send order). */
#include "netsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Steps at one virtual instant after which the simulator declares the
 *  connections stalled (a timer that never moves forward). */
#define NETSIM_MAX_STEPS_PER_INSTANT 100000u

typedef struct netsim_event {
    uint64_t deliver_at; /* virtual ms */
    uint64_t order;      /* global send order, breaks ties */
    uint64_t send_index; /* per-link index, detects reordering */
    int from, to;
    size_t len;
    uint8_t *data; /* owned */
} netsim_event;

typedef struct sim_node {
    netsim *sim;
    int index;
    int peer; /* -1 until connected */
    dtls13_conn *conn;
    netsim_link_params link; /* from this endpoint to its peer */
    netsim_link_stats stats;
    bool burst_bad;
    uint64_t next_send_index;
    uint64_t delivered_high; /* 1 + highest send index delivered, 0 if none */
    netsim_endpoint_info info;
} sim_node;

struct netsim {
    uint64_t rng[4];
    uint64_t now_ms;
    uint64_t next_order;
    uint64_t instant_ms;     /* the instant the step counter refers to */
    unsigned instant_steps;  /* steps taken at instant_ms */
    FILE *trace;
    int endpoint_count;
    sim_node endpoints[NETSIM_MAX_ENDPOINTS];
    size_t queue_len;
    netsim_event queue[NETSIM_QUEUE_CAPACITY];
};

/* ---- random numbers: splitmix64 seeding, xoshiro256** ---- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t netsim_random(netsim *sim)
{
    uint64_t *s = sim->rng;
    uint64_t result = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform double in [0, 1). */
static double random_unit(netsim *sim)
{
    return (double)(netsim_random(sim) >> 11) * (1.0 / 9007199254740992.0);
}

/* True with probability p; draws nothing when p <= 0 so that turning a
 * fault off does not shift the other draws more than necessary. */
static bool chance(netsim *sim, double p)
{
    if (p <= 0.0) return false;
    return random_unit(sim) < p;
}

static uint32_t random_below(netsim *sim, uint32_t bound_inclusive)
{
    if (bound_inclusive == 0) return 0;
    return (uint32_t)(netsim_random(sim) % ((uint64_t)bound_inclusive + 1));
}

/* ---- tracing ---- */

/* First byte of a datagram: 22 handshake, 21 alert, 26 ack (plaintext
 * header) or 0x2X..0x3X for the unified header of protected records. */
static void trace_datagram(const netsim *sim, const char *what, int from, int to, const uint8_t *data,
                           size_t len, uint64_t send_index)
{
    if (!sim->trace) return;
    fprintf(sim->trace, "[%8llu ms] %d->%d #%llu len %zu first 0x%02x: %s\n", (unsigned long long)sim->now_ms,
            from, to, (unsigned long long)send_index, len, len ? data[0] : 0, what);
}

/* ---- event queue ---- */

static bool event_before(const netsim_event *a, const netsim_event *b)
{
    if (a->deliver_at != b->deliver_at) return a->deliver_at < b->deliver_at;
    return a->order < b->order;
}

static void swap_events(netsim_event *a, netsim_event *b)
{
    netsim_event tmp = *a;
    *a = *b;
    *b = tmp;
}

static bool queue_push(netsim *sim, const netsim_event *ev)
{
    if (sim->queue_len == NETSIM_QUEUE_CAPACITY) return false;
    size_t i = sim->queue_len++;
    sim->queue[i] = *ev;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!event_before(&sim->queue[i], &sim->queue[parent])) break;
        swap_events(&sim->queue[i], &sim->queue[parent]);
        i = parent;
    }
    return true;
}

static netsim_event queue_pop(netsim *sim)
{
    netsim_event top = sim->queue[0];
    sim->queue[0] = sim->queue[--sim->queue_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < sim->queue_len && event_before(&sim->queue[l], &sim->queue[best])) best = l;
        if (r < sim->queue_len && event_before(&sim->queue[r], &sim->queue[best])) best = r;
        if (best == i) break;
        swap_events(&sim->queue[i], &sim->queue[best]);
        i = best;
    }
    return top;
}

/* ---- links ---- */

/* Schedules one copy of a datagram; false when the queue is full. */
static bool schedule_copy(sim_node *from, const uint8_t *data, size_t len, uint64_t send_index)
{
    netsim *sim = from->sim;
    const netsim_link_params *p = &from->link;
    uint64_t delay = p->delay_ms + random_below(sim, p->jitter_ms);
    if (chance(sim, p->reorder)) {
        delay += p->reorder_extra_ms;
        from->stats.held_back++;
    }
    netsim_event ev = {0};
    ev.deliver_at = sim->now_ms + delay;
    ev.order = sim->next_order++;
    ev.send_index = send_index;
    ev.from = from->index;
    ev.to = from->peer;
    ev.len = len;
    ev.data = malloc(len ? len : 1);
    if (!ev.data) return false;
    if (len) memcpy(ev.data, data, len);
    if (!queue_push(sim, &ev)) {
        free(ev.data);
        return false;
    }
    return true;
}

/* Decides whether the link loses this datagram (independent and burst). */
static bool link_loses(sim_node *from)
{
    netsim *sim = from->sim;
    const netsim_link_params *p = &from->link;
    if (p->burst_enter > 0.0 || from->burst_bad) {
        if (from->burst_bad) {
            if (chance(sim, p->burst_exit)) from->burst_bad = false;
        } else if (chance(sim, p->burst_enter)) {
            from->burst_bad = true;
        }
        if (from->burst_bad && chance(sim, p->burst_loss)) {
            from->stats.dropped_burst++;
            return true;
        }
    }
    if (chance(sim, p->loss)) {
        from->stats.dropped_loss++;
        return true;
    }
    return false;
}

/* Send callback of every endpoint's connection. */
static int link_send(void *user, const uint8_t *data, size_t len)
{
    sim_node *from = user;
    uint64_t send_index = from->next_send_index++;
    netsim *sim = from->sim;
    from->stats.sent++;
    from->stats.bytes_sent += len;
    if (from->peer < 0) {
        from->stats.dropped_unconnected++;
        trace_datagram(sim, "dropped (no peer)", from->index, from->peer, data, len, send_index);
        return 0;
    }
    if (len > NETSIM_MAX_DATAGRAM || (from->link.mtu && len > from->link.mtu)) {
        from->stats.dropped_mtu++;
        trace_datagram(sim, "dropped (above MTU)", from->index, from->peer, data, len, send_index);
        return 0;
    }
    if (link_loses(from)) {
        trace_datagram(sim, "lost", from->index, from->peer, data, len, send_index);
        return 0;
    }
    bool duplicate = chance(sim, from->link.duplicate);
    if (!schedule_copy(from, data, len, send_index)) {
        from->stats.dropped_queue++;
        trace_datagram(sim, "dropped (queue full)", from->index, from->peer, data, len, send_index);
        return 0;
    }
    trace_datagram(sim, duplicate ? "sent twice" : "sent", from->index, from->peer, data, len, send_index);
    if (duplicate) {
        from->stats.duplicated++;
        if (!schedule_copy(from, data, len, send_index)) from->stats.dropped_queue++;
    }
    return 0;
}

static void record_event(void *user, dtls13_conn *conn, const dtls13_event *event)
{
    (void)conn;
    sim_node *ep = user;
    if ((unsigned)event->type < 8) ep->info.events[event->type]++;
    if (event->type == DTLS13_EVENT_HANDSHAKE_DONE && ep->info.connected_at_ms == 0)
        ep->info.connected_at_ms = ep->sim->now_ms;
    if (event->type == DTLS13_EVENT_ALERT_SENT || event->type == DTLS13_EVENT_ALERT_RECEIVED)
        ep->info.last_alert = event->alert;
}

/* ---- public API ---- */

void netsim_link_params_init(netsim_link_params *p)
{
    memset(p, 0, sizeof(*p));
}

netsim *netsim_new(uint64_t seed)
{
    netsim *sim = calloc(1, sizeof(*sim));
    if (!sim) return NULL;
    uint64_t state = seed;
    for (int i = 0; i < 4; i++) sim->rng[i] = splitmix64(&state);
    sim->now_ms = NETSIM_START_MS;
    sim->instant_ms = NETSIM_START_MS;
    return sim;
}

void netsim_free(netsim *sim)
{
    if (!sim) return;
    for (size_t i = 0; i < sim->queue_len; i++) free(sim->queue[i].data);
    for (int i = 0; i < sim->endpoint_count; i++) dtls13_conn_free(sim->endpoints[i].conn);
    free(sim);
}

int netsim_add_endpoint(netsim *sim, dtls13_config *cfg, dtls13_role role)
{
    if (!sim || sim->endpoint_count == NETSIM_MAX_ENDPOINTS) return -1;
    int index = sim->endpoint_count;
    sim_node *ep = &sim->endpoints[index];
    memset(ep, 0, sizeof(*ep));
    ep->sim = sim;
    ep->index = index;
    ep->peer = -1;
    ep->info.last_alert = -1;
    ep->conn = dtls13_conn_new(cfg, role, link_send, ep);
    if (!ep->conn) return -1;
    dtls13_conn_set_event_callback(ep->conn, record_event, ep);
    sim->endpoint_count++;
    return index;
}

static bool valid_endpoint(const netsim *sim, int i)
{
    return sim && i >= 0 && i < sim->endpoint_count;
}

int netsim_connect(netsim *sim, int a, int b, const netsim_link_params *a_to_b,
                   const netsim_link_params *b_to_a)
{
    if (!valid_endpoint(sim, a) || !valid_endpoint(sim, b) || a == b || !a_to_b || !b_to_a) return -1;
    sim->endpoints[a].peer = b;
    sim->endpoints[a].link = *a_to_b;
    sim->endpoints[b].peer = a;
    sim->endpoints[b].link = *b_to_a;
    return 0;
}

int netsim_set_link(netsim *sim, int from, const netsim_link_params *params)
{
    if (!valid_endpoint(sim, from) || !params) return -1;
    sim->endpoints[from].link = *params;
    return 0;
}

dtls13_conn *netsim_conn(const netsim *sim, int endpoint)
{
    return valid_endpoint(sim, endpoint) ? sim->endpoints[endpoint].conn : NULL;
}

const netsim_endpoint_info *netsim_endpoint(const netsim *sim, int endpoint)
{
    return valid_endpoint(sim, endpoint) ? &sim->endpoints[endpoint].info : NULL;
}

const netsim_link_stats *netsim_link(const netsim *sim, int from)
{
    return valid_endpoint(sim, from) ? &sim->endpoints[from].stats : NULL;
}

uint64_t netsim_now(const netsim *sim)
{
    return sim->now_ms;
}

size_t netsim_in_flight(const netsim *sim)
{
    return sim->queue_len;
}

void netsim_start_all(netsim *sim)
{
    for (int pass = 0; pass < 2; pass++) {
        dtls13_role role = pass == 0 ? DTLS13_ROLE_SERVER : DTLS13_ROLE_CLIENT;
        for (int i = 0; i < sim->endpoint_count; i++) {
            if (dtls13_conn_role(sim->endpoints[i].conn) == role)
                dtls13_conn_start(sim->endpoints[i].conn, sim->now_ms);
        }
    }
}

static void deliver(netsim *sim, netsim_event *ev)
{
    sim_node *from = &sim->endpoints[ev->from];
    from->stats.delivered++;
    bool late = ev->send_index + 1 < from->delivered_high;
    if (late) from->stats.reordered++;
    else from->delivered_high = ev->send_index + 1;
    trace_datagram(sim, late ? "delivered (reordered)" : "delivered", ev->from, ev->to, ev->data, ev->len,
                   ev->send_index);
    if (valid_endpoint(sim, ev->to))
        dtls13_conn_handle_datagram(sim->endpoints[ev->to].conn, ev->data, ev->len, sim->now_ms);
    free(ev->data);
}

bool netsim_step(netsim *sim, uint64_t limit_ms)
{
    uint64_t next_timer = UINT64_MAX;
    for (int i = 0; i < sim->endpoint_count; i++) {
        uint64_t t = dtls13_conn_next_timeout(sim->endpoints[i].conn);
        if (t < next_timer) next_timer = t;
    }
    uint64_t next_delivery = sim->queue_len ? sim->queue[0].deliver_at : UINT64_MAX;
    uint64_t next = next_delivery <= next_timer ? next_delivery : next_timer;
    if (next == UINT64_MAX || next > limit_ms) return false;
    if (next > sim->now_ms) sim->now_ms = next;

    if (sim->now_ms != sim->instant_ms) {
        sim->instant_ms = sim->now_ms;
        sim->instant_steps = 0;
    }
    if (++sim->instant_steps > NETSIM_MAX_STEPS_PER_INSTANT) {
        fprintf(stderr, "netsim: no progress at virtual time %llu ms (timer never advances)\n",
                (unsigned long long)sim->now_ms);
        return false;
    }

    if (next_delivery <= next_timer) {
        netsim_event ev = queue_pop(sim);
        deliver(sim, &ev);
        return true;
    }
    for (int i = 0; i < sim->endpoint_count; i++) {
        dtls13_conn *c = sim->endpoints[i].conn;
        if (dtls13_conn_next_timeout(c) <= sim->now_ms) {
            if (sim->trace)
                fprintf(sim->trace, "[%8llu ms] timer of endpoint %d\n", (unsigned long long)sim->now_ms, i);
            dtls13_conn_handle_timeout(c, sim->now_ms);
        }
    }
    return true;
}

bool netsim_run_until(netsim *sim, netsim_done_fn done, void *user, uint64_t limit_ms)
{
    while (!done(sim, user)) {
        if (!netsim_step(sim, limit_ms)) {
            if (sim->now_ms < limit_ms) sim->now_ms = limit_ms;
            return done(sim, user);
        }
    }
    return true;
}

void netsim_run_for(netsim *sim, uint64_t duration_ms)
{
    uint64_t limit = sim->now_ms + duration_ms;
    while (netsim_step(sim, limit)) {
    }
    if (sim->now_ms < limit) sim->now_ms = limit;
}

bool netsim_all_connected(const netsim *sim)
{
    for (int i = 0; i < sim->endpoint_count; i++) {
        if (dtls13_conn_state(sim->endpoints[i].conn) != DTLS13_STATE_CONNECTED) return false;
    }
    return sim->endpoint_count > 0;
}

bool netsim_all_connected_or_dead(const netsim *sim, void *user)
{
    (void)user;
    for (int i = 0; i < sim->endpoint_count; i++) {
        dtls13_state s = dtls13_conn_state(sim->endpoints[i].conn);
        if (s == DTLS13_STATE_FAILED || s == DTLS13_STATE_CLOSED) return true;
    }
    return netsim_all_connected(sim);
}

void netsim_set_trace(netsim *sim, FILE *out)
{
    sim->trace = out;
}

void netsim_describe_link(const netsim_link_params *p, char *out, size_t cap)
{
    snprintf(out, cap,
             "loss=%.3f dup=%.3f reorder=%.3f(+%ums) delay=%ums jitter=%ums mtu=%zu burst=%.3f/%.3f/%.3f",
             p->loss, p->duplicate, p->reorder, (unsigned)p->reorder_extra_ms, (unsigned)p->delay_ms,
             (unsigned)p->jitter_ms, p->mtu, p->burst_enter, p->burst_exit, p->burst_loss);
}
