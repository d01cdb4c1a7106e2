/* Network simulator for the endpoint (epsim.h): a binary min-heap of
 * datagrams in flight ordered by delivery time, then send order. */
#include "epsim.h"

#include <stdlib.h>
#include <string.h>

#include "dtls13/demux.h"
#include "dtls13/srtp.h"

#define EPSIM_RTP_PAYLOAD 100u

typedef struct epsim_datagram {
    uint64_t deliver_at, order;
    size_t client; /* sender (up) or receiver (down) */
    bool up;
    size_t len;
    uint8_t *data;
} epsim_datagram;

typedef struct epsim_peer {
    epsim *sim;
    size_t index;
    dtls13_srtp *srtp;
    uint16_t rtp_seq;
    epsim_client_info info;
} epsim_peer;

struct epsim {
    netsim *rng; /* only its generator is used */
    uint64_t now, next_order;
    netsim_link_params link[2]; /* [1] up, [0] down */
    netsim_link_stats stats[2];
    dtls13_config *server_cfg;
    dtls13_endpoint *server;
    epsim_peer *peers[EPSIM_MAX_CLIENTS];
    size_t num_peers;
    epsim_datagram *heap;
    size_t heap_len, heap_cap;
    uint64_t rtp_delivered[2];
    uint64_t server_bad_media;
};

/* ---- randomness and the heap ---- */

static double random_unit(epsim *s)
{
    return (double)(netsim_random(s->rng) >> 11) * (1.0 / 9007199254740992.0);
}

static bool chance(epsim *s, double p)
{
    return p > 0.0 && random_unit(s) < p;
}

static bool earlier(const epsim_datagram *a, const epsim_datagram *b)
{
    return a->deliver_at != b->deliver_at ? a->deliver_at < b->deliver_at : a->order < b->order;
}

