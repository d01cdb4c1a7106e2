/* Two connections joined by an in-memory link on a virtual clock, for
 * tests: datagrams are queued and delivered by conn_pair_pump(). A filter
 * can drop or modify datagrams in flight. */
#ifndef D13_TEST_CONN_PAIR_H
#define D13_TEST_CONN_PAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/dtls13.h"

#define CONN_PAIR_QUEUE 256
#define CONN_PAIR_MAX_DGRAM 2048

/** Decides the fate of one datagram: return false to drop it; it may
 *  modify data[0..*len) in place (and *len, up to CONN_PAIR_MAX_DGRAM). */
typedef bool (*conn_pair_filter_fn)(void *user, int from_client, uint8_t *data, size_t *len, unsigned index);

typedef struct conn_pair_queue {
    uint8_t data[CONN_PAIR_QUEUE][CONN_PAIR_MAX_DGRAM];
    size_t len[CONN_PAIR_QUEUE];
    size_t head, count;
    unsigned total; /* datagrams ever sent in this direction */
} conn_pair_queue;

typedef struct conn_pair {
    dtls13_conn *client;
    dtls13_conn *server;
    conn_pair_queue to_server;
    conn_pair_queue to_client;
    uint64_t now_ms;
    conn_pair_filter_fn filter;
    void *filter_user;
    int client_events[8]; /* counts per dtls13_event_type */
    int server_events[8];
} conn_pair;

/** A config with a freshly generated certificate and the defaults, or NULL. */
dtls13_config *conn_pair_config_new(void);

/** Allocates a pair (heap: the queues are large) with one config per side. */
conn_pair *conn_pair_new(dtls13_config *client_cfg, dtls13_config *server_cfg);
void conn_pair_free(conn_pair *p);
/** Starts the client and delivers datagrams until both sides are connected
 *  or one failed, advancing the virtual clock on timeouts, at most
 *  max_virtual_ms. Returns true when both are connected. */
bool conn_pair_handshake(conn_pair *p, uint64_t max_virtual_ms);
/** Delivers every queued datagram (and the replies they cause). */
void conn_pair_pump(conn_pair *p);
/** Advances the virtual clock to the earlier of the two connections'
 *  timers, runs both, and delivers what they sent. */
void conn_pair_run_next_timer(conn_pair *p);

#endif
