/* libdtls13 - many DTLS-SRTP associations on one local socket, sans-IO.
 *
 * A dtls13_endpoint is what a media server (an SFU, an MCU, a gateway)
 * puts behind one UDP port. It owns the stateless listener (cookie
 * exchange, dtls13/listen.h), a table of associations keyed by the peer's
 * transport address, and one timer structure for all of them. Every
 * datagram received on the socket goes to dtls13_endpoint_handle_datagram(),
 * which routes it with the RFC 7983 / RFC 9443 demultiplexer
 * (dtls13/demux.h):
 *
 *   - DTLS from a known address goes to that association's connection;
 *     from an unknown address to the listener, which answers with a
 *     HelloRetryRequest (or, for DTLS 1.2, a HelloVerifyRequest) carrying a
 *     cookie or creates the association;
 *   - SRTP and SRTCP go to that association's SRTP session (created when
 *     its handshake completes with use_srtp), and the decrypted packet is
 *     handed to the on_media callback;
 *   - STUN is handed to the on_stun callback (ICE stays the application's:
 *     e.g. an ICE-lite responder);
 *   - everything else is dropped and counted.
 *
 * Like the connection, the endpoint never touches a socket or a clock:
 * datagrams go out through the send callback with the peer's address, and
 * the caller passes its monotonic time in milliseconds to every call and
 * calls dtls13_endpoint_handle_timeout() when dtls13_endpoint_next_timeout()
 * is reached. The next timeout is read in O(1) (a binary min-heap with one
 * entry per association), and a timeout touches only the associations
 * that are due.
 *
 * Addresses are opaque bytes (1 to DTLS13_ENDPOINT_MAX_ADDR): the same
 * peer must always be given as the same bytes, e.g. the struct sockaddr_in
 * or sockaddr_in6 that recvfrom() filled in (with sin_zero cleared and
 * sin6_flowinfo zero), or any canonical encoding of address and port. They
 * are hashed with a per-endpoint random seed.
 *
 * Lifetime of an association. It is created by the listener (server role,
 * reported through on_association) or by dtls13_endpoint_connect()
 * (client role). It is freed by the endpoint only, never inside a call the
 * application makes from a callback: when its handshake did not complete
 * within the handshake timeout, when nothing was received from its peer
 * for the idle timeout, or a linger time after it failed or closed
 * (during the linger, retransmissions from the peer are absorbed instead
 * of reaching the listener as new handshakes). Just before it is freed,
 * on_freed reports it with the reason; the pointer is invalid afterwards.
 *
 * Sharding. An endpoint is single-threaded: all calls for one endpoint
 * (and its associations) must come from one thread at a time. To use
 * several cores, run one endpoint per thread or process, each on its own
 * socket bound to the same port with SO_REUSEPORT: the kernel then spreads
 * peers over the sockets by a hash of the 4-tuple, so a peer's datagrams
 * keep reaching the same endpoint. Endpoints share nothing but a config,
 * which is safe to share. A peer that moves to another address (NAT
 * rebinding) may land on another shard; ICE restarts then create a new
 * association there. */
#ifndef DTLS13_ENDPOINT_H
#define DTLS13_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/config.h"
#include "dtls13/conn.h"
#include "dtls13/demux.h"
#include "dtls13/listen.h"
#include "dtls13/srtp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtls13_endpoint dtls13_endpoint;
typedef struct dtls13_assoc dtls13_assoc;

/** Longest peer address in bytes (a struct sockaddr_storage). */
#define DTLS13_ENDPOINT_MAX_ADDR DTLS13_LISTEN_MAX_ADDR

/** Why an association was freed (on_freed, statistics). */
typedef enum dtls13_assoc_end {
    DTLS13_ASSOC_END_HANDSHAKE_TIMEOUT = 0, /**< not connected within the handshake timeout */
    DTLS13_ASSOC_END_IDLE = 1,              /**< nothing received for the idle timeout */
    DTLS13_ASSOC_END_FAILED = 2,            /**< a fatal alert (sent or received), after the linger */
    DTLS13_ASSOC_END_CLOSED = 3,            /**< close_notify (ours or the peer's), after the linger */
    DTLS13_ASSOC_END_REPLACED = 4,          /**< a new ClientHello from its address after it ended */
    DTLS13_ASSOC_END_SHUTDOWN = 5,          /**< dtls13_endpoint_free() */
} dtls13_assoc_end;

