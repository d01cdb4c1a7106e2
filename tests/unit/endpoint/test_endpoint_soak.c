/* Soak test of the multi-association endpoint (include/dtls13/endpoint.h)
 * on the virtual network of tests/support/endpoint_net.
 *
 * SOAK_SLOTS client slots churn against one server endpoint for
 * SOAK_ROUNDS lifecycles each: a handshake (DTLS 1.3 or 1.2 only, SRTP
 * profile AES128_CM_SHA1_80 or AEAD_AES_128_GCM, by slot and round), a
 * media exchange (SOAK_PACKETS RTP packets with a pattern payload, each
 * checked byte for byte by the server's on_media and again by the client
 * after the server echoed it back through dtls13_endpoint_send_media()),
 * and a close (by the client or by the server, by slot and round), then
 * the association's linger, then the next lifecycle from the same
 * address. The slots start staggered, so at any instant some associations
 * are handshaking, some exchange media, some close and some linger.
 *
 * Before the churn, one synchronous warm-up round (every slot at once)
 * grows the endpoint's table and timer heap to their peak; the state
 * bytes after it are the baseline. At the end: no association left, the
 * state bytes back at the baseline, every handshake completed and closed,
 * the freed counts by reason adding up (and matching what on_freed
 * reported), no alert, no drop, and the media counts equal to what was
 * sent. Under the ASan build, LeakSanitizer then checks that freeing the
 * net leaves nothing behind.
 *
 * Virtual time: the run is deterministic and the same under every build;
 * its wall time is the CPU cost of the handshakes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "endpoint_net.h"
#include "test.h"

/** Client slots (addresses) churning at once. */
#define SOAK_SLOTS 300u
/** Lifecycles per slot after the warm-up round. */
#define SOAK_ROUNDS 65u
/** RTP packets each way per association. */
#define SOAK_PACKETS 4u
/** RTP payload bytes (after the 12-byte header). */
#define SOAK_PAYLOAD 160u
/** Virtual time between two looks at the slots. */
#define SOAK_TICK_MS 20u
/** The slots' first lifecycles start spread over this many ticks. */
#define SOAK_STAGGER_TICKS 60u
/** A lifecycle phase that takes longer than this (virtual) is stuck. */
#define SOAK_PHASE_LIMIT_MS 30000u
/** Client configurations: {1.2..1.3, 1.2 only} x {two SRTP profiles}. */
#define SOAK_CLIENT_CONFIGS 4u

typedef enum slot_phase {
    SLOT_RESTART,     /* the previous association is gone: start the next */
    SLOT_HANDSHAKING, /* waiting for both sides to have SRTP keys */
    SLOT_MEDIA,       /* sending, then waiting for the echoes */
    SLOT_CLOSING,     /* closed; waiting for the server to free it */
    SLOT_DONE,
} slot_phase;

typedef struct soak_slot {
    slot_phase phase;
    unsigned round;
    uint64_t phase_since_ms;
    unsigned sent;
} soak_slot;

typedef struct soak {
    soak_slot slots[SOAK_SLOTS];
    dtls13_config *client_cfg[SOAK_CLIENT_CONFIGS];
    unsigned rounds; /* lifecycles to run in this phase (slot.round < rounds) */
    /* expectations and observations */
    uint64_t lifecycles, lifecycles_dtls12;
    uint64_t rtp_sent;
    uint64_t server_ok, server_bad; /* payload checks in the server's on_media */
    uint64_t client_ok, client_bad; /* payload checks of the echoes */
    uint64_t stuck, client_failed;
    uint64_t closed_by_server, closed_by_client;
} soak;

static bool config_is_dtls12_only(size_t cfg_index)
{
    return cfg_index & 1u;
}

static size_t slot_config(size_t i, unsigned round)
{
    return (i + round) % SOAK_CLIENT_CONFIGS;
}

static bool server_closes(size_t i, unsigned round)
{
    return ((i >> 2) + round) & 1u;
}

static uint8_t payload_byte(uint32_t ssrc, uint16_t seq, size_t j)
{
    return (uint8_t)(ssrc * 131u + seq * 29u + j * 7u + (j >> 8));
}

/* An RTP packet of the soak: 12-byte header (SSRC = client index + 1) and
 * SOAK_PAYLOAD bytes of payload_byte(). */
