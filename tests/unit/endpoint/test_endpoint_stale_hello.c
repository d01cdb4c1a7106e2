/* A late copy of a client's first ClientHello must not capture its
 * handshake. With cookies under load, the first ClientHello gets the
 * listener's HelloRetryRequest; its retransmission arrives once the load
 * is gone and creates an association without a cookie; then the client's
 * second ClientHello (message_seq 1, with the cookie) arrives. That
 * association sent no HelloRetryRequest of its own, so the endpoint hands
 * the second ClientHello to the listener, which accepts it, and the
 * association is replaced: the handshake completes at once, nothing fails
 * with unexpected_message (found under load by the 10,000-association
 * run). A forged second ClientHello (bad cookie) leaves the association
 * alone. */
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
    uint8_t from[QCAP]; /* to the endpoint: the sender's address byte */
    size_t count;
} dgram_queue;

typedef struct world {
    dgram_queue *to_ep, *to_client;
    uint8_t client_addr[4], loader_addr[4];
} world;

static void push(dgram_queue *q, uint8_t from, const uint8_t *d, size_t len)
{
    if (q->count == QCAP || len > DCAP) return;
    memcpy(q->data[q->count], d, len);
    q->len[q->count] = len;
    q->from[q->count++] = from;
}

static int ep_send(void *user, const void *addr, size_t addr_len, const uint8_t *d, size_t len)
{
    world *w = user;
    if (addr_len == 4 && memcmp(addr, w->client_addr, 4) == 0) push(w->to_client, 0, d, len);
    return 0; /* the loader's replies are lost */
}

typedef struct sender {
    world *w;
    uint8_t addr_byte;
} sender;

static int client_send(void *user, const uint8_t *d, size_t len)
{
    sender *s = user;
    push(s->w->to_ep, s->addr_byte, d, len);
    return 0;
}

static void to_endpoint_from(world *w, dtls13_endpoint *ep, const dgram_queue *q, size_t i, uint64_t now)
{
    const uint8_t *addr = q->from[i] == 1 ? w->client_addr : w->loader_addr;
    dtls13_endpoint_handle_datagram(ep, q->data[i], q->len[i], addr, 4, now);
}

static void to_endpoint(world *w, dtls13_endpoint *ep, size_t i, uint64_t now)
{
    to_endpoint_from(w, ep, w->to_ep, i, now);
}

static void deliver_all(world *w, dtls13_endpoint *ep, dtls13_conn *client, uint64_t now)
{
    for (int guard = 0; guard < 100 && (w->to_ep->count || w->to_client->count); guard++) {
        size_t n = w->to_ep->count;
        dgram_queue *copy = malloc(sizeof(*copy));
        memcpy(copy, w->to_ep, sizeof(*copy));
        w->to_ep->count = 0;
        for (size_t i = 0; i < n; i++) to_endpoint_from(w, ep, copy, i, now);
        n = w->to_client->count;
        memcpy(copy, w->to_client, sizeof(*copy));
        w->to_client->count = 0;
        for (size_t i = 0; i < n; i++) dtls13_conn_handle_datagram(client, copy->data[i], copy->len[i], now);
        free(copy);
    }
}

