/* libdtls13 - DTLS-SRTP over ICE: one media transport on a libnice agent.
 *
 * A dtls13_transport owns a NiceAgent (full ICE, RFC 8445, controlling or
 * controlled) with one stream of one component (RTP and RTCP multiplexed,
 * RFC 5761), one dtls13_conn and, once the handshake is done, one
 * dtls13_srtp session. Everything runs on the GMainContext given at
 * creation: libnice's sockets and timers, the DTLS retransmission timer
 * (a GSource re-armed from dtls13_conn_next_timeout() after every call
 * into the engine) and every callback below. All functions must be called
 * from the thread that iterates that context.
 *
 * Life of a transport:
 *
 *   1. dtls13_transport_new(), optionally dtls13_transport_add_local_address(),
 *      then dtls13_transport_gather(). Local candidates arrive as
 *      DTLS13_TRANSPORT_EVENT_LOCAL_CANDIDATE (SDP "a=candidate:..." lines)
 *      and DTLS13_TRANSPORT_EVENT_GATHERING_DONE ends the list; they are
 *      also available from dtls13_transport_local_candidates().
 *   2. Signalling (the application's job): send the local ufrag/pwd
 *      (dtls13_transport_local_credentials()), the candidates, the local
 *      certificate fingerprint (dtls13_config_fingerprint()) and a=setup to
 *      the peer; give the peer's to dtls13_transport_set_remote_credentials(),
 *      dtls13_transport_add_remote_candidate() and
 *      dtls13_transport_set_remote_fingerprint().
 *   3. ICE connectivity checks run; when the component is READY the
 *      transport emits DTLS13_TRANSPORT_EVENT_ICE_CONNECTED, declares the
 *      peer address validated to the engine (no anti-amplification limit)
 *      and starts DTLS over the selected pair: the client (a=setup:active)
 *      sends its ClientHello, the server answers.
 *   4. On the engine's HANDSHAKE_DONE the SRTP session is keyed from the
 *      exporter and DTLS13_TRANSPORT_EVENT_SECURE is emitted. From then on
 *      dtls13_transport_send_rtp()/_send_rtcp() protect and send, and
 *      received SRTP/SRTCP is authenticated, decrypted and handed to the
 *      media callback.
 *
 * Received datagrams are classified by dtls13_demux_classify() (RFC 7983):
 * STUN never reaches us (libnice consumes it), DTLS goes to the engine,
 * RTP/RTCP to SRTP, anything else is dropped and counted.
 *
 * ICE restarts (dtls13_transport_restart_ice(), or a remote ufrag change
 * in dtls13_transport_set_remote_credentials()) and changes of the
 * selected pair keep the DTLS association and its SRTP keys: the conn
 * belongs to the transport, not to a candidate pair.
 *
 * Round-trip time: libnice 0.1.21 does not report the round-trip time of
 * its connectivity checks, so the engine keeps its configured initial
 * retransmission timeout (400 ms by default) unless the application calls
 * dtls13_transport_set_rtt_estimate() with a value it measured itself. */
#ifndef DTLS13_TRANSPORT_H
#define DTLS13_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "dtls13/config.h"
#include "dtls13/conn.h"
#include "dtls13/errors.h"
#include "dtls13/srtp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtls13_transport dtls13_transport;

/** Where a transport is in its set-up. */
typedef enum dtls13_transport_state {
    DTLS13_TRANSPORT_NEW = 0,        /**< created, gathering not started */
    DTLS13_TRANSPORT_GATHERING = 1,  /**< gathering local candidates */
    DTLS13_TRANSPORT_CHECKING = 2,   /**< ICE connectivity checks (or waiting for remote data) */
    DTLS13_TRANSPORT_HANDSHAKE = 3,  /**< ICE ready, DTLS handshake in progress */
    DTLS13_TRANSPORT_SECURE = 4,     /**< DTLS done, SRTP keyed: media flows */
    DTLS13_TRANSPORT_FAILED = 5,     /**< ICE or DTLS failed (see dtls13_transport_failure_reason()) */
    DTLS13_TRANSPORT_CLOSED = 6,     /**< close_notify sent or received */
} dtls13_transport_state;

