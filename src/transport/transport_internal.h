/* Internal state of a dtls13_transport, shared by the files of
 * src/transport/ (one job each: life cycle, signalling, ICE events, DTLS
 * engine glue, media). Not a public contract. */
#ifndef D13_TRANSPORT_INTERNAL_H
#define D13_TRANSPORT_INTERNAL_H

#include <nice/agent.h>
#include <nice/interfaces.h>

#include "dtls13/demux.h"
#include "dtls13/transport.h"

/** DTLS datagrams that may arrive before our ICE component is READY are
 *  held (at most this many, each up to D13_TRANSPORT_EARLY_MAX bytes) and
 *  given to the engine once it is. */
#define D13_TRANSPORT_EARLY_SLOTS 8
#define D13_TRANSPORT_EARLY_MAX 2048

/** Length of the failure reason buffer. */
#define D13_TRANSPORT_REASON_LEN 192

struct dtls13_transport {
    GMainContext *ctx;        /* owned reference */
    NiceAgent *agent;         /* owned reference */
    guint stream_id;
    dtls13_transport_options opts;
    dtls13_transport_state state;

    dtls13_conn *conn;        /* owned */
    dtls13_srtp *srtp;        /* owned, NULL until HANDSHAKE_DONE */
    GSourceFuncs timer_funcs; /* per transport: no mutable globals */
    GSource *timer;           /* DTLS retransmission timer on ctx */

    bool local_address_added; /* the caller chose the gathering addresses */
    bool gathering_started;
    bool gathering_done;
    bool ice_ready_once;      /* the component reached READY at least once */
    bool dtls_started;
    bool restarted_since_remote; /* local restart since the last remote credentials */
    bool in_callback;         /* guards against free from a callback (debug aid) */

    char *local_ufrag;        /* g_free */
    char *local_pwd;          /* g_free */
    char *remote_ufrag;       /* g_free, NULL until set */
    GPtrArray *local_candidates; /* of g_malloc'ed lines, NULL terminated */

    char failure[D13_TRANSPORT_REASON_LEN];
    bool failed;

    gint64 gather_start_us;
    gint64 checks_start_us;   /* first remote credentials or candidate */
    gint64 dtls_start_us;

    dtls13_transport_stats stats;
    dtls13_demux_counters demux;

    size_t early_count;
    size_t early_len[D13_TRANSPORT_EARLY_SLOTS];
    uint8_t early[D13_TRANSPORT_EARLY_SLOTS][D13_TRANSPORT_EARLY_MAX];

    uint8_t recv_buf[DTLS13_TRANSPORT_MAX_PACKET];
    uint8_t send_buf[DTLS13_TRANSPORT_MAX_PACKET + DTLS13_SRTP_MAX_OVERHEAD];
};

/** Monotonic time in milliseconds, the engine's clock. */
uint64_t d13_transport_now_ms(void);

/** Calls the application's event callback, if any. */
void d13_transport_emit(dtls13_transport *t, dtls13_transport_event_type type, const char *text);

/** Moves to FAILED with reason (copied) and emits the FAILED event, once. */
void d13_transport_fail(dtls13_transport *t, const char *reason);

/* --- ICE (transport_ice.c) --- */

/** Connects the libnice signals and attaches the receive callback. */
void d13_transport_ice_connect_signals(dtls13_transport *t);

/** Disconnects them (before the agent is released). */
void d13_transport_ice_disconnect_signals(dtls13_transport *t);

/** Re-reads the local credentials from libnice (after creation or a restart). */
bool d13_transport_ice_refresh_credentials(dtls13_transport *t);

/* --- DTLS engine glue (transport_dtls.c) --- */

/** Creates the conn for the configured role with its send and event
 *  callbacks, and the timer source on ctx. */
bool d13_transport_dtls_init(dtls13_transport *t, dtls13_config *cfg);

/** Sends close_notify when connected, destroys the timer and frees the
 *  conn and the SRTP session. */
void d13_transport_dtls_release(dtls13_transport *t);

/** ICE is READY: validates the peer address, starts the handshake (once)
 *  and replays the DTLS datagrams held until now. */
void d13_transport_dtls_on_ice_ready(dtls13_transport *t);

/** One received DTLS datagram (demux said 20-63). */
void d13_transport_dtls_receive(dtls13_transport *t, const uint8_t *datagram, size_t len);

/** Re-arms the timer from dtls13_conn_next_timeout(). */
void d13_transport_dtls_rearm(dtls13_transport *t);

/* --- media (transport_media.c) --- */

/** One received SRTP (rtcp false) or SRTCP (rtcp true) datagram. */
void d13_transport_media_receive(dtls13_transport *t, bool rtcp, const uint8_t *datagram, size_t len);

#endif
