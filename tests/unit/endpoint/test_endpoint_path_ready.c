/* dtls13_endpoint_path_ready: an association whose server flight was
 * dropped (the path to its peer was not usable yet) resends it at once
 * when the application says the path is ready, and the endpoint's timer
 * follows: its next timeout is the restarted 400 ms timer, not the old
 * deadline. The handshake then completes well before the first timer. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/endpoint.h"
#include "test.h"

#define QCAP 64
#define DCAP 2048

typedef struct dgram_queue {
    uint8_t data[QCAP][DCAP];
    size_t len[QCAP];
    size_t count;
} dgram_queue;

typedef struct world {
    dgram_queue to_ep, to_client;
    bool path_up; /* the endpoint's sends are dropped until then */
    unsigned ep_sent;
} world;

static void push(dgram_queue *q, const uint8_t *d, size_t len)
{
    if (q->count == QCAP || len > DCAP) return;
    memcpy(q->data[q->count], d, len);
    q->len[q->count++] = len;
}

static int ep_send(void *user, const void *addr, size_t addr_len, const uint8_t *d, size_t len)
{
    (void)addr;
    (void)addr_len;
    world *w = user;
    w->ep_sent++;
    if (w->path_up) push(&w->to_client, d, len);
    return 0;
}

static int client_send(void *user, const uint8_t *d, size_t len)
{
    world *w = user;
    push(&w->to_ep, d, len);
    return 0;
}

static const uint8_t client_addr[4] = {10, 0, 0, 1};

static void deliver_all(world *w, dtls13_endpoint *ep, dtls13_conn *client, uint64_t now)
{
    dgram_queue *copy = malloc(sizeof(*copy));
    for (int guard = 0; guard < 100 && (w->to_ep.count || w->to_client.count); guard++) {
        memcpy(copy, &w->to_ep, sizeof(*copy));
        w->to_ep.count = 0;
        for (size_t i = 0; i < copy->count; i++)
            dtls13_endpoint_handle_datagram(ep, copy->data[i], copy->len[i], client_addr, 4, now);
        memcpy(copy, &w->to_client, sizeof(*copy));
        w->to_client.count = 0;
        for (size_t i = 0; i < copy->count; i++) dtls13_conn_handle_datagram(client, copy->data[i], copy->len[i], now);
    }
    free(copy);
}

static void run(d13_test_state *t, uint16_t version)
{
    world *w = calloc(1, sizeof(*w));
    dtls13_config *scfg = dtls13_config_new(), *ccfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_generate_certificate(scfg, "server"), 0);
    CHECK_EQ(dtls13_config_generate_certificate(ccfg, "client"), 0);
    CHECK_EQ(dtls13_config_set_version_range(ccfg, version, version), 0);
    dtls13_endpoint_options opts;
    dtls13_endpoint_options_init(&opts);
    opts.cookie_mode = DTLS13_COOKIE_NEVER;
    dtls13_endpoint_callbacks cb = {0};
    cb.send = ep_send;
    cb.user = w;
    dtls13_endpoint *ep = dtls13_endpoint_new(scfg, &cb, &opts);
    CHECK(ep != NULL);
    dtls13_conn *client = dtls13_conn_new(ccfg, DTLS13_ROLE_CLIENT, client_send, w);
    CHECK(client != NULL);

    /* t=0: the ClientHello arrives, the server's flight is lost. */
    CHECK_EQ(dtls13_conn_start(client, 0), 0);
    deliver_all(w, ep, client, 0);
    dtls13_assoc *a = dtls13_endpoint_find(ep, client_addr, 4);
    CHECK(a != NULL);
    unsigned first_flight = w->ep_sent;
    CHECK(first_flight > 0);
    CHECK_EQ(dtls13_endpoint_next_timeout(ep), DTLS13_DEFAULT_INITIAL_TIMEOUT_MS);

    /* t=50: the path is ready; the flight goes out again now. */
    w->path_up = true;
    CHECK_EQ(dtls13_endpoint_path_ready(ep, a, 50), 0);
    CHECK(w->ep_sent > first_flight);
    CHECK_EQ(dtls13_endpoint_next_timeout(ep), 50 + DTLS13_DEFAULT_INITIAL_TIMEOUT_MS);
    deliver_all(w, ep, client, 50);
    for (uint64_t now = 50; now < 400 && dtls13_conn_state(client) != DTLS13_STATE_CONNECTED;) {
        uint64_t next = dtls13_endpoint_next_timeout(ep), c_next = dtls13_conn_next_timeout(client);
        now = next < c_next ? next : c_next;
        if (now >= 400) break;
        dtls13_endpoint_handle_timeout(ep, now);
        dtls13_conn_handle_timeout(client, now);
        deliver_all(w, ep, client, now);
    }
    CHECK_EQ(dtls13_conn_state(client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_version(client), version);

    CHECK_EQ(dtls13_endpoint_path_ready(NULL, a, 60), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_endpoint_path_ready(ep, NULL, 60), DTLS13_ERR_INVALID_ARG);

    dtls13_conn_free(client);
    dtls13_endpoint_free(ep);
    dtls13_config_free(scfg);
    dtls13_config_free(ccfg);
    free(w);
}

static void test_dtls13(d13_test_state *t)
{
    run(t, DTLS13_VERSION_DTLS13);
}

static void test_dtls12(d13_test_state *t)
{
    run(t, DTLS13_VERSION_DTLS12);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_dtls13);
    RUN_TEST(&st, test_dtls12);
    TEST_MAIN_END(&st);
}
