/* A client connection and a stateless listener (then the server
 * connection the listener created) joined by an in-memory link on a
 * virtual clock, for the listener's tests (1.3 and 1.2): datagrams are
 * queued and delivered by listen_harness_pump(); the listener's decisions
 * (HelloRetryRequest / HelloVerifyRequest, accept, drop) are counted. */
#ifndef D13_TEST_LISTEN_HARNESS_H
#define D13_TEST_LISTEN_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/dtls13.h"

#define LISTEN_QUEUE_LEN 128
#define LISTEN_MAX_DGRAM 2048

typedef struct listen_queue {
    uint8_t data[LISTEN_QUEUE_LEN][LISTEN_MAX_DGRAM];
    size_t len[LISTEN_QUEUE_LEN];
    size_t head, count;
} listen_queue;

/* A client connection and a listener (then the server connection it
 * created) joined by an in-memory link on a virtual clock. */
typedef struct listen_harness {
    dtls13_listener *l;
    dtls13_conn *client;
    dtls13_conn *server;
    listen_queue to_server, to_client;
    uint64_t now;
    char addr[32];
    size_t addr_len;
    bool split_client_hellos; /* send every ClientHello in two datagrams */
    unsigned hrrs, accepts, listen_drops;
    size_t bytes_since_decision; /* client bytes the listener saw since its last decision */
    bool amplification_ok;
    bool accept_failed;
} listen_harness;

/** Appends a datagram (dropped when the queue is full or it is too long). */
void listen_queue_push(listen_queue *q, const uint8_t *data, size_t len);
/** Takes the oldest datagram; false when the queue is empty. */
bool listen_queue_pop(listen_queue *q, uint8_t *out, size_t *len);
/** Splits a datagram holding exactly one unfragmented ClientHello record
 *  into two datagrams of one fragment each (a and b, LISTEN_MAX_DGRAM
 *  each); false when it is not one. */
bool listen_split_client_hello(const uint8_t *d, size_t len, uint8_t *a, size_t *alen, uint8_t *b, size_t *blen);
/** A harness with a client for client_cfg and a listener for server_cfg
 *  in the given cookie mode, clock at 1000 ms; NULL on failure. */
listen_harness *listen_harness_new(dtls13_config *client_cfg, dtls13_config *server_cfg, dtls13_cookie_mode mode);
/** Frees both connections, the listener and the harness (NULL ignored). */
void listen_harness_free(listen_harness *hs);
/** Gives a client datagram to the server connection once accepted, else to
 *  the listener (queueing its HelloRetryRequest, accepting a connection). */
void listen_harness_deliver(listen_harness *hs, const uint8_t *d, size_t len);
/** The server connection's send callback (user: the harness): queues
 *  the datagram for the client. */
int listen_harness_server_send(void *user, const uint8_t *data, size_t len);
/** Delivers queued datagrams both ways until none is left. */
void listen_harness_pump(listen_harness *hs);
/** Both connections are established. */
bool listen_harness_connected(const listen_harness *hs);
/** Starts the client (when not started) and runs the link and both timers
 *  until both sides are connected, the client failed or max_ms passed;
 *  returns listen_harness_connected(). */
bool listen_harness_run(listen_harness *hs, uint64_t max_ms);

#endif
