/* GStreamer dtls13 plugin - the association shared by one dtls13srtpenc and
 * one dtls13srtpdec.
 *
 * The two elements of one DTLS-SRTP association find each other through
 * their `connection-id` property, as gst-plugins-bad's dtlssrtpenc and
 * dtlssrtpdec do: the plugin keeps a registry (a hash table from id to
 * association, guarded by a mutex) for the life of the process. That
 * registry is the plugin's only shared mutable state; entries are
 * reference counted and removed when the last element releases them.
 *
 * An association owns the sans-IO engine (dtls13_config, dtls13_conn) and,
 * once the handshake is done, the SRTP session (dtls13_srtp). Every call
 * into the engine or the SRTP session happens under the association's
 * recursive mutex, so the streaming threads of both elements and the
 * timer may drive it concurrently. Nothing here blocks on the network:
 *   - datagrams the engine sends are queued (bounded) and pushed by the
 *     encoder's src pad task (gst_dtls13_association_pop_datagram);
 *   - the retransmission timer is a GstClockID on the system clock
 *     (monotonic), scheduled for dtls13_conn_next_timeout();
 *   - media pushed before the SRTP keys exist is dropped or held
 *     (bounded) per the encoder's `pre-key-policy`, never sent in clear.
 *
 * Signals are emitted on the attached elements outside the lock (on-key-set
 * before the connection-state notify of the same step), except
 * on-peer-certificate, which the engine's verify callback emits
 * synchronously (its handlers may read properties but must not change the
 * element's state). */
#ifndef GST_DTLS13_ASSOCIATION_H
#define GST_DTLS13_ASSOCIATION_H

#include <gst/gst.h>

#include "dtls13/config.h"

G_BEGIN_DECLS

typedef struct _GstDtls13Association GstDtls13Association;

/** States of the `connection-state` property (GstDtls13ConnectionState). */
typedef enum {
  GST_DTLS13_CONNECTION_STATE_NEW = 0,
  GST_DTLS13_CONNECTION_STATE_CONNECTING = 1,
  GST_DTLS13_CONNECTION_STATE_CONNECTED = 2,
  GST_DTLS13_CONNECTION_STATE_CLOSED = 3,
  GST_DTLS13_CONNECTION_STATE_FAILED = 4,
} GstDtls13ConnectionState;

/** What happens to media pushed before the SRTP keys exist. */
typedef enum {
  GST_DTLS13_PRE_KEY_DROP = 0,
  GST_DTLS13_PRE_KEY_HOLD = 1,
} GstDtls13PreKeyPolicy;

/** Protocol versions of the `min-version` / `max-version` properties
 *  (GstDtls13Version): the wire code points, so DTLS counts down. */
typedef enum {
  GST_DTLS13_VERSION_DTLS12 = 0xfefd,
  GST_DTLS13_VERSION_DTLS13 = 0xfefc,
} GstDtls13Version;

/** When a server association demands a cookie round trip (a
 *  HelloRetryRequest with a cookie, RFC 9147 5.1) before it creates its
 *  connection: the modes of the engine's listener (dtls13/listen.h). */
typedef enum {
  GST_DTLS13_COOKIE_ALWAYS = 0,
  GST_DTLS13_COOKIE_NEVER = 1,
  GST_DTLS13_COOKIE_UNDER_LOAD = 2,
} GstDtls13CookiePolicy;

/** The GType of GstDtls13ConnectionState. */
GType gst_dtls13_connection_state_get_type (void);
#define GST_TYPE_DTLS13_CONNECTION_STATE (gst_dtls13_connection_state_get_type ())
/** The GType of GstDtls13PreKeyPolicy. */
GType gst_dtls13_pre_key_policy_get_type (void);
#define GST_TYPE_DTLS13_PRE_KEY_POLICY (gst_dtls13_pre_key_policy_get_type ())
/** The GType of GstDtls13Version. */
GType gst_dtls13_version_get_type (void);
#define GST_TYPE_DTLS13_VERSION (gst_dtls13_version_get_type ())
/** The GType of GstDtls13CookiePolicy. */
GType gst_dtls13_cookie_policy_get_type (void);
#define GST_TYPE_DTLS13_COOKIE_POLICY (gst_dtls13_cookie_policy_get_type ())

/** What the encoder's properties configure (copied at start). */
typedef struct {
  gboolean is_client;
  const gchar *pem;              /* path of a PEM file with certificate and key, or NULL */
  const gchar *peer_fingerprint; /* "sha-256 AB:..." or NULL (any certificate) */
  const gchar *srtp_profiles;    /* comma-separated names, or NULL for the defaults */
  guint mtu;
  guint initial_timeout_ms;
  gboolean peer_address_validated;
  GstDtls13PreKeyPolicy pre_key_policy;
  guint max_held_buffers;
  GstDtls13Version min_version;  /* oldest version accepted */
  GstDtls13Version max_version;  /* newest version offered */
  GstDtls13CookiePolicy cookie;  /* server only */
  gboolean under_load;           /* server with cookie under-load: initial load */
} GstDtls13Settings;

