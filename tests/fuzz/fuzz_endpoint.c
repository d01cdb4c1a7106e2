/* Fuzz target for the endpoint's datagram routing (include/dtls13/endpoint.h):
 * one endpoint with one genuine in-process client at address 0, and
 * datagrams from the input.
 *
 * Input: one mode byte (bits 0-1: cookie mode always/never/under load;
 * bit 2: address_validated says yes; bit 3: on_stun authenticates; bit 4:
 * the client is DTLS 1.2 only), then operations, each one op byte:
 *   op & 3 == 0: inject a datagram from address (op >> 2) & 7, length in
 *                the next 2 bytes (big-endian; running past the end takes
 *                what is left), then its bytes;
 *   op & 3 == 1: advance the clock by next byte x 50 ms and run the timers;
 *   op & 3 == 2: deliver the genuine traffic queued between the client and
 *                the endpoint; when (op >> 2) is not 0, byte (op >> 2) - 1
 *                of every datagram for the endpoint is flipped first;
 *   op & 3 == 3: media: the client sends an RTP packet (once it has keys)
 *                and the endpoint sends one RTP and one RTCP packet to
 *                every association; (op >> 2) & 1 closes association 0.
 *
 * Invariants: nothing crashes, hangs or leaks; every association created
 * is either current or freed (handshakes_started == associations + sum of
 * freed); at most one association per address; next_timeout is never in
 * the past after handle_timeout ran. The seeds in corpus/endpoint/ are
 * operation sequences that complete the genuine handshake and exchange
 * media, for each mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "fuzz/fuzz_target.h"

#define QUEUE_CAP 64
#define MAX_DGRAM 2048
#define MAX_OPS 256

/* The one exception to "no global mutable state", as in fuzz_engine.c:
 * the configs (generated P-256 certificates) are made once per process. */
static dtls13_config *fuzz_endpoint_server_config;
static dtls13_config *fuzz_endpoint_client_configs[2];

typedef struct pending {
    uint8_t data[MAX_DGRAM];
    size_t len;
    bool to_server;
} pending;

typedef struct fuzz_world {
    dtls13_endpoint *ep;
    dtls13_conn *client;
    dtls13_srtp *client_srtp;
    pending q[QUEUE_CAP];
    size_t q_count;
    uint64_t now;
    bool validate, stun_ok;
    uint16_t rtp_seq;
} fuzz_world;

static const uint8_t client_address[4] = {'f', 'z', 0, 0};

static dtls13_config *make_config(uint16_t max_version)
{
    dtls13_config *cfg = dtls13_config_new();
    FUZZ_CHECK(cfg != NULL);
    FUZZ_CHECK(dtls13_config_generate_certificate(cfg, "fuzz endpoint") == 0);
    FUZZ_CHECK(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, max_version) == 0);
    return cfg;
}

static void push(fuzz_world *w, const uint8_t *data, size_t len, bool to_server)
{
    if (w->q_count == QUEUE_CAP || len > MAX_DGRAM) return; /* lost in the network */
    pending *p = &w->q[w->q_count++];
    memcpy(p->data, data, len);
    p->len = len;
    p->to_server = to_server;
}

static int ep_send(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len)
{
    fuzz_world *w = user;
    FUZZ_CHECK(addr_len >= 1 && addr_len <= DTLS13_ENDPOINT_MAX_ADDR && len > 0);
    if (addr_len == sizeof(client_address) && memcmp(addr, client_address, addr_len) == 0) push(w, data, len, false);
    return 0;
}

static bool ep_on_stun(void *user, dtls13_assoc *a, const void *addr, size_t addr_len, const uint8_t *data,
                       size_t len)
{
    (void)a, (void)addr, (void)addr_len, (void)data, (void)len;
    return ((fuzz_world *)user)->stun_ok;
}

static bool ep_validated(void *user, const void *addr, size_t addr_len)
{
    (void)addr, (void)addr_len;
    return ((fuzz_world *)user)->validate;
}

static void ep_on_media(void *user, dtls13_assoc *a, uint8_t *packet, size_t len, bool rtcp)
{
    fuzz_world *w = user;
    FUZZ_CHECK(len <= 4096);
    (void)dtls13_endpoint_send_media(w->ep, a, packet, len, rtcp, w->now); /* echo */
}

static int client_send(void *user, const uint8_t *data, size_t len)
{
    push(user, data, len, true);
    return 0;
}

static void deliver(fuzz_world *w, unsigned flip)
{
    for (int round = 0; round < 8 && w->q_count; round++) {
        pending batch[QUEUE_CAP];
        size_t n = w->q_count;
        memcpy(batch, w->q, n * sizeof(batch[0]));
        w->q_count = 0;
        for (size_t i = 0; i < n; i++) {
            pending *p = &batch[i];
            if (p->to_server) {
                if (flip && flip - 1 < p->len) p->data[flip - 1] ^= 0x5a;
                FUZZ_CHECK(dtls13_endpoint_handle_datagram(w->ep, p->data, p->len, client_address,
                                                           sizeof(client_address), w->now) == 0);
            } else if (p->len && p->data[0] >= 20 && p->data[0] <= 63) {
                (void)dtls13_conn_handle_datagram(w->client, p->data, p->len, w->now);
                if (!w->client_srtp && dtls13_conn_state(w->client) == DTLS13_STATE_CONNECTED)
                    (void)dtls13_srtp_new(w->client, &w->client_srtp);
            }
        }
    }
}