/** Kinds of transport events. */
typedef enum dtls13_transport_event_type {
    DTLS13_TRANSPORT_EVENT_LOCAL_CANDIDATE = 1, /**< a new local candidate (text) */
    DTLS13_TRANSPORT_EVENT_GATHERING_DONE = 2,  /**< all local candidates are known */
    DTLS13_TRANSPORT_EVENT_ICE_CONNECTED = 3,   /**< component READY (again after a restart) */
    DTLS13_TRANSPORT_EVENT_SELECTED_PAIR = 4,   /**< selected pair (re)chosen (text: "local -> remote") */
    DTLS13_TRANSPORT_EVENT_SECURE = 5,          /**< DTLS handshake done, SRTP keyed */
    DTLS13_TRANSPORT_EVENT_FAILED = 6,          /**< ICE or DTLS failed (text: the reason) */
    DTLS13_TRANSPORT_EVENT_CLOSED = 7,          /**< the DTLS association was closed */
} dtls13_transport_event_type;

/** One event. text is valid during the callback only and may be NULL. */
typedef struct dtls13_transport_event {
    dtls13_transport_event_type type;
    const char *text; /**< candidate line, pair description or failure reason */
} dtls13_transport_event;

/** Event callback. It may call any transport function except
 *  dtls13_transport_free() (defer that, e.g. with g_idle_add()). */
typedef void (*dtls13_transport_event_fn)(void *user, dtls13_transport *t, const dtls13_transport_event *event);

/** Media callback: one received packet after SRTP authentication and
 *  decryption, RTP (rtcp false) or RTCP (rtcp true), valid during the
 *  callback only. Same restrictions as the event callback. */
typedef void (*dtls13_transport_media_fn)(void *user, dtls13_transport *t, bool rtcp, const uint8_t *packet,
                                          size_t len);

/** Options for dtls13_transport_new(); start from dtls13_transport_options_init(). */
typedef struct dtls13_transport_options {
    bool ice_controlling;       /**< ICE role (the offerer is usually controlling); default false */
    dtls13_role dtls_role;      /**< DTLS13_ROLE_CLIENT for a=setup:active, SERVER for passive; default SERVER */
    bool consent_freshness;     /**< RFC 7675 consent checks (libnice option); default true */
    dtls13_transport_event_fn on_event; /**< may be NULL */
    void *event_user;
    dtls13_transport_media_fn on_media; /**< may be NULL */
    void *media_user;
} dtls13_transport_options;

/** Counters and set-up times of a transport. Times are 0 until reached. */
typedef struct dtls13_transport_stats {
    uint64_t gathering_ms;       /**< dtls13_transport_gather() to GATHERING_DONE */
    uint64_t ice_ms;             /**< first remote credentials/candidate to the first READY */
    uint64_t dtls_ms;            /**< DTLS start (first READY) to HANDSHAKE_DONE */
    uint64_t ice_restarts;       /**< local ICE restarts (ours or answering the peer's) */
    uint64_t selected_pair_changes; /**< selected pair notifications from libnice */
    uint64_t rtp_sent;           /**< RTP packets protected and handed to libnice */
    uint64_t rtcp_sent;          /**< RTCP packets protected and handed to libnice */
    uint64_t send_failures;      /**< media packets SRTP refused or libnice could not send */
    uint64_t rtp_datagrams_in;   /**< SRTP datagrams received (before authentication) */
    uint64_t rtcp_datagrams_in;  /**< SRTCP datagrams received (before authentication) */
    uint64_t rtp_received;       /**< RTP packets authenticated and delivered */
    uint64_t rtcp_received;      /**< RTCP packets authenticated and delivered */
    uint64_t srtp_auth_failures; /**< received packets that failed SRTP authentication */
    uint64_t srtp_replays;       /**< received packets dropped as replays */
    uint64_t srtp_bad_packets;   /**< received packets libsrtp2 rejected otherwise */
    uint64_t media_before_keys;  /**< RTP/RTCP received before SRTP was keyed (dropped) */
    uint64_t media_oversized;    /**< RTP/RTCP datagrams larger than the receive buffer (dropped) */
    uint64_t dtls_datagrams_in;  /**< datagrams given to the engine */
    uint64_t dtls_datagrams_out; /**< datagrams the engine sent */
    uint64_t dtls_send_failures; /**< engine datagrams libnice could not send */
    uint64_t dtls_queued_early;  /**< DTLS datagrams held until ICE was ready */
    uint64_t dtls_dropped_early; /**< DTLS datagrams dropped because that queue was full */
    uint64_t demux_dropped;      /**< ZRTP, TURN channel, reserved or empty datagrams (and any
                                      STUN libnice passed on, which it should not) */
} dtls13_transport_stats;