static void run(d13_test_state *t, bool forge_first)
{
    world w = {calloc(1, sizeof(dgram_queue)), calloc(1, sizeof(dgram_queue)), {10, 0, 0, 1}, {10, 0, 0, 2}};
    dtls13_config *scfg = dtls13_config_new(), *ccfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_generate_certificate(scfg, "server"), 0);
    CHECK_EQ(dtls13_config_generate_certificate(ccfg, "client"), 0);
    dtls13_endpoint_options opts;
    dtls13_endpoint_options_init(&opts);
    opts.cookie_mode = DTLS13_COOKIE_UNDER_LOAD;
    opts.under_load_threshold = 1;
    opts.handshake_timeout_ms = 1000;
    dtls13_endpoint_callbacks cb = {0};
    cb.send = ep_send;
    cb.user = &w;
    dtls13_endpoint *ep = dtls13_endpoint_new(scfg, &cb, &opts);
    CHECK(ep != NULL);

    /* The loader's handshake puts the endpoint under load; its replies are lost. */
    sender ls = {&w, 2}, cs = {&w, 1};
    dtls13_conn *loader = dtls13_conn_new(ccfg, DTLS13_ROLE_CLIENT, client_send, &ls);
    dtls13_conn_start(loader, 0);
    deliver_all(&w, ep, NULL, 0);
    dtls13_endpoint_stats st;
    dtls13_endpoint_get_stats(ep, &st);
    CHECK_EQ(st.associations_handshaking, 1);

    /* The client's first ClientHello gets the listener's HelloRetryRequest. */
    dtls13_conn *client = dtls13_conn_new(ccfg, DTLS13_ROLE_CLIENT, client_send, &cs);
    dtls13_conn_start(client, 0);
    CHECK(w.to_ep->count >= 1);
    dgram_queue *first = malloc(sizeof(*first));
    memcpy(first, w.to_ep, sizeof(*first)); /* its first flight, for the late copy */
    for (size_t i = 0; i < w.to_ep->count; i++) to_endpoint(&w, ep, i, 0);
    w.to_ep->count = 0;
    dtls13_endpoint_get_stats(ep, &st);
    CHECK_EQ(st.cookies_sent, 1);
    dgram_queue *hrr = malloc(sizeof(*hrr));
    memcpy(hrr, w.to_client, sizeof(*hrr)); /* held back */
    w.to_client->count = 0;

    /* The loader's association times out: no load any more. */
    dtls13_endpoint_handle_timeout(ep, 1500);
    dtls13_endpoint_get_stats(ep, &st);
    CHECK_EQ(st.associations, 0);

    /* The late copy of the first ClientHello creates an association
     * without a cookie; its flight to the client is lost. */
    memcpy(w.to_ep, first, sizeof(*first));
    for (size_t i = 0; i < w.to_ep->count; i++) to_endpoint(&w, ep, i, 1500);
    w.to_ep->count = 0;
    w.to_client->count = 0;
    dtls13_endpoint_get_stats(ep, &st);
    CHECK_EQ(st.associations, 1);
    CHECK_EQ(st.associations_handshaking, 1);

    /* The client gets the HelloRetryRequest and sends its second ClientHello. */
    for (size_t i = 0; i < hrr->count; i++) dtls13_conn_handle_datagram(client, hrr->data[i], hrr->len[i], 1500);
    CHECK(w.to_ep->count >= 1);
    if (forge_first) {
        /* A forged copy with a damaged cookie from the same address first:
         * refused, the association stays. */
        dgram_queue *forged = malloc(sizeof(*forged));
        memcpy(forged, w.to_ep, sizeof(*forged));
        size_t n = forged->len[0];
        for (size_t b = 60; b < n && b < 400; b += 7) forged->data[0][b] ^= 0x5a;
        dtls13_endpoint_handle_datagram(ep, forged->data[0], n, w.client_addr, 4, 1500);
        free(forged);
        dtls13_endpoint_get_stats(ep, &st);
        CHECK_EQ(st.associations, 1);
        CHECK_EQ(st.freed[DTLS13_ASSOC_END_REPLACED], 0);
        w.to_client->count = 0;
    }
    deliver_all(&w, ep, client, 1500);
    CHECK_EQ(dtls13_conn_state(client), DTLS13_STATE_CONNECTED);
    dtls13_endpoint_get_stats(ep, &st);
    CHECK_EQ(st.freed[DTLS13_ASSOC_END_REPLACED], 1);
    CHECK_EQ(st.failed_by_alert[DTLS13_ALERT_UNEXPECTED_MESSAGE], 0);
    CHECK_EQ(st.associations, 1);
    CHECK_EQ(st.associations_handshaking, 0);
    CHECK_EQ(st.cookies_verified, 1);
    CHECK(dtls13_conn_used_hello_retry(client));

    free(first);
    free(hrr);
    dtls13_conn_free(client);
    dtls13_conn_free(loader);
    dtls13_endpoint_free(ep);
    dtls13_config_free(scfg);
    dtls13_config_free(ccfg);
    free(w.to_ep);
    free(w.to_client);
}

static void test_late_first_hello_replaced(d13_test_state *t)
{
    run(t, false);
}

static void test_forged_second_hello_ignored(d13_test_state *t)
{
    run(t, true);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_late_first_hello_replaced);
    RUN_TEST(&st, test_forged_second_hello_ignored);
    TEST_MAIN_END(&st);
}
