/* libdtls13 - stateless listening with a cookie exchange (RFC 9147 5.1),
 * in the spirit of OpenSSL's DTLSv1_listen() / SSL_stateless().
 *
 * A server socket shared by many clients hands every datagram from an
 * unknown address to dtls13_listen(). The listener keeps no per-client
 * state: it either answers with a HelloRetryRequest carrying a cookie
 * (written to the caller's buffer, to be sent back to that address), or
 * says the ClientHello is acceptable, and the caller then creates the
 * connection with dtls13_listener_accept() from that same datagram.
 *
 * The cookie authenticates, with an HMAC under a secret that rotates
 * (the previous secret stays valid for one rotation period), the hash of
 * the client's first ClientHello, the client's transport address, the
 * negotiated cipher suite and group, and a timestamp; expired, forged or
 * replayed-from-another-address cookies get a fresh HelloRetryRequest and
 * never create state.
 *
 * Fragmented ClientHellos. A browser whose ClientHello carries a large
 * (e.g. post-quantum hybrid) key share sends it in two or more datagrams,
 * which a purely stateless listener cannot hash or judge. The listener
 * therefore owns a reassembly cache of a fixed number of slots (16
 * messages of at most 8192 bytes, keyed by peer address) allocated once by
 * dtls13_listener_new(): a fragment is stored and dtls13_listen() returns
 * DTLS13_LISTEN_DROP ("nothing to send yet"); the datagram that completes
 * the message gets the decision for the whole ClientHello (HRR or ACCEPT)
 * in every mode, and dtls13_listener_accept() called with that datagram
 * takes the reassembled message from the cache. A flood of fragments
 * costs no memory: it only evicts other half-received ClientHellos (least
 * recently used first), whose clients retransmit. Typically only the
 * first ClientHello is large: the HelloRetryRequest then selects a group
 * we support and the second ClientHello fits one datagram. ClientHellos
 * longer than 8192 bytes are dropped.
 *
 * A ClientHello carrying a cookie that does not verify (forged, altered,
 * expired, from another address) is answered with a fresh HelloRetryRequest
 * whose message_seq is that of the ClientHello: a conforming client that
 * already received one aborts ("second HelloRetryRequest") and may restart
 * from scratch, as RFC 9147 5.1 intends for invalid cookies.
 *
 * Threads: dtls13_listen() and dtls13_listener_accept() update the
 * listener (secret rotation, reassembly cache, statistics); call them for
 * one listener from one thread at a time. */
#ifndef DTLS13_LISTEN_H
#define DTLS13_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/config.h"
#include "dtls13/conn.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtls13_listener dtls13_listener;

/** When the listener demands a cookie round trip. */
typedef enum dtls13_cookie_mode {
    DTLS13_COOKIE_ALWAYS = 0,     /**< every new handshake (the RFC's default) */
    DTLS13_COOKIE_NEVER = 1,      /**< never: ICE-authenticated paths */
    DTLS13_COOKIE_UNDER_LOAD = 2, /**< only while dtls13_listener_set_under_load(true) */
} dtls13_cookie_mode;

/** What dtls13_listen() decided. */
typedef enum dtls13_listen_result {
    DTLS13_LISTEN_DROP = 0,     /**< not an acceptable ClientHello: ignore the datagram */
    DTLS13_LISTEN_SEND_HRR = 1, /**< send the *out_len bytes written to out to the peer: a
                                     HelloRetryRequest, or for a ClientHello that offers only
                                     DTLS 1.2 a HelloVerifyRequest (RFC 6347 4.2.1) */
    DTLS13_LISTEN_ACCEPT = 2,   /**< create the connection with dtls13_listener_accept() */
} dtls13_listen_result;

/** Default cookie lifetime and secret rotation period. */
#define DTLS13_DEFAULT_COOKIE_LIFETIME_MS 30000u

/** Counters of what the listener did. */
typedef struct dtls13_listener_stats {
    uint64_t datagrams;             /**< datagrams passed to dtls13_listen() */
    uint64_t hrr_sent;              /**< DTLS13_LISTEN_SEND_HRR results (HelloVerifyRequests included) */
    uint64_t hvr_sent;              /**< of those, DTLS 1.2 HelloVerifyRequests (RFC 6347 4.2.1) */
    uint64_t accepted;              /**< DTLS13_LISTEN_ACCEPT results */
    uint64_t dropped_malformed;     /**< not a DTLSPlaintext ClientHello (or wrong message_seq) */
    uint64_t dropped_unacceptable;  /**< a ClientHello the server would refuse */
    uint64_t dropped_amplification; /**< the reply would exceed 3x the bytes received */
    uint64_t cookies_invalid;       /**< forged, expired or wrong-address cookies (fresh HRR) */
    uint64_t fragments_buffered;    /**< ClientHello fragments stored for reassembly */
    uint64_t fragments_evicted;     /**< half-received ClientHellos evicted from the cache */
    uint64_t cookies_verified;      /**< connections created by dtls13_listener_accept() from a
                                         ClientHello whose cookie verified */
} dtls13_listener_stats;

