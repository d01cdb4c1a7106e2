/* The endpoint under bad input and misbehaving peers: garbage, truncated
 * and replayed records, forged and replayed SRTP, ClientHello storms, a
 * full table, peers that vanish. No other association is disturbed and
 * the endpoint's state returns to its baseline (tests/support/endpoint_net). */
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "endpoint_net.h"
#include "test.h"

static size_t want_connected;

static bool all_connected(ep_net *n)
{
    return ep_net_connected(n) >= want_connected;
}

static bool no_associations(ep_net *n)
{
    return dtls13_endpoint_count(n->server) == 0;
}

/* A deterministic generator for the garbage. */
static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* A protected RTP packet from client i, captured instead of sent. */
static size_t capture_rtp(ep_net *n, size_t i, uint8_t *out, size_t cap)
{
    size_t before = n->q_count;
    if (ep_net_send_rtp(n, i) != 0 || n->q_count != before + 1) return 0;
    ep_net_datagram *d = &n->queue[(n->q_head + n->q_count - 1) % n->q_cap];
    size_t len = d->len < cap ? d->len : cap;
    memcpy(out, d->data, len);
    return len;
}

static void test_hostile_traffic_spares_others(d13_test_state *t)
{
    ep_net *n = ep_net_new(NULL);
    if (!n) return;
    const size_t good = 20;
    for (size_t i = 0; i < good; i++) ep_net_add_client(n, NULL, i % 2 ? DTLS13_VERSION_DTLS12 : 0, 0);
    want_connected = good;
    CHECK(ep_net_run(n, all_connected, 5000));
    dtls13_endpoint_stats s0 = ep_net_stats(n);

    uint32_t seed = 12345;
    uint8_t buf[1500];
    /* 1. Garbage of every first byte from 500 unknown addresses. */
    for (int k = 0; k < 2000; k++) {
        size_t len = next_rand(&seed) % sizeof(buf);
        for (size_t j = 0; j < len; j++) buf[j] = (uint8_t)next_rand(&seed);
        uint8_t addr[6] = {'x', (uint8_t)(k % 500), (uint8_t)(k / 256), 0, 0, 1};
        ep_net_inject(n, addr, sizeof(addr), buf, len);
    }
    /* 2. Garbage from the good clients' own addresses (spoofed). */
    for (size_t i = 0; i < good; i++)
        for (int k = 0; k < 50; k++) {
            size_t len = next_rand(&seed) % 300;
            for (size_t j = 0; j < len; j++) buf[j] = (uint8_t)next_rand(&seed);
            if (len && k % 3 == 0) buf[0] = (uint8_t)(20 + k % 44); /* DTLS range */
            if (len && k % 3 == 1) buf[0] = 0x80;                   /* RTP range */
            ep_net_inject_from(n, i, buf, len);
        }
    ep_net_pump(n);
    /* 3. Replayed and truncated SRTP, and forged tags. */
    size_t len = capture_rtp(n, 0, buf, sizeof(buf));
    CHECK(len > 20);
    ep_net_pump(n); /* the original */
    ep_net_inject_from(n, 0, buf, len); /* replay */
    ep_net_inject_from(n, 0, buf, len / 2); /* truncated */
    buf[len - 1] ^= 1;
    ep_net_inject_from(n, 0, buf, len); /* forged tag */
    /* 4. A storm of fresh ClientHellos from an established peer's address:
     * captured from a new client connection aimed at it. */
    ep_net_pump(n);
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK(s.drops[DTLS13_EP_DROP_SRTP_REPLAY] >= 1);
    CHECK(s.drops[DTLS13_EP_DROP_SRTP_AUTH] + s.drops[DTLS13_EP_DROP_SRTP_PACKET] >= 2);
    CHECK(s.drops[DTLS13_EP_DROP_LISTENER] + s.drops[DTLS13_EP_DROP_DEMUX] >= 1000);
    /* No association was created or lost by any of it. */
    CHECK_EQ(s.associations, good);
    CHECK_EQ(s.handshakes_started, s0.handshakes_started);
    CHECK_EQ(ep_net_connected(n), good);
    /* Every good client still has working media through the endpoint. */
    for (size_t i = 0; i < good; i++) {
        n->clients[i].media_rx = 0;
        CHECK_EQ(ep_net_send_rtp(n, i), 0);
    }
    ep_net_pump(n);
    size_t echoed = 0;
    for (size_t i = 0; i < good; i++) echoed += n->clients[i].media_rx == 1;
    CHECK_EQ(echoed, good);
    ep_net_free(n);
}