static void heap_push(epsim *s, const epsim_datagram *d)
{
    if (s->heap_len == s->heap_cap) {
        size_t cap = s->heap_cap ? s->heap_cap * 2 : 256;
        epsim_datagram *h = realloc(s->heap, cap * sizeof(*h));
        if (!h) abort();
        s->heap = h;
        s->heap_cap = cap;
    }
    size_t i = s->heap_len++;
    s->heap[i] = *d;
    while (i > 0 && earlier(&s->heap[i], &s->heap[(i - 1) / 2])) {
        epsim_datagram t = s->heap[i];
        s->heap[i] = s->heap[(i - 1) / 2];
        s->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static epsim_datagram heap_pop(epsim *s)
{
    epsim_datagram top = s->heap[0];
    s->heap[0] = s->heap[--s->heap_len];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        if (l < s->heap_len && earlier(&s->heap[l], &s->heap[best])) best = l;
        if (r < s->heap_len && earlier(&s->heap[r], &s->heap[best])) best = r;
        if (best == i) break;
        epsim_datagram t = s->heap[i];
        s->heap[i] = s->heap[best];
        s->heap[best] = t;
        i = best;
    }
    return top;
}

/* One datagram onto a link: lost, or scheduled once or twice. */
static void transmit(epsim *s, size_t client, bool up, const uint8_t *data, size_t len)
{
    const netsim_link_params *p = &s->link[up];
    netsim_link_stats *st = &s->stats[up];
    st->sent++;
    st->bytes_sent += len;
    if (chance(s, p->loss)) {
        st->dropped_loss++;
        return;
    }
    int copies = chance(s, p->duplicate) ? 2 : 1;
    if (copies == 2) st->duplicated++;
    for (int k = 0; k < copies; k++) {
        uint64_t delay = p->delay_ms + (p->jitter_ms ? netsim_random(s->rng) % (p->jitter_ms + 1u) : 0);
        if (chance(s, p->reorder)) {
            delay += p->reorder_extra_ms;
            st->held_back++;
        }
        epsim_datagram d = {s->now + (delay ? delay : 1), s->next_order++, client, up, len, malloc(len ? len : 1)};
        if (!d.data) abort();
        memcpy(d.data, data, len);
        heap_push(s, &d);
    }
}

static void client_addr(size_t i, uint8_t out[4])
{
    out[0] = 'e';
    out[1] = (uint8_t)(i >> 16);
    out[2] = (uint8_t)(i >> 8);
    out[3] = (uint8_t)i;
}

static size_t addr_client(const epsim *s, const void *addr, size_t len)
{
    const uint8_t *a = addr;
    if (len != 4 || a[0] != 'e') return SIZE_MAX;
    size_t i = (size_t)a[1] << 16 | (size_t)a[2] << 8 | a[3];
    return i < s->num_peers ? i : SIZE_MAX;
}

/* ---- RTP payloads ---- */

static void fill_payload(uint8_t *p, uint32_t ssrc, uint16_t seq)
{
    for (size_t j = 0; j < EPSIM_RTP_PAYLOAD; j++) p[j] = (uint8_t)(ssrc * 97u + seq * 13u + j);
}

static bool rtp_ok(const uint8_t *pkt, size_t len, uint32_t ssrc)
{
    uint8_t want[EPSIM_RTP_PAYLOAD];
    if (len != 12 + EPSIM_RTP_PAYLOAD) return false;
    uint32_t got = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 | (uint32_t)pkt[10] << 8 | pkt[11];
    if (got != ssrc) return false;
    fill_payload(want, ssrc, (uint16_t)(pkt[2] << 8 | pkt[3]));
    return memcmp(pkt + 12, want, sizeof(want)) == 0;
}

/* ---- the server's callbacks ---- */

static int server_send(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    epsim *s = user;
    size_t i = addr_client(s, addr, addr_len);
    if (i != SIZE_MAX) transmit(s, i, false, data, len);
    return 0;
}

static void server_on_media(void *user, dtls13_assoc *a, uint8_t *packet, size_t len, bool rtcp)
{
    epsim *s = user;
    size_t alen = 0;
    const void *addr = dtls13_assoc_address(a, &alen);
    size_t i = addr_client(s, addr, alen);
    if (rtcp || i == SIZE_MAX || !rtp_ok(packet, len, (uint32_t)i + 1)) s->server_bad_media++;
    (void)dtls13_endpoint_send_media(s->server, a, packet, len, rtcp, s->now);
}

/* ---- clients ---- */

static int client_send(void *user, const uint8_t *data, size_t len)
{
    epsim_peer *p = user;
    transmit(p->sim, p->index, true, data, len);
    return 0;
}

static void client_receive(epsim *s, epsim_peer *p, uint8_t *data, size_t len)
{
    dtls13_demux_kind k = dtls13_demux_classify(data, len);
    if (k == DTLS13_DEMUX_DTLS) {
        (void)dtls13_conn_handle_datagram(p->info.conn, data, len, s->now);
        return;
    }
    if (k != DTLS13_DEMUX_RTP) return;
    s->rtp_delivered[0]++;
    size_t out = 0;
    if (!p->srtp || dtls13_srtp_unprotect_rtp(p->srtp, data, len, &out) != 0) {
        p->info.media_dropped++;
        return;
    }
    if (rtp_ok(data, out, (uint32_t)p->index + 1)) p->info.echoes_ok++;
    else p->info.echoes_bad++;
}

/* After every input or timer: note the connection and its SRTP keys. */
static void client_settle(epsim *s, epsim_peer *p)
{
    if (p->info.connected_ms || dtls13_conn_state(p->info.conn) != DTLS13_STATE_CONNECTED) return;
    p->info.connected_ms = s->now;
    if (dtls13_conn_srtp_profile(p->info.conn) != 0) (void)dtls13_srtp_new(p->info.conn, &p->srtp);
}

epsim *epsim_new(uint64_t seed, const netsim_link_params *up, const netsim_link_params *down,
                 const dtls13_endpoint_options *opts)
{
    epsim *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->rng = netsim_new(seed);
    s->server_cfg = dtls13_config_new();
    s->now = NETSIM_START_MS;
    s->link[1] = *up;
    s->link[0] = *down;
    if (!s->rng || !s->server_cfg || dtls13_config_generate_certificate(s->server_cfg, "epsim server")) {
        epsim_free(s);
        return NULL;
    }
    dtls13_endpoint_callbacks cb = {.send = server_send, .on_media = server_on_media, .user = s};
    s->server = dtls13_endpoint_new(s->server_cfg, &cb, opts);
    if (!s->server) {
        epsim_free(s);
        return NULL;
    }
    return s;
}

void epsim_free(epsim *s)
{
    if (!s) return;
    dtls13_endpoint_free(s->server);
    for (size_t i = 0; i < s->num_peers; i++) {
        dtls13_srtp_free(s->peers[i]->srtp);
        dtls13_conn_free(s->peers[i]->info.conn);
        free(s->peers[i]);
    }
    for (size_t i = 0; i < s->heap_len; i++) free(s->heap[i].data);
    free(s->heap);
    dtls13_config_free(s->server_cfg);
    netsim_free(s->rng);
    free(s);
}

int epsim_add_client(epsim *s, dtls13_config *cfg)
{
    if (s->num_peers == EPSIM_MAX_CLIENTS) return -1;
    epsim_peer *p = calloc(1, sizeof(*p));
    if (!p) return -1;
    p->sim = s;
    p->index = s->num_peers;
    p->info.conn = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, client_send, p);
    if (!p->info.conn) {
        free(p);
        return -1;
    }
    s->peers[s->num_peers++] = p;
    (void)dtls13_conn_start(p->info.conn, s->now);
    return (int)p->index;
}

