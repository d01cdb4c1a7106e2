/* The queue of received application data (dtls13_conn_read): it starts
 * small and grows with what is left unread, up to 32 KiB; records beyond
 * that are dropped and counted; what was queued comes out in order and
 * intact, for DTLS 1.3 and 1.2. */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "handshake/engine.h"
#include "test.h"

static void run(d13_test_state *t, bool dtls12)
{
    dtls13_config *cc = conn_pair_config_new(), *sc = conn_pair_config_new();
    if (dtls12) dtls13_config_set_version_range(cc, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS12);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK_EQ(p->server->rq.cap, 0); /* nothing received yet: no queue */
    /* One small record: a small queue. */
    uint8_t rec[1000];
    memset(rec, 0x11, sizeof(rec));
    CHECK_EQ(dtls13_conn_write(p->client, rec, 100, p->now_ms), 100);
    conn_pair_pump(p);
    CHECK_EQ(p->server->rq.cap, 2048);
    uint8_t buf[1200];
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), 100);
    /* 40 records of 1000 bytes unread: 32 of them fit, the rest are dropped. */
    dtls13_stats before;
    dtls13_conn_stats(p->server, &before);
    for (int i = 0; i < 40; i++) {
        memset(rec, i, sizeof(rec));
        CHECK_EQ(dtls13_conn_write(p->client, rec, sizeof(rec), p->now_ms), (int)sizeof(rec));
        conn_pair_pump(p);
    }
    dtls13_stats after;
    dtls13_conn_stats(p->server, &after);
    CHECK_EQ(p->server->rq.cap, 32 * 1024);
    CHECK(dtls13_conn_memory_bytes(p->server) >= 32 * 1024);
    int got = 0;
    bool in_order = true;
    int n;
    while ((n = dtls13_conn_read(p->server, buf, sizeof(buf))) > 0) {
        in_order = in_order && n == (int)sizeof(rec) && buf[0] == got && buf[999] == got;
        got++;
    }
    CHECK(got >= 30 && got < 40);
    CHECK(in_order);
    CHECK_EQ(after.dropped_unexpected - before.dropped_unexpected, (uint64_t)(40 - got));
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_read_queue_dtls13(d13_test_state *t)
{
    run(t, false);
}

static void test_read_queue_dtls12(d13_test_state *t)
{
    run(t, true);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_read_queue_dtls13);
    RUN_TEST(&st, test_read_queue_dtls12);
    TEST_MAIN_END(&st);
}