/* A client that keeps sending ClientHellos (its own, retransmitted, and
 * brand-new ones from a restarted connection) while connected: the
 * established association stays, no second one appears. */
static void test_client_hello_storm_from_peer(d13_test_state *t)
{
    ep_net *n = ep_net_new(NULL);
    if (!n) return;
    ep_net_add_client(n, NULL, 0, 0);
    ep_net_add_client(n, NULL, 0, 0);
    want_connected = 2;
    CHECK(ep_net_run(n, all_connected, 5000));
    dtls13_assoc *a = ep_net_assoc(n, 0);
    /* Capture a fresh ClientHello by restarting client 1 and holding its
     * first datagram; then send it 500 times from client 0's address. */
    ep_net_restart_client(n, 1);
    CHECK(n->q_count >= 1);
    ep_net_datagram *d = &n->queue[(n->q_head + n->q_count - 1) % n->q_cap];
    uint8_t hello[1500];
    size_t hello_len = d->len < sizeof(hello) ? d->len : sizeof(hello);
    memcpy(hello, d->data, hello_len);
    for (int k = 0; k < 500; k++) ep_net_inject_from(n, 0, hello, hello_len);
    ep_net_pump(n);
    CHECK(ep_net_assoc(n, 0) == a);
    CHECK_EQ(dtls13_conn_state(dtls13_assoc_conn(a)), DTLS13_STATE_CONNECTED);
    n->clients[0].media_rx = 0;
    CHECK_EQ(ep_net_send_rtp(n, 0), 0);
    ep_net_pump(n);
    CHECK_EQ(n->clients[0].media_rx, 1);
    ep_net_free(n);
}

/* max_associations: a ClientHello beyond it is dropped and counted; once
 * an association is freed the next peer gets in. */
static void test_table_full(d13_test_state *t)
{
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.max_associations = 3;
    o.linger_ms = 100;
    o.cookie_mode = DTLS13_COOKIE_NEVER;
    ep_net *n = ep_net_new(&o);
    if (!n) return;
    for (size_t i = 0; i < 3; i++) ep_net_add_client(n, NULL, 0, 0);
    want_connected = 3;
    CHECK(ep_net_run(n, all_connected, 5000));
    ep_net_add_client(n, NULL, 0, 0);
    ep_net_pump(n);
    dtls13_endpoint_stats s = ep_net_stats(n);
    CHECK(s.drops[DTLS13_EP_DROP_TABLE_FULL] >= 1);
    CHECK_EQ(s.associations, 3);
    ep_net_close_client(n, 0);
    want_connected = 3; /* clients 1, 2 and the fourth */
    CHECK(ep_net_run(n, all_connected, 10000)); /* its retransmitted ClientHello gets in */
    CHECK(ep_net_assoc(n, 3) != NULL);
    ep_net_free(n);
}

/* Memory: a round of handshakes, media and every kind of ending leaves
 * the endpoint's state exactly where the same round left it before. */
static void one_round(ep_net *n, d13_test_state *t, size_t first)
{
    const size_t count = 40;
    for (size_t i = 0; i < count; i++) ep_net_add_client(n, NULL, i % 2 ? DTLS13_VERSION_DTLS12 : 0, 0);
    want_connected = count;
    CHECK(ep_net_run(n, all_connected, 10000));
    for (size_t i = first; i < first + count; i++) CHECK_EQ(ep_net_send_rtp(n, i), 0);
    ep_net_pump(n);
    /* A third close, a third vanish (idle), a third are restarted and
     * then vanish mid-handshake. */
    for (size_t i = first; i < first + count; i++) {
        if (i % 3 == 0) ep_net_close_client(n, i);
        else if (i % 3 == 1) n->clients[i].vanished = true;
        else {
            ep_net_restart_client(n, i);
            ep_net_pump(n);
            n->clients[i].vanished = true;
        }
    }
    ep_net_pump(n);
    for (size_t i = first; i < first + count; i++) n->clients[i].vanished = true;
    CHECK(ep_net_run(n, no_associations, 120000));
}

