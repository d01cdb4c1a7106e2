/* dtls13-load --flood: first ClientHellos from many spoofed-looking
 * loopback source addresses (one socket, the source chosen per datagram
 * with IP_PKTINFO), never answered, with the server's replies counted. */
#ifndef DTLS13_LOAD_FLOOD_H
#define DTLS13_LOAD_FLOOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dtls13/dtls13.h"
#include "load_options.h"

typedef struct load_flood_result {
    uint64_t sent, send_errors, bytes_sent;
    uint64_t replies, bytes_received;
    uint64_t hello_retry_requests;   /**< DTLS 1.3 HelloRetryRequests */
    uint64_t hello_verify_requests;  /**< DTLS 1.2 HelloVerifyRequests */
    uint64_t other_replies;          /**< anything else (a ServerHello: the server took state) */
    double max_amplification;        /**< largest reply bytes / ClientHello bytes for one address */
    uint64_t duration_ms;
} load_flood_result;

/** Sends o->flood ClientHellos made with cfg to o->connect (IPv4), each
 *  from its own address 127.1.0.1 and up, at o->flood_rate per second
 *  (0: as fast as the socket takes them), then reads the last replies
 *  until every ClientHello has one, or 500 ms pass without one (at most
 *  5 s). Progress lines on stderr unless quiet. Returns false with a
 *  message in err when it could not start. */
bool load_flood_run(const load_options *o, dtls13_config *cfg, bool quiet, load_flood_result *out, char *err,
                    size_t err_len);

/** Prints the result as text (or as one JSON object with json). */
void load_flood_print(const load_flood_result *res, FILE *f, bool json);

#endif
