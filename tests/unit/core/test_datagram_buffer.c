/* dtls13_datagram_buffer: connections that share one buffer for their
 * outgoing datagrams hold none of their own between calls, handshake and
 * exchange data as before (DTLS 1.3 and 1.2), and a connection that sends
 * while another one holds the buffer (from inside that one's send
 * callback) still sends correctly, through a buffer of its own for that
 * call. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "handshake/engine.h"
#include "test.h"
#include "conn_pair.h"

#define LINK_QUEUE 64
#define LINK_DGRAM 2048

typedef struct link_queue {
    uint8_t data[LINK_QUEUE][LINK_DGRAM];
    size_t len[LINK_QUEUE];
    size_t count;
} link_queue;

typedef struct link_side link_side;
typedef struct link {
    dtls13_conn *client[2], *server[2];
    link_queue *to_server[2], *to_client[2];
    bool nest;           /* client 0's sends make client 1 write */
    unsigned nested_writes;
    int nested_rc;
} link;

struct link_side {
    link *l;
    int index;
    bool from_client;
};

static void enqueue(link_queue *q, const uint8_t *d, size_t len)
{
    if (q->count == LINK_QUEUE || len > LINK_DGRAM) return;
    memcpy(q->data[q->count], d, len);
    q->len[q->count++] = len;
}

static int side_send(void *user, const uint8_t *d, size_t len)
{
    link_side *s = user;
    link *l = s->l;
    enqueue(s->from_client ? l->to_server[s->index] : l->to_client[s->index], d, len);
    if (s->from_client && s->index == 0 && l->nest && dtls13_conn_state(l->client[1]) == DTLS13_STATE_CONNECTED) {
        /* client 0 is inside a call and holds the shared buffer now */
        l->nested_writes++;
        l->nested_rc = dtls13_conn_write(l->client[1], (const uint8_t *)"nested", 6, 0);
    }
    return 0;
}

static bool deliver(link_queue *q, dtls13_conn *to, uint64_t now)
{
    if (q->count == 0) return false;
    size_t n = q->count;
    uint8_t(*copy)[LINK_DGRAM] = malloc(n * LINK_DGRAM);
    size_t lens[LINK_QUEUE];
    memcpy(copy, q->data, n * LINK_DGRAM);
    memcpy(lens, q->len, sizeof(lens));
    q->count = 0;
    for (size_t i = 0; i < n; i++) dtls13_conn_handle_datagram(to, copy[i], lens[i], now);
    free(copy);
    return true;
}

static void pump(link *l, uint64_t now)
{
    for (int guard = 0; guard < 1000; guard++) {
        bool moved = false;
        for (int i = 0; i < 2; i++) {
            moved |= deliver(l->to_server[i], l->server[i], now);
            moved |= deliver(l->to_client[i], l->client[i], now);
        }
        if (!moved) return;
    }
}