static void test_state_returns_to_baseline(d13_test_state *t)
{
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.idle_timeout_ms = 3000;
    o.handshake_timeout_ms = 3000;
    ep_net *n = ep_net_new(&o);
    if (!n) return;
    one_round(n, t, 0);
    dtls13_endpoint_stats s1 = ep_net_stats(n);
    one_round(n, t, 40);
    dtls13_endpoint_stats s2 = ep_net_stats(n);
    CHECK_EQ(s2.associations, 0);
    CHECK_EQ(s2.associations_handshaking, 0);
    CHECK_EQ(s2.state_bytes, s1.state_bytes);
    CHECK(s2.freed[DTLS13_ASSOC_END_CLOSED] > s1.freed[DTLS13_ASSOC_END_CLOSED]);
    CHECK(s2.freed[DTLS13_ASSOC_END_IDLE] > s1.freed[DTLS13_ASSOC_END_IDLE]);
    uint64_t ended = 0, reported = 0;
    for (int r = 0; r < DTLS13_ASSOC_END_COUNT; r++) {
        ended += s2.freed[r];
        reported += n->freed_reported[r];
    }
    CHECK_EQ(ended, s2.handshakes_started);
    CHECK_EQ(reported, ended);
    CHECK_EQ(dtls13_endpoint_next_timeout(n->server), UINT64_MAX);
    ep_net_free(n);
}

/* Bad arguments and the names. */
static void test_api_edges(d13_test_state *t)
{
    dtls13_endpoint_options o;
    dtls13_endpoint_options_init(&o);
    o.max_datagram = 10;
    dtls13_config *cfg = dtls13_config_new();
    CHECK(cfg && dtls13_config_generate_certificate(cfg, NULL) == 0);
    dtls13_endpoint_callbacks none = {0};
    CHECK(dtls13_endpoint_new(cfg, &none, NULL) == NULL); /* no send */
    dtls13_config_free(cfg);
    ep_net *n = ep_net_new(&o);
    CHECK(n == NULL); /* max_datagram too small */
    n = ep_net_new(NULL);
    if (!n) return;
    uint8_t addr[DTLS13_ENDPOINT_MAX_ADDR + 1] = {0};
    CHECK_EQ(dtls13_endpoint_handle_datagram(n->server, (const uint8_t *)"", 0, addr, 0, 0), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_endpoint_handle_datagram(n->server, (const uint8_t *)"", 0, addr, sizeof(addr), 0),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_endpoint_handle_datagram(n->server, NULL, 0, addr, 4, 0), DTLS13_OK);
    CHECK_EQ(ep_net_stats(n).drops[DTLS13_EP_DROP_DEMUX], 1);
    dtls13_assoc *a = NULL;
    CHECK_EQ(dtls13_endpoint_connect(n->server, addr, 4, 0, &a), DTLS13_OK);
    CHECK(a != NULL);
    CHECK_EQ(dtls13_endpoint_connect(n->server, addr, 4, 0, NULL), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(dtls13_endpoint_send_media(n->server, a, (const uint8_t *)"\x80\x60", 2, false, 0),
             DTLS13_ERR_WOULD_BLOCK);
    CHECK_EQ(dtls13_endpoint_write(n->server, a, (const uint8_t *)"x", 1, 0), DTLS13_ERR_WOULD_BLOCK);
    CHECK(strcmp(dtls13_assoc_end_name(DTLS13_ASSOC_END_IDLE), "idle") == 0);
    CHECK(strcmp(dtls13_endpoint_drop_name(DTLS13_EP_DROP_SRTP_AUTH), "srtp-auth") == 0);
    CHECK(strcmp(dtls13_endpoint_drop_name((dtls13_endpoint_drop)99), "unknown") == 0);
    CHECK(dtls13_endpoint_listener(n->server) != NULL);
    ep_net_free(n); /* frees the client association too */
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_hostile_traffic_spares_others);
    RUN_TEST(&st, test_client_hello_storm_from_peer);
    RUN_TEST(&st, test_table_full);
    RUN_TEST(&st, test_state_returns_to_baseline);
    RUN_TEST(&st, test_api_edges);
    TEST_MAIN_END(&st);
}
