/* libdtls13 - one DTLS 1.3 association, sans-IO.
 *
 * The connection never touches a socket or a clock. The caller feeds it
 * datagrams (dtls13_conn_handle_datagram) and the current monotonic time in
 * milliseconds, calls dtls13_conn_handle_timeout() when
 * dtls13_conn_next_timeout() is reached, and receives the datagrams to send
 * through the send callback given at creation. Events (handshake done,
 * alerts, data available, closed) arrive through the event callback. */
#ifndef DTLS13_CONN_H
#define DTLS13_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/config.h"
#include "dtls13/constants.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtls13_conn dtls13_conn;

/** Which side of the handshake this connection plays. */
typedef enum dtls13_role {
    DTLS13_ROLE_CLIENT = 0,
    DTLS13_ROLE_SERVER = 1,
} dtls13_role;

/** Connection state. */
typedef enum dtls13_state {
    DTLS13_STATE_HANDSHAKING = 0, /**< handshake in progress (or not yet started) */
    DTLS13_STATE_CONNECTED = 1,   /**< handshake complete, application data flows */
    DTLS13_STATE_CLOSED = 2,      /**< close_notify sent or received */
    DTLS13_STATE_FAILED = 3,      /**< a fatal alert was sent or received */
} dtls13_state;

/** Send callback: transmit one datagram to the peer. Return 0 on success,
 *  negative on failure (the engine counts it and relies on retransmission). */
typedef int (*dtls13_send_fn)(void *user, const uint8_t *datagram, size_t len);

/** Kinds of events. */
typedef enum dtls13_event_type {
    DTLS13_EVENT_HANDSHAKE_DONE = 1, /**< keys are ready, export and write work */
    DTLS13_EVENT_DATA = 2,           /**< application data can be read */
    DTLS13_EVENT_ALERT_SENT = 3,     /**< we sent an alert (alert field) */
    DTLS13_EVENT_ALERT_RECEIVED = 4, /**< the peer sent an alert (alert field) */
    DTLS13_EVENT_CLOSED = 5,         /**< the association is closed (normally or not) */
} dtls13_event_type;

/** An event; alert and fatal are meaningful for the alert events. */
typedef struct dtls13_event {
    dtls13_event_type type;
    uint8_t alert; /**< alert description (DTLS13_ALERT_...) */
    bool fatal;    /**< alert level fatal (2) rather than warning (1) */
    const char *reason; /**< short English reason for sent alerts, else NULL */
} dtls13_event;

/** Event callback. It may call dtls13_conn_read/write but not free the conn. */
typedef void (*dtls13_event_fn)(void *user, dtls13_conn *conn, const dtls13_event *event);

/** Handshake and record statistics. */
typedef struct dtls13_stats {
    uint64_t datagrams_in, datagrams_out;
    uint64_t records_in, records_out;
    uint64_t bytes_in, bytes_out;
    uint64_t retransmissions;          /**< flights (or parts) sent again */
    uint64_t handshake_ms;             /**< from start to HANDSHAKE_DONE, 0 before */
    uint64_t dropped_bad_header;       /**< unparseable record header or length */
    uint64_t dropped_bad_tag;          /**< AEAD authentication failed */
    uint64_t dropped_unknown_epoch;    /**< no keys for the record's epoch */
    uint64_t dropped_replay;           /**< duplicate or too old (replay window) */
    uint64_t dropped_unexpected;       /**< well-formed but not acceptable now */
    uint64_t send_failures;            /**< send callback returned an error */
    uint64_t key_updates_sent;         /**< KeyUpdate messages we initiated or answered */
    uint64_t key_updates_received;
    uint32_t retransmit_timeout_ms;    /**< current retransmission timer value */
} dtls13_stats;

/** Creates a connection for role using cfg (which must hold a certificate).
 *  send(send_user, ...) is called for every datagram to transmit. Returns
 *  NULL on bad arguments or when out of memory. */
dtls13_conn *dtls13_conn_new(dtls13_config *cfg, dtls13_role role, dtls13_send_fn send, void *send_user);

/** Frees the connection and zeroizes its secrets. NULL is ignored. */
void dtls13_conn_free(dtls13_conn *conn);

/** Installs the event callback (NULL disables events). */
void dtls13_conn_set_event_callback(dtls13_conn *conn, dtls13_event_fn fn, void *user);

