/* GStreamer dtls13 plugin - the association's insides, shared by the
 * files that do its jobs (none of it is for the elements, which use
 * gstdtls13association.h):
 *   gstdtls13association.c   life cycle: registry, attach, start, stop
 *   gstdtls13assocconfig.c   certificate and engine configuration
 *   gstdtls13assocengine.c   output queue, engine callbacks, signals
 *   gstdtls13assoclisten.c   incoming datagrams, the server's cookie listener
 *   gstdtls13assocsrtp.c     SRTP keying, media protection, held media
 *   gstdtls13assoctimer.c    clock and retransmission timer
 *   gstdtls13assocstats.c    state, negotiated parameters, statistics
 * Functions named *_locked expect the association's lock held. */
#ifndef GST_DTLS13_ASSOCIATION_PRIV_H
#define GST_DTLS13_ASSOCIATION_PRIV_H

#include "gstdtls13association.h"

#include "dtls13/config.h"
#include "dtls13/conn.h"
#include "dtls13/listen.h"
#include "dtls13/srtp.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_dtls13_debug);
#define GST_CAT_DEFAULT gst_dtls13_debug

/* Datagrams waiting for the encoder's src task; the engine retransmits
 * whatever is dropped beyond this. */
#define MAX_QUEUED_DATAGRAMS 512
/* Largest DTLS application data record read at once. */
#define MAX_RECORD_BYTES 16384
/* Room for a HelloRetryRequest datagram of the listener (dtls13/listen.h
 * says 512 suffice). */
#define MAX_HRR_BYTES 1024

typedef struct {
  GstDtls13MediaKind kind;
  GstBuffer *buffer;
} HeldMedia;

struct _GstDtls13Association {
  gchar *id;
  guint refcount;               /* under registry_lock */

  GRecMutex lock;               /* everything below up to the output queue */
  GstElement *enc, *dec;        /* attached elements; not owned */
  dtls13_config *cfg;
  dtls13_conn *conn;
  dtls13_srtp *srtp;
  /* A server before its connection exists (see gst_dtls13_association_start) */
  dtls13_listener *listener;    /* while a cookie may be demanded */
  gboolean awaiting_client_hello;       /* server started, no connection yet */
  GstDtls13CookiePolicy cookie;
  gboolean under_load;
  gboolean hrr_sent;            /* the listener answered with a HelloRetryRequest */
  gboolean peer_address_validated;
  gchar *peer_fingerprint;
  dtls13_listener_stats listener_stats; /* kept when the listener is freed */
  GstClock *clock;              /* the system clock (monotonic) */
  GstClockID timer;
  guint64 timer_ms;
  GstDtls13ConnectionState state;
  GstDtls13ConnectionState notified_state;
  GstDtls13PreKeyPolicy policy;
  guint max_held;
  GQueue held;                  /* HeldMedia */
  guint64 media_dropped_before_keys;
  guint64 datagrams_dropped;    /* output queue full, or DTLS before start */
  gboolean pending_key_set;
  gboolean pending_failed;
  guint failed_alert;
  gchar *failed_reason;
  gchar *keylog_path;
  gchar *local_fingerprint;
  dtls13_config *cert_cfg;      /* holds the local certificate from READY on */
  gchar *cert_pem_sha256;       /* SHA-256 of the pem (file name or text) it was loaded from, NULL: generated */

  GMutex out_lock;              /* the output queue */
  GCond out_cond;
  GQueue out;                   /* GstBuffer */
  gboolean flushing;
};

/* ---- life cycle (gstdtls13association.c) ---- */

/** Takes one more reference (for the timer's pending callback). */
void assoc_ref (GstDtls13Association * assoc);

/** GDestroyNotify that drops the reference assoc_ref took. */
void assoc_release_notify (gpointer data);

/* ---- configuration (gstdtls13assocconfig.c) ---- */

/** The engine configuration for settings s, with the local certificate
 *  (prepared now unless pem is unchanged) and the association's log,
 *  verify and key-log callbacks. NULL with error on a bad setting. */
dtls13_config *assoc_make_config (GstDtls13Association * assoc, const GstDtls13Settings * s,
    GError ** error);

/** Gives the new assoc->conn its event callback, expected peer fingerprint
 *  and (server) address validation. FALSE with error for a malformed
 *  fingerprint. */
gboolean assoc_configure_conn_locked (GstDtls13Association * assoc, GError ** error);

/* ---- engine callbacks, output queue, signals (gstdtls13assocengine.c) ---- */

/** Queues buf (owned) for the encoder's src task, or drops it (counted)
 *  when flushing or when the queue is full. */
void assoc_queue_datagram (GstDtls13Association * assoc, GstBuffer * buf);

/** dtls13_send_fn: queues the datagram. */
int assoc_on_send (void *user, const uint8_t * datagram, size_t len);

/** dtls13_log_fn: logs in the plugin's debug category. */
void assoc_on_log (void *user, dtls13_log_level level, const char *message);

/** Key-log callback: appends the line to the SSLKEYLOGFILE. */
void assoc_on_keylog (void *user, const char *line);

/** Verify callback: emits on-peer-certificate on both elements; nonzero
 *  (reject) when a handler rejects the certificate. */
int assoc_on_verify (void *user, const uint8_t * cert_der, size_t cert_len);

/** Event callback: updates the state and records what to signal. */
void assoc_on_event (void *user, dtls13_conn * conn, const dtls13_event * event);

/** Emits what the last engine calls left pending (on-key-set, the
 *  connection-state notify, on-handshake-failed). Call without the lock. */
void assoc_emit_pending (GstDtls13Association * assoc);

/* ---- incoming datagrams (gstdtls13assoclisten.c) ---- */

/** Frees the cookie listener, keeping its counters. */
void assoc_free_listener_locked (GstDtls13Association * assoc);

/* ---- SRTP (gstdtls13assocsrtp.c) ---- */

/** After the handshake: makes the SRTP session from the exported keys and
 *  sends the media held until then. */
void assoc_install_srtp_locked (GstDtls13Association * assoc);

/** Frees the held media, unsent. */
void assoc_drop_held_locked (GstDtls13Association * assoc);

/* ---- clock and timer (gstdtls13assoctimer.c) ---- */

/** Now, in milliseconds of the system clock (the engine's time). */
guint64 assoc_now_ms (GstDtls13Association * assoc);

/** Stops the retransmission timer. */
void assoc_cancel_timer_locked (GstDtls13Association * assoc);

/** After every engine call: refreshes the connection state from the
 *  engine and (re)schedules the timer for its next timeout. */
void assoc_rearm_timer_locked (GstDtls13Association * assoc);

G_END_DECLS
#endif