static bool packet_ok(const uint8_t *p, size_t len, uint32_t want_ssrc)
{
    if (len != 12 + SOAK_PAYLOAD || p[0] != 0x80 || (p[1] & 0x7f) != 96) return false;
    uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
    uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
    if (ssrc != want_ssrc) return false;
    for (size_t j = 0; j < SOAK_PAYLOAD; j++)
        if (p[12 + j] != payload_byte(ssrc, seq, j)) return false;
    return true;
}

/* The client index of an endpoint_net address ('c', index in 24 bits). */
static uint32_t assoc_client(dtls13_assoc *a)
{
    size_t len = 0;
    const uint8_t *addr = dtls13_assoc_address(a, &len);
    if (len != 4 || addr[0] != 'c') return UINT32_MAX;
    return (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3];
}

static void on_server_media(ep_net *n, dtls13_assoc *a, const uint8_t *packet, size_t len, bool rtcp)
{
    soak *s = n->user;
    uint32_t i = assoc_client(a);
    if (!rtcp && i != UINT32_MAX && packet_ok(packet, len, i + 1)) s->server_ok++;
    else s->server_bad++;
}

static void on_client_media(ep_net *n, size_t i, const uint8_t *packet, size_t len, bool rtcp)
{
    soak *s = n->user;
    if (!rtcp && packet_ok(packet, len, (uint32_t)i + 1)) s->client_ok++;
    else s->client_bad++;
}

static int send_soak_rtp(ep_net *n, size_t i)
{
    uint8_t payload[SOAK_PAYLOAD];
    uint16_t seq = (uint16_t)(n->clients[i].rtp_seq + 1); /* the one ep_net_send_rtp_payload uses */
    for (size_t j = 0; j < sizeof(payload); j++) payload[j] = payload_byte((uint32_t)i + 1, seq, j);
    return ep_net_send_rtp_payload(n, i, payload, sizeof(payload));
}

static void set_phase(soak_slot *sl, slot_phase phase, uint64_t now)
{
    sl->phase = phase;
    sl->phase_since_ms = now;
}

static void start_lifecycle(ep_net *n, soak *s, size_t i)
{
    soak_slot *sl = &s->slots[i];
    size_t c = slot_config(i, sl->round);
    if (i < n->num_clients) ep_net_restart_client_with(n, i, s->client_cfg[c]);
    else if (ep_net_add_client(n, s->client_cfg[c], 0, 0) != i) abort(); /* slots start in order */
    s->lifecycles++;
    if (config_is_dtls12_only(c)) s->lifecycles_dtls12++;
    sl->sent = 0;
    set_phase(sl, SLOT_HANDSHAKING, n->now);
}

/* Moves slot i on by what happened since the last look. */
static void step_slot(ep_net *n, soak *s, size_t i)
{
    soak_slot *sl = &s->slots[i];
    if (sl->phase == SLOT_DONE) return;
    if (sl->phase == SLOT_RESTART) {
        start_lifecycle(n, s, i);
        return;
    }
    ep_net_client *c = &n->clients[i];
    dtls13_state st = dtls13_conn_state(c->conn);
    if (n->now - sl->phase_since_ms > SOAK_PHASE_LIMIT_MS) {
        fprintf(stderr, "soak: slot %zu round %u stuck in phase %d (client state %d)\n", i, sl->round,
                (int)sl->phase, (int)st);
        s->stuck++;
        set_phase(sl, SLOT_DONE, n->now);
        return;
    }
    switch (sl->phase) {
    case SLOT_HANDSHAKING: {
        if (st == DTLS13_STATE_FAILED || st == DTLS13_STATE_CLOSED) {
            fprintf(stderr, "soak: slot %zu round %u: client handshake ended (%s)\n", i, sl->round,
                    dtls13_conn_failure_reason(c->conn) ? dtls13_conn_failure_reason(c->conn) : "-");
            s->client_failed++;
            set_phase(sl, SLOT_DONE, n->now);
            return;
        }
        dtls13_assoc *a = ep_net_assoc(n, i);
        if (st == DTLS13_STATE_CONNECTED && c->srtp && a && dtls13_assoc_srtp(a))
            set_phase(sl, SLOT_MEDIA, n->now);
        return;
    }
    case SLOT_MEDIA:
        if (sl->sent < SOAK_PACKETS) {
            if (send_soak_rtp(n, i) == 0) {
                sl->sent++;
                s->rtp_sent++;
            }
            return;
        }
        if (c->media_rx < SOAK_PACKETS) return; /* echoes still to come */
        dtls13_assoc *a = ep_net_assoc(n, i);
        if (server_closes(i, sl->round) && a) {
            dtls13_endpoint_close(n->server, a, n->now);
            s->closed_by_server++;
        } else {
            ep_net_close_client(n, i);
            s->closed_by_client++;
        }
        set_phase(sl, SLOT_CLOSING, n->now);
        return;
    case SLOT_CLOSING:
        if (ep_net_assoc(n, i) != NULL) return; /* lingering */
        if (st != DTLS13_STATE_CLOSED) {
            fprintf(stderr, "soak: slot %zu round %u: client state %d after close\n", i, sl->round, (int)st);
            s->client_failed++;
        }
        sl->round++;
        set_phase(sl, sl->round < s->rounds ? SLOT_RESTART : SLOT_DONE, n->now);
        return;
    default:
        return;
    }
}