/** Largest RTP/RTCP packet (clear) dtls13_transport_send_rtp() accepts and
 *  largest SRTP datagram the receive path handles. */
#define DTLS13_TRANSPORT_MAX_PACKET 4096u

/** Fills opts with the defaults: ICE controlled, DTLS server, consent
 *  freshness on, no callbacks. */
void dtls13_transport_options_init(dtls13_transport_options *opts);

/** Creates a transport on ctx (NULL: the global default context) with the
 *  shared config cfg (which must hold a certificate and SRTP profiles; the
 *  transport's conn takes its own reference). Returns NULL on bad
 *  arguments, when libnice refuses the stream or out of memory. */
dtls13_transport *dtls13_transport_new(GMainContext *ctx, dtls13_config *cfg, const dtls13_transport_options *opts);

/** Sends close_notify if the association is up, releases the agent, the
 *  conn (secrets zeroized), the SRTP session and the timer. NULL is
 *  ignored. Not from inside a callback of this transport. */
void dtls13_transport_free(dtls13_transport *t);

/** Adds a local IP address (IPv4 or IPv6 literal, e.g. "127.0.0.1") to
 *  gather host candidates on. Before dtls13_transport_gather() only. When
 *  none is added, every local address including loopback is used (libnice
 *  alone would skip loopback). Returns 0 or DTLS13_ERR_INVALID_ARG /
 *  DTLS13_ERR_BAD_STATE. */
int dtls13_transport_add_local_address(dtls13_transport *t, const char *ip);

/** Starts gathering local host candidates (UDP only). Returns 0, or
 *  DTLS13_ERR_BAD_STATE when called twice, DTLS13_ERR_IO when libnice
 *  cannot gather (e.g. no usable address). */
int dtls13_transport_gather(dtls13_transport *t);

/** Local ICE credentials (valid until the next ICE restart or free).
 *  Either output pointer may be NULL. Returns 0. */
int dtls13_transport_local_credentials(const dtls13_transport *t, const char **ufrag, const char **pwd);

/** Local candidates gathered so far as SDP attribute lines
 *  ("a=candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host"), NULL
 *  terminated; *count (may be NULL) receives their number. The array
 *  stays valid until the next gathering event or free. */
const char *const *dtls13_transport_local_candidates(const dtls13_transport *t, size_t *count);

/** Whether gathering has finished. */
bool dtls13_transport_gathering_done(const dtls13_transport *t);

/** Sets the peer's ICE credentials (SDP a=ice-ufrag / a=ice-pwd). When
 *  remote credentials were set before and the ufrag changed without a
 *  local dtls13_transport_restart_ice() since, the peer restarted ICE: the
 *  transport restarts too (new local credentials, remote candidates
 *  forgotten) and returns 1 so that the caller signals its new
 *  credentials and candidates back. Otherwise returns 0, or
 *  DTLS13_ERR_INVALID_ARG (ufrag of 4-256 and pwd of 22-256 ice-chars
 *  required, RFC 8839 5.4). The DTLS association is kept. */
int dtls13_transport_set_remote_credentials(dtls13_transport *t, const char *ufrag, const char *pwd);

/** Adds one remote candidate, in SDP form with or without the "a="
 *  prefix ("candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host"). Only
 *  component 1 UDP candidates are used; others are ignored (returns 0
 *  without adding). Returns 1 when added, DTLS13_ERR_DECODE when the line
 *  does not parse, DTLS13_ERR_INVALID_ARG for NULL. */
int dtls13_transport_add_remote_candidate(dtls13_transport *t, const char *candidate);

/** Sets the expected peer certificate fingerprint (SDP a=fingerprint
 *  value, e.g. "sha-256 AB:CD:..."); the handshake fails with
 *  bad_certificate when the peer's certificate does not match. Must be
 *  called before the peer's Certificate arrives (in practice: before
 *  remote credentials/candidates are set). Returns 0 or the engine's
 *  error (DTLS13_ERR_INVALID_ARG for a malformed value). */
