/* Receive path and timers of the engine. */
#ifndef D13_RECEIVE_H
#define D13_RECEIVE_H

#include <stddef.h>
#include <stdint.h>

#include "handshake/engine.h"

/** Processes one datagram: records, handshake fragments, alerts, ACKs and
 *  application data. Returns 0 or a negative error once the connection failed. */
int d13_engine_handle_datagram(dtls13_conn *c, const uint8_t *datagram, size_t len);
/** Runs due timers (retransmission). */
int d13_engine_handle_timeout(dtls13_conn *c);
/** The path became usable (dtls13_conn_path_ready): resends the
 *  outstanding handshake flight now, timer back at its initial value. */
int d13_engine_path_ready(dtls13_conn *c);
/** Next timer deadline or UINT64_MAX. */
uint64_t d13_engine_next_timeout(const dtls13_conn *c);
/** Queues application data for dtls13_conn_read(); false when full. */
bool d13_read_queue_push(dtls13_conn *c, const uint8_t *data, size_t len);
/** Pops one record into buf; returns its length or a negative error. */
int d13_read_queue_pop(dtls13_conn *c, uint8_t *buf, size_t cap);
/** Frees the queue. */
void d13_read_queue_free(dtls13_conn *c);

#endif
