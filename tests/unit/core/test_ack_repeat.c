/* A DTLS 1.3 endpoint waiting in the middle of its peer's flight, with no
 * flight of its own to retransmit, repeats its ACK (src/handshake/
 * receive.c), and the peer resends what that ACK still misses
 * (src/handshake/flight.c). Found in the simulator's burst-loss case: the
 * client's ACKs, repeated at a fixed interval, gave up after about a second
 * of lost datagrams, and the server, held back by the anti-amplification
 * limit (RFC 9147 5.1) until more bytes came from the client, could never
 * send the rest of its flight: both sides waited until the handshake timed
 * out. */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "test.h"

typedef struct outage_link {
    uint64_t until_ms;    /* client datagrams after the ClientHello are lost before this time */
    const uint64_t *now;  /* the pair's clock */
    int client_lost;      /* datagrams lost during the outage */
    int drop_server[4];   /* server datagram indexes to drop (-1: none) */
} outage_link;

static bool outage_filter(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)data;
    (void)len;
    outage_link *l = user;
    if (from_client) {
        if (index == 0 || *l->now >= l->until_ms) return true;
        l->client_lost++;
        return false;
    }
    for (size_t i = 0; i < sizeof(l->drop_server) / sizeof(l->drop_server[0]); i++)
        if (l->drop_server[i] == (int)index) return false;
    return true;
}

static bool both_connected(const conn_pair *p)
{
    return dtls13_conn_state(p->client) == DTLS13_STATE_CONNECTED &&
           dtls13_conn_state(p->server) == DTLS13_STATE_CONNECTED;
}

/* The server's flight (an RSA certificate) is larger than three times the
 * ClientHello, so it waits for the client's ACK; every client datagram is
 * lost for 10 s. The ACK keeps being repeated, with backoff, and the first
 * one after the outage completes the handshake. */
static void test_ack_repeats_outlast_an_outage(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = dtls13_config_new();
    CHECK_EQ(dtls13_config_load_pem(sc, TEST_DATA_DIR "/rsa_cert.pem", TEST_DATA_DIR "/rsa_key.pem"), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    outage_link link = {.now = &p->now_ms, .drop_server = {-1, -1, -1, -1}};
    link.until_ms = p->now_ms + 10000;
    p->filter = outage_filter;
    p->filter_user = &link;
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_HANDSHAKING);
    for (int guard = 0; guard < 200 && !both_connected(p) && dtls13_conn_state(p->client) != DTLS13_STATE_FAILED &&
                        dtls13_conn_state(p->server) != DTLS13_STATE_FAILED;
         guard++)
        conn_pair_run_next_timer(p);
    CHECK(both_connected(p));
    CHECK(p->now_ms >= link.until_ms);
    /* Repeated with backoff: a handful of ACKs in 10 s, not one per
     * 20 ms timer. */
    CHECK(link.client_lost >= 5);
    CHECK(link.client_lost <= 16);
    /* Done soon after the path came back (the next repeat), not at the
     * end of a long timer. */
    CHECK(p->now_ms < link.until_ms + 10000);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* The second datagram of the server's flight is lost, and so is the resend
 * that the client's first ACK asks for. The client's repeated ACK (the same
 * records) makes the server resend again at once, without waiting for its
 * own timer. */
static void test_repeated_ack_brings_the_rest(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new();
    dtls13_config *sc = conn_pair_config_new();
    CHECK_EQ(dtls13_config_set_mtu(cc, 400), 0);
    CHECK_EQ(dtls13_config_set_mtu(sc, 400), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    outage_link link = {.now = &p->now_ms, .drop_server = {1, 2, -1, -1}};
    p->filter = outage_filter;
    p->filter_user = &link;
    dtls13_conn_set_peer_address_validated(p->server);
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    conn_pair_pump(p);
    /* The client's delayed ACK; the server resends (lost: index 2). */
    dtls13_stats s0, s1, s2;
    dtls13_conn_stats(p->server, &s0);
    p->now_ms = dtls13_conn_next_timeout(p->client);
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    conn_pair_pump(p);
    dtls13_conn_stats(p->server, &s1);
    CHECK_EQ(s1.retransmissions, s0.retransmissions + 1);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_HANDSHAKING);
    /* The client's repeat of that ACK, delivered: the server resends at
     * once, and the handshake completes without the server's timer. */
    p->now_ms = dtls13_conn_next_timeout(p->client);
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    conn_pair_pump(p);
    dtls13_conn_stats(p->server, &s2);
    CHECK_EQ(s2.retransmissions, s1.retransmissions + 1);
    CHECK(both_connected(p));
    CHECK(conn_pair_handshake(p, 30000));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_ack_repeats_outlast_an_outage);
    RUN_TEST(&st, test_repeated_ack_brings_the_rest);
    TEST_MAIN_END(&st);
}