int dtls13_transport_set_remote_fingerprint(dtls13_transport *t, const char *fingerprint);

/** Restarts ICE locally (RFC 8445 9): new local credentials, remote
 *  candidates forgotten, local candidates kept. The caller signals the new
 *  credentials (and candidates) to the peer and gives the peer's new ones
 *  to dtls13_transport_set_remote_credentials(). The DTLS association
 *  and SRTP keys stay; media sent while the new checks run uses the
 *  previously selected pair when libnice still has it. Returns 0, or
 *  DTLS13_ERR_BAD_STATE before gathering. */
int dtls13_transport_restart_ice(dtls13_transport *t);

/** Seeds the DTLS retransmission timer with a round-trip time measured by
 *  the application (the engine uses 1.5 x rtt_ms). Returns the engine's result. */
int dtls13_transport_set_rtt_estimate(dtls13_transport *t, uint32_t rtt_ms);

/** Protects the RTP packet rtp[0..len) (not modified) with SRTP and sends
 *  it over the selected pair. Returns 0; DTLS13_ERR_WOULD_BLOCK before
 *  the transport is SECURE; DTLS13_ERR_INVALID_ARG for NULL or len above
 *  DTLS13_TRANSPORT_MAX_PACKET; DTLS13_ERR_SEND when libnice could not
 *  send; or the SRTP error (dtls13_srtp_strerror()). Failures are counted
 *  in send_failures. */
int dtls13_transport_send_rtp(dtls13_transport *t, const uint8_t *rtp, size_t len);

/** As dtls13_transport_send_rtp() for an RTCP (compound) packet. */
int dtls13_transport_send_rtcp(dtls13_transport *t, const uint8_t *rtcp, size_t len);

/** Sends close_notify (once the association is up) and moves to CLOSED;
 *  media can no longer be sent. Returns 0 or the engine's error. */
int dtls13_transport_close(dtls13_transport *t);

/** Current state. */
dtls13_transport_state dtls13_transport_get_state(const dtls13_transport *t);

/** Short English name of a state ("new", "gathering", "checking",
 *  "handshake", "secure", "failed", "closed"); never NULL. */
const char *dtls13_transport_state_name(dtls13_transport_state state);

/** Why the transport failed, or NULL when it has not. */
const char *dtls13_transport_failure_reason(const dtls13_transport *t);

/** The transport's DTLS connection, for its negotiated parameters and
 *  statistics (version, cipher suite, group, SRTP profile, peer
 *  fingerprint). Owned by the transport: do not free it, feed it data or
 *  drive its timers. Never NULL for a live transport. */
dtls13_conn *dtls13_transport_conn(const dtls13_transport *t);

/** The SRTP session once SECURE, else NULL. Owned by the transport. */
const dtls13_srtp *dtls13_transport_srtp(const dtls13_transport *t);

/** The selected candidate pair as "ip:port" strings (NUL-terminated,
 *  cap bytes each; 64 suffice). Returns 0, or DTLS13_ERR_BAD_STATE when
 *  libnice has no selected pair. */
int dtls13_transport_selected_pair(const dtls13_transport *t, char *local, size_t local_cap, char *remote,
                                   size_t remote_cap);

/** Copies the counters and set-up times. */
void dtls13_transport_get_stats(const dtls13_transport *t, dtls13_transport_stats *out);

/** DTLS role from the negotiated SDP a=setup value of this endpoint:
 *  "active" gives DTLS13_ROLE_CLIENT, "passive" DTLS13_ROLE_SERVER
 *  (RFC 4145, RFC 5763 5). Returns 0, or DTLS13_ERR_INVALID_ARG for any
 *  other value ("actpass" and "holdconn" are not a final role). */
int dtls13_transport_role_from_setup(const char *setup, dtls13_role *role);

/** The a=setup value an answerer puts in its answer to an offer carrying
 *  offer_setup: "actpass" -> "active" (RFC 5763 5 recommends the answerer
 *  be active), "active" -> "passive", "passive" -> "active"; NULL for
 *  anything else. */
const char *dtls13_transport_answer_setup(const char *offer_setup);

#ifdef __cplusplus
}
#endif
#endif