static bool all_done(const soak *s)
{
    for (size_t i = 0; i < SOAK_SLOTS; i++)
        if (s->slots[i].phase != SLOT_DONE) return false;
    return true;
}

/* Runs every slot until it has done s->rounds lifecycles, starting slot i
 * at tick i * stagger_ticks / SOAK_SLOTS. Bounded in virtual time. */
static bool run_slots(ep_net *n, soak *s, unsigned stagger_ticks)
{
    uint64_t ticks = 0;
    const uint64_t max_ticks = (uint64_t)(s->rounds + 2) * (SOAK_PHASE_LIMIT_MS / SOAK_TICK_MS) * 4;
    for (size_t i = 0; i < SOAK_SLOTS; i++) s->slots[i].phase = SLOT_DONE;
    size_t started = 0;
    while (ticks < max_ticks) {
        while (started < SOAK_SLOTS && (uint64_t)started * stagger_ticks <= ticks * SOAK_SLOTS) {
            soak_slot *sl = &s->slots[started];
            if (sl->round < s->rounds) set_phase(sl, SLOT_RESTART, n->now);
            started++;
        }
        for (size_t i = 0; i < SOAK_SLOTS; i++) step_slot(n, s, i);
        if (started == SOAK_SLOTS && all_done(s)) return true;
        (void)ep_net_run(n, NULL, SOAK_TICK_MS);
        ticks++;
    }
    return false;
}

