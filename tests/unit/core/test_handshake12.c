/* DTLS 1.2 in-process handshakes between two engines, and the version
 * negotiation around them: the version matrix of client and server ranges
 * (with the RFC's failures), every 1.2 suite with ECDSA and RSA
 * certificates, mutual authentication, exporter and SRTP agreement, the
 * RFC 8446 4.1.3 downgrade sentinel (set when it should be, a forged one
 * refused), replayed records, a stray ChangeCipherSpec, a retransmitted
 * final flight, and close_notify. Interop with independent stacks is in
 * tests/interop and tests/gst. */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "handshake/engine.h"
#include "test.h"

#define V12 DTLS13_VERSION_DTLS12
#define V13 DTLS13_VERSION_DTLS13

static const uint8_t downgrade_sentinel12[8] = {'D', 'O', 'W', 'N', 'G', 'R', 'D', 0x01};

static dtls13_config *make_config(uint16_t lo, uint16_t hi, uint16_t suite, bool rsa)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc = rsa ? dtls13_config_load_pem(cfg, TEST_DATA_DIR "/rsa_cert.pem", TEST_DATA_DIR "/rsa_key.pem")
                 : dtls13_config_generate_certificate(cfg, NULL);
    if (rc == 0) rc = dtls13_config_set_version_range(cfg, lo, hi);
    if (rc == 0 && suite) rc = dtls13_config_set_cipher_suites(cfg, &suite, 1);
    if (rc != 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static void exchange_data(d13_test_state *t, conn_pair *p)
{
    const uint8_t ping[] = "ping over 1.2";
    const uint8_t pong[] = "pong over 1.2";
    uint8_t buf[64];
    CHECK_EQ(dtls13_conn_write(p->client, ping, sizeof(ping), p->now_ms), (int)sizeof(ping));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)sizeof(ping));
    CHECK_MEM(buf, ping, sizeof(ping));
    CHECK_EQ(dtls13_conn_write(p->server, pong, sizeof(pong), p->now_ms), (int)sizeof(pong));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->client, buf, sizeof(buf)), (int)sizeof(pong));
    CHECK_MEM(buf, pong, sizeof(pong));
}

static void check_agreement(d13_test_state *t, conn_pair *p)
{
    uint8_t a[60], b[60];
    CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, a, sizeof(a)), 0);
    CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, b, sizeof(b)), 0);
    CHECK_MEM(a, b, sizeof(a));
    CHECK_EQ(dtls13_conn_srtp_profile(p->client), dtls13_conn_srtp_profile(p->server));
    CHECK(dtls13_conn_srtp_profile(p->client) != 0);
    CHECK_EQ(dtls13_conn_cipher_suite(p->client), dtls13_conn_cipher_suite(p->server));
    CHECK_EQ(dtls13_conn_group(p->client), dtls13_conn_group(p->server));
    /* Mutual authentication: each side holds the other's certificate. */
    size_t n = 0;
    CHECK(dtls13_conn_peer_certificate(p->client, &n) != NULL && n > 0);
    CHECK(dtls13_conn_peer_certificate(p->server, &n) != NULL && n > 0);
}

/* Records the random of the first ServerHello the server sends. */
typedef struct hello_spy {
    uint8_t server_random[32];
    bool seen;
    bool forge_sentinel; /* write the 1.2 sentinel into it */
} hello_spy;

/* A 1.2 ServerHello datagram: record header (13), handshake header (12),
 * server_version (2), random (32). */
static bool spy_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    hello_spy *s = user;
    if (from_client || index != 0 || *len < 13 + 12 + 2 + 32 || data[0] != 22 || data[13] != 2) return true;
    if (s->forge_sentinel) memcpy(data + 13 + 12 + 2 + 24, downgrade_sentinel12, 8);
    memcpy(s->server_random, data + 13 + 12 + 2, 32);
    s->seen = true;
    return true;
}

typedef struct version_case {
    uint16_t client_lo, client_hi, server_lo, server_hi;
    uint16_t want;      /* negotiated version, 0: failure */
    int client_alert;   /* with failure: the alert the client ends with */
    bool sentinel;      /* the server's 1.2 random ends with DOWNGRD\1 */
} version_case;