/** Number of dtls13_assoc_end values. */
#define DTLS13_ASSOC_END_COUNT 6

/** Why the endpoint dropped a datagram (statistics). */
typedef enum dtls13_endpoint_drop {
    DTLS13_EP_DROP_DEMUX = 0,            /**< reserved first byte or too short (RFC 7983) */
    DTLS13_EP_DROP_UNROUTED_KIND = 1,    /**< ZRTP or TURN channel data: not handled here */
    DTLS13_EP_DROP_STUN_UNHANDLED = 2,   /**< STUN without an on_stun callback */
    DTLS13_EP_DROP_MEDIA_UNKNOWN_PEER = 3, /**< SRTP/SRTCP from an address without an association */
    DTLS13_EP_DROP_MEDIA_NO_KEYS = 4,    /**< SRTP/SRTCP before the association has SRTP keys */
    DTLS13_EP_DROP_SRTP_AUTH = 5,        /**< SRTP/SRTCP that failed authentication */
    DTLS13_EP_DROP_SRTP_REPLAY = 6,      /**< SRTP/SRTCP replayed or too old */
    DTLS13_EP_DROP_SRTP_PACKET = 7,      /**< SRTP/SRTCP libsrtp2 rejected otherwise */
    DTLS13_EP_DROP_LISTENER = 8,         /**< DTLS from an unknown address that is no acceptable ClientHello */
    DTLS13_EP_DROP_TABLE_FULL = 9,       /**< acceptable ClientHello, but max_associations reached */
    DTLS13_EP_DROP_TOO_LARGE = 10,       /**< datagram longer than max_datagram */
    DTLS13_EP_DROP_ACCEPT_FAILED = 11,   /**< the new connection refused the ClientHello or no memory */
} dtls13_endpoint_drop;

/** Number of dtls13_endpoint_drop values. */
#define DTLS13_EP_DROP_COUNT 12

/** The application's side of the endpoint. Only send is required. The
 *  callbacks may call any dtls13_endpoint_ and dtls13_assoc_ function
 *  (dtls13_endpoint_close() and the timers take effect once the callback
 *  returns) except dtls13_endpoint_free(). */
typedef struct dtls13_endpoint_callbacks {
    /** Transmits one datagram to addr. Return 0, or negative on failure
     *  (counted; DTLS retransmits, media is lost). */
    int (*send)(void *user, const void *addr, size_t addr_len, const uint8_t *data, size_t len);
    /** A STUN datagram (first byte 0-3) from addr, e.g. for an ICE-lite
     *  responder, which answers through its own socket. a is the
     *  association of that address or NULL. Return true when it was an
     *  authenticated connectivity check: a's idle timer then restarts (ICE
     *  consent freshness, RFC 7675) and, while it is handshaking as
     *  server, its address counts as validated. NULL: STUN is dropped. */
    bool (*on_stun)(void *user, dtls13_assoc *a, const void *addr, size_t addr_len, const uint8_t *data,
                    size_t len);
    /** Whether addr was validated by other means (an ICE connectivity
     *  check from it succeeded): a new handshake from there skips the
     *  cookie exchange and the anti-amplification limit. NULL: no address
     *  is. */
    bool (*address_validated)(void *user, const void *addr, size_t addr_len);
    /** A new server-side association, created from a ClientHello (its
     *  first flight is already sent). Set the expected fingerprint
     *  (dtls13_assoc_set_peer_fingerprint) and user data here. */
    void (*on_association)(void *user, dtls13_assoc *a);
    /** A connection event of a (dtls13/conn.h). On HANDSHAKE_DONE the SRTP
     *  session already exists when use_srtp was negotiated. */
    void (*on_event)(void *user, dtls13_assoc *a, const dtls13_event *event);
    /** A decrypted RTP (rtcp false) or RTCP packet of a, in a buffer of the
     *  endpoint valid until the callback returns; it may be modified (e.g.
     *  an SSRC rewritten) and passed to dtls13_endpoint_send_media() for
     *  other associations. */
    void (*on_media)(void *user, dtls13_assoc *a, uint8_t *packet, size_t len, bool rtcp);
    /** a is about to be freed (why: reason); drop every reference to it. */
    void (*on_freed)(void *user, dtls13_assoc *a, dtls13_assoc_end reason);
    void *user;
} dtls13_endpoint_callbacks;

