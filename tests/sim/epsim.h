/* Network simulator for the multi-association endpoint: one server
 * dtls13_endpoint and up to EPSIM_MAX_CLIENTS client connections (each
 * with its own address and, once connected, an SRTP session), on a
 * virtual clock. Every datagram crosses a link with the netsim.h
 * parameters loss, duplicate, reorder (+ reorder_extra_ms), delay_ms and
 * jitter_ms (the MTU and burst fields are not used); one link for all
 * client-to-server datagrams and one for the way back. All randomness
 * comes from a netsim's seeded generator (netsim_random), so a run is
 * determined by its seed and parameters. */
#ifndef D13_TEST_EPSIM_H
#define D13_TEST_EPSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/endpoint.h"
#include "netsim.h"

/** Most clients one simulator holds. */
#define EPSIM_MAX_CLIENTS 1024u

typedef struct epsim epsim;

/** What one client saw. */
typedef struct epsim_client_info {
    dtls13_conn *conn;
    uint64_t connected_ms;  /**< virtual time its connection connected, 0 before */
    uint64_t rtp_sent;      /**< RTP packets it sent (epsim_send_rtp) */
    uint64_t echoes_ok;     /**< echoed RTP that unprotected and carried its own payload */
    uint64_t echoes_bad;    /**< echoed RTP whose payload was not what it sent */
    uint64_t media_dropped; /**< SRTP it could not unprotect (duplicates: replay) */
} epsim_client_info;

/** A simulator whose links are up (client to server) and down, whose
 *  server endpoint uses opts (NULL: defaults) and echoes every media
 *  packet back to its sender. NULL on failure. */
epsim *epsim_new(uint64_t seed, const netsim_link_params *up, const netsim_link_params *down,
                 const dtls13_endpoint_options *opts);
void epsim_free(epsim *s);
/** Adds a client with cfg (shared, not taken over) that starts its
 *  handshake now. Returns its index, or -1. */
int epsim_add_client(epsim *s, dtls13_config *cfg);
/** Delivers datagrams and runs timers in virtual time until done(s, user)
 *  holds (checked between events) or limit_ms of virtual time passed.
 *  Returns whether done held. */
bool epsim_run(epsim *s, bool (*done)(const epsim *s, void *user), void *user, uint64_t limit_ms);
/** Sends one RTP packet from client i (SSRC i + 1, a payload derived from
 *  i and its sequence number). Returns 0, or -1 without SRTP keys. */
int epsim_send_rtp(epsim *s, size_t i);
/** Sends close_notify from client i. */
void epsim_close_client(epsim *s, size_t i);
/** Number of clients, and the one of index i. */
size_t epsim_clients(const epsim *s);
const epsim_client_info *epsim_client(const epsim *s, size_t i);
/** The server endpoint. */
dtls13_endpoint *epsim_server(const epsim *s);
/** Statistics of the up (client to server) or down link. */
const netsim_link_stats *epsim_link(const epsim *s, bool up);
/** RTP datagrams delivered to the server, and to the clients. */
uint64_t epsim_rtp_delivered(const epsim *s, bool to_server);
/** Media packets the server's on_media saw whose payload was wrong. */
uint64_t epsim_server_bad_media(const epsim *s);
/** Current virtual time (ms). */
uint64_t epsim_now(const epsim *s);
/** Sum of the clients' connections' retransmissions. */
uint64_t epsim_client_retransmissions(const epsim *s);

#endif