static void test_version_matrix(d13_test_state *t)
{
    const version_case cases[] = {
        {V12, V13, V12, V13, V13, -1, false},
        {V12, V13, V12, V12, V12, -1, false}, /* 1.2-only server: no sentinel */
        {V12, V12, V12, V13, V12, -1, true},  /* server allows 1.3: sentinel, client 1.2-only accepts */
        {V12, V12, V12, V12, V12, -1, false},
        {V13, V13, V12, V13, V13, -1, false},
        {V12, V13, V13, V13, V13, -1, false},
        {V13, V13, V12, V12, 0, DTLS13_ALERT_PROTOCOL_VERSION, false},
        {V12, V12, V13, V13, 0, DTLS13_ALERT_PROTOCOL_VERSION, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const version_case *vc = &cases[i];
        dtls13_config *cc = make_config(vc->client_lo, vc->client_hi, 0, false);
        dtls13_config *sc = make_config(vc->server_lo, vc->server_hi, 0, false);
        CHECK(cc && sc);
        conn_pair *p = conn_pair_new(cc, sc);
        hello_spy spy;
        memset(&spy, 0, sizeof spy);
        p->filter = spy_filter;
        p->filter_user = &spy;
        bool ok = conn_pair_handshake(p, 30000);
        if (vc->want) {
            CHECK(ok);
            CHECK_EQ(dtls13_conn_version(p->client), vc->want);
            CHECK_EQ(dtls13_conn_version(p->server), vc->want);
            if (ok) {
                check_agreement(t, p);
                exchange_data(t, p);
            }
            if (vc->want == V12) {
                CHECK(spy.seen);
                CHECK_EQ(memcmp(spy.server_random + 24, downgrade_sentinel12, 8) == 0, vc->sentinel);
            }
        } else {
            CHECK(!ok);
            CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_FAILED);
            CHECK_EQ(dtls13_conn_alert(p->client), vc->client_alert);
            CHECK(dtls13_conn_failure_reason(p->client) != NULL);
        }
        if (!ok || vc->want == 0)
            printf("  case %zu: client %s / server %s (alert %d)\n", i,
                   dtls13_conn_failure_reason(p->client) ? dtls13_conn_failure_reason(p->client) : "-",
                   dtls13_conn_failure_reason(p->server) ? dtls13_conn_failure_reason(p->server) : "-",
                   dtls13_conn_alert(p->server));
        conn_pair_free(p);
        dtls13_config_free(cc);
        dtls13_config_free(sc);
    }
}

/* Every 1.2 suite, ECDSA and RSA certificates, DTLS 1.2 only. */
static void test_suites(d13_test_state *t)
{
    const struct {
        uint16_t suite;
        bool rsa;
    } cases[] = {
        {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, false},
        {DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, false},
        {DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, false},
        {DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true},
        {DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, true},
        {DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        dtls13_config *cc = make_config(V12, V12, cases[i].suite, cases[i].rsa);
        dtls13_config *sc = make_config(V12, V12, cases[i].suite, cases[i].rsa);
        CHECK(cc && sc);
        conn_pair *p = conn_pair_new(cc, sc);
        CHECK(conn_pair_handshake(p, 30000));
        CHECK_EQ(dtls13_conn_cipher_suite(p->client), cases[i].suite);
        CHECK_EQ(dtls13_conn_version(p->server), V12);
        if (cases[i].rsa) CHECK_EQ(dtls13_conn_peer_signature_scheme(p->client), DTLS13_SIG_RSA_PSS_RSAE_SHA256);
        else CHECK_EQ(dtls13_conn_peer_signature_scheme(p->client), DTLS13_SIG_ECDSA_SECP256R1_SHA256);
        check_agreement(t, p);
        exchange_data(t, p);
        /* close_notify ends both sides cleanly. */
        CHECK_EQ(dtls13_conn_close(p->client, p->now_ms), 0);
        conn_pair_pump(p);
        CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CLOSED);
        conn_pair_free(p);
        dtls13_config_free(cc);
        dtls13_config_free(sc);
    }
}

/* A 1.2-only server whose ServerHello.random is rewritten to carry the
 * sentinel (an attacker who forces 1.2 on a 1.3-capable pair cannot
 * remove it; one that adds it must be refused by a 1.3-capable client:
 * RFC 8446 4.1.3, illegal_parameter). A 1.2-only client ignores it. */