/** Endpoint settings; fill with dtls13_endpoint_options_init(). */
typedef struct dtls13_endpoint_options {
    /** When a new handshake from an address that address_validated() does
     *  not vouch for needs a cookie round trip. Default
     *  DTLS13_COOKIE_ALWAYS (RFC 9147 5.1's SHOULD); DTLS13_COOKIE_UNDER_LOAD
     *  asks only while under_load_threshold or more associations are
     *  handshaking. */
    dtls13_cookie_mode cookie_mode;
    /** Handshaking associations from which on the endpoint counts as under
     *  load (DTLS13_COOKIE_UNDER_LOAD). Default 64. */
    uint32_t under_load_threshold;
    /** An association not connected this long after its creation is
     *  freed. Default 20000 ms. */
    uint32_t handshake_timeout_ms;
    /** An association from whose peer nothing arrived this long is freed.
     *  Default 30000 ms (RFC 7675's consent expiry). */
    uint32_t idle_timeout_ms;
    /** How long a failed or closed association stays (absorbing the peer's
     *  retransmissions) before it is freed. Default 2000 ms. */
    uint32_t linger_ms;
    /** Most associations at a time; further ClientHellos are dropped
     *  (counted). Default 100000. */
    uint32_t max_associations;
    /** Longest datagram handled (and longest media packet sent, protection
     *  included); the endpoint holds two buffers of this size. Default
     *  4096, at most 65535. */
    uint32_t max_datagram;
} dtls13_endpoint_options;

/** Aggregate counters of an endpoint. */
typedef struct dtls13_endpoint_stats {
    dtls13_demux_counters demux;   /**< received datagrams by kind */
    uint64_t datagrams_in;         /**< every datagram passed in */
    uint64_t datagrams_out;        /**< datagrams handed to send (DTLS, HRRs and media) */
    uint64_t send_failures;        /**< send returned an error */
    uint64_t handshakes_started;   /**< associations created (server and client) */
    uint64_t handshakes_completed; /**< associations that reached HANDSHAKE_DONE */
    uint64_t handshakes_dtls13;    /**< of those, DTLS 1.3 */
    uint64_t handshakes_dtls12;    /**< of those, DTLS 1.2 */
    uint64_t handshakes_failed;    /**< associations that failed (alert) or timed out before connecting */
    uint64_t failed_by_alert[256]; /**< fatal alerts sent or received, by description, any state */
    uint64_t cookies_sent;         /**< HelloRetryRequests/HelloVerifyRequests sent by the listener */
    uint64_t cookies_verified;     /**< ClientHellos whose cookie verified (association created) */
    uint64_t cookies_invalid;      /**< forged, expired or wrong-address cookies */
    uint64_t listener_amplification_drops; /**< HRRs not sent: over 3x the bytes received */
    uint64_t stun_in;              /**< STUN datagrams handed to on_stun */
    uint64_t stun_authenticated;   /**< of those, on_stun returned true */
    uint64_t media_in;             /**< SRTP/SRTCP packets decrypted and handed to on_media */
    uint64_t media_out;            /**< packets protected and sent by dtls13_endpoint_send_media() */
    uint64_t media_bytes_in;       /**< clear bytes of media_in */
    uint64_t media_bytes_out;      /**< clear bytes of media_out */
    uint64_t drops[DTLS13_EP_DROP_COUNT]; /**< datagrams dropped, by dtls13_endpoint_drop */
    uint64_t associations;         /**< current associations */
    uint64_t associations_handshaking; /**< of those, not yet connected (and not ended) */
    uint64_t associations_peak;    /**< most at one time */
    uint64_t freed[DTLS13_ASSOC_END_COUNT]; /**< associations freed, by dtls13_assoc_end */
    uint64_t state_bytes;          /**< bytes of state held: the endpoint's own (table, heap,
                                        buffers, listener cache) plus every association's
                                        (dtls13_conn_memory_bytes(), SRTP estimate) */
    uint64_t timer_wakeups;        /**< associations whose timers dtls13_endpoint_handle_timeout() ran */
    /* Sums over every association's connection (dtls13_stats), freed ones
     * included, as of each one's last datagram or timer: */
    uint64_t records_in, records_out;
    uint64_t retransmissions;
    uint64_t dtls_dropped;         /**< invalid DTLS records dropped by the connections (all reasons) */
} dtls13_endpoint_stats;

