/* The engine under hostile or broken input: garbage, truncation, bit flips,
 * replays, duplicated and dropped datagrams. Nothing may crash; invalid
 * records are dropped and counted while the association survives
 * (RFC 9147 4.5.2); broken handshake messages end the handshake with an
 * alert. */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "test.h"

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int discard(void *user, const uint8_t *d, size_t len)
{
    (void)user;
    (void)d;
    (void)len;
    return 0;
}

typedef struct capture {
    uint8_t data[4][2048];
    size_t len[4];
    int count;
} capture;

static int capture_send(void *user, const uint8_t *d, size_t len)
{
    capture *c = user;
    if (c->count < 4 && len <= sizeof(c->data[0])) {
        memcpy(c->data[c->count], d, len);
        c->len[c->count] = len;
    }
    c->count++;
    return 0;
}

/* Captures a real ClientHello datagram. */
static size_t client_hello(dtls13_config *cfg, uint8_t *out)
{
    capture cap;
    memset(&cap, 0, sizeof(cap));
    dtls13_conn *c = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, capture_send, &cap);
    dtls13_conn_start(c, 0);
    dtls13_conn_free(c);
    memcpy(out, cap.data[0], cap.len[0]);
    return cap.len[0];
}

static void test_garbage_to_server(d13_test_state *t)
{
    dtls13_config *cfg = conn_pair_config_new();
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    uint8_t buf[1500];
    for (int i = 0; i < 3000; i++) {
        dtls13_conn *s = dtls13_conn_new(cfg, DTLS13_ROLE_SERVER, discard, NULL);
        size_t len = (size_t)(rng_next(&seed) % sizeof(buf));
        for (size_t j = 0; j < len; j++) buf[j] = (uint8_t)rng_next(&seed);
        /* Make some of them look like handshake records. */
        if (i % 3 == 0 && len > 13) buf[0] = 22;
        if (i % 3 == 1 && len > 5) buf[0] = 0x2c;
        int rc = dtls13_conn_handle_datagram(s, buf, len, 1);
        CHECK(rc == 0 || rc == DTLS13_ERR_HANDSHAKE_FAILED);
        dtls13_state st = dtls13_conn_state(s);
        CHECK(st == DTLS13_STATE_HANDSHAKING || st == DTLS13_STATE_FAILED);
        dtls13_conn_free(s);
    }
    dtls13_config_free(cfg);
}

static void test_mutated_client_hello(d13_test_state *t)
{
    dtls13_config *cfg = conn_pair_config_new();
    uint8_t ch[2048];
    size_t ch_len = client_hello(cfg, ch);
    CHECK(ch_len > 100);
    int failed = 0, survived = 0;
    /* Every truncation. */
    for (size_t cut = 0; cut < ch_len; cut++) {
        dtls13_conn *s = dtls13_conn_new(cfg, DTLS13_ROLE_SERVER, discard, NULL);
        dtls13_conn_handle_datagram(s, ch, cut, 1);
        /* A truncated record is dropped (the length does not match); the
         * server keeps waiting. */
        CHECK(dtls13_conn_state(s) == DTLS13_STATE_HANDSHAKING);
        dtls13_conn_free(s);
    }
    /* Every single-byte corruption. */
    for (size_t pos = 0; pos < ch_len; pos++) {
        uint8_t copy[2048];
        memcpy(copy, ch, ch_len);
        copy[pos] ^= 0x5a;
        dtls13_conn *s = dtls13_conn_new(cfg, DTLS13_ROLE_SERVER, discard, NULL);
        dtls13_conn_handle_datagram(s, copy, ch_len, 1);
        if (dtls13_conn_state(s) == DTLS13_STATE_FAILED) {
            failed++;
            CHECK(dtls13_conn_alert(s) > 0);
        } else {
            survived++;
        }
        dtls13_conn_free(s);
    }
    CHECK(failed > 0);
    CHECK(survived > 0);
    dtls13_config_free(cfg);
}

/* Filter: duplicates nothing, but records how many datagrams passed. */
typedef struct fault_plan {
    uint64_t seed;
    unsigned drop_percent;
    bool flip_after_handshake;
    int flips;
} fault_plan;

static bool random_drop(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)from_client;
    (void)data;
    (void)len;
    (void)index;
    fault_plan *f = user;
    return rng_next(&f->seed) % 100 >= f->drop_percent;
}

static void test_loss_recovers(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    int completed = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        fault_plan plan = {seed * 0x2545F4914F6CDD1Dull, 20, false, 0};
        conn_pair *p = conn_pair_new(cc, sc);
        p->filter = random_drop;
        p->filter_user = &plan;
        bool ok = conn_pair_handshake(p, 120000);
        if (ok) {
            completed++;
            uint8_t a[32], b[32];
            CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, a, 32), 0);
            CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, b, 32), 0);
            CHECK_MEM(a, b, 32);
        } else {
            fprintf(stderr, "  seed %llu did not complete: client %s, server %s\n", (unsigned long long)seed,
                    dtls13_conn_failure_reason(p->client) ? dtls13_conn_failure_reason(p->client) : "-",
                    dtls13_conn_failure_reason(p->server) ? dtls13_conn_failure_reason(p->server) : "-");
        }
        conn_pair_free(p);
    }
    CHECK_EQ(completed, 40);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static bool drop_first_server_flight(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)user;
    (void)data;
    (void)len;
    return from_client || index > 0;
}

