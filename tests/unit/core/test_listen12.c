/* The stateless listener with DTLS 1.2 (RFC 6347 4.2.1, as DTLSv1_listen):
 * complete handshakes through the HelloVerifyRequest exchange for every
 * pair of version ranges and cookie modes (a 1.2..1.3 client that echoes
 * the 1.2 cookie while still offering 1.3, as Chromium does, included),
 * ClientHellos in two datagrams, and the cookie attacks: another address,
 * a flipped cookie byte, an expired cookie, a cookie in a first
 * ClientHello (message_seq 0), each refused with the listener's count;
 * and a server that chooses 1.3 refusing a ClientHello with a non-empty
 * legacy_cookie (RFC 9147 5.3). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "listen_harness.h"
#include "test.h"

#define V12 DTLS13_VERSION_DTLS12
#define V13 DTLS13_VERSION_DTLS13

static dtls13_config *make_config(uint16_t lo, uint16_t hi)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc = dtls13_config_generate_certificate(cfg, NULL);
    if (rc == 0) rc = dtls13_config_set_version_range(cfg, lo, hi);
    if (rc) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

typedef struct listen12_case {
    uint16_t client_lo, client_hi, server_lo, server_hi;
    dtls13_cookie_mode mode;
    bool under_load;
    bool split;
    uint16_t want_version;
    unsigned want_hrr; /* HelloRetryRequests + HelloVerifyRequests sent */
    unsigned want_hvr; /* of those, HelloVerifyRequests */
} listen12_case;