static uint64_t next_due(const epsim *s)
{
    uint64_t t = dtls13_endpoint_next_timeout(s->server);
    if (s->heap_len && s->heap[0].deliver_at < t) t = s->heap[0].deliver_at;
    for (size_t i = 0; i < s->num_peers; i++) {
        uint64_t ct = dtls13_conn_next_timeout(s->peers[i]->info.conn);
        if (ct < t) t = ct;
    }
    return t;
}

bool epsim_run(epsim *s, bool (*done)(const epsim *s, void *user), void *user, uint64_t limit_ms)
{
    const uint64_t end = s->now + limit_ms;
    for (;;) {
        if (done && done(s, user)) return true;
        uint64_t t = next_due(s);
        if (t > end) {
            s->now = end;
            return done ? done(s, user) : true;
        }
        if (t > s->now) s->now = t;
        while (s->heap_len && s->heap[0].deliver_at <= s->now) {
            epsim_datagram d = heap_pop(s);
            s->stats[d.up].delivered++;
            if (d.up) {
                uint8_t addr[4];
                client_addr(d.client, addr);
                if (dtls13_demux_classify(d.data, d.len) == DTLS13_DEMUX_RTP) s->rtp_delivered[1]++;
                (void)dtls13_endpoint_handle_datagram(s->server, d.data, d.len, addr, sizeof(addr), s->now);
            } else {
                client_receive(s, s->peers[d.client], d.data, d.len);
                client_settle(s, s->peers[d.client]);
            }
            free(d.data);
        }
        if (dtls13_endpoint_next_timeout(s->server) <= s->now) dtls13_endpoint_handle_timeout(s->server, s->now);
        for (size_t i = 0; i < s->num_peers; i++) {
            epsim_peer *p = s->peers[i];
            if (dtls13_conn_next_timeout(p->info.conn) <= s->now) {
                (void)dtls13_conn_handle_timeout(p->info.conn, s->now);
                client_settle(s, p);
            }
        }
    }
}

int epsim_send_rtp(epsim *s, size_t i)
{
    epsim_peer *p = s->peers[i];
    if (!p->srtp) return -1;
    uint8_t pkt[12 + EPSIM_RTP_PAYLOAD + DTLS13_SRTP_MAX_OVERHEAD];
    uint32_t ssrc = (uint32_t)i + 1;
    p->rtp_seq++;
    memset(pkt, 0, 12);
    pkt[0] = 0x80;
    pkt[1] = 96;
    pkt[2] = (uint8_t)(p->rtp_seq >> 8);
    pkt[3] = (uint8_t)p->rtp_seq;
    pkt[8] = (uint8_t)(ssrc >> 24);
    pkt[9] = (uint8_t)(ssrc >> 16);
    pkt[10] = (uint8_t)(ssrc >> 8);
    pkt[11] = (uint8_t)ssrc;
    fill_payload(pkt + 12, ssrc, p->rtp_seq);
    size_t out = 0;
    if (dtls13_srtp_protect_rtp(p->srtp, pkt, 12 + EPSIM_RTP_PAYLOAD, sizeof(pkt), &out) != 0) return -1;
    p->info.rtp_sent++;
    transmit(s, i, true, pkt, out);
    return 0;
}

void epsim_close_client(epsim *s, size_t i)
{
    (void)dtls13_conn_close(s->peers[i]->info.conn, s->now);
}

size_t epsim_clients(const epsim *s)
{
    return s->num_peers;
}

const epsim_client_info *epsim_client(const epsim *s, size_t i)
{
    return i < s->num_peers ? &s->peers[i]->info : NULL;
}

dtls13_endpoint *epsim_server(const epsim *s)
{
    return s->server;
}

const netsim_link_stats *epsim_link(const epsim *s, bool up)
{
    return &s->stats[up];
}

uint64_t epsim_rtp_delivered(const epsim *s, bool to_server)
{
    return s->rtp_delivered[to_server];
}

uint64_t epsim_server_bad_media(const epsim *s)
{
    return s->server_bad_media;
}

uint64_t epsim_now(const epsim *s)
{
    return s->now;
}

uint64_t epsim_client_retransmissions(const epsim *s)
{
    uint64_t total = 0;
    for (size_t i = 0; i < s->num_peers; i++) {
        dtls13_stats st;
        dtls13_conn_stats(s->peers[i]->info.conn, &st);
        total += st.retransmissions;
    }
    return total;
}