/** Longest peer address accepted by dtls13_listen() (a sockaddr_storage). */
#define DTLS13_LISTEN_MAX_ADDR 128u

/** Creates a listener for cfg (which must hold a certificate; a reference
 *  is kept). A random cookie secret is generated. NULL on failure. */
dtls13_listener *dtls13_listener_new(dtls13_config *cfg, dtls13_cookie_mode mode);

/** Frees the listener and zeroizes its secrets. NULL is ignored. */
void dtls13_listener_free(dtls13_listener *l);

/** Sets how long a cookie is valid; the secret rotates every lifetime_ms
 *  and the previous secret is still accepted for one more period
 *  (1 s to 10 min). */
int dtls13_listener_set_cookie_lifetime_ms(dtls13_listener *l, uint32_t lifetime_ms);

/** For DTLS13_COOKIE_UNDER_LOAD: whether the server currently is. */
void dtls13_listener_set_under_load(dtls13_listener *l, bool under_load);

/** Copies the listener's counters to *out. */
void dtls13_listener_get_stats(const dtls13_listener *l, dtls13_listener_stats *out);

/** Decides what to do with one datagram from a peer without a connection.
 *  A ClientHello that offers DTLS 1.3 (when the config allows it) goes the
 *  RFC 9147 5.1 way: a HelloRetryRequest with a cookie extension. One that
 *  the config answers with DTLS 1.2 gets a HelloVerifyRequest whose cookie
 *  (the same HMAC scheme, bound to the address) the client echoes in
 *  legacy_cookie with message_seq 1, as OpenSSL's DTLSv1_listen does.
 *  peer_addr/peer_addr_len are the transport address bytes (e.g. a
 *  struct sockaddr_in6 or any stable encoding of address and port); they
 *  are authenticated by the cookie. now_ms is the caller's monotonic clock.
 *  On DTLS13_LISTEN_SEND_HRR the datagram to send is written to out
 *  (out_cap >= 512 suffices) and its length to *out_len. Never allocates
 *  per call (the ClientHello is decoded on the stack; fragments go to the
 *  cache allocated at creation). Returns a dtls13_listen_result, or a
 *  negative dtls13_err for bad arguments (NULL pointers, peer_addr_len 0 or
 *  above DTLS13_LISTEN_MAX_ADDR) or DTLS13_ERR_BUFFER_TOO_SMALL when out
 *  cannot hold the HelloRetryRequest. */
int dtls13_listen(dtls13_listener *l, const uint8_t *datagram, size_t len, const void *peer_addr,
                  size_t peer_addr_len, uint64_t now_ms, uint8_t *out, size_t out_cap, size_t *out_len);

/** Creates the server connection for a datagram that dtls13_listen()
 *  accepted (same datagram, address and a close now_ms) and processes it:
 *  the connection continues the handshake, with the HelloRetryRequest of
 *  the cookie exchange in its transcript when there was one. The client's
 *  address counts as validated when a cookie was verified. In
 *  DTLS13_COOKIE_ALWAYS mode a ClientHello without a valid cookie is never
 *  accepted; in DTLS13_COOKIE_UNDER_LOAD mode it is (the load may have
 *  changed since dtls13_listen()). Without a cookie the connection
 *  keeps the anti-amplification limit (3x the bytes received) until the
 *  client's first encrypted record; on an ICE-validated path call
 *  dtls13_conn_set_peer_address_validated() on it. Returns NULL when the datagram is not
 *  acceptable any more, when the connection fails on it (its alert has
 *  then been sent through send) or on allocation failure. */
dtls13_conn *dtls13_listener_accept(dtls13_listener *l, const uint8_t *datagram, size_t len,
                                    const void *peer_addr, size_t peer_addr_len, dtls13_send_fn send,
                                    void *send_user, uint64_t now_ms);

/** What dtls13_listener_accept_ex() applies to the new connection before
 *  it processes the ClientHello. Zero-initialize; all fields optional. */
typedef struct dtls13_accept_options {
    /** Event callback (see dtls13_conn_set_event_callback): installed
     *  first, so an alert sent on the ClientHello itself is reported too. */
    dtls13_event_fn event_fn;
    void *event_user;
    /** The path is already validated (an ICE connectivity check answered
     *  from this address): no anti-amplification limit even without a
     *  cookie, so the whole first flight goes out at once. */
    bool peer_address_validated;
} dtls13_accept_options;

/** dtls13_listener_accept() with options (NULL: none). The options take
 *  effect before the server's first flight is built and sent, which
 *  calling dtls13_conn_set_event_callback() or
 *  dtls13_conn_set_peer_address_validated() on the returned connection
 *  cannot do. When the connection fails on the ClientHello, NULL is
 *  returned after event_fn has seen the alert. */
dtls13_conn *dtls13_listener_accept_ex(dtls13_listener *l, const uint8_t *datagram, size_t len,
                                       const void *peer_addr, size_t peer_addr_len, dtls13_send_fn send,
                                       void *send_user, uint64_t now_ms, const dtls13_accept_options *opts);

#ifdef __cplusplus
}
#endif
#endif