static void test_retransmit_timer(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = drop_first_server_flight;
    uint64_t t0 = p->now_ms;
    dtls13_conn_start(p->server, t0);
    dtls13_conn_start(p->client, t0);
    /* The default initial retransmission timeout is 400 ms (RFC 9147 5.8.2). */
    CHECK_EQ(dtls13_conn_next_timeout(p->client), t0 + 400);
    CHECK(conn_pair_handshake(p, 10000));
    dtls13_stats st;
    dtls13_conn_stats(p->client, &st);
    CHECK(st.retransmissions >= 1);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static bool duplicate_everything(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)user;
    (void)from_client;
    (void)index;
    /* Duplicate the datagram in place: two copies back to back when they fit. */
    if (*len * 2 <= CONN_PAIR_MAX_DGRAM && *len < 1200) {
        memcpy(data + *len, data, *len);
        *len *= 2;
    }
    return true;
}

static void test_duplicates(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = duplicate_everything;
    CHECK(conn_pair_handshake(p, 10000));
    const uint8_t msg[] = "once";
    uint8_t buf[64];
    CHECK_EQ(dtls13_conn_write(p->client, msg, sizeof(msg), p->now_ms), (int)sizeof(msg));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)sizeof(msg));
    /* The second copy is a replay: dropped and counted, never delivered. */
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), DTLS13_ERR_WOULD_BLOCK);
    dtls13_stats st;
    dtls13_conn_stats(p->server, &st);
    CHECK(st.dropped_replay >= 1);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static bool flip_bits(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)from_client;
    (void)index;
    fault_plan *f = user;
    if (f->flip_after_handshake && *len > 0) {
        data[rng_next(&f->seed) % *len] ^= (uint8_t)(1u << (rng_next(&f->seed) % 8));
        f->flips++;
    }
    return true;
}

static void test_corrupted_records_after_handshake(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    fault_plan plan = {77, 0, false, 0};
    conn_pair *p = conn_pair_new(cc, sc);
    p->filter = flip_bits;
    p->filter_user = &plan;
    CHECK(conn_pair_handshake(p, 10000));
    plan.flip_after_handshake = true;
    uint8_t msg[100], buf[200];
    memset(msg, 'x', sizeof(msg));
    for (int i = 0; i < 200; i++) dtls13_conn_write(p->client, msg, sizeof(msg), p->now_ms);
    conn_pair_pump(p);
    CHECK_EQ(plan.flips, 200);
    /* Corrupted records never reach the application... */
    int delivered = 0;
    while (dtls13_conn_read(p->server, buf, sizeof(buf)) == (int)sizeof(msg)) delivered++;
    dtls13_stats st;
    dtls13_conn_stats(p->server, &st);
    CHECK(st.dropped_bad_tag + st.dropped_bad_header + st.dropped_unknown_epoch + st.dropped_replay >= 150);
    CHECK(delivered < 50);
    /* ...and the association survives. */
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    plan.flip_after_handshake = false;
    CHECK_EQ(dtls13_conn_write(p->client, msg, sizeof(msg), p->now_ms), (int)sizeof(msg));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)sizeof(msg));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_api_misuse(d13_test_state *t)
{
    dtls13_config *cfg = dtls13_config_new();
    /* No certificate yet: no connection. */
    CHECK(dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, discard, NULL) == NULL);
    CHECK_EQ(dtls13_config_generate_certificate(cfg, "test"), 0);
    CHECK(dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, NULL, NULL) == NULL);
    dtls13_conn *c = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, discard, NULL);
    uint8_t b[8] = {0};
    CHECK_EQ(dtls13_conn_write(c, b, sizeof(b), 0), DTLS13_ERR_WOULD_BLOCK);
    CHECK_EQ(dtls13_conn_handle_datagram(c, b, sizeof(b), 0), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(dtls13_conn_start(c, 0), 0);
    CHECK_EQ(dtls13_conn_start(c, 0), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(dtls13_conn_read(c, b, sizeof(b)), DTLS13_ERR_WOULD_BLOCK);
    CHECK_EQ(dtls13_conn_export_keying_material(c, "x", NULL, 0, b, sizeof(b)), DTLS13_ERR_WOULD_BLOCK);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(c, "sha-256 zz"), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_set_mtu(cfg, 1000), DTLS13_ERR_BAD_STATE);
    dtls13_conn_free(c);
    dtls13_config_free(cfg);
    uint16_t bogus = 0x1234;
    cfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_set_cipher_suites(cfg, &bogus, 1), DTLS13_ERR_UNSUPPORTED);
    CHECK_EQ(dtls13_config_set_groups(cfg, &bogus, 1), DTLS13_ERR_UNSUPPORTED);
    CHECK_EQ(dtls13_config_set_cipher_suites(cfg, NULL, 0), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_set_mtu(cfg, 100), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_set_initial_timeout_ms(cfg, 5), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_load_pem(cfg, "/nonexistent/cert.pem", "/nonexistent/key.pem"), DTLS13_ERR_IO);
    dtls13_config_free(cfg);
    dtls13_conn_free(NULL);
    dtls13_config_free(NULL);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_garbage_to_server);
    RUN_TEST(&st, test_mutated_client_hello);
    RUN_TEST(&st, test_loss_recovers);
    RUN_TEST(&st, test_retransmit_timer);
    RUN_TEST(&st, test_duplicates);
    RUN_TEST(&st, test_corrupted_records_after_handshake);
    RUN_TEST(&st, test_api_misuse);
    TEST_MAIN_END(&st);
}