static void run_case(d13_test_state *t, const listen12_case *k)
{
    dtls13_config *cc = make_config(k->client_lo, k->client_hi), *sc = make_config(k->server_lo, k->server_hi);
    listen_harness *hs = cc && sc ? listen_harness_new(cc, sc, k->mode) : NULL;
    CHECK(hs != NULL);
    if (!hs) goto done;
    dtls13_listener_set_under_load(hs->l, k->under_load);
    hs->split_client_hellos = k->split;
    bool ok = listen_harness_run(hs, 20000);
    CHECK(ok);
    CHECK(!hs->accept_failed);
    CHECK_EQ(hs->hrrs, k->want_hrr);
    CHECK_EQ(hs->accepts, 1);
    CHECK(hs->amplification_ok);
    dtls13_listener_stats st;
    dtls13_listener_get_stats(hs->l, &st);
    CHECK_EQ(st.hrr_sent, k->want_hrr);
    CHECK_EQ(st.hvr_sent, k->want_hvr);
    CHECK_EQ(st.accepted, 1);
    CHECK_EQ(st.cookies_invalid, 0);
    if (!ok) goto done;
    CHECK_EQ(dtls13_conn_version(hs->client), k->want_version);
    CHECK_EQ(dtls13_conn_version(hs->server), k->want_version);
    CHECK_EQ(dtls13_conn_used_hello_retry(hs->client), k->want_hrr > 0);
    CHECK_EQ(dtls13_conn_used_hello_retry(hs->server), k->want_hrr > 0);
    uint8_t a[60], b[60];
    CHECK_EQ(dtls13_conn_export_keying_material(hs->client, "EXTRACTOR-dtls_srtp", NULL, 0, a, sizeof(a)), 0);
    CHECK_EQ(dtls13_conn_export_keying_material(hs->server, "EXTRACTOR-dtls_srtp", NULL, 0, b, sizeof(b)), 0);
    CHECK_MEM(a, b, sizeof(a));
    const uint8_t ping[] = "ping after the cookie";
    uint8_t buf[64];
    CHECK_EQ(dtls13_conn_write(hs->client, ping, sizeof(ping), hs->now), (int)sizeof(ping));
    listen_harness_pump(hs);
    CHECK_EQ(dtls13_conn_read(hs->server, buf, sizeof(buf)), (int)sizeof(ping));
    CHECK_MEM(buf, ping, sizeof(ping));
done:
    listen_harness_free(hs);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_version_and_cookie_matrix(d13_test_state *t)
{
    static const listen12_case cases[] = {
        /* 1.2 on both sides: HelloVerifyRequest, then the cookie. */
        {V12, V12, V12, V12, DTLS13_COOKIE_ALWAYS, false, false, V12, 1, 1},
        /* A 1.2..1.3 client at a 1.2-only server: its second ClientHello
         * echoes the cookie in legacy_cookie and still offers 1.3. */
        {V12, V13, V12, V12, DTLS13_COOKIE_ALWAYS, false, false, V12, 1, 1},
        {V12, V12, V12, V13, DTLS13_COOKIE_ALWAYS, false, false, V12, 1, 1},
        /* Both offer 1.3: the HelloRetryRequest path, no HelloVerifyRequest. */
        {V12, V13, V12, V13, DTLS13_COOKIE_ALWAYS, false, false, V13, 1, 0},
        {V12, V12, V12, V12, DTLS13_COOKIE_NEVER, false, false, V12, 0, 0},
        {V12, V12, V12, V12, DTLS13_COOKIE_UNDER_LOAD, false, false, V12, 0, 0},
        {V12, V12, V12, V12, DTLS13_COOKIE_UNDER_LOAD, true, false, V12, 1, 1},
        /* Both ClientHellos in two fragments each. */
        {V12, V12, V12, V12, DTLS13_COOKIE_ALWAYS, false, true, V12, 1, 1},
        {V12, V13, V12, V12, DTLS13_COOKIE_ALWAYS, false, true, V12, 1, 1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int before = t->failures;
        run_case(t, &cases[i]);
        if (t->failures != before) fprintf(stderr, "  in case %zu\n", i);
    }
}

static size_t find_bytes(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m)
{
    for (size_t i = 0; m && i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return i;
    return SIZE_MAX;
}

/* The genuine exchange: the client's first ClientHello, the listener's
 * HelloVerifyRequest (given to the client), the ClientHello echoing it. */
typedef struct exchange12 {
    uint8_t ch1[LISTEN_MAX_DGRAM], hvr[512], ch2[LISTEN_MAX_DGRAM];
    size_t ch1_len, hvr_len, ch2_len;
    size_t cookie_offset, cookie_len; /* of the cookie inside ch2 */
} exchange12;

static bool make_exchange(d13_test_state *t, listen_harness *hs, exchange12 *ex)
{
    CHECK_EQ(dtls13_conn_start(hs->client, hs->now), 0);
    CHECK(listen_queue_pop(&hs->to_server, ex->ch1, &ex->ch1_len));
    CHECK_EQ(dtls13_listen(hs->l, ex->ch1, ex->ch1_len, hs->addr, hs->addr_len, hs->now, ex->hvr, sizeof(ex->hvr),
                           &ex->hvr_len),
             DTLS13_LISTEN_SEND_HRR);
    /* Record header 13, handshake header 12, server_version 2, cookie<0..255>. */
    if (ex->hvr_len < 28 || ex->hvr[13] != 3) {
        CHECK(0);
        return false;
    }
    ex->cookie_len = ex->hvr[27];
    CHECK(ex->cookie_len >= 16 && 28 + ex->cookie_len == ex->hvr_len);
    CHECK_EQ(dtls13_conn_handle_datagram(hs->client, ex->hvr, ex->hvr_len, hs->now), 0);
    CHECK(listen_queue_pop(&hs->to_server, ex->ch2, &ex->ch2_len));
    ex->cookie_offset = find_bytes(ex->ch2, ex->ch2_len, ex->hvr + 28, ex->cookie_len);
    CHECK(ex->cookie_offset != SIZE_MAX);
    return ex->cookie_offset != SIZE_MAX;
}

static void test_cookie_attacks(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V13), *sc = make_config(V12, V12);
    listen_harness *hs = cc && sc ? listen_harness_new(cc, sc, DTLS13_COOKIE_ALWAYS) : NULL;
    exchange12 ex;
    CHECK(hs != NULL);
    if (!hs || !make_exchange(t, hs, &ex)) goto done;
    uint8_t out[512], copy[LISTEN_MAX_DGRAM];
    size_t out_len = 0;
    dtls13_listener_stats st;

    /* The same cookie from another address: a fresh HelloVerifyRequest. */
    static const char other[] = "198.51.100.8:40000";
    CHECK_EQ(dtls13_listen(hs->l, ex.ch2, ex.ch2_len, other, strlen(other), hs->now, out, sizeof(out), &out_len),
             DTLS13_LISTEN_SEND_HRR);
    dtls13_listener_get_stats(hs->l, &st);
    CHECK_EQ(st.cookies_invalid, 1);
    CHECK(dtls13_listener_accept(hs->l, ex.ch2, ex.ch2_len, other, strlen(other), listen_harness_server_send, hs,
                                 hs->now) == NULL);
    dtls13_listener_get_stats(hs->l, &st);
    uint64_t invalid = st.cookies_invalid;

    /* Each cookie byte flipped in turn. */
    unsigned refused = 0;
    for (size_t i = 0; i < ex.cookie_len; i++) {
        memcpy(copy, ex.ch2, ex.ch2_len);
        copy[ex.cookie_offset + i] ^= 0x40;
        int r = dtls13_listen(hs->l, copy, ex.ch2_len, hs->addr, hs->addr_len, hs->now, out, sizeof(out), &out_len);
        if (r != DTLS13_LISTEN_ACCEPT) refused++;
    }
    CHECK_EQ(refused, ex.cookie_len);
    dtls13_listener_get_stats(hs->l, &st);
    CHECK_EQ(st.cookies_invalid, invalid + ex.cookie_len);

    /* The cookie in a first ClientHello (message_seq 0): not a reply. */
    memcpy(copy, ex.ch2, ex.ch2_len);
    copy[13 + 4] = 0;
    copy[13 + 5] = 0;
    uint64_t malformed = st.dropped_malformed;
    CHECK_EQ(dtls13_listen(hs->l, copy, ex.ch2_len, hs->addr, hs->addr_len, hs->now, out, sizeof(out), &out_len),
             DTLS13_LISTEN_DROP);
    dtls13_listener_get_stats(hs->l, &st);
    CHECK_EQ(st.dropped_malformed, malformed + 1);

    /* The genuine reply is still accepted, and the handshake completes as 1.2. */
    CHECK_EQ(dtls13_listen(hs->l, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len, hs->now, out, sizeof(out), &out_len),
             DTLS13_LISTEN_ACCEPT);
    hs->server = dtls13_listener_accept(hs->l, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len,
                                        listen_harness_server_send, hs, hs->now);
    CHECK(hs->server != NULL);
    CHECK(listen_harness_run(hs, 20000));
    if (hs->server) {
        CHECK_EQ(dtls13_conn_version(hs->server), V12);
        CHECK(dtls13_conn_used_hello_retry(hs->server));
    }

    /* Expired: two lifetimes later the secret that made it is gone. */
    uint64_t late = hs->now + 2u * DTLS13_DEFAULT_COOKIE_LIFETIME_MS + 1000u;
    CHECK(dtls13_listen(hs->l, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len, late, out, sizeof(out), &out_len) !=
          DTLS13_LISTEN_ACCEPT);
    CHECK(dtls13_listener_accept(hs->l, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len, listen_harness_server_send, hs,
                                 late) == NULL);
done:
    listen_harness_free(hs);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static int discard_send(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return 0;
}

/* The ClientHello that echoes a 1.2 cookie while offering 1.3, at servers
 * that choose 1.3: the listener drops it as unacceptable, a server
 * connection ends with illegal_parameter (RFC 9147 5.3). */
static void test_cookie_refused_with_13(d13_test_state *t)
{
    dtls13_config *cc = make_config(V12, V13), *sc12 = make_config(V12, V12), *sc13 = make_config(V12, V13);
    listen_harness *hs = cc && sc12 && sc13 ? listen_harness_new(cc, sc12, DTLS13_COOKIE_ALWAYS) : NULL;
    exchange12 ex;
    CHECK(hs != NULL);
    if (!hs || !make_exchange(t, hs, &ex)) goto done;
    dtls13_listener *l13 = dtls13_listener_new(sc13, DTLS13_COOKIE_NEVER);
    CHECK(l13 != NULL);
    uint8_t out[512];
    size_t out_len = 0;
    dtls13_listener_stats st;
    if (l13) {
        CHECK_EQ(dtls13_listen(l13, ex.ch2, ex.ch2_len, hs->addr, hs->addr_len, hs->now, out, sizeof(out), &out_len),
                 DTLS13_LISTEN_DROP);
        dtls13_listener_get_stats(l13, &st);
        CHECK_EQ(st.dropped_unacceptable, 1);
        dtls13_listener_free(l13);
    }
    dtls13_conn *server = dtls13_conn_new(sc13, DTLS13_ROLE_SERVER, discard_send, NULL);
    CHECK(server != NULL);
    if (server) {
        /* As a first ClientHello (message_seq 0) to a server without a listener. */
        ex.ch2[13 + 4] = 0;
        ex.ch2[13 + 5] = 0;
        dtls13_conn_handle_datagram(server, ex.ch2, ex.ch2_len, hs->now);
        CHECK_EQ(dtls13_conn_state(server), DTLS13_STATE_FAILED);
        CHECK_EQ(dtls13_conn_alert(server), DTLS13_ALERT_ILLEGAL_PARAMETER);
        dtls13_conn_free(server);
    }
done:
    listen_harness_free(hs);
    dtls13_config_free(cc);
    dtls13_config_free(sc12);
    dtls13_config_free(sc13);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_version_and_cookie_matrix);
    RUN_TEST(&st, test_cookie_attacks);
    RUN_TEST(&st, test_cookie_refused_with_13);
    TEST_MAIN_END(&st);
}