static void run(d13_test_state *t, bool dtls12)
{
    dtls13_config *cfg = conn_pair_config_new();
    if (dtls12) dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS12);
    dtls13_datagram_buffer *b = dtls13_datagram_buffer_new(cfg);
    CHECK(b != NULL);
    link l;
    memset(&l, 0, sizeof(l));
    link_side sides[4];
    for (int i = 0; i < 2; i++) {
        l.to_server[i] = calloc(1, sizeof(link_queue));
        l.to_client[i] = calloc(1, sizeof(link_queue));
        sides[2 * i] = (link_side){&l, i, true};
        sides[2 * i + 1] = (link_side){&l, i, false};
        l.client[i] = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, side_send, &sides[2 * i]);
        l.server[i] = dtls13_conn_new(cfg, DTLS13_ROLE_SERVER, side_send, &sides[2 * i + 1]);
        size_t own = dtls13_conn_memory_bytes(l.client[i]);
        CHECK_EQ(dtls13_conn_share_datagram_buffer(l.client[i], b), 0);
        CHECK_EQ(dtls13_conn_share_datagram_buffer(l.server[i], b), 0);
        CHECK_EQ(dtls13_conn_memory_bytes(l.client[i]), own - 2 * (size_t)cfg->mtu);
        CHECK_EQ(dtls13_conn_share_datagram_buffer(l.client[i], b), DTLS13_ERR_BAD_STATE);
    }
    uint64_t now = 0;
    for (int i = 0; i < 2; i++) {
        dtls13_conn_start(l.server[i], now);
        CHECK_EQ(dtls13_conn_start(l.client[i], now), 0);
    }
    /* Deliver, and run the timers (a delayed ACK) when nothing moves. */
    for (int round = 0; round < 50; round++) {
        pump(&l, now);
        uint64_t next = UINT64_MAX;
        for (int i = 0; i < 2; i++) {
            uint64_t a = dtls13_conn_next_timeout(l.client[i]), c = dtls13_conn_next_timeout(l.server[i]);
            if (a < next) next = a;
            if (c < next) next = c;
        }
        bool up = true;
        for (int i = 0; i < 2; i++)
            up = up && dtls13_conn_state(l.client[i]) == DTLS13_STATE_CONNECTED &&
                 dtls13_conn_state(l.server[i]) == DTLS13_STATE_CONNECTED;
        if (up || next == UINT64_MAX || next > 10000) break;
        now = next > now ? next : now;
        for (int i = 0; i < 2; i++) {
            dtls13_conn_handle_timeout(l.client[i], now);
            dtls13_conn_handle_timeout(l.server[i], now);
        }
    }
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(dtls13_conn_state(l.client[i]), DTLS13_STATE_CONNECTED);
        CHECK_EQ(dtls13_conn_state(l.server[i]), DTLS13_STATE_CONNECTED);
        CHECK(l.client[i]->dgram == NULL && l.server[i]->dgram == NULL);
    }
    CHECK(!b->busy);
    /* Data both ways on both pairs. */
    uint8_t buf[64];
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(dtls13_conn_write(l.client[i], (const uint8_t *)"ping", 4, now), 4);
        CHECK_EQ(dtls13_conn_write(l.server[i], (const uint8_t *)"pong", 4, now), 4);
    }
    pump(&l, now);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(dtls13_conn_read(l.server[i], buf, sizeof(buf)), 4);
        CHECK(memcmp(buf, "ping", 4) == 0);
        CHECK_EQ(dtls13_conn_read(l.client[i], buf, sizeof(buf)), 4);
        CHECK(memcmp(buf, "pong", 4) == 0);
    }
    /* client 1 writes from inside client 0's send callback, while client
     * 0 holds the shared buffer. */
    l.nest = true;
    CHECK_EQ(dtls13_conn_write(l.client[0], (const uint8_t *)"outer", 5, now), 5);
    l.nest = false;
    CHECK_EQ(l.nested_writes, 1);
    CHECK_EQ(l.nested_rc, 6);
    CHECK(!b->busy);
    CHECK(l.client[1]->dgram == NULL);
    pump(&l, now);
    CHECK_EQ(dtls13_conn_read(l.server[0], buf, sizeof(buf)), 5);
    CHECK(memcmp(buf, "outer", 5) == 0);
    CHECK_EQ(dtls13_conn_read(l.server[1], buf, sizeof(buf)), 6);
    CHECK(memcmp(buf, "nested", 6) == 0);
    /* A buffer too small for the MTU is refused. */
    dtls13_config *big = conn_pair_config_new();
    CHECK_EQ(dtls13_config_set_mtu(big, cfg->mtu + 200), 0);
    dtls13_conn *other = dtls13_conn_new(big, DTLS13_ROLE_CLIENT, side_send, &sides[0]);
    CHECK_EQ(dtls13_conn_share_datagram_buffer(other, b), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_conn_share_datagram_buffer(NULL, b), DTLS13_ERR_INVALID_ARG);
    dtls13_conn_free(other);
    dtls13_config_free(big);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(dtls13_conn_close(l.client[i], now), 0);
        dtls13_conn_free(l.client[i]);
        dtls13_conn_free(l.server[i]);
        free(l.to_server[i]);
        free(l.to_client[i]);
    }
    dtls13_datagram_buffer_free(b);
    dtls13_datagram_buffer_free(NULL);
    dtls13_config_free(cfg);
}

static void test_shared_dtls13(d13_test_state *t)
{
    run(t, false);
}

static void test_shared_dtls12(d13_test_state *t)
{
    run(t, true);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_shared_dtls13);
    RUN_TEST(&st, test_shared_dtls12);
    TEST_MAIN_END(&st);
}