/** Kinds of media the encoder protects. */
typedef enum {
  GST_DTLS13_MEDIA_RTP = 0,
  GST_DTLS13_MEDIA_RTCP = 1,
  GST_DTLS13_MEDIA_DATA = 2,
} GstDtls13MediaKind;

/** Results of gst_dtls13_association_protect(). */
typedef enum {
  GST_DTLS13_PROTECT_OK = 0,      /* *out holds the packet to push */
  GST_DTLS13_PROTECT_HELD = 1,    /* no keys yet: kept until the handshake ends */
  GST_DTLS13_PROTECT_DROPPED = 2, /* no keys and not held, or protection failed */
  GST_DTLS13_PROTECT_QUEUED = 3,  /* DTLS application data: queued for the src task */
} GstDtls13ProtectResult;

/** Returns the association registered under id, creating it when there is
 *  none; the caller owns one reference. id must not be NULL or empty. */
GstDtls13Association *gst_dtls13_association_acquire (const gchar * id);

/** Drops one reference; the last one unregisters and frees the association. */
void gst_dtls13_association_release (GstDtls13Association * assoc);

/** The id the association is registered under. */
const gchar *gst_dtls13_association_id (const GstDtls13Association * assoc);

/** Attaches the encoder (or, with NULL, detaches it). Signals are emitted
 *  on it and property notifications sent. Returns FALSE when another
 *  encoder is attached. */
gboolean gst_dtls13_association_set_encoder (GstDtls13Association * assoc, GstElement * enc);

/** Attaches the decoder (NULL detaches). Returns FALSE when another
 *  decoder is attached. */
gboolean gst_dtls13_association_set_decoder (GstDtls13Association * assoc, GstElement * dec);

/** For an element entering READY: checks that id is set, acquires the
 *  association and attaches element as its encoder (is_encoder) or
 *  decoder. On failure posts an element error saying why (id missing, or
 *  another element of the same kind already uses it) and returns NULL. */
GstDtls13Association *gst_dtls13_association_join (GstElement * element, const gchar * id,
    gboolean is_encoder);

/** Creates the engine from settings and starts the handshake (a client
 *  queues its ClientHello). Fails (FALSE, *error set, nothing queued) on a
 *  bad setting, including a version range the engine refuses (a range
 *  needing DTLS 1.2 in this DTLS 1.3-only build): the message then names
 *  the property and the version.
 *
 *  A server whose cookie policy may demand a cookie (always; under-load
 *  while under load, or once a HelloRetryRequest was sent) creates no
 *  connection yet: the ClientHellos go to a dtls13_listener in that mode,
 *  whose HelloRetryRequests are queued like any datagram, and the
 *  connection is created by dtls13_listener_accept() from the ClientHello
 *  that carries a valid cookie (the engine then counts the client's
 *  address as validated). Otherwise (never; under-load while not under
 *  load) the ClientHello goes straight to a connection created with
 *  peer-address-validated applied before its first flight. The listener
 *  authenticates the association id as the peer address: one association
 *  serves one peer, the one its encoder sends to. */
gboolean gst_dtls13_association_start (GstDtls13Association * assoc,
    const GstDtls13Settings * settings, GError ** error);

/** Server with cookie policy under-load: whether the server is under load
 *  now (a new ClientHello then gets a HelloRetryRequest with a cookie).
 *  Takes effect at once when the association is listening, and at the
 *  next start otherwise. */
void gst_dtls13_association_set_under_load (GstDtls13Association * assoc, gboolean under_load);

/** Makes the local certificate now (the encoder calls it at NULL->READY):
 *  loads pem (certificate and key in one PEM file), or generates an ECDSA
 *  P-256 one when pem is NULL or empty, so that the local fingerprint is
 *  known before the handshake starts (an SDP offer needs it). Kept across
 *  restarts; start() reuses it unless pem changed. FALSE with error when
 *  the file cannot be loaded. */
gboolean gst_dtls13_association_prepare_certificate (GstDtls13Association * assoc,
    const gchar * pem, GError ** error);

/** Makes a copy of the certificate and key held by holder (a dtls13_config
 *  the caller made or loaded them into) the local certificate, replacing
 *  any. A start() whose settings have pem NULL uses it; one with a pem file
 *  loads that file instead. For an element that owns the certificate
 *  itself (the compat decoder, whose `pem` must be readable before the
 *  association starts). FALSE with error when holder has no certificate. */