static dtls13_config *client_config(size_t index)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    const uint16_t profile = index & 2u ? DTLS13_SRTP_AEAD_AES_128_GCM : DTLS13_SRTP_AES128_CM_SHA1_80;
    int rc = dtls13_config_generate_certificate(cfg, "soak-client");
    if (rc == 0 && config_is_dtls12_only(index))
        rc = dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS12);
    if (rc == 0) rc = dtls13_config_set_srtp_profiles(cfg, &profile, 1, NULL, 0);
    if (rc != 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static uint64_t sum(const uint64_t *v, size_t count)
{
    uint64_t total = 0;
    for (size_t k = 0; k < count; k++) total += v[k];
    return total;
}

static void check_end_state(d13_test_state *t, ep_net *n, const soak *s, uint64_t baseline_bytes)
{
    dtls13_endpoint_stats st = ep_net_stats(n);
    CHECK_EQ(s->stuck, 0);
    CHECK_EQ(s->client_failed, 0);
    CHECK_EQ(dtls13_endpoint_count(n->server), 0);
    CHECK_EQ(st.associations, 0);
    CHECK_EQ(st.associations_handshaking, 0);
    CHECK_EQ(dtls13_endpoint_next_timeout(n->server), UINT64_MAX);
    CHECK_EQ(st.state_bytes, baseline_bytes);
    /* handshakes: every lifecycle started, completed and closed */
    CHECK_EQ(st.handshakes_started, s->lifecycles);
    CHECK_EQ(st.handshakes_completed, s->lifecycles);
    CHECK_EQ(st.handshakes_failed, 0);
    CHECK_EQ(st.handshakes_dtls12, s->lifecycles_dtls12);
    CHECK_EQ(st.handshakes_dtls13, s->lifecycles - s->lifecycles_dtls12);
    CHECK_EQ(sum(st.failed_by_alert, 256), 0);
    CHECK_EQ(n->associations_reported, s->lifecycles);
    CHECK_EQ(st.cookies_sent, s->lifecycles); /* cookie policy: always */
    CHECK_EQ(st.cookies_verified, s->lifecycles);
    CHECK_EQ(st.cookies_invalid, 0);
    /* every association freed, closed, and on_freed told so */
    CHECK_EQ(st.freed[DTLS13_ASSOC_END_CLOSED], st.handshakes_completed);
    CHECK_EQ(sum(st.freed, DTLS13_ASSOC_END_COUNT), st.handshakes_started);
    for (int r = 0; r < DTLS13_ASSOC_END_COUNT; r++) CHECK_EQ(n->freed_reported[r], st.freed[r]);
    CHECK_EQ(s->closed_by_server + s->closed_by_client, s->lifecycles);
    /* media: what was sent arrived, once, intact, both ways */
    CHECK_EQ(s->rtp_sent, s->lifecycles * SOAK_PACKETS);
    CHECK_EQ(st.media_in, s->rtp_sent);
    CHECK_EQ(st.media_out, s->rtp_sent);
    CHECK_EQ(st.media_bytes_in, s->rtp_sent * (12 + SOAK_PAYLOAD));
    CHECK_EQ(st.media_bytes_out, st.media_bytes_in);
    CHECK_EQ(st.demux.rtp, s->rtp_sent);
    CHECK_EQ(s->server_ok, s->rtp_sent);
    CHECK_EQ(s->server_bad, 0);
    CHECK_EQ(s->client_ok, s->rtp_sent);
    CHECK_EQ(s->client_bad, 0);
    CHECK_EQ(sum(st.drops, DTLS13_EP_DROP_COUNT), 0);
    CHECK_EQ(st.send_failures, 0);
    CHECK_EQ(n->to_unknown, 0);
    for (int d = 0; d < DTLS13_EP_DROP_COUNT; d++)
        if (st.drops[d]) fprintf(stderr, "soak: %" PRIu64 " drops %s\n", st.drops[d], dtls13_endpoint_drop_name(d));
}

static void test_endpoint_soak(d13_test_state *t)
{
    soak *s = calloc(1, sizeof(*s));
    ep_net *n = ep_net_new(NULL);
    CHECK(s != NULL && n != NULL);
    if (!s || !n) goto out;
    for (size_t k = 0; k < SOAK_CLIENT_CONFIGS; k++) {
        s->client_cfg[k] = client_config(k);
        CHECK(s->client_cfg[k] != NULL);
        if (!s->client_cfg[k]) goto out;
    }
    n->user = s;
    n->server_media = on_server_media;
    n->client_media = on_client_media;
    const uint64_t fresh_bytes = ep_net_stats(n).state_bytes;

    /* Warm-up: every slot at once, one lifecycle. */
    s->rounds = 1;
    CHECK(run_slots(n, s, 0));
    dtls13_endpoint_stats warm = ep_net_stats(n);
    CHECK_EQ(warm.associations_peak, SOAK_SLOTS);
    check_end_state(t, n, s, warm.state_bytes);

    /* The churn: staggered lifecycles. */
    s->rounds = 1 + SOAK_ROUNDS;
    uint64_t t0 = n->now;
    CHECK(run_slots(n, s, SOAK_STAGGER_TICKS));
    check_end_state(t, n, s, warm.state_bytes);
    dtls13_endpoint_stats st = ep_net_stats(n);
    CHECK(st.associations_peak <= SOAK_SLOTS);
    printf("soak: %" PRIu64 " associations (%" PRIu64 " DTLS 1.2), %" PRIu64 " RTP each way, "
           "%" PRIu64 " ms virtual for the churn, %u slots; closed by server %" PRIu64 ", by client %" PRIu64 "; "
           "state bytes fresh %" PRIu64 ", baseline %" PRIu64 ", end %" PRIu64 "; retransmissions %" PRIu64 "\n",
           s->lifecycles, s->lifecycles_dtls12, s->rtp_sent, n->now - t0, SOAK_SLOTS, s->closed_by_server,
           s->closed_by_client, fresh_bytes, warm.state_bytes, st.state_bytes, st.retransmissions);
out:
    ep_net_free(n);
    if (s)
        for (size_t k = 0; k < SOAK_CLIENT_CONFIGS; k++) dtls13_config_free(s->client_cfg[k]);
    free(s);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_endpoint_soak);
    TEST_MAIN_END(&st);
}