static void send_all_media(void *user, dtls13_assoc *a)
{
    fuzz_world *w = user;
    static const uint8_t rtp[24] = {0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7};
    static const uint8_t rtcp[8] = {0x80, 201, 0, 1, 0, 0, 0, 7};
    (void)dtls13_endpoint_send_media(w->ep, a, rtp, sizeof(rtp), false, w->now);
    (void)dtls13_endpoint_send_media(w->ep, a, rtcp, sizeof(rtcp), true, w->now);
}

static void media(fuzz_world *w, bool close_first)
{
    if (w->client_srtp) {
        uint8_t pkt[64 + DTLS13_SRTP_MAX_OVERHEAD] = {0x80, 0x60};
        w->rtp_seq++;
        pkt[2] = (uint8_t)(w->rtp_seq >> 8);
        pkt[3] = (uint8_t)w->rtp_seq;
        pkt[11] = 9;
        size_t out = 0;
        if (dtls13_srtp_protect_rtp(w->client_srtp, pkt, 64, sizeof(pkt), &out) == 0) push(w, pkt, out, true);
    }
    dtls13_assoc *a = dtls13_endpoint_find(w->ep, client_address, sizeof(client_address));
    if (close_first && a) dtls13_endpoint_close(w->ep, a, w->now);
    dtls13_endpoint_foreach(w->ep, send_all_media, w);
}

static void check_invariants(const fuzz_world *w)
{
    dtls13_endpoint_stats s;
    dtls13_endpoint_get_stats(w->ep, &s);
    uint64_t freed = 0;
    for (int r = 0; r < DTLS13_ASSOC_END_COUNT; r++) freed += s.freed[r];
    FUZZ_CHECK(s.handshakes_started == s.associations + freed);
    FUZZ_CHECK(s.associations <= 9); /* eight fuzz addresses and the client's */
    FUZZ_CHECK(s.associations_handshaking <= s.associations);
    FUZZ_CHECK(dtls13_endpoint_count(w->ep) == s.associations);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (!fuzz_endpoint_server_config) {
        fuzz_endpoint_server_config = make_config(DTLS13_VERSION_DTLS13);
        fuzz_endpoint_client_configs[0] = make_config(DTLS13_VERSION_DTLS13);
        fuzz_endpoint_client_configs[1] = make_config(DTLS13_VERSION_DTLS12);
    }
    fuzz_world *w = calloc(1, sizeof(*w));
    FUZZ_CHECK(w != NULL);
    uint8_t mode = data[0];
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.cookie_mode = (dtls13_cookie_mode)((mode & 3) % 3);
    o.under_load_threshold = 1;
    o.linger_ms = 500;
    o.idle_timeout_ms = 5000;
    o.handshake_timeout_ms = 3000;
    w->validate = mode & 4;
    w->stun_ok = mode & 8;
    dtls13_endpoint_callbacks cb = {.send = ep_send, .on_stun = ep_on_stun, .address_validated = ep_validated,
                                    .on_media = ep_on_media, .user = w};
    w->ep = dtls13_endpoint_new(fuzz_endpoint_server_config, &cb, &o);
    FUZZ_CHECK(w->ep != NULL);
    w->now = 1000;
    w->client = dtls13_conn_new(fuzz_endpoint_client_configs[(mode >> 4) & 1], DTLS13_ROLE_CLIENT, client_send, w);
    FUZZ_CHECK(w->client != NULL);
    (void)dtls13_conn_start(w->client, w->now);

    size_t pos = 1;
    for (int ops = 0; ops < MAX_OPS && pos < size; ops++) {
        uint8_t op = data[pos++];
        switch (op & 3) {
        case 0: {
            uint8_t addr[4] = {'f', 'z', 0, (uint8_t)((op >> 2) & 7)};
            size_t len = 0;
            if (pos + 2 <= size) len = ((size_t)data[pos] << 8) | data[pos + 1];
            pos = pos + 2 <= size ? pos + 2 : size;
            if (len > size - pos) len = size - pos;
            FUZZ_CHECK(dtls13_endpoint_handle_datagram(w->ep, data + pos, len, addr, sizeof(addr), w->now) == 0);
            pos += len;
            break;
        }
        case 1: {
            uint64_t step = pos < size ? data[pos++] : 1;
            w->now += step * 50;
            dtls13_endpoint_handle_timeout(w->ep, w->now);
            FUZZ_CHECK(dtls13_endpoint_next_timeout(w->ep) > w->now);
            if (dtls13_conn_next_timeout(w->client) <= w->now) (void)dtls13_conn_handle_timeout(w->client, w->now);
            break;
        }
        case 2: deliver(w, op >> 2); break;
        default: media(w, (op >> 2) & 1); break;
        }
        check_invariants(w);
    }
    dtls13_endpoint_free(w->ep);
    dtls13_srtp_free(w->client_srtp);
    dtls13_conn_free(w->client);
    free(w);
    return 0;
}