/** Per-association information (dtls13_assoc_get_info). */
typedef struct dtls13_assoc_info {
    dtls13_role role;
    dtls13_state state;
    uint16_t version;        /**< dtls13_conn_version(), 0 before the hello exchange */
    uint64_t created_ms;
    uint64_t connected_ms;   /**< 0 until HANDSHAKE_DONE */
    uint64_t last_rx_ms;     /**< last datagram (or authenticated STUN) from the peer */
    bool address_validated;  /**< by a cookie, by ICE or by the handshake */
    uint64_t datagrams_in;   /**< every datagram routed to this association */
    uint64_t media_in, media_out;
    uint64_t media_dropped;  /**< SRTP/SRTCP dropped (no keys, auth, replay, bad packet) */
    uint64_t state_bytes;    /**< this association's share of the endpoint's state_bytes */
    dtls13_stats conn;       /**< the connection's statistics */
    dtls13_srtp_stats srtp;  /**< the SRTP session's (zero without one) */
} dtls13_assoc_info;

/** Fills *opts with the defaults described in dtls13_endpoint_options. */
void dtls13_endpoint_options_init(dtls13_endpoint_options *opts);

/** Creates an endpoint for cfg (which must hold a certificate; a reference
 *  is kept and every association uses it) with the callbacks (copied;
 *  send required) and options (NULL: defaults). NULL on bad arguments
 *  (out-of-range options included) or when out of memory. */
dtls13_endpoint *dtls13_endpoint_new(dtls13_config *cfg, const dtls13_endpoint_callbacks *cb,
                                     const dtls13_endpoint_options *opts);

/** Frees every association (on_freed with DTLS13_ASSOC_END_SHUTDOWN, no
 *  close_notify sent: call dtls13_endpoint_close() first for that) and the
 *  endpoint. NULL is ignored. Not from a callback. */
void dtls13_endpoint_free(dtls13_endpoint *ep);

/** Handles one datagram received from addr at now_ms (see the routing
 *  above). Never fails on the datagram's content: what cannot be used is
 *  dropped and counted. Returns 0, or DTLS13_ERR_INVALID_ARG for NULL
 *  pointers or a bad address length. */
int dtls13_endpoint_handle_datagram(dtls13_endpoint *ep, const uint8_t *datagram, size_t len, const void *addr,
                                    size_t addr_len, uint64_t now_ms);

/** Absolute time in ms at which dtls13_endpoint_handle_timeout() must be
 *  called next, or UINT64_MAX when no association exists. O(1). */
uint64_t dtls13_endpoint_next_timeout(const dtls13_endpoint *ep);

/** Runs what is due at now_ms: retransmissions and delayed ACKs of the
 *  associations whose timers expired, and frees the associations that
 *  timed out or whose linger ended. Associations not due are not touched.
 *  Returns the number of associations handled. */
size_t dtls13_endpoint_handle_timeout(dtls13_endpoint *ep, uint64_t now_ms);

/** Starts a client association to addr: a connection in the client role
 *  sends its ClientHello now. *out receives it. DTLS13_ERR_BAD_STATE when
 *  addr already has an association, DTLS13_ERR_WOULD_BLOCK when
 *  max_associations is reached, DTLS13_ERR_NO_MEMORY. */
int dtls13_endpoint_connect(dtls13_endpoint *ep, const void *addr, size_t addr_len, uint64_t now_ms,
                            dtls13_assoc **out);

/** The association of addr, or NULL. */
dtls13_assoc *dtls13_endpoint_find(const dtls13_endpoint *ep, const void *addr, size_t addr_len);

/** Protects the RTP (rtcp false) or RTCP packet[0..len) for a (copied to
 *  an endpoint buffer; packet is not modified) and sends it. Returns 0;
 *  DTLS13_ERR_WOULD_BLOCK before a has SRTP keys, DTLS13_ERR_INVALID_ARG
 *  when the packet plus protection exceeds max_datagram, a
 *  DTLS13_SRTP_ERR_ code when libsrtp2 refuses it, or the send error. */