gboolean gst_dtls13_association_use_certificate (GstDtls13Association * assoc,
    const dtls13_config * holder, GError ** error);

/** Sets (or replaces) the expected peer fingerprint while the association
 *  runs, e.g. when the remote SDP arrives after the handshake started.
 *  A certificate already received is checked at once: a mismatch fails
 *  the association (bad_certificate; on-handshake-failed; SRTP keys
 *  dropped). Returns FALSE and sets error for a malformed fingerprint.
 *  When not started, the value is only used by the next start. */
gboolean gst_dtls13_association_set_peer_fingerprint (GstDtls13Association * assoc,
    const gchar * fingerprint, GError ** error);

/** The path to the peer has just become usable (ICE selected a candidate
 *  pair): the outstanding handshake flight, probably dropped by the sink
 *  before, is resent now and the retransmission timer restarts from its
 *  initial value (dtls13_conn_path_ready). Returns TRUE when a handshake
 *  was in progress, FALSE otherwise (nothing to do). */
gboolean gst_dtls13_association_path_ready (GstDtls13Association * assoc);

/** Stops the timer and frees the engine and SRTP session (keys zeroized);
 *  queued datagrams and held media are dropped. The association can be
 *  started again. */
void gst_dtls13_association_stop (GstDtls13Association * assoc);

/** Feeds one DTLS datagram from the network to the engine. Received
 *  application data is appended to *data_out (a list of GstBuffer the
 *  caller pushes and frees; it may be NULL on entry). */
void gst_dtls13_association_handle_datagram (GstDtls13Association * assoc,
    const guint8 * datagram, gsize len, GList ** data_out);

/** Protects one outgoing buffer of the given kind. RTP/RTCP: on
 *  GST_DTLS13_PROTECT_OK *out receives a new SRTP buffer (metadata copied).
 *  DATA: sent as a DTLS record through the queue. in is not consumed. */
GstDtls13ProtectResult gst_dtls13_association_protect (GstDtls13Association * assoc,
    GstDtls13MediaKind kind, GstBuffer * in, GstBuffer ** out);

/** Authenticates and decrypts one incoming SRTP (rtcp FALSE) or SRTCP
 *  packet. Takes ownership of in; returns the clear buffer, or NULL when
 *  the packet was dropped (no keys yet, authentication failure, replay). */
GstBuffer *gst_dtls13_association_unprotect (GstDtls13Association * assoc, gboolean rtcp,
    GstBuffer * in);

/** Blocks until a datagram for the network is queued and returns it, or
 *  returns NULL once gst_dtls13_association_set_flushing (TRUE) was called. */
GstBuffer *gst_dtls13_association_pop_datagram (GstDtls13Association * assoc);

/** Wakes up and refuses (flushing TRUE) or re-enables (FALSE) pop_datagram. */
void gst_dtls13_association_set_flushing (GstDtls13Association * assoc, gboolean flushing);

/** Current state. */
GstDtls13ConnectionState gst_dtls13_association_state (GstDtls13Association * assoc);

/** Newly allocated strings (NULL when not known yet): the negotiated
 *  version, cipher suite, SRTP profile, and our certificate's SDP
 *  fingerprint. */
gchar *gst_dtls13_association_version (GstDtls13Association * assoc);
gchar *gst_dtls13_association_cipher_suite (GstDtls13Association * assoc);
gchar *gst_dtls13_association_srtp_profile (GstDtls13Association * assoc);
gchar *gst_dtls13_association_local_fingerprint (GstDtls13Association * assoc);

/** A new "application/x-dtls13-stats" structure with the engine, cookie
 *  listener (hrr-sent, cookies-invalid) and SRTP counters (all zero before
 *  start). */
GstStructure *gst_dtls13_association_stats (GstDtls13Association * assoc);

/** Installs the signals shared by both elements on klass:
 *  on-key-set (), on-peer-certificate (gchararray pem) -> gboolean reject,
 *  on-handshake-failed (guint alert, gchararray reason). */
void gst_dtls13_install_signals (GObjectClass * klass);

/** Installs the read-only status properties shared by both elements, at
 *  ids first_prop_id .. first_prop_id + 5: connection-state,
 *  negotiated-version, cipher-suite, srtp-profile, local-fingerprint, stats. */
void gst_dtls13_install_status_properties (GObjectClass * klass, guint first_prop_id);

/** get_property for the status properties (offset = prop_id -
 *  first_prop_id); assoc may be NULL (defaults). */
void gst_dtls13_get_status_property (GstDtls13Association * assoc, guint offset, GValue * value);

/** Number of status properties. */
#define GST_DTLS13_STATUS_PROPERTY_COUNT 6

G_END_DECLS
#endif
