/* A virtual network for endpoint tests: one server dtls13_endpoint and N
 * client connections (each with its own address and, once connected, an
 * SRTP session), joined by an in-memory queue on a virtual clock. */
#ifndef D13_TEST_ENDPOINT_NET_H
#define D13_TEST_ENDPOINT_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/endpoint.h"

typedef struct ep_net_client {
    uint8_t addr[4];
    dtls13_conn *conn;
    dtls13_srtp *srtp;
    bool vanished;        /* drops everything sent to it and sends nothing */
    uint64_t media_rx;    /* media from the server that unprotected */
    uint64_t media_bad;   /* media from the server that did not */
    uint16_t rtp_seq;
    void *ctx;            /* the connection's send context (owned) */
} ep_net_client;

typedef struct ep_net_datagram {
    size_t client;   /* index of the client it comes from or goes to */
    bool to_server;
    bool spoofed;    /* to_server from a raw address (addr below) */
    uint8_t addr[DTLS13_ENDPOINT_MAX_ADDR];
    size_t addr_len;
    size_t len;
    uint8_t *data;
} ep_net_datagram;

typedef struct ep_net {
    dtls13_endpoint *server;
    dtls13_config *server_cfg;
    uint64_t now;
    ep_net_client *clients;
    size_t num_clients, cap_clients;
    ep_net_datagram *queue;
    size_t q_head, q_count, q_cap;
    /* what the server's callbacks saw */
    uint64_t associations_reported;
    uint64_t freed_reported[DTLS13_ASSOC_END_COUNT];
    uint64_t events[8];
    uint64_t media_seen;
    uint64_t stun_seen;
    uint64_t to_unknown; /* server datagrams to an address with no client */
    bool stun_authenticates;   /* on_stun's answer */
    bool validate_addresses;   /* address_validated's answer */
    bool echo_media;           /* on_media sends the packet back */
    bool close_on_handshake;   /* on_event HANDSHAKE_DONE closes the association */
    const char *pin_fingerprint; /* on_association sets it when not NULL */
    /* Optional observers of decrypted media, for tests that check the
     * bytes: server_media sees each packet on_media hands the server
     * (before the echo), client_media each packet client i unprotected. */
    void (*server_media)(struct ep_net *n, dtls13_assoc *a, const uint8_t *packet, size_t len, bool rtcp);
    void (*client_media)(struct ep_net *n, size_t i, const uint8_t *packet, size_t len, bool rtcp);
    void *user; /* the test's, passed to the observers */
} ep_net;

/** A net with a server endpoint (its own certificate) using opts (NULL:
 *  defaults); echo_media on. NULL on failure. */
ep_net *ep_net_new(const dtls13_endpoint_options *opts);
void ep_net_free(ep_net *n);
/** Adds a client with cfg (a fresh config with a certificate when NULL)
 *  and the version range [min,max] (min 0: the default; max 0: min);
 *  started now.
 *  Returns its index. */
size_t ep_net_add_client(ep_net *n, dtls13_config *cfg, uint16_t min_version, uint16_t max_version);
/** Delivers queued datagrams (and what they cause) until none is left. */
void ep_net_pump(ep_net *n);
/** Pumps and advances the clock from timeout to timeout until done(n)
 *  holds or max_ms of virtual time passed; returns done(n). done may be
 *  NULL: runs for max_ms. */
bool ep_net_run(ep_net *n, bool (*done)(ep_net *n), uint64_t max_ms);
/** Number of clients whose connection is connected. */
size_t ep_net_connected(const ep_net *n);
/** Sends one RTP packet (200 bytes, SSRC = index + 1) from client i. */
int ep_net_send_rtp(ep_net *n, size_t i);
/** Queues raw bytes to the server as if from addr. */
void ep_net_inject(ep_net *n, const void *addr, size_t addr_len, const uint8_t *data, size_t len);
/** Queues raw bytes to the server from client i's address. */
void ep_net_inject_from(ep_net *n, size_t i, const uint8_t *data, size_t len);
/** Client i starts over from the same address: a new connection (fresh
 *  config and certificate) sends a new ClientHello now. */
void ep_net_restart_client(ep_net *n, size_t i);
/** Sends one RTP packet from client i (SSRC = index + 1, the next
 *  sequence number) whose payload is payload[0..len), at most 1200 bytes.
 *  Returns 0, -1 without SRTP keys or for a bad length, or the
 *  dtls13_srtp_protect_rtp() error. */
int ep_net_send_rtp_payload(ep_net *n, size_t i, const uint8_t *payload, size_t len);
/** Like ep_net_restart_client(), with the connection made from cfg
 *  (shared, not taken over: e.g. one config per version range). */
void ep_net_restart_client_with(ep_net *n, size_t i, dtls13_config *cfg);
/** Sends close_notify from client i. */
void ep_net_close_client(ep_net *n, size_t i);
/** The server's association for client i, or NULL. */
dtls13_assoc *ep_net_assoc(const ep_net *n, size_t i);
/** Server stats shortcut. */
dtls13_endpoint_stats ep_net_stats(const ep_net *n);

#endif