int dtls13_endpoint_send_media(dtls13_endpoint *ep, dtls13_assoc *a, const uint8_t *packet, size_t len,
                               bool rtcp, uint64_t now_ms);

/** Sends application data on a's connection (dtls13_conn_write) and keeps
 *  the endpoint's timers in step. Results as dtls13_conn_write(). */
int dtls13_endpoint_write(dtls13_endpoint *ep, dtls13_assoc *a, const uint8_t *data, size_t len, uint64_t now_ms);

/** The path to a's peer has just become usable (dtls13_conn_path_ready:
 *  the outstanding handshake flight is resent now, its timer restarted),
 *  with the endpoint's timers kept in step. Results as
 *  dtls13_conn_path_ready(). */
int dtls13_endpoint_path_ready(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms);

/** Sends close_notify on a (when connected or handshaking) and lets it
 *  linger; it is freed linger_ms later (DTLS13_ASSOC_END_CLOSED). From a
 *  callback, the close happens when the callback returns. Idempotent. */
void dtls13_endpoint_close(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms);

/** Moves a to a new peer address (ICE nominated another pair, NAT
 *  rebinding observed by consent checks): datagrams from new_addr reach a
 *  and a's datagrams go there. DTLS13_ERR_BAD_STATE when another live
 *  association holds new_addr (one that ended is freed, REPLACED). */
int dtls13_endpoint_rebind(dtls13_endpoint *ep, dtls13_assoc *a, const void *new_addr, size_t new_addr_len);

/** Call after using dtls13_assoc_conn() directly for anything that can
 *  send or arm timers (e.g. dtls13_conn_request_key_update): the endpoint
 *  re-reads the connection's next timeout and state. */
void dtls13_endpoint_reschedule(dtls13_endpoint *ep, dtls13_assoc *a, uint64_t now_ms);

/** Copies the aggregate statistics; O(1) (the endpoint keeps running
 *  sums), so it may be called per datagram. */
void dtls13_endpoint_get_stats(const dtls13_endpoint *ep, dtls13_endpoint_stats *out);

/** The endpoint's listener, for its own statistics and settings (cookie
 *  lifetime); do not call dtls13_listen() on it. */
dtls13_listener *dtls13_endpoint_listener(dtls13_endpoint *ep);

/** Number of associations. */
size_t dtls13_endpoint_count(const dtls13_endpoint *ep);

/** Calls fn for every association (in no particular order); fn must not
 *  connect, rebind or close. */
void dtls13_endpoint_foreach(const dtls13_endpoint *ep, void (*fn)(void *user, dtls13_assoc *a), void *user);

/** Short name of an end reason ("handshake-timeout", "idle", "failed",
 *  "closed", "replaced", "shutdown") or "unknown". Never NULL. */
const char *dtls13_assoc_end_name(dtls13_assoc_end reason);

/** Short name of a drop reason (e.g. "srtp-auth") or "unknown". Never NULL. */
const char *dtls13_endpoint_drop_name(dtls13_endpoint_drop reason);

/** The association's connection: for its exporter, fingerprints, read()
 *  of application data and statistics. Do not free it; after calls that
 *  may send, call dtls13_endpoint_reschedule(). */
dtls13_conn *dtls13_assoc_conn(const dtls13_assoc *a);

/** The association's SRTP session, or NULL before HANDSHAKE_DONE or
 *  without use_srtp. */
dtls13_srtp *dtls13_assoc_srtp(const dtls13_assoc *a);

/** The peer's address as given to the endpoint; *len receives its length. */
const void *dtls13_assoc_address(const dtls13_assoc *a, size_t *len);

/** Application data attached to the association (NULL initially). */
void dtls13_assoc_set_user(dtls13_assoc *a, void *user);
/** The pointer given to dtls13_assoc_set_user(). */
void *dtls13_assoc_user(const dtls13_assoc *a);

/** dtls13_conn_set_peer_fingerprint() on the association's connection
 *  (a mismatch found at once fails it; it then lingers). */
int dtls13_assoc_set_peer_fingerprint(dtls13_assoc *a, const char *fingerprint);

/** Copies the association's information and statistics. */
void dtls13_assoc_get_info(const dtls13_assoc *a, dtls13_assoc_info *out);

#ifdef __cplusplus
}
#endif
#endif
