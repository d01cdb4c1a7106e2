/* The stateless listener (include/dtls13/listen.h): complete handshakes
 * through the cookie exchange in every mode (equal exporters), a
 * HelloRetryRequest selecting a group, SHA-384 cookies, ClientHellos in two
 * datagrams, forged / expired / rotated / wrong-address cookies, message_seq
 * rules, the anti-amplification bound, garbage and truncations, and a flood
 * of 100,000 distinct ClientHellos that allocates nothing. */
#include <malloc.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "listen_harness.h"
#include "record/record.h"
#include "test.h"
#include "wire/messages.h"
#include "wire/reader.h"
#include "wire/writer.h"

#if defined(__SANITIZE_ADDRESS__)
/* From the sanitizer runtime (sanitizer/allocator_interface.h, which GCC
 * does not install): bytes currently allocated through its malloc. */
size_t __sanitizer_get_current_allocated_bytes(void);
static size_t allocated_bytes(void)
{
    return __sanitizer_get_current_allocated_bytes();
}
#else
static size_t allocated_bytes(void)
{
    return mallinfo2().uordblks;
}
#endif

#define MAX_DGRAM LISTEN_MAX_DGRAM

static dtls13_config *make_config(const uint16_t *groups, size_t num_groups, uint16_t suite)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc = dtls13_config_generate_certificate(cfg, NULL);
    if (rc == 0 && groups) rc = dtls13_config_set_groups(cfg, groups, num_groups);
    if (rc == 0 && suite) rc = dtls13_config_set_cipher_suites(cfg, &suite, 1);
    if (rc) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static void check_exporters_equal(d13_test_state *t, const listen_harness *hs)
{
    uint8_t a[60], b[60];
    CHECK_EQ(dtls13_conn_export_keying_material(hs->client, "EXTRACTOR-dtls_srtp", NULL, 0, a, sizeof(a)), 0);
    CHECK_EQ(dtls13_conn_export_keying_material(hs->server, "EXTRACTOR-dtls_srtp", NULL, 0, b, sizeof(b)), 0);
    CHECK_MEM(a, b, sizeof(a));
}

/* One complete handshake through the listener; returns the listen_harness for
 * further checks (caller frees) or NULL. */
static listen_harness *handshake_through(d13_test_state *t, dtls13_config *cc, dtls13_config *sc, dtls13_cookie_mode mode,
                                  bool under_load, bool split, unsigned expected_hrrs)
{
    listen_harness *hs = listen_harness_new(cc, sc, mode);
    CHECK(hs != NULL);
    if (!hs) return NULL;
    dtls13_listener_set_under_load(hs->l, under_load);
    hs->split_client_hellos = split;
    bool ok = listen_harness_run(hs, 20000);
    CHECK(ok);
    CHECK(!hs->accept_failed);
    CHECK_EQ(hs->hrrs, expected_hrrs);
    CHECK_EQ(hs->accepts, 1);
    CHECK(hs->amplification_ok);
    if (ok) check_exporters_equal(t, hs);
    dtls13_listener_stats st;
    dtls13_listener_get_stats(hs->l, &st);
    CHECK_EQ(st.hrr_sent, expected_hrrs);
    CHECK_EQ(st.accepted, 1);
    CHECK_EQ(st.cookies_invalid, 0);
    return hs;
}

