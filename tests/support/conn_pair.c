/* In-memory link between two connections on a virtual clock. */
#include "conn_pair.h"

#include <stdlib.h>
#include <string.h>

typedef struct sink {
    conn_pair *pair;
    int from_client;
} sink;

static int queue_send(void *user, const uint8_t *data, size_t len)
{
    sink *s = user;
    conn_pair *p = s->pair;
    conn_pair_queue *q = s->from_client ? &p->to_server : &p->to_client;
    unsigned index = q->total++;
    if (q->count == CONN_PAIR_QUEUE || len > CONN_PAIR_MAX_DGRAM) return 0; /* lost */
    size_t slot = (q->head + q->count) % CONN_PAIR_QUEUE;
    memcpy(q->data[slot], data, len);
    q->len[slot] = len;
    if (p->filter && !p->filter(p->filter_user, s->from_client, q->data[slot], &q->len[slot], index)) return 0;
    q->count++;
    return 0;
}

static void count_client_event(void *user, dtls13_conn *c, const dtls13_event *ev)
{
    (void)c;
    conn_pair *p = user;
    if (ev->type < 8) p->client_events[ev->type]++;
}

static void count_server_event(void *user, dtls13_conn *c, const dtls13_event *ev)
{
    (void)c;
    conn_pair *p = user;
    if (ev->type < 8) p->server_events[ev->type]++;
}

typedef struct conn_pair_full {
    conn_pair pair;
    sink client_sink;
    sink server_sink;
} conn_pair_full;

dtls13_config *conn_pair_config_new(void)
{
    dtls13_config *cfg = dtls13_config_new();
    if (cfg && dtls13_config_generate_certificate(cfg, NULL) != 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

conn_pair *conn_pair_new(dtls13_config *client_cfg, dtls13_config *server_cfg)
{
    conn_pair_full *f = calloc(1, sizeof(*f));
    if (!f) return NULL;
    conn_pair *p = &f->pair;
    f->client_sink.pair = p;
    f->client_sink.from_client = 1;
    f->server_sink.pair = p;
    f->server_sink.from_client = 0;
    p->now_ms = 1000;
    p->client = dtls13_conn_new(client_cfg, DTLS13_ROLE_CLIENT, queue_send, &f->client_sink);
    p->server = dtls13_conn_new(server_cfg, DTLS13_ROLE_SERVER, queue_send, &f->server_sink);
    if (!p->client || !p->server) {
        conn_pair_free(p);
        return NULL;
    }
    dtls13_conn_set_event_callback(p->client, count_client_event, p);
    dtls13_conn_set_event_callback(p->server, count_server_event, p);
    return p;
}

void conn_pair_free(conn_pair *p)
{
    if (!p) return;
    dtls13_conn_free(p->client);
    dtls13_conn_free(p->server);
    free(p); /* p is the first member of conn_pair_full */
}

static bool deliver_one(conn_pair *p, conn_pair_queue *q, dtls13_conn *to)
{
    if (q->count == 0) return false;
    uint8_t buf[CONN_PAIR_MAX_DGRAM];
    size_t len = q->len[q->head];
    memcpy(buf, q->data[q->head], len);
    q->head = (q->head + 1) % CONN_PAIR_QUEUE;
    q->count--;
    dtls13_conn_handle_datagram(to, buf, len, p->now_ms);
    return true;
}

void conn_pair_pump(conn_pair *p)
{
    for (int guard = 0; guard < 100000; guard++) {
        bool moved = deliver_one(p, &p->to_server, p->server);
        moved |= deliver_one(p, &p->to_client, p->client);
        if (!moved) return;
    }
}

static bool finished(const conn_pair *p)
{
    dtls13_state cs = dtls13_conn_state(p->client), ss = dtls13_conn_state(p->server);
    if (cs == DTLS13_STATE_FAILED || ss == DTLS13_STATE_FAILED) return true;
    return cs == DTLS13_STATE_CONNECTED && ss == DTLS13_STATE_CONNECTED;
}

bool conn_pair_handshake(conn_pair *p, uint64_t max_virtual_ms)
{
    uint64_t end = p->now_ms + max_virtual_ms;
    dtls13_conn_start(p->server, p->now_ms);
    dtls13_conn_start(p->client, p->now_ms);
    while (p->now_ms <= end) {
        conn_pair_pump(p);
        if (finished(p) && p->to_server.count == 0 && p->to_client.count == 0) break;
        uint64_t tc = dtls13_conn_next_timeout(p->client), ts = dtls13_conn_next_timeout(p->server);
        uint64_t next = tc < ts ? tc : ts;
        if (next == UINT64_MAX) break;
        if (next > p->now_ms) p->now_ms = next;
        dtls13_conn_handle_timeout(p->client, p->now_ms);
        dtls13_conn_handle_timeout(p->server, p->now_ms);
    }
    return dtls13_conn_state(p->client) == DTLS13_STATE_CONNECTED &&
           dtls13_conn_state(p->server) == DTLS13_STATE_CONNECTED;
}

void conn_pair_run_next_timer(conn_pair *p)
{
    uint64_t c = dtls13_conn_next_timeout(p->client), s = dtls13_conn_next_timeout(p->server);
    p->now_ms = c < s ? c : s;
    dtls13_conn_handle_timeout(p->client, p->now_ms);
    dtls13_conn_handle_timeout(p->server, p->now_ms);
    conn_pair_pump(p);
}
