/* The epoch 2 (handshake) keys of DTLS 1.3 are freed once they can no
 * longer be needed, so that an established association holds only its
 * application keys: the client's once the server acknowledged its final
 * flight (or it gave up), the server's write keys at completion and its
 * read keys a while later, that while being extended by each
 * retransmission of the client's final flight, which is acknowledged
 * again (RFC 9147 5.8.4) as long as the keys are kept. The peer's public
 * key goes at completion (only its certificate is kept). */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "handshake/engine.h"
#include "test.h"

static void send_and_expect(d13_test_state *t, conn_pair *p, dtls13_conn *from, dtls13_conn *to, const char *text)
{
    uint8_t buf[128];
    size_t n = strlen(text);
    CHECK_EQ(dtls13_conn_write(from, (const uint8_t *)text, n, p->now_ms), (int)n);
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(to, buf, sizeof(buf)), (int)n);
    CHECK(memcmp(buf, text, n) == 0);
}

static void test_retired_after_handshake(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK(!p->client->write_hs.installed);
    CHECK(!p->client->read_hs.installed);
    CHECK(!p->server->write_hs.installed);
    CHECK(p->server->read_hs.installed);
    /* The peer's public key went with the handshake; its certificate stays. */
    size_t cert_len = 0;
    CHECK(p->client->peer_key == NULL && p->server->peer_key == NULL);
    CHECK(dtls13_conn_peer_certificate(p->client, &cert_len) != NULL && cert_len > 0);
    CHECK_EQ(dtls13_conn_next_timeout(p->client), UINT64_MAX);
    uint64_t due = dtls13_conn_next_timeout(p->server);
    CHECK(due >= p->now_ms + D13_HS_KEYS_LINGER_MS && due != UINT64_MAX);
    send_and_expect(t, p, p->client, p->server, "before the keys go");
    CHECK_EQ(dtls13_conn_handle_timeout(p->server, due - 1), 0);
    CHECK(p->server->read_hs.installed);
    CHECK_EQ(dtls13_conn_handle_timeout(p->server, due), 0);
    CHECK(!p->server->read_hs.installed);
    CHECK_EQ(dtls13_conn_next_timeout(p->server), UINT64_MAX);
    p->now_ms = due;
    send_and_expect(t, p, p->client, p->server, "client to server");
    send_and_expect(t, p, p->server, p->client, "server to client");
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* Drops the server's datagrams once it is connected, while armed: its ACKs
 * of the client's final flight. */
typedef struct ack_dropper {
    conn_pair *p;
    bool armed;
    unsigned dropped;
} ack_dropper;

static bool drop_server_acks(void *user, int from_client, uint8_t *data, size_t *len, unsigned index)
{
    (void)data, (void)len, (void)index;
    ack_dropper *d = user;
    if (from_client || !d->armed || !d->p->server) return true;
    if (dtls13_conn_state(d->p->server) != DTLS13_STATE_CONNECTED) return true;
    d->dropped++;
    return false;
}

/* Runs both timers (delivering what they send) until nothing is due
 * before until. */
static void run_timers(conn_pair *p, uint64_t until)
{
    while (p->now_ms < until) {
        uint64_t tc = dtls13_conn_next_timeout(p->client), ts = dtls13_conn_next_timeout(p->server);
        uint64_t next = tc < ts ? tc : ts;
        if (next == UINT64_MAX || next > until) break;
        if (next > p->now_ms) p->now_ms = next;
        dtls13_conn_handle_timeout(p->client, p->now_ms);
        dtls13_conn_handle_timeout(p->server, p->now_ms);
        conn_pair_pump(p);
    }
}

static void test_lost_acks(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    ack_dropper d = {p, true, 0};
    p->filter = drop_server_acks;
    p->filter_user = &d;
    CHECK(conn_pair_handshake(p, 10000)); /* both connected; the server's ACK was lost */
    CHECK_EQ(d.dropped, 1);
    CHECK(p->client->flight.active);
    CHECK(p->client->write_hs.installed && p->client->read_hs.installed);
    uint64_t first_due = p->server->hs_keys_expiry;
    CHECK(first_due != 0);
    /* Two more ACKs lost: the client retransmits its Finished each time and
     * each retransmission extends the server's keys. */
    uint64_t seen = first_due;
    for (unsigned want = 2; want <= 3; want++) {
        uint64_t start = p->now_ms;
        while (d.dropped < want && p->now_ms < start + 30000) {
            uint64_t next = dtls13_conn_next_timeout(p->client);
            CHECK(next != UINT64_MAX);
            if (next == UINT64_MAX) break;
            p->now_ms = next;
            dtls13_conn_handle_timeout(p->client, p->now_ms);
            conn_pair_pump(p);
        }
        CHECK_EQ(d.dropped, want);
        CHECK(p->server->read_hs.installed);
        CHECK(p->server->hs_keys_expiry > seen);
        seen = p->server->hs_keys_expiry;
    }
    /* Now the ACK gets through: the client frees epoch 2. */
    d.armed = false;
    run_timers(p, p->now_ms + 30000);
    CHECK(!p->client->flight.active);
    CHECK(!p->client->write_hs.installed && !p->client->read_hs.installed);
    CHECK_EQ(dtls13_conn_next_timeout(p->client), UINT64_MAX);
    CHECK(!p->server->read_hs.installed); /* expired once nothing more came */
    dtls13_stats cs;
    dtls13_conn_stats(p->client, &cs);
    CHECK(cs.retransmissions >= 3);
    send_and_expect(t, p, p->client, p->server, "after the lost ACKs");
    send_and_expect(t, p, p->server, p->client, "and back");
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* A client whose final flight is never acknowledged gives up on it, keeps
 * the association and frees its epoch 2 keys. */
static void test_never_acknowledged(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    conn_pair *p = conn_pair_new(cc, sc);
    ack_dropper d = {p, true, 0};
    p->filter = drop_server_acks;
    p->filter_user = &d;
    CHECK(conn_pair_handshake(p, 10000));
    for (int i = 0; i < 100 && p->client->flight.active; i++) {
        uint64_t next = dtls13_conn_next_timeout(p->client);
        if (next == UINT64_MAX) break;
        p->now_ms = next;
        dtls13_conn_handle_timeout(p->client, p->now_ms);
        dtls13_conn_handle_timeout(p->server, p->now_ms);
        conn_pair_pump(p);
    }
    CHECK(!p->client->flight.active);
    CHECK(!p->client->write_hs.installed && !p->client->read_hs.installed);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    d.armed = false;
    send_and_expect(t, p, p->client, p->server, "still up");
    send_and_expect(t, p, p->server, p->client, "both ways");
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

/* DTLS 1.2 has no epoch 2 and no timer after its handshake; the server's
 * final flight is kept small. */
static void test_dtls12_untouched(d13_test_state *t)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    dtls13_config_set_version_range(cc, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS12);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK_EQ(p->server->hs_keys_expiry, 0);
    CHECK(p->client->peer_key == NULL && p->server->peer_key == NULL);
    /* The server keeps its final flight (CCS + Finished) for the client's
     * retransmissions, compacted: its bytes and its two records' entries
     * (test_handshake12's lost final flight resends it). */
    CHECK(p->server->flight.active);
    CHECK(p->server->flight.recs_cap <= 4 && p->server->flight.recs_cap == p->server->flight.num_recs);
    CHECK(p->server->flight.buf_cap == p->server->flight.buf_len && p->server->flight.buf_len < 200);
    send_and_expect(t, p, p->client, p->server, "1.2 data");
    CHECK(!p->server->flight.active); /* data from the client: it has our Finished */
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_retired_after_handshake);
    RUN_TEST(&st, test_lost_acks);
    RUN_TEST(&st, test_never_acknowledged);
    RUN_TEST(&st, test_dtls12_untouched);
    TEST_MAIN_END(&st);
}