/** Sets the expected peer certificate fingerprint in SDP form
 *  ("sha-256 AB:CD:..."; sha-1/sha-256/sha-384/sha-512, case-insensitive).
 *  A peer whose certificate does not match fails the handshake with
 *  bad_certificate. Normally called before the handshake reaches the
 *  peer's Certificate; it may also come later (the remote SDP can arrive
 *  after the DTLS handshake started, RFC 8842 5): the certificate already
 *  received is then checked at once, and a mismatch fails the connection
 *  there and then (bad_certificate alert sent, DTLS13_EVENT_ALERT_SENT,
 *  state FAILED, no more export, read or write) and returns
 *  DTLS13_ERR_CERTIFICATE. Keys exported before that belong to an
 *  unauthenticated peer: discard them. DTLS13_ERR_INVALID_ARG for a
 *  malformed fingerprint, DTLS13_ERR_HANDSHAKE_FAILED on a failed
 *  connection. */
int dtls13_conn_set_peer_fingerprint(dtls13_conn *conn, const char *fingerprint);

/** Starts the handshake at time now_ms. A client sends its ClientHello; a
 *  server starts waiting for one (calling it is optional for a server). */
int dtls13_conn_start(dtls13_conn *conn, uint64_t now_ms);

/** Processes one received datagram (which may hold several records).
 *  Invalid records are dropped silently and counted (RFC 9147 4.5.2).
 *  Returns 0, or a negative error when the handshake failed or the
 *  connection is closed. */
int dtls13_conn_handle_datagram(dtls13_conn *conn, const uint8_t *datagram, size_t len, uint64_t now_ms);

/** Runs timers (retransmission, delayed ACKs) due at now_ms. */
int dtls13_conn_handle_timeout(dtls13_conn *conn, uint64_t now_ms);

/** Tells the connection that the path to the peer has just become usable
 *  (ICE selected a candidate pair, a NAT binding opened), so that what it
 *  sent before was probably dropped on the way: during the handshake the
 *  unacknowledged part of the current flight is resent at once and the
 *  retransmission timer restarts from the configured initial value (400 ms
 *  by default) instead of waiting for it to expire. This is neither a
 *  timeout nor a step towards giving up (after 12 timeouts), and
 *  the anti-amplification limit still applies. Does nothing (returns 0)
 *  when no flight is outstanding, after the handshake, or on a failed or
 *  closed connection. Returns 0 or a negative error. */
int dtls13_conn_path_ready(dtls13_conn *conn, uint64_t now_ms);

/** Absolute time in ms at which dtls13_conn_handle_timeout() must be
 *  called next, or UINT64_MAX when no timer is armed. */
uint64_t dtls13_conn_next_timeout(const dtls13_conn *conn);

/** Sends application data as one record. Returns len, or
 *  DTLS13_ERR_WOULD_BLOCK before the handshake completes,
 *  DTLS13_ERR_INVALID_ARG when len exceeds dtls13_conn_max_write(). */
int dtls13_conn_write(dtls13_conn *conn, const uint8_t *data, size_t len, uint64_t now_ms);

/** Largest application data payload that fits one datagram at this MTU. */
size_t dtls13_conn_max_write(const dtls13_conn *conn);

/** Reads the next received application data record into buf. Returns its
 *  length, DTLS13_ERR_WOULD_BLOCK when none is queued, or
 *  DTLS13_ERR_BUFFER_TOO_SMALL (the record stays queued). */
int dtls13_conn_read(dtls13_conn *conn, uint8_t *buf, size_t cap);

/** Sends close_notify and moves to DTLS13_STATE_CLOSED. */
int dtls13_conn_close(dtls13_conn *conn, uint64_t now_ms);

/** Current state. */
dtls13_state dtls13_conn_state(const dtls13_conn *conn);

/** Role given at creation. */
dtls13_role dtls13_conn_role(const dtls13_conn *conn);

/** The alert that ended the connection (sent or received), or -1. */
int dtls13_conn_alert(const dtls13_conn *conn);

/** A short English reason for the failure (e.g. "peer certificate does not
 *  match the expected fingerprint"), or NULL when the connection has not failed. */
const char *dtls13_conn_failure_reason(const dtls13_conn *conn);

/** Keying material exporter (RFC 8446 7.5 with the "dtls13" prefix), e.g.
 *  label "EXTRACTOR-dtls_srtp" with no context for DTLS-SRTP. context may
 *  be NULL when context_len is 0. Only after the handshake completes. */
int dtls13_conn_export_keying_material(const dtls13_conn *conn, const char *label,
                                       const uint8_t *context, size_t context_len,
                                       uint8_t *out, size_t out_len);

/** Negotiated protocol version (DTLS13_VERSION_DTLS13 or DTLS13_VERSION_DTLS12),
 *  0 before the ServerHello. */