static void test_modes(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    CHECK(cc && sc);
    if (!cc || !sc) return;
    struct {
        dtls13_cookie_mode mode;
        bool load;
        unsigned hrrs;
    } cases[] = {
        {DTLS13_COOKIE_ALWAYS, false, 1},
        {DTLS13_COOKIE_NEVER, false, 0},
        {DTLS13_COOKIE_NEVER, true, 0},
        {DTLS13_COOKIE_UNDER_LOAD, false, 0},
        {DTLS13_COOKIE_UNDER_LOAD, true, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        listen_harness *hs = handshake_through(t, cc, sc, cases[i].mode, cases[i].load, false, cases[i].hrrs);
        if (!hs) continue;
        CHECK_EQ(dtls13_conn_used_hello_retry(hs->client), cases[i].hrrs == 1);
        if (hs->server) CHECK_EQ(dtls13_conn_used_hello_retry(hs->server), cases[i].hrrs == 1);
        /* Application data flows after the cookie exchange too. */
        const uint8_t ping[] = "ping";
        uint8_t buf[16];
        CHECK_EQ(dtls13_conn_write(hs->client, ping, sizeof(ping), hs->now), (int)sizeof(ping));
        listen_harness_pump(hs);
        if (hs->server) CHECK_EQ(dtls13_conn_read(hs->server, buf, sizeof(buf)), (int)sizeof(ping));
        listen_harness_free(hs);
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Under load, a ClientHello that already carries a valid cookie is
 * accepted even when the load has gone in the meantime. */
static void test_under_load_changes(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    listen_harness *hs = cc && sc ? listen_harness_new(cc, sc, DTLS13_COOKIE_UNDER_LOAD) : NULL;
    CHECK(hs != NULL);
    if (hs) {
        dtls13_listener_set_under_load(hs->l, true);
        CHECK_EQ(dtls13_conn_start(hs->client, hs->now), 0);
        uint8_t buf[LISTEN_MAX_DGRAM];
        size_t len;
        CHECK(listen_queue_pop(&hs->to_server, buf, &len));
        listen_harness_deliver(hs, buf, len); /* HRR */
        CHECK_EQ(hs->hrrs, 1);
        dtls13_listener_set_under_load(hs->l, false);
        CHECK(listen_harness_run(hs, 20000));
        CHECK_EQ(hs->accepts, 1);
        CHECK(listen_harness_connected(hs));
        listen_harness_free(hs);
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_selected_group_and_suites(d13_test_state *t)
{
    const uint16_t client_groups[] = {DTLS13_GROUP_X25519, DTLS13_GROUP_SECP256R1};
    const uint16_t server_groups[] = {DTLS13_GROUP_SECP256R1};
    dtls13_config *cc = make_config(client_groups, 2, 0), *sc = make_config(server_groups, 1, 0);
    CHECK(cc && sc);
    if (cc && sc) {
        /* The client's only share (x25519) is not acceptable: the HRR asks for P-256. */
        listen_harness *hs = handshake_through(t, cc, sc, DTLS13_COOKIE_ALWAYS, false, false, 1);
        if (hs && hs->server) {
            CHECK_EQ(dtls13_conn_group(hs->server), DTLS13_GROUP_SECP256R1);
            CHECK_EQ(dtls13_conn_group(hs->client), DTLS13_GROUP_SECP256R1);
        }
        listen_harness_free(hs);
        /* Without cookies the connection does the (stateful) HRR itself. */
        hs = handshake_through(t, cc, sc, DTLS13_COOKIE_NEVER, false, false, 0);
        if (hs && hs->server) CHECK(dtls13_conn_used_hello_retry(hs->server));
        listen_harness_free(hs);
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
    /* Each suite (SHA-384 makes a longer cookie). */
    const uint16_t suites[] = {DTLS13_TLS_AES_128_GCM_SHA256, DTLS13_TLS_AES_256_GCM_SHA384,
                               DTLS13_TLS_CHACHA20_POLY1305_SHA256};
    for (size_t i = 0; i < 3; i++) {
        cc = make_config(NULL, 0, suites[i]);
        sc = make_config(NULL, 0, suites[i]);
        CHECK(cc && sc);
        if (cc && sc) {
            listen_harness *hs = handshake_through(t, cc, sc, DTLS13_COOKIE_ALWAYS, false, false, 1);
            if (hs && hs->server) CHECK_EQ(dtls13_conn_cipher_suite(hs->server), suites[i]);
            listen_harness_free(hs);
        }
        dtls13_config_free(cc);
        dtls13_config_free(sc);
    }
}

static void test_fragmented_client_hellos(d13_test_state *t)
{
    const uint16_t client_groups[] = {DTLS13_GROUP_X25519, DTLS13_GROUP_SECP256R1};
    const uint16_t server_groups[] = {DTLS13_GROUP_SECP256R1};
    dtls13_config *cc = make_config(client_groups, 2, 0), *sc = make_config(server_groups, 1, 0);
    dtls13_config *sc_any = make_config(NULL, 0, 0);
    CHECK(cc && sc && sc_any);
    if (cc && sc && sc_any) {
        dtls13_listener_stats st;
        /* Both ClientHellos in two datagrams; the second through the cache
         * and the primed connection. */
        listen_harness *hs = handshake_through(t, cc, sc, DTLS13_COOKIE_ALWAYS, false, true, 1);
        if (hs) {
            dtls13_listener_get_stats(hs->l, &st);
            CHECK_EQ(st.fragments_buffered, 4);
            CHECK_EQ(hs->listen_drops, 2); /* the two first fragments: nothing to send yet */
        }
        listen_harness_free(hs);
        hs = handshake_through(t, cc, sc_any, DTLS13_COOKIE_ALWAYS, false, true, 1);
        listen_harness_free(hs);
        /* Without cookies: reassembled, then accepted. */
        hs = handshake_through(t, cc, sc_any, DTLS13_COOKIE_NEVER, false, true, 0);
        if (hs) {
            dtls13_listener_get_stats(hs->l, &st);
            CHECK_EQ(st.fragments_buffered, 2);
        }
        listen_harness_free(hs);
        hs = handshake_through(t, cc, sc, DTLS13_COOKIE_NEVER, false, true, 0);
        listen_harness_free(hs);
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
    dtls13_config_free(sc_any);
}

/* The first ClientHello, the HRR and the second ClientHello of one client. */
typedef struct exchange {
    listen_harness *hs;
    uint8_t ch1[LISTEN_MAX_DGRAM], hrr[512], ch2[LISTEN_MAX_DGRAM];
    size_t ch1_len, hrr_len, ch2_len;
    size_t cookie_off, cookie_len; /* of the cookie inside ch2 */
} exchange;

static size_t find_bytes(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++) {
        if (memcmp(hay + i, needle, m) == 0) return i;
    }
    return SIZE_MAX;
}

static bool make_exchange(d13_test_state *t, exchange *ex, dtls13_config *cc, dtls13_config *sc, uint64_t start)
{
    memset(ex, 0, sizeof(*ex));
    ex->hs = listen_harness_new(cc, sc, DTLS13_COOKIE_ALWAYS);
    if (!ex->hs) return false;
    listen_harness *hs = ex->hs;
    hs->now = start;
    if (dtls13_conn_start(hs->client, hs->now) || !listen_queue_pop(&hs->to_server, ex->ch1, &ex->ch1_len)) return false;
    int r = dtls13_listen(hs->l, ex->ch1, ex->ch1_len, hs->addr, hs->addr_len, hs->now, ex->hrr, sizeof(ex->hrr),
                          &ex->hrr_len);
    CHECK_EQ(r, DTLS13_LISTEN_SEND_HRR);
    if (r != DTLS13_LISTEN_SEND_HRR) return false;
    /* The HRR: one plaintext record, record seq = the ClientHello's, message_seq 0. */
    d13_reader rd;
    d13_reader_init(&rd, ex->hrr, ex->hrr_len);
    d13_record_view rec;
    CHECK_EQ(d13_record_next(&rd, &rec), D13_DROP_NONE);
    CHECK(!rec.is_ciphertext && rec.content_type == D13_CT_HANDSHAKE && rec.seq48 == 0);
    d13_reader body;
    d13_reader_init(&body, rec.payload, rec.payload_len);
    d13_hs_header h;
    d13_bytes frag;
    CHECK_EQ(d13_hs_header_read(&body, &h, &frag), 0);
    CHECK(h.msg_type == D13_HS_SERVER_HELLO && h.message_seq == 0 && h.fragment_length == h.length);
    d13_server_hello sh;
    CHECK_EQ(d13_server_hello_decode(frag.p, frag.len, &sh), 0);
    CHECK(sh.is_hrr);
    CHECK(sh.ext.present & D13_HAS_COOKIE);
    CHECK(!(sh.ext.present & D13_HAS_KEY_SHARE)); /* the client's x25519 share is acceptable */
    CHECK_EQ(sh.ext.selected_version, DTLS13_VERSION_DTLS13);
    CHECK_EQ(sh.ext.cookie.len, 78);
    CHECK(ex->hrr_len <= 3 * ex->ch1_len); /* anti-amplification */
    uint8_t cookie[128];
    ex->cookie_len = sh.ext.cookie.len;
    memcpy(cookie, sh.ext.cookie.p, ex->cookie_len);
    dtls13_conn_handle_datagram(hs->client, ex->hrr, ex->hrr_len, hs->now);
    if (!listen_queue_pop(&hs->to_server, ex->ch2, &ex->ch2_len)) return false;
    ex->cookie_off = find_bytes(ex->ch2, ex->ch2_len, cookie, ex->cookie_len);
    CHECK(ex->cookie_off != SIZE_MAX);
    return ex->cookie_off != SIZE_MAX;
}

static int listen_at(listen_harness *hs, const uint8_t *d, size_t len, const char *addr, uint64_t now, uint8_t *out,
                     size_t *out_len)
{
    return dtls13_listen(hs->l, d, len, addr, strlen(addr), now, out, 512, out_len);
}

static void test_cookie_attacks(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    CHECK(cc && sc);
    if (!cc || !sc) return;
    exchange ex;
    uint8_t out[512];
    size_t out_len = 0;
    if (make_exchange(t, &ex, cc, sc, 1000)) {
        listen_harness *hs = ex.hs;
        uint64_t now = hs->now + 50;
        CHECK_EQ(listen_at(hs, ex.ch2, ex.ch2_len, hs->addr, now, out, &out_len), DTLS13_LISTEN_ACCEPT);
        /* Another address: a fresh HRR, and accept() refuses. */
        dtls13_listener_stats before, after;
        dtls13_listener_get_stats(hs->l, &before);
        CHECK_EQ(listen_at(hs, ex.ch2, ex.ch2_len, "198.51.100.7:40001", now, out, &out_len),
                 DTLS13_LISTEN_SEND_HRR);
        dtls13_listener_get_stats(hs->l, &after);
        CHECK_EQ(after.cookies_invalid, before.cookies_invalid + 1);
        CHECK(dtls13_listener_accept(hs->l, ex.ch2, ex.ch2_len, "198.51.100.7:40001", 18, listen_harness_server_send, hs, now) ==
              NULL);
        /* The fresh HRR mirrors message_seq 1, so the client sees a second HRR and aborts. */
        CHECK(out_len > 18 && out[17] == 0 && out[18] == 1);
        /* Every bit flip inside the cookie: never accepted. */
        int accepted = 0;
        for (size_t i = 0; i < ex.cookie_len * 8; i++) {
            uint8_t copy[LISTEN_MAX_DGRAM];
            memcpy(copy, ex.ch2, ex.ch2_len);
            copy[ex.cookie_off + i / 8] ^= (uint8_t)(1u << (i % 8));
            int r = listen_at(hs, copy, ex.ch2_len, hs->addr, now, out, &out_len);
            if (r == DTLS13_LISTEN_ACCEPT) accepted++;
            if (dtls13_listener_accept(hs->l, copy, ex.ch2_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, now))
                accepted++;
        }
        CHECK_EQ(accepted, 0);
        /* Expired: two lifetimes later a fresh HRR, never a connection. */
        uint64_t late = now + 2 * DTLS13_DEFAULT_COOKIE_LIFETIME_MS + 1;
        CHECK_EQ(listen_at(hs, ex.ch2, ex.ch2_len, hs->addr, late, out, &out_len), DTLS13_LISTEN_SEND_HRR);
        CHECK(dtls13_listener_accept(hs->l, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, late) == NULL);
        listen_harness_free(hs);
    }
    /* Rotation with a 1 s lifetime: the cookie of the previous period is
     * accepted, of two periods ago refused. */
    if (make_exchange(t, &ex, cc, sc, 0)) {
        listen_harness *hs = ex.hs;
        CHECK_EQ(dtls13_listener_set_cookie_lifetime_ms(hs->l, 1000), 0);
        /* A new lifetime means new secrets: the cookie issued before is void. */
        CHECK_EQ(listen_at(hs, ex.ch2, ex.ch2_len, hs->addr, 100, out, &out_len), DTLS13_LISTEN_SEND_HRR);
        listen_harness_free(hs);
    }
    /* The short lifetime set before the first ClientHello. */
    {
        listen_harness *hs = listen_harness_new(cc, sc, DTLS13_COOKIE_ALWAYS);
        CHECK(hs != NULL);
        if (hs) {
            CHECK_EQ(dtls13_listener_set_cookie_lifetime_ms(hs->l, 1000), 0);
            hs->now = 10990;
            uint8_t ch1[LISTEN_MAX_DGRAM], ch2[LISTEN_MAX_DGRAM];
            size_t ch1_len = 0, ch2_len = 0;
            CHECK_EQ(dtls13_conn_start(hs->client, hs->now), 0);
            CHECK(listen_queue_pop(&hs->to_server, ch1, &ch1_len));
            CHECK_EQ(listen_at(hs, ch1, ch1_len, hs->addr, 10990, out, &out_len), DTLS13_LISTEN_SEND_HRR);
            dtls13_conn_handle_datagram(hs->client, out, out_len, hs->now);
            CHECK(listen_queue_pop(&hs->to_server, ch2, &ch2_len));
            /* Period 11: rotated once, still valid. */
            CHECK_EQ(listen_at(hs, ch2, ch2_len, hs->addr, 11005, out, &out_len), DTLS13_LISTEN_ACCEPT);
            /* Period 12: the secret is gone. */
            CHECK_EQ(listen_at(hs, ch2, ch2_len, hs->addr, 12001, out, &out_len), DTLS13_LISTEN_SEND_HRR);
            CHECK(dtls13_listener_accept(hs->l, ch2, ch2_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, 12001) == NULL);
            listen_harness_free(hs);
        }
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_message_seq_rules(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    exchange ex;
    uint8_t out[512];
    size_t out_len = 0;
    if (cc && sc && make_exchange(t, &ex, cc, sc, 1000)) {
        listen_harness *hs = ex.hs;
        /* message_seq at datagram offset 17..18 (13-byte record header, type, uint24 length). */
        CHECK(ex.ch2[18] == 1 && ex.ch1[18] == 0);
        uint8_t copy[LISTEN_MAX_DGRAM];
        memcpy(copy, ex.ch2, ex.ch2_len);
        copy[18] = 0; /* a cookie on message_seq 0 */
        CHECK_EQ(listen_at(hs, copy, ex.ch2_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_DROP);
        copy[18] = 2;
        CHECK_EQ(listen_at(hs, copy, ex.ch2_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_DROP);
        memcpy(copy, ex.ch1, ex.ch1_len);
        copy[18] = 1; /* no cookie on message_seq 1 */
        CHECK_EQ(listen_at(hs, copy, ex.ch1_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_DROP);
        /* Other content types / epochs. */
        memcpy(copy, ex.ch1, ex.ch1_len);
        copy[0] = D13_CT_ALERT;
        CHECK_EQ(listen_at(hs, copy, ex.ch1_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_DROP);
        memcpy(copy, ex.ch1, ex.ch1_len);
        copy[4] = 1; /* epoch 1 */
        CHECK_EQ(listen_at(hs, copy, ex.ch1_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_DROP);
        /* The genuine ones still work; the retransmitted CH1 gets an HRR again. */
        CHECK_EQ(listen_at(hs, ex.ch1, ex.ch1_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_SEND_HRR);
        CHECK_EQ(listen_at(hs, ex.ch2, ex.ch2_len, hs->addr, 1010, out, &out_len), DTLS13_LISTEN_ACCEPT);
        /* accept() creates a server that answers with its flight. */
        dtls13_conn *server =
            dtls13_listener_accept(hs->l, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, 1010);
        CHECK(server != NULL);
        CHECK(hs->to_client.count > 0);
        dtls13_conn_free(server);
        listen_harness_free(hs);
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void test_garbage(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    exchange ex;
    uint8_t out[512];
    size_t out_len = 0;
    if (cc && sc && make_exchange(t, &ex, cc, sc, 1000)) {
        listen_harness *hs = ex.hs;
        int bad = 0;
        /* Every truncation of both ClientHellos: dropped. */
        for (size_t n = 0; n < ex.ch1_len; n++)
            if (listen_at(hs, ex.ch1, n, hs->addr, 1010, out, &out_len) != DTLS13_LISTEN_DROP) bad++;
        for (size_t n = 0; n < ex.ch2_len; n++) {
            if (listen_at(hs, ex.ch2, n, hs->addr, 1010, out, &out_len) != DTLS13_LISTEN_DROP) bad++;
            if (dtls13_listener_accept(hs->l, ex.ch2, n, hs->addr, hs->addr_len, listen_harness_server_send, hs, 1010)) bad++;
        }
        CHECK_EQ(bad, 0);
        /* Every bit flip of the first ClientHello: any answer, no crash;
         * random garbage: never accepted. */
        for (size_t i = 0; i < ex.ch1_len * 8; i++) {
            uint8_t copy[LISTEN_MAX_DGRAM];
            memcpy(copy, ex.ch1, ex.ch1_len);
            copy[i / 8] ^= (uint8_t)(1u << (i % 8));
            int r = listen_at(hs, copy, ex.ch1_len, hs->addr, 1010, out, &out_len);
            CHECK(r >= 0);
        }
        uint64_t seed = 0x1234567;
        for (int i = 0; i < 20000; i++) {
            uint8_t g[600];
            size_t n = (size_t)(xorshift(&seed) % sizeof(g));
            for (size_t k = 0; k < n; k++) g[k] = (uint8_t)xorshift(&seed);
            if (i % 2) g[0] = D13_CT_HANDSHAKE; /* get past the first byte more often */
            if (listen_at(hs, g, n, hs->addr, 1010, out, &out_len) != DTLS13_LISTEN_DROP) bad++;
        }
        CHECK_EQ(bad, 0);
        /* Bad arguments. */
        CHECK_EQ(dtls13_listen(NULL, ex.ch1, ex.ch1_len, hs->addr, hs->addr_len, 1, out, 512, &out_len),
                 DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(dtls13_listen(hs->l, NULL, 5, hs->addr, hs->addr_len, 1, out, 512, &out_len), DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(dtls13_listen(hs->l, ex.ch1, ex.ch1_len, NULL, 0, 1, out, 512, &out_len), DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(dtls13_listen(hs->l, ex.ch1, ex.ch1_len, hs->addr, DTLS13_LISTEN_MAX_ADDR + 1, 1, out, 512, &out_len),
                 DTLS13_ERR_INVALID_ARG);
        CHECK_EQ(dtls13_listen(hs->l, ex.ch1, ex.ch1_len, hs->addr, hs->addr_len, 1010, out, 60, &out_len),
                 DTLS13_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ(dtls13_listen(hs->l, ex.ch1, 0, hs->addr, hs->addr_len, 1, out, 512, &out_len), DTLS13_LISTEN_DROP);
        CHECK(dtls13_listener_accept(hs->l, ex.ch1, ex.ch1_len, hs->addr, hs->addr_len, NULL, NULL, 1) == NULL);
        /* ALWAYS mode never accepts a ClientHello without a cookie. */
        CHECK(dtls13_listener_accept(hs->l, ex.ch1, ex.ch1_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, 1010) == NULL);
        listen_harness_free(hs);
    }
    /* Creation arguments. */
    dtls13_config *nocert = dtls13_config_new();
    CHECK(dtls13_listener_new(NULL, DTLS13_COOKIE_ALWAYS) == NULL);
    CHECK(dtls13_listener_new(nocert, DTLS13_COOKIE_ALWAYS) == NULL);
    CHECK(dtls13_listener_new(sc, (dtls13_cookie_mode)7) == NULL);
    dtls13_listener *l = dtls13_listener_new(sc, DTLS13_COOKIE_NEVER);
    CHECK(l != NULL);
    CHECK_EQ(dtls13_listener_set_cookie_lifetime_ms(l, 999), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_listener_set_cookie_lifetime_ms(l, 600001), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_listener_set_cookie_lifetime_ms(l, 600000), 0);
    dtls13_listener_free(l);
    dtls13_listener_free(NULL);
    dtls13_config_free(nocert);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* A flood of distinct ClientHellos (other random, other address each)
 * leaves the allocated memory exactly where it was. */
/* Counts what a server sends and the events it reports. */
typedef struct accept_probe {
    size_t bytes_sent;
    unsigned datagrams;
    unsigned handshake_done_events;
} accept_probe;

static int probe_send(void *user, const uint8_t *data, size_t len)
{
    (void)data;
    accept_probe *p = user;
    p->bytes_sent += len;
    p->datagrams++;
    return 0;
}

static void probe_event(void *user, dtls13_conn *conn, const dtls13_event *event)
{
    (void)conn;
    accept_probe *p = user;
    if (event->type == DTLS13_EVENT_HANDSHAKE_DONE) p->handshake_done_events++;
}

/* dtls13_listener_accept_ex applies its options before the first flight:
 * validated, the whole flight goes out at once (more than 3x the
 * ClientHello, the limit accept() without a cookie keeps); the event
 * callback is in place from the start and sees the handshake complete. */
static void test_accept_options(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    listen_harness *hs = cc && sc ? listen_harness_new(cc, sc, DTLS13_COOKIE_NEVER) : NULL;
    CHECK(hs != NULL);
    if (!hs) goto done;
    CHECK_EQ(dtls13_conn_start(hs->client, hs->now), 0);
    uint8_t ch[LISTEN_MAX_DGRAM], out[512];
    size_t ch_len = 0, out_len = 0;
    CHECK(listen_queue_pop(&hs->to_server, ch, &ch_len));
    CHECK_EQ(dtls13_listen(hs->l, ch, ch_len, hs->addr, hs->addr_len, hs->now, out, sizeof(out), &out_len),
             DTLS13_LISTEN_ACCEPT);

    accept_probe plain = {0, 0, 0}, validated = {0, 0, 0};
    dtls13_conn *a = dtls13_listener_accept(hs->l, ch, ch_len, hs->addr, hs->addr_len, probe_send, &plain, hs->now);
    dtls13_accept_options opts = {probe_event, &validated, true};
    dtls13_conn *b = dtls13_listener_accept_ex(hs->l, ch, ch_len, hs->addr, hs->addr_len, probe_send, &validated,
                                               hs->now, &opts);
    CHECK(a != NULL && b != NULL);
    CHECK(plain.bytes_sent <= 3 * ch_len);
    CHECK(validated.bytes_sent > 3 * ch_len);
    CHECK(validated.bytes_sent > plain.bytes_sent);
    dtls13_conn_free(a);
    dtls13_conn_free(b);

    /* A validated connection on the link completes the handshake with the
     * client and reports it through the callback the options installed. */
    accept_probe linked = {0, 0, 0};
    dtls13_accept_options link_opts = {probe_event, &linked, true};
    hs->server = dtls13_listener_accept_ex(hs->l, ch, ch_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, hs->now,
                                           &link_opts);
    CHECK(hs->server != NULL);
    for (int round = 0; round < 20 && hs->server; round++) {
        uint8_t d[LISTEN_MAX_DGRAM];
        size_t len = 0;
        while (listen_queue_pop(&hs->to_client, d, &len)) dtls13_conn_handle_datagram(hs->client, d, len, hs->now);
        while (listen_queue_pop(&hs->to_server, d, &len)) dtls13_conn_handle_datagram(hs->server, d, len, hs->now);
    }
    CHECK(hs->server && listen_harness_connected(hs));
    CHECK_EQ(linked.handshake_done_events, 1);
    /* NULL options are accept() itself. */
    CHECK(dtls13_listener_accept_ex(NULL, ch, ch_len, hs->addr, hs->addr_len, listen_harness_server_send, hs, hs->now, &opts) ==
          NULL);
done:
    listen_harness_free(hs);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_flood_allocates_nothing(d13_test_state *t)
{
    dtls13_config *cc = make_config(NULL, 0, 0), *sc = make_config(NULL, 0, 0);
    exchange ex;
    if (!cc || !sc || !make_exchange(t, &ex, cc, sc, 1000)) {
        CHECK(0);
        dtls13_config_free(cc);
        dtls13_config_free(sc);
        return;
    }
    listen_harness *hs = ex.hs;
    dtls13_listener *never = dtls13_listener_new(sc, DTLS13_COOKIE_NEVER);
    CHECK(never != NULL);
    uint8_t ch[LISTEN_MAX_DGRAM], out[512];
    size_t out_len = 0;
    memcpy(ch, ex.ch1, ex.ch1_len);
    uint8_t frag_a[LISTEN_MAX_DGRAM], frag_b[LISTEN_MAX_DGRAM];
    size_t frag_a_len = 0, frag_b_len = 0;
    CHECK(listen_split_client_hello(ex.ch1, ex.ch1_len, frag_a, &frag_a_len, frag_b, &frag_b_len));
    const int flood = 100000;
    int hrrs = 0, accepts = 0, drops = 0;
    size_t before = 0;
    for (int round = 0; round < 2; round++) {
        /* Round 0 warms up lazy library caches; round 1 is measured. */
        int n = round == 0 ? 200 : flood;
        if (round == 1) before = allocated_bytes();
        for (int i = 0; i < n; i++) {
            char addr[32];
            int addr_len = snprintf(addr, sizeof(addr), "10.%d.%d.%d:%d", (i >> 16) & 255, (i >> 8) & 255, i & 255,
                                    1024 + round);
            /* ClientHello.random: record 13 + handshake header 12 + legacy_version 2. */
            memcpy(ch + 27, &i, sizeof(i));
            ch[31] = (uint8_t)round;
            int r = dtls13_listen(hs->l, ch, ex.ch1_len, addr, (size_t)addr_len, 2000, out, sizeof(out), &out_len);
            if (r == DTLS13_LISTEN_SEND_HRR) hrrs++;
            r = dtls13_listen(never, ch, ex.ch1_len, addr, (size_t)addr_len, 2000, out, sizeof(out), &out_len);
            if (r == DTLS13_LISTEN_ACCEPT) accepts++;
            /* half a ClientHello from every address: the cache only evicts */
            if (i % 10 == 0) {
                r = dtls13_listen(never, frag_a, frag_a_len, addr, (size_t)addr_len, 2000, out, sizeof(out), &out_len);
                if (r == DTLS13_LISTEN_DROP) drops++;
            }
        }
    }
    size_t after = allocated_bytes();
    CHECK_EQ(hrrs, flood + 200);
    CHECK_EQ(accepts, flood + 200);
    CHECK_EQ(drops, flood / 10 + 20);
    CHECK_EQ((long long)after - (long long)before, 0);
    dtls13_listener_stats st;
    dtls13_listener_get_stats(never, &st);
    CHECK(st.fragments_evicted > 0);
    dtls13_listener_free(never);
    listen_harness_free(hs);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_modes);
    RUN_TEST(&st, test_under_load_changes);
    RUN_TEST(&st, test_selected_group_and_suites);
    RUN_TEST(&st, test_fragmented_client_hellos);
    RUN_TEST(&st, test_cookie_attacks);
    RUN_TEST(&st, test_message_seq_rules);
    RUN_TEST(&st, test_garbage);
    RUN_TEST(&st, test_accept_options);
    RUN_TEST(&st, test_flood_allocates_nothing);
    TEST_MAIN_END(&st);
}