static void test_forged_sentinel(d13_test_state *t)
{
    for (int client_allows_13 = 1; client_allows_13 >= 0; client_allows_13--) {
        dtls13_config *cc = make_config(V12, client_allows_13 ? V13 : V12, 0, false);
        dtls13_config *sc = make_config(V12, V12, 0, false);
        conn_pair *p = conn_pair_new(cc, sc);
        hello_spy spy;
        memset(&spy, 0, sizeof spy);
        spy.forge_sentinel = true;
        p->filter = spy_filter;
        p->filter_user = &spy;
        bool ok = conn_pair_handshake(p, 30000);
        CHECK(spy.seen);
        if (client_allows_13) {
            CHECK(!ok);
            CHECK_EQ(dtls13_conn_alert(p->client), DTLS13_ALERT_ILLEGAL_PARAMETER);
        } else {
            /* The random is in the transcript and the key derivation, so
             * the rewrite breaks the handshake later; what matters is that
             * the sentinel itself is not what refused it. */
            const char *why = dtls13_conn_failure_reason(p->client);
            CHECK(why == NULL || strstr(why, "downgrade") == NULL);
        }
        conn_pair_free(p);
        dtls13_config_free(cc);
        dtls13_config_free(sc);
    }
}

/* Captures the last datagram the client sends after the handshake. */
typedef struct last_dgram {
    uint8_t data[CONN_PAIR_MAX_DGRAM];
    size_t len;
    bool armed;
} last_dgram;

static bool capture_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)index;
    last_dgram *l = user;
    if (l->armed && from_client) {
        memcpy(l->data, data, *len);
        l->len = *len;
    }
    return true;
}

/* Replayed application data is dropped and counted (RFC 6347 4.1.2.6);
 * a stray ChangeCipherSpec and garbage after the handshake change
 * nothing; the association keeps working. */
static void test_replay_and_stray_records(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V12, 0, false);
    dtls13_config *sc = make_config(V12, V12, 0, false);
    conn_pair *p = conn_pair_new(cc, sc);
    last_dgram last;
    memset(&last, 0, sizeof last);
    p->filter = capture_filter;
    p->filter_user = &last;
    CHECK(conn_pair_handshake(p, 30000));
    last.armed = true;
    const uint8_t msg[] = "once";
    uint8_t buf[64];
    CHECK_EQ(dtls13_conn_write(p->client, msg, sizeof(msg), p->now_ms), (int)sizeof(msg));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)sizeof(msg));
    CHECK(last.len > 13 && last.data[0] == 23); /* an epoch-1 application_data record */
    dtls13_stats before, after;
    dtls13_conn_stats(p->server, &before);
    for (int i = 0; i < 3; i++) CHECK_EQ(dtls13_conn_handle_datagram(p->server, last.data, last.len, p->now_ms), 0);
    dtls13_conn_stats(p->server, &after);
    CHECK_EQ(after.dropped_replay, before.dropped_replay + 3);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), DTLS13_ERR_WOULD_BLOCK);
    /* A plaintext ChangeCipherSpec in epoch 0 after the handshake, and the
     * same bytes truncated. */
    const uint8_t ccs[] = {20, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1};
    CHECK_EQ(dtls13_conn_handle_datagram(p->server, ccs, sizeof(ccs), p->now_ms), 0);
    CHECK_EQ(dtls13_conn_handle_datagram(p->server, ccs, 7, p->now_ms), 0);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    /* Flipped bits in the replayed record: a bad tag, dropped. */
    last.data[last.len - 1] ^= 0x40;
    last.data[5] ^= 0x01; /* a far newer sequence number: fresh, so it reaches the AEAD */
    CHECK_EQ(dtls13_conn_handle_datagram(p->server, last.data, last.len, p->now_ms), 0);
    dtls13_conn_stats(p->server, &after);
    CHECK(after.dropped_bad_tag >= 1);
    exchange_data(t, p);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* The server's final flight (CCS + Finished) is lost once: the client
 * retransmits its flight on its timer, the server answers with its final
 * flight again, and both connect (RFC 6347 4.2.4). */
typedef struct drop_final {
    unsigned dropped;
} drop_final;

static bool drop_server_final_flight(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    drop_final *d = user;
    /* The server's second datagram carries its CCS (content type 20). */
    if (!from_client && index >= 1 && *len > 0 && data[0] == 20 && d->dropped == 0) {
        d->dropped++;
        return false;
    }
    return true;
}

