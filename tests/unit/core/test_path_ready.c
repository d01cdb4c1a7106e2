/* dtls13_conn_path_ready: a client whose first flights were dropped
 * because the path did not exist yet (ICE before a candidate pair is
 * selected) resends them as soon as it is told the path is usable,
 * instead of waiting for its 400 ms timer; the timer restarts from its
 * initial value, repeated calls never make it give up, and the call does
 * nothing once nothing is outstanding. DTLS 1.3 and 1.2. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "test.h"
#include "conn_pair.h"

/* Drops every datagram while the path is down. */
static bool path_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)from_client;
    (void)data;
    (void)len;
    (void)index;
    const bool *path_up = user;
    return *path_up;
}

static uint64_t client_retransmissions(const conn_pair *p)
{
    dtls13_stats st;
    dtls13_conn_stats(p->client, &st);
    return st.retransmissions;
}

/* Delivers datagrams and runs the timers due (delayed ACKs; a server
 * held back by the anti-amplification limit) on the virtual clock, up to
 * limit_ms; returns when both sides are connected (the time then) or
 * UINT64_MAX. */
static uint64_t run_until_connected(conn_pair *p, uint64_t limit_ms)
{
    for (int guard = 0; guard < 1000; guard++) {
        conn_pair_pump(p);
        if (dtls13_conn_state(p->client) == DTLS13_STATE_CONNECTED &&
            dtls13_conn_state(p->server) == DTLS13_STATE_CONNECTED)
            return p->now_ms;
        uint64_t next = dtls13_conn_next_timeout(p->client), s_next = dtls13_conn_next_timeout(p->server);
        if (s_next < next) next = s_next;
        if (next > limit_ms) return UINT64_MAX;
        if (next > p->now_ms) p->now_ms = next;
        dtls13_conn_handle_timeout(p->client, p->now_ms);
        dtls13_conn_handle_timeout(p->server, p->now_ms);
    }
    return UINT64_MAX;
}

static void check_version(d13_test_state *t, uint16_t version)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    CHECK(cc != NULL && sc != NULL);
    CHECK(dtls13_config_set_version_range(cc, version, version) == 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(p != NULL);
    bool path_up = false;
    p->filter = path_filter;
    p->filter_user = &path_up;

    /* t=0: the ClientHello is lost, the timer stands at 400 ms. */
    p->now_ms = 0;
    CHECK(dtls13_conn_start(p->client, 0) == 0);
    conn_pair_pump(p);
    CHECK(dtls13_conn_next_timeout(p->client) == DTLS13_DEFAULT_INITIAL_TIMEOUT_MS);

    /* t=60: path usable; the ClientHello goes out now and the server answers. */
    path_up = true;
    p->now_ms = 60;
    uint64_t before = client_retransmissions(p);
    CHECK(dtls13_conn_path_ready(p->client, 60) == 0);
    CHECK(p->to_server.count == 1);
    CHECK(client_retransmissions(p) == before + 1);
    CHECK(dtls13_conn_next_timeout(p->client) == 60 + DTLS13_DEFAULT_INITIAL_TIMEOUT_MS);
    uint64_t connected_at = run_until_connected(p, 60 + DTLS13_DEFAULT_INITIAL_TIMEOUT_MS - 1);
    CHECK(connected_at < 60 + DTLS13_DEFAULT_INITIAL_TIMEOUT_MS);
    CHECK(client_retransmissions(p) == before + 1);
    CHECK(dtls13_conn_state(p->client) == DTLS13_STATE_CONNECTED &&
                  dtls13_conn_state(p->server) == DTLS13_STATE_CONNECTED);
    CHECK(dtls13_conn_version(p->client) == version);

    /* Nothing outstanding now: no datagram, no error. */
    size_t queued = p->to_server.count;
    CHECK(dtls13_conn_path_ready(p->client, 70) == 0);
    CHECK(dtls13_conn_path_ready(p->server, 70) == 0);
    CHECK(p->to_server.count == queued && p->to_client.count == 0);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Many calls while the path stays down never fail the handshake (they are
 * not timeouts); the timer keeps its initial value; then the path opens. */
static void test_repeated_calls(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    CHECK(cc != NULL && sc != NULL);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(p != NULL);
    bool path_up = false;
    p->filter = path_filter;
    p->filter_user = &path_up;
    CHECK(dtls13_conn_start(p->client, 0) == 0);
    for (uint64_t ms = 10; ms <= 300; ms += 10) {
        p->now_ms = ms;
        CHECK(dtls13_conn_path_ready(p->client, ms) == 0);
        conn_pair_pump(p);
        CHECK(dtls13_conn_next_timeout(p->client) == ms + DTLS13_DEFAULT_INITIAL_TIMEOUT_MS);
    }
    CHECK(dtls13_conn_state(p->client) == DTLS13_STATE_HANDSHAKING);
    path_up = true;
    CHECK(conn_pair_handshake(p, 10000));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_bad_arguments(d13_test_state *t)
{
    CHECK(dtls13_conn_path_ready(NULL, 0) == DTLS13_ERR_INVALID_ARG);
}

static void test_dtls13(d13_test_state *t)
{
    check_version(t, DTLS13_VERSION_DTLS13);
}

static void test_dtls12(d13_test_state *t)
{
    check_version(t, DTLS13_VERSION_DTLS12);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_dtls13);
    RUN_TEST(&st, test_dtls12);
    RUN_TEST(&st, test_repeated_calls);
    RUN_TEST(&st, test_bad_arguments);
    TEST_MAIN_END(&st);
}