uint16_t dtls13_conn_version(const dtls13_conn *conn);
/** Negotiated cipher suite, 0 before the ServerHello. */
uint16_t dtls13_conn_cipher_suite(const dtls13_conn *conn);
/** Negotiated key exchange group, 0 before the ServerHello. */
uint16_t dtls13_conn_group(const dtls13_conn *conn);
/** Signature scheme the peer used in its CertificateVerify, 0 before. */
uint16_t dtls13_conn_peer_signature_scheme(const dtls13_conn *conn);
/** Negotiated SRTP profile, 0 when use_srtp was not negotiated. */
uint16_t dtls13_conn_srtp_profile(const dtls13_conn *conn);
/** Negotiated SRTP MKI (may be empty); *len receives its length. */
const uint8_t *dtls13_conn_srtp_mki(const dtls13_conn *conn, size_t *len);
/** Whether a HelloRetryRequest (DTLS 1.3) or, in DTLS 1.2, a
 *  HelloVerifyRequest was part of the handshake. */
bool dtls13_conn_used_hello_retry(const dtls13_conn *conn);

/** The peer's end-entity certificate (DER) once received, else NULL. */
const uint8_t *dtls13_conn_peer_certificate(const dtls13_conn *conn, size_t *len);
/** SDP fingerprint of the peer's certificate ("sha-256 AB:..."). */
int dtls13_conn_peer_fingerprint(const dtls13_conn *conn, dtls13_hash hash, char *out, size_t out_len);

/** Sends a KeyUpdate (RFC 9147 8): our sending keys move to the next
 *  epoch once the peer acknowledges it; with ask_peer the peer is asked to
 *  update its keys too. Only while connected. A KeyUpdate also happens
 *  automatically before the AEAD usage limits are reached. */
int dtls13_conn_request_key_update(dtls13_conn *conn, bool ask_peer, uint64_t now_ms);

/** Gives the engine a round-trip time estimate (e.g. from ICE): the
 *  retransmission timer becomes 1.5 x rtt_ms (RFC 9147 5.8.2). In DTLS 1.2,
 *  which has no ACKs, the timer never goes below the configured initial
 *  timeout (RFC 6347 4.2.4.1): there a flight is acknowledged only by the
 *  peer's next one, which includes the peer's processing time. */
int dtls13_conn_set_rtt_estimate(dtls13_conn *conn, uint32_t rtt_ms);

/** Server: declares the client's transport address validated by other
 *  means (e.g. ICE connectivity checks), which lifts the
 *  anti-amplification limit of three times the received bytes
 *  (RFC 9147 5.1) that applies before a cookie exchange or the client's
 *  first encrypted handshake record. */
int dtls13_conn_set_peer_address_validated(dtls13_conn *conn);

/** A buffer in which connections assemble their outgoing datagrams, shared
 *  by many connections instead of one of its own each (2 x MTU bytes per
 *  connection, about 2.4 KB at the default MTU): a server with thousands
 *  of associations (dtls13_endpoint does this) keeps one. The connections
 *  sharing it must be used from one thread, and it must outlive them all.
 *  A connection holds it only while one of its calls runs; a connection
 *  that finds it in use (a callback of one connection sending on another)
 *  assembles that call's datagrams in a temporary buffer instead. */
typedef struct dtls13_datagram_buffer dtls13_datagram_buffer;

/** A shared datagram buffer for connections of cfg's MTU (or smaller), or
 *  NULL when out of memory. */
dtls13_datagram_buffer *dtls13_datagram_buffer_new(const dtls13_config *cfg);

/** Frees the buffer; every connection that shares it must be freed first.
 *  NULL is ignored. */
void dtls13_datagram_buffer_free(dtls13_datagram_buffer *buf);

/** Makes conn assemble its datagrams in buf from now on and frees its own
 *  buffer. Returns 0, DTLS13_ERR_INVALID_ARG when buf is smaller than
 *  conn's MTU needs, DTLS13_ERR_BAD_STATE when called from one of conn's
 *  own callbacks or when conn already shares a buffer. */
int dtls13_conn_share_datagram_buffer(dtls13_conn *conn, dtls13_datagram_buffer *buf);

/** Bytes of heap the connection holds in the library's own buffers now:
 *  the connection itself, its datagram scratch (none between calls when
 *  it shares a dtls13_datagram_buffer), flight and reassembly
 *  buffers, the queue of received application data (allocated on the
 *  first record), the DTLS 1.2 handshake log and the peer's certificate.
 *  libcrypto's own objects (key schedule contexts, AEAD contexts, keys)
 *  are not included; bench/bench_memory measures the whole heap. */
size_t dtls13_conn_memory_bytes(const dtls13_conn *conn);

/** Copies the statistics. */
void dtls13_conn_stats(const dtls13_conn *conn, dtls13_stats *out);

#ifdef __cplusplus
}
#endif
#endif