static void test_final_flight_lost(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V12, 0, false);
    dtls13_config *sc = make_config(V12, V12, 0, false);
    conn_pair *p = conn_pair_new(cc, sc);
    drop_final d = {0};
    p->filter = drop_server_final_flight;
    p->filter_user = &d;
    CHECK(conn_pair_handshake(p, 30000));
    CHECK_EQ(d.dropped, 1u);
    dtls13_stats cs;
    dtls13_conn_stats(p->client, &cs);
    CHECK(cs.retransmissions >= 1);
    check_agreement(t, p);
    exchange_data(t, p);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Extended master secret is required by default: a server that does not
 * require it still negotiates it with our client, and a 1.2 handshake
 * without it is refused unless both allow it (checked through the
 * config setter; our client always offers it). */
static void test_ems_option(d13_test_state *t)
{
    dtls13_config *cfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_set_require_extended_master_secret(cfg, false), 0);
    CHECK_EQ(dtls13_config_set_require_extended_master_secret(NULL, false), DTLS13_ERR_INVALID_ARG);
    dtls13_config_free(cfg);
    dtls13_config *cc = make_config(V12, V12, 0, false);
    dtls13_config *sc = make_config(V12, V12, 0, false);
    dtls13_config_set_require_extended_master_secret(sc, false);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 30000));
    check_agreement(t, p);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* DTLS 1.2 has no ACKs: the peer's next flight acknowledges ours, after its
 * signing and verifying, so the retransmission timer never drops below the
 * configured initial value (RFC 6347 4.2.4.1), even after a 1 ms RTT
 * estimate; a slow peer (GnuTLS takes 150 ms over loopback) must not get
 * every flight several times. DTLS 1.3 keeps following the RTT. */
static bool hold_client_second_flight(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)data;
    (void)len;
    unsigned *held = user;
    if (from_client && index >= 1) {
        (*held)++;
        return false;
    }
    return true;
}

static void test_timer_floor(d13_test_state *t)
{
    for (int v13 = 0; v13 < 2; v13++) {
        dtls13_config *cc = make_config(V12, V13, 0, false);
        dtls13_config *sc = make_config(v13 ? V13 : V12, v13 ? V13 : V12, 0, false);
        conn_pair *p = conn_pair_new(cc, sc);
        unsigned held = 0;
        p->filter = hold_client_second_flight;
        p->filter_user = &held;
        CHECK_EQ(dtls13_conn_set_rtt_estimate(p->client, 1), 0);
        dtls13_conn_start(p->server, p->now_ms);
        dtls13_conn_start(p->client, p->now_ms);
        /* 1.2: ClientHello, the server's flight, our next flight (held);
         * 1.3: the client waits for the rest of the server's flight. */
        conn_pair_pump(p);
        uint64_t wait = dtls13_conn_next_timeout(p->client) - p->now_ms;
        if (v13) {
            CHECK(wait < 400);
        } else {
            CHECK_EQ(held, 1u);
            CHECK_EQ(wait, 400u);
            p->now_ms += 399;
            dtls13_conn_handle_timeout(p->client, p->now_ms);
            dtls13_stats cs;
            dtls13_conn_stats(p->client, &cs);
            CHECK_EQ(cs.retransmissions, 0u);
        }
        conn_pair_free(p);
        dtls13_config_free(cc);
        dtls13_config_free(sc);
    }
}

/* Renegotiation is refused (RFC 9325 4, RFC 5746 4.5) with a warning
 * no_renegotiation and the association goes on: a ClientHello in epoch 1
 * to the server, whatever its message_seq (it starts again at 0, RFC 6347
 * 4.2.2; GnuTLS numbers its repeats 1, 2, ...), and a HelloRequest to the
 * client. Each is injected through the peer's own record layer. */
static void send_handshake_in_epoch1(dtls13_conn *from, uint8_t type, uint16_t message_seq, size_t body_len)
{
    uint8_t msg[12 + 64] = {type, 0, 0, (uint8_t)body_len, (uint8_t)(message_seq >> 8), (uint8_t)message_seq,
                            0, 0, 0, 0, 0, (uint8_t)body_len};
    memset(msg + 12, 0x42, body_len);
    d13_append_record(from, 1, 22, msg, 12 + body_len, NULL);
    d13_flush_datagram(from);
}

static void test_renegotiation_refused(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V12, 0, false);
    dtls13_config *sc = make_config(V12, V12, 0, false);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 30000));
    const uint16_t seqs[] = {0, 1, 7};
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
        int before = p->server_events[DTLS13_EVENT_ALERT_SENT];
        send_handshake_in_epoch1(p->client, 1 /* ClientHello */, seqs[i], 40);
        conn_pair_pump(p);
        CHECK_EQ(p->server_events[DTLS13_EVENT_ALERT_SENT], before + 1);
    }
    CHECK_EQ(p->client_events[DTLS13_EVENT_ALERT_RECEIVED], 3);
    send_handshake_in_epoch1(p->server, 0 /* HelloRequest */, 0, 0);
    conn_pair_pump(p);
    CHECK_EQ(p->client_events[DTLS13_EVENT_ALERT_SENT], 1);
    CHECK_EQ(p->server_events[DTLS13_EVENT_ALERT_RECEIVED], 1);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    exchange_data(t, p);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Removes the epoch-1 records (the Finished) from the client's datagrams
 * after its first flight while armed. */
static bool strip_client_finished(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    bool *armed = user;
    if (!*armed || !from_client || index == 0) return true;
    size_t in = 0, out = 0;
    while (in + 13 <= *len) {
        size_t rec = 13 + ((size_t)data[in + 11] << 8 | data[in + 12]);
        if (in + rec > *len) break;
        bool epoch1 = data[in + 3] == 0 && data[in + 4] == 1;
        if (!epoch1) {
            memmove(data + out, data + in, rec);
            out += rec;
        }
        in += rec;
    }
    *len = out;
    return out > 0;
}

/* A Finished whose verify_data is wrong, under the right keys: the server
 * answers decrypt_error (RFC 5246 7.4.9) and fails; the client learns it. */
static void test_wrong_finished(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V12, 0, false);
    dtls13_config *sc = make_config(V12, V12, 0, false);
    conn_pair *p = conn_pair_new(cc, sc);
    bool armed = true;
    p->filter = strip_client_finished;
    p->filter_user = &armed;
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_HANDSHAKING);
    armed = false;
    uint16_t mseq = (uint16_t)(p->client->next_send_seq - 1); /* the Finished that was removed */
    uint8_t fin[12 + 12] = {20, 0, 0, 12, (uint8_t)(mseq >> 8), (uint8_t)mseq, 0, 0, 0, 0, 0, 12};
    memset(fin + 12, 0x5a, 12);
    CHECK_EQ(d13_append_record(p->client, 1, 22, fin, sizeof(fin), NULL), 0);
    d13_flush_datagram(p->client);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_FAILED);
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_DECRYPT_ERROR);
    CHECK(p->client_events[DTLS13_EVENT_ALERT_RECEIVED] == 1);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Records of the server's flight arrive out of order (the first datagram
 * after the second): the client reassembles without a retransmission. */
typedef struct reorder_state {
    uint8_t held[CONN_PAIR_MAX_DGRAM];
    size_t held_len;
    int done;
} reorder_state;

static bool reorder_server_flight(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    reorder_state *r = user;
    if (from_client || r->done) return true;
    if (index == 0) {
        memcpy(r->held, data, *len);
        r->held_len = *len;
        return false;
    }
    if (*len + r->held_len > CONN_PAIR_MAX_DGRAM) return true;
    memcpy(data + *len, r->held, r->held_len);
    *len += r->held_len;
    r->done = 1;
    return true;
}

static void test_reordered_flight(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V12, 0, false);
    dtls13_config *sc = make_config(V12, V12, 0, false);
    CHECK_EQ(dtls13_config_set_mtu(sc, 300), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    reorder_state r;
    memset(&r, 0, sizeof r);
    p->filter = reorder_server_flight;
    p->filter_user = &r;
    CHECK(conn_pair_handshake(p, 30000));
    CHECK_EQ(r.done, 1);
    dtls13_stats cs, ss;
    dtls13_conn_stats(p->client, &cs);
    dtls13_conn_stats(p->server, &ss);
    CHECK_EQ(cs.retransmissions, 0u);
    CHECK_EQ(ss.retransmissions, 0u);
    check_agreement(t, p);
    exchange_data(t, p);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_version_matrix);
    RUN_TEST(&st, test_suites);
    RUN_TEST(&st, test_forged_sentinel);
    RUN_TEST(&st, test_replay_and_stray_records);
    RUN_TEST(&st, test_final_flight_lost);
    RUN_TEST(&st, test_ems_option);
    RUN_TEST(&st, test_timer_floor);
    RUN_TEST(&st, test_renegotiation_refused);
    RUN_TEST(&st, test_wrong_finished);
    RUN_TEST(&st, test_reordered_flight);
    TEST_MAIN_END(&st);
}
