/* GStreamer dtls13 plugin - the association: engine, SRTP session, timer
 * and output queue of one DTLS-SRTP association. See the header. */
#include "gstdtls13association.h"

#include <stdio.h>
#include <string.h>

#include "dtls13/config.h"
#include "dtls13/conn.h"
#include "dtls13/constants.h"
#include "dtls13/errors.h"
#include "dtls13/listen.h"
#include "dtls13/srtp.h"

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
  gchar *cert_pem;              /* the pem it was loaded from, NULL: generated */

  GMutex out_lock;              /* the output queue */
  GCond out_cond;
  GQueue out;                   /* GstBuffer */
  gboolean flushing;
};

/* The registry of associations by connection-id: the plugin's one piece
 * of shared mutable state (see the header). */
static GMutex registry_lock;
static GHashTable *registry;

static guint64
now_ms (GstDtls13Association * assoc)
{
  return gst_clock_get_time (assoc->clock) / GST_MSECOND;
}

GstDtls13Association *
gst_dtls13_association_acquire (const gchar * id)
{
  GstDtls13Association *assoc;

  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  assoc = g_hash_table_lookup (registry, id);
  if (assoc == NULL) {
    assoc = g_new0 (GstDtls13Association, 1);
    assoc->id = g_strdup (id);
    g_rec_mutex_init (&assoc->lock);
    g_mutex_init (&assoc->out_lock);
    g_cond_init (&assoc->out_cond);
    g_queue_init (&assoc->held);
    g_queue_init (&assoc->out);
    assoc->clock = gst_system_clock_obtain ();
    assoc->timer_ms = G_MAXUINT64;
    g_hash_table_insert (registry, assoc->id, assoc);
    GST_DEBUG ("association '%s' created", id);
  }
  assoc->refcount++;
  g_mutex_unlock (&registry_lock);
  return assoc;
}

static void
association_free (GstDtls13Association * assoc)
{
  GST_DEBUG ("association '%s' freed", assoc->id);
  gst_dtls13_association_stop (assoc);
  dtls13_config_free (assoc->cert_cfg);
  g_free (assoc->cert_pem);
  g_free (assoc->local_fingerprint);
  gst_object_unref (assoc->clock);
  g_rec_mutex_clear (&assoc->lock);
  g_mutex_clear (&assoc->out_lock);
  g_cond_clear (&assoc->out_cond);
  g_free (assoc->id);
  g_free (assoc);
}

void
gst_dtls13_association_release (GstDtls13Association * assoc)
{
  gboolean last;

  if (assoc == NULL)
    return;
  g_mutex_lock (&registry_lock);
  last = --assoc->refcount == 0;
  if (last) {
    g_hash_table_remove (registry, assoc->id);
    if (g_hash_table_size (registry) == 0) {
      g_hash_table_unref (registry);
      registry = NULL;
    }
  }
  g_mutex_unlock (&registry_lock);
  if (last)
    association_free (assoc);
}

static void
association_ref (GstDtls13Association * assoc)
{
  g_mutex_lock (&registry_lock);
  assoc->refcount++;
  g_mutex_unlock (&registry_lock);
}

static void
association_release_notify (gpointer data)
{
  gst_dtls13_association_release (data);
}

const gchar *
gst_dtls13_association_id (const GstDtls13Association * assoc)
{
  return assoc->id;
}

static gboolean
attach (GstDtls13Association * assoc, GstElement ** slot, GstElement * element)
{
  gboolean ok = TRUE;

  g_rec_mutex_lock (&assoc->lock);
  if (element != NULL && *slot != NULL && *slot != element)
    ok = FALSE;
  else
    *slot = element;
  g_rec_mutex_unlock (&assoc->lock);
  return ok;
}

gboolean
gst_dtls13_association_set_encoder (GstDtls13Association * assoc, GstElement * enc)
{
  return attach (assoc, &assoc->enc, enc);
}

gboolean
gst_dtls13_association_set_decoder (GstDtls13Association * assoc, GstElement * dec)
{
  return attach (assoc, &assoc->dec, dec);
}

/* ---- output queue ---- */

static void
queue_datagram (GstDtls13Association * assoc, GstBuffer * buf)
{
  g_mutex_lock (&assoc->out_lock);
  if (assoc->flushing || assoc->out.length >= MAX_QUEUED_DATAGRAMS) {
    assoc->datagrams_dropped++;
    gst_buffer_unref (buf);
  } else {
    GST_LOG ("[%s] datagram of %" G_GSIZE_FORMAT " bytes queued", assoc->id,
        gst_buffer_get_size (buf));
    g_queue_push_tail (&assoc->out, buf);
    g_cond_signal (&assoc->out_cond);
  }
  g_mutex_unlock (&assoc->out_lock);
}

GstBuffer *
gst_dtls13_association_pop_datagram (GstDtls13Association * assoc)
{
  GstBuffer *buf = NULL;

  g_mutex_lock (&assoc->out_lock);
  while (!assoc->flushing && assoc->out.length == 0)
    g_cond_wait (&assoc->out_cond, &assoc->out_lock);
  if (!assoc->flushing)
    buf = g_queue_pop_head (&assoc->out);
  g_mutex_unlock (&assoc->out_lock);
  return buf;
}

void
gst_dtls13_association_set_flushing (GstDtls13Association * assoc, gboolean flushing)
{
  g_mutex_lock (&assoc->out_lock);
  assoc->flushing = flushing;
  if (flushing)
    g_queue_clear_full (&assoc->out, (GDestroyNotify) gst_buffer_unref);
  g_cond_broadcast (&assoc->out_cond);
  g_mutex_unlock (&assoc->out_lock);
}

/* ---- engine callbacks (called under the lock) ---- */

static int
on_send (void *user, const uint8_t * datagram, size_t len)
{
  GstDtls13Association *assoc = user;

  queue_datagram (assoc, gst_buffer_new_memdup (datagram, len));
  return 0;
}

static void
on_log (void *user, dtls13_log_level level, const char *message)
{
  GstDtls13Association *assoc = user;
  GstDebugLevel gst_level = level == DTLS13_LOG_ERROR ? GST_LEVEL_ERROR :
      level == DTLS13_LOG_WARN ? GST_LEVEL_WARNING :
      level == DTLS13_LOG_INFO ? GST_LEVEL_INFO : GST_LEVEL_DEBUG;

  GST_CAT_LEVEL_LOG (gst_dtls13_debug, gst_level, NULL, "[%s] %s", assoc->id, message);
}

static void
on_keylog (void *user, const char *line)
{
  GstDtls13Association *assoc = user;
  FILE *f;

  if (assoc->keylog_path == NULL)
    return;
  f = fopen (assoc->keylog_path, "a");
  if (f == NULL) {
    GST_WARNING ("cannot open SSLKEYLOGFILE '%s'", assoc->keylog_path);
    return;
  }
  fprintf (f, "%s\n", line);
  fclose (f);
}

static gchar *
der_to_pem (const uint8_t * der, size_t len)
{
  gchar *b64 = g_base64_encode (der, len);
  GString *pem = g_string_new ("-----BEGIN CERTIFICATE-----\n");
  size_t total = strlen (b64);

  for (size_t i = 0; i < total; i += 64)
    g_string_append_printf (pem, "%.*s\n", (int) MIN ((size_t) 64, total - i), b64 + i);
  g_string_append (pem, "-----END CERTIFICATE-----\n");
  g_free (b64);
  return g_string_free (pem, FALSE);
}

static gboolean
emit_peer_certificate (GstElement * element, const gchar * pem)
{
  gboolean reject = FALSE;

  if (element != NULL)
    g_signal_emit_by_name (element, "on-peer-certificate", pem, &reject);
  return reject;
}

static int
on_verify (void *user, const uint8_t * cert_der, size_t cert_len)
{
  GstDtls13Association *assoc = user;
  gchar *pem = der_to_pem (cert_der, cert_len);
  gboolean reject = emit_peer_certificate (assoc->enc, pem)
      || emit_peer_certificate (assoc->dec, pem);

  GST_INFO ("[%s] peer certificate %s", assoc->id, reject ? "rejected" : "accepted");
  g_free (pem);
  return reject ? 1 : 0;
}

static void
send_protected_locked (GstDtls13Association * assoc, GstDtls13MediaKind kind, GstBuffer * in);

static void
install_srtp_locked (GstDtls13Association * assoc)
{
  int rc = dtls13_srtp_new (assoc->conn, &assoc->srtp);

  if (rc != 0) {
    GST_WARNING ("[%s] no SRTP session: %s; media will be dropped", assoc->id,
        dtls13_srtp_strerror (rc));
  } else {
    GST_INFO ("[%s] SRTP keys installed (%s)", assoc->id,
        dtls13_srtp_profile_name (dtls13_srtp_profile (assoc->srtp)));
    assoc->pending_key_set = TRUE;
  }
  while (assoc->held.length > 0) {
    HeldMedia *held = g_queue_pop_head (&assoc->held);
    send_protected_locked (assoc, held->kind, held->buffer);
    gst_buffer_unref (held->buffer);
    g_free (held);
  }
}

static void
on_event (void *user, dtls13_conn * conn, const dtls13_event * event)
{
  GstDtls13Association *assoc = user;

  (void) conn;
  switch (event->type) {
    case DTLS13_EVENT_HANDSHAKE_DONE:
      assoc->state = GST_DTLS13_CONNECTION_STATE_CONNECTED;
      install_srtp_locked (assoc);
      break;
    case DTLS13_EVENT_ALERT_SENT:
    case DTLS13_EVENT_ALERT_RECEIVED:
      if (event->fatal && assoc->state != GST_DTLS13_CONNECTION_STATE_FAILED
          && event->alert != DTLS13_ALERT_CLOSE_NOTIFY) {
        const char *reason = event->reason;
        const char *name = dtls13_alert_name (event->alert);
        assoc->state = GST_DTLS13_CONNECTION_STATE_FAILED;
        assoc->pending_failed = TRUE;
        assoc->failed_alert = event->alert;
        /* A failure after the keys were set (a peer fingerprint that came
         * late and does not match, a fatal alert mid-call): no more media
         * is protected or accepted with them. */
        dtls13_srtp_free (assoc->srtp);
        assoc->srtp = NULL;
        g_free (assoc->failed_reason);
        assoc->failed_reason = g_strdup_printf ("%s alert %s%s%s",
            event->type == DTLS13_EVENT_ALERT_SENT ? "sent" : "received",
            name ? name : "unknown", reason ? ": " : "", reason ? reason : "");
        GST_WARNING ("[%s] handshake failed: %s", assoc->id, assoc->failed_reason);
      }
      break;
    case DTLS13_EVENT_CLOSED:
      if (assoc->state != GST_DTLS13_CONNECTION_STATE_FAILED)
        assoc->state = GST_DTLS13_CONNECTION_STATE_CLOSED;
      break;
    case DTLS13_EVENT_DATA:
      break;
  }
}

/* ---- timer ---- */

static void rearm_timer_locked (GstDtls13Association * assoc);
static void emit_pending (GstDtls13Association * assoc);

static gboolean
on_timer (GstClock * clock, GstClockTime time, GstClockID id, gpointer user_data)
{
  GstDtls13Association *assoc = user_data;

  (void) clock;
  (void) time;
  g_rec_mutex_lock (&assoc->lock);
  if (assoc->timer != id) {     /* superseded or stopped */
    g_rec_mutex_unlock (&assoc->lock);
    return TRUE;
  }
  gst_clock_id_unref (assoc->timer);
  assoc->timer = NULL;
  assoc->timer_ms = G_MAXUINT64;
  GST_LOG ("[%s] timer fired", assoc->id);
  if (assoc->conn != NULL) {
    dtls13_conn_handle_timeout (assoc->conn, now_ms (assoc));
    rearm_timer_locked (assoc);
  }
  g_rec_mutex_unlock (&assoc->lock);
  emit_pending (assoc);
  return TRUE;
}

static void
cancel_timer_locked (GstDtls13Association * assoc)
{
  if (assoc->timer != NULL) {
    gst_clock_id_unschedule (assoc->timer);
    gst_clock_id_unref (assoc->timer);
    assoc->timer = NULL;
  }
  assoc->timer_ms = G_MAXUINT64;
}

/* Also refreshes the connection state after every engine call. */
static void
rearm_timer_locked (GstDtls13Association * assoc)
{
  guint64 next;

  if (assoc->conn == NULL) {
    cancel_timer_locked (assoc);
    return;
  }
  if (assoc->state == GST_DTLS13_CONNECTION_STATE_CONNECTING
      && dtls13_conn_state (assoc->conn) == DTLS13_STATE_FAILED) {
    assoc->state = GST_DTLS13_CONNECTION_STATE_FAILED;
    if (!assoc->pending_failed && assoc->failed_reason == NULL) {
      const char *reason = dtls13_conn_failure_reason (assoc->conn);
      int alert = dtls13_conn_alert (assoc->conn);
      assoc->pending_failed = TRUE;
      assoc->failed_alert = alert < 0 ? 0 : (guint) alert;
      assoc->failed_reason = g_strdup (reason ? reason : "handshake failed");
    }
  }
  next = dtls13_conn_next_timeout (assoc->conn);
  if (next == assoc->timer_ms && assoc->timer != NULL)
    return;
  cancel_timer_locked (assoc);
  if (next == G_MAXUINT64)
    return;
  assoc->timer = gst_clock_new_single_shot_id (assoc->clock, next * GST_MSECOND);
  assoc->timer_ms = next;
  association_ref (assoc);
  if (gst_clock_id_wait_async (assoc->timer, on_timer, assoc,
          association_release_notify) != GST_CLOCK_OK) {
    GST_WARNING ("[%s] cannot schedule the retransmission timer", assoc->id);
  }
}

/* ---- signals, emitted outside the lock ---- */

static void
emit_pending (GstDtls13Association * assoc)
{
  GstElement *elements[2] = { NULL, NULL };
  gboolean key_set, failed, state_changed;
  guint alert;
  gchar *reason = NULL;

  g_rec_mutex_lock (&assoc->lock);
  key_set = assoc->pending_key_set;
  failed = assoc->pending_failed;
  state_changed = assoc->notified_state != assoc->state;
  alert = assoc->failed_alert;
  if (failed)
    reason = g_strdup (assoc->failed_reason);
  assoc->pending_key_set = FALSE;
  assoc->pending_failed = FALSE;
  assoc->notified_state = assoc->state;
  if (key_set || failed || state_changed) {
    if (assoc->enc)
      elements[0] = gst_object_ref (assoc->enc);
    if (assoc->dec)
      elements[1] = gst_object_ref (assoc->dec);
  }
  g_rec_mutex_unlock (&assoc->lock);

  /* on-key-set before the connected notify, as gst-plugins-bad's elements
   * do (webrtcbin releases its media on on-key-set). */
  for (int i = 0; i < 2 && key_set; i++) {
    if (elements[i] != NULL)
      g_signal_emit_by_name (elements[i], "on-key-set");
  }
  for (int i = 0; i < 2; i++) {
    if (elements[i] == NULL)
      continue;
    if (state_changed)
      g_object_notify (G_OBJECT (elements[i]), "connection-state");
    if (failed) {
      g_signal_emit_by_name (elements[i], "on-handshake-failed", alert, reason);
      if (i == 0 || elements[0] == NULL)
        GST_ELEMENT_WARNING (elements[i], RESOURCE, READ,
            ("DTLS 1.3 handshake failed"), ("%s", reason));
    }
    gst_object_unref (elements[i]);
  }
  g_free (reason);
}

/* ---- start / stop ---- */

static gboolean
set_profiles (dtls13_config * cfg, const gchar * names, GError ** error)
{
  gchar **parts = g_strsplit_set (names, ", :", -1);
  uint16_t profiles[8];
  size_t count = 0;
  gboolean ok = TRUE;

  for (gchar ** p = parts; *p != NULL && ok; p++) {
    uint16_t id;
    if ((*p)[0] == '\0')
      continue;
    id = dtls13_srtp_profile_from_name (*p);
    if (id == 0 || count == G_N_ELEMENTS (profiles)) {
      g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
          "srtp-profiles: unknown or too many profiles at '%s'", *p);
      ok = FALSE;
    } else {
      profiles[count++] = id;
    }
  }
  g_strfreev (parts);
  if (ok && count == 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "srtp-profiles names no profile");
    ok = FALSE;
  }
  if (ok && dtls13_config_set_srtp_profiles (cfg, profiles, count, NULL, 0) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "srtp-profiles rejected");
    ok = FALSE;
  }
  return ok;
}

static const gchar *
version_nick (GstDtls13Version version)
{
  switch (version) {
    case GST_DTLS13_VERSION_DTLS12:
      return "dtls1.2";
    case GST_DTLS13_VERSION_DTLS13:
      return "dtls1.3";
  }
  return "unknown";
}

/* min-version / max-version; an empty range is refused with an error that
 * names both properties. */
static gboolean
set_version_range (dtls13_config * cfg, const GstDtls13Settings * s, GError ** error)
{
  int rc = dtls13_config_set_version_range (cfg, (uint16_t) s->min_version,
      (uint16_t) s->max_version);

  if (rc == 0)
    return TRUE;
  g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "min-version %s and max-version %s leave no version to negotiate (%s)",
        version_nick (s->min_version), version_nick (s->max_version), dtls13_strerror (rc));
  return FALSE;
}

/* Loads pem (or, NULL or empty, generates a P-256 certificate) into the
 * association's certificate holder unless it already holds that one. */
static gboolean
prepare_certificate_locked (GstDtls13Association * assoc, const gchar * pem, GError ** error)
{
  const gchar *path = pem != NULL && pem[0] != '\0' ? pem : NULL;
  char fingerprint[128];
  dtls13_config *holder;
  int rc;

  if (assoc->cert_cfg != NULL && g_strcmp0 (assoc->cert_pem, path) == 0)
    return TRUE;
  holder = dtls13_config_new ();
  if (holder == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "out of memory");
    return FALSE;
  }
  rc = path != NULL ? dtls13_config_load_pem (holder, path, path)
      : dtls13_config_generate_certificate (holder, NULL);
  if (rc == 0)
    rc = dtls13_config_fingerprint (holder, DTLS13_HASH_SHA256, fingerprint, sizeof fingerprint);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "certificate: %s%s%s", dtls13_strerror (rc), path ? " loading " : "", path ? path : "");
    dtls13_config_free (holder);
    return FALSE;
  }
  dtls13_config_free (assoc->cert_cfg);
  assoc->cert_cfg = holder;
  g_free (assoc->cert_pem);
  assoc->cert_pem = g_strdup (path);
  g_free (assoc->local_fingerprint);
  assoc->local_fingerprint = g_strdup (fingerprint);
  GST_INFO ("[%s] local certificate %s, fingerprint %s", assoc->id,
      path ? path : "generated (ECDSA P-256)", fingerprint);
  return TRUE;
}

gboolean
gst_dtls13_association_use_certificate (GstDtls13Association * assoc,
    const dtls13_config * holder, GError ** error)
{
  char fingerprint[128];
  dtls13_config *copy = dtls13_config_new ();
  int rc = copy ? dtls13_config_copy_certificate (copy, holder) : DTLS13_ERR_NO_MEMORY;

  if (rc == 0)
    rc = dtls13_config_fingerprint (copy, DTLS13_HASH_SHA256, fingerprint, sizeof fingerprint);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS, "certificate: %s",
        dtls13_strerror (rc));
    dtls13_config_free (copy);
    return FALSE;
  }
  g_rec_mutex_lock (&assoc->lock);
  dtls13_config_free (assoc->cert_cfg);
  assoc->cert_cfg = copy;
  g_clear_pointer (&assoc->cert_pem, g_free);   /* start() with pem NULL keeps it */
  g_free (assoc->local_fingerprint);
  assoc->local_fingerprint = g_strdup (fingerprint);
  g_rec_mutex_unlock (&assoc->lock);
  GST_INFO ("[%s] local certificate given, fingerprint %s", assoc->id, fingerprint);
  return TRUE;
}

gboolean
gst_dtls13_association_prepare_certificate (GstDtls13Association * assoc, const gchar * pem,
    GError ** error)
{
  gboolean ok;

  g_rec_mutex_lock (&assoc->lock);
  ok = prepare_certificate_locked (assoc, pem, error);
  g_rec_mutex_unlock (&assoc->lock);
  return ok;
}

static dtls13_config *
make_config (GstDtls13Association * assoc, const GstDtls13Settings * s, GError ** error)
{
  dtls13_config *cfg;
  int rc;

  /* The certificate made (or loaded) at READY, unless pem changed since. */
  if (!prepare_certificate_locked (assoc, s->pem, error))
    return NULL;
  cfg = dtls13_config_new ();
  if (cfg == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "out of memory");
    return NULL;
  }
  rc = dtls13_config_copy_certificate (cfg, assoc->cert_cfg);
  if (rc != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "certificate: %s",
        dtls13_strerror (rc));
    goto fail;
  }
  if (!set_version_range (cfg, s, error))
    goto fail;
  if (s->srtp_profiles != NULL && s->srtp_profiles[0] != '\0'
      && !set_profiles (cfg, s->srtp_profiles, error))
    goto fail;
  if (dtls13_config_set_mtu (cfg, s->mtu) != 0
      || dtls13_config_set_initial_timeout_ms (cfg, s->initial_timeout_ms) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "mtu or initial-timeout-ms out of range");
    goto fail;
  }
  dtls13_config_set_log_callback (cfg, on_log, assoc);
  dtls13_config_set_verify_callback (cfg, on_verify, assoc);
  if (assoc->keylog_path != NULL)
    dtls13_config_set_keylog_callback (cfg, on_keylog, assoc);
  return cfg;
fail:
  dtls13_config_free (cfg);
  return NULL;
}

/* Event callback, expected peer fingerprint and (server) address
 * validation of a new connection, before it processes anything more. */
static gboolean
configure_conn_locked (GstDtls13Association * assoc, GError ** error)
{
  dtls13_conn_set_event_callback (assoc->conn, on_event, assoc);
  if (assoc->peer_fingerprint != NULL
      && dtls13_conn_set_peer_fingerprint (assoc->conn, assoc->peer_fingerprint) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        "peer-fingerprint '%s' is not an SDP fingerprint", assoc->peer_fingerprint);
    return FALSE;
  }
  if (dtls13_conn_role (assoc->conn) == DTLS13_ROLE_SERVER && assoc->peer_address_validated)
    dtls13_conn_set_peer_address_validated (assoc->conn);
  return TRUE;
}

/* The listener is done once a connection exists: its counters are kept,
 * its cookie secrets zeroized. */
static void
free_listener_locked (GstDtls13Association * assoc)
{
  if (assoc->listener == NULL)
    return;
  dtls13_listener_get_stats (assoc->listener, &assoc->listener_stats);
  dtls13_listener_free (assoc->listener);
  assoc->listener = NULL;
}

gboolean
gst_dtls13_association_start (GstDtls13Association * assoc,
    const GstDtls13Settings * s, GError ** error)
{
  const gchar *keylog = g_getenv ("SSLKEYLOGFILE");
  gboolean ok = FALSE;

  gst_dtls13_association_stop (assoc);
  g_rec_mutex_lock (&assoc->lock);
  assoc->keylog_path = keylog && keylog[0] ? g_strdup (keylog) : NULL;
  assoc->policy = s->pre_key_policy;
  assoc->max_held = s->max_held_buffers;
  assoc->cookie = s->cookie;
  assoc->under_load = s->under_load;
  assoc->peer_address_validated = !s->is_client && s->peer_address_validated;
  assoc->peer_fingerprint = s->peer_fingerprint != NULL && s->peer_fingerprint[0] != '\0'
      ? g_strdup (s->peer_fingerprint) : NULL;
  assoc->cfg = make_config (assoc, s, error);
  if (assoc->cfg == NULL)
    goto out;
  /* Created in every case, so that its settings are checked now. */
  assoc->conn = dtls13_conn_new (assoc->cfg,
      s->is_client ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER, on_send, assoc);
  if (assoc->conn == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "cannot create connection");
    goto out;
  }
  if (!configure_conn_locked (assoc, error))
    goto out;
  assoc->state = GST_DTLS13_CONNECTION_STATE_CONNECTING;
  if (!s->is_client && s->cookie != GST_DTLS13_COOKIE_NEVER) {
    /* The first ClientHellos go to the listener; the connection is made
     * from the one it accepts (gst_dtls13_association_handle_datagram). */
    dtls13_conn_free (assoc->conn);
    assoc->conn = NULL;
    assoc->listener = dtls13_listener_new (assoc->cfg, (dtls13_cookie_mode) s->cookie);
    if (assoc->listener == NULL) {
      g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
          "cannot create the cookie listener");
      goto out;
    }
    dtls13_listener_set_under_load (assoc->listener, s->under_load);
    assoc->awaiting_client_hello = TRUE;
  } else if (dtls13_conn_start (assoc->conn, now_ms (assoc)) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "cannot start the handshake");
    goto out;
  }
  GST_INFO ("[%s] started as %s (cookie %s), local fingerprint %s", assoc->id,
      s->is_client ? "client" : "server", s->is_client ? "n/a"
      : s->cookie == GST_DTLS13_COOKIE_ALWAYS ? "always"
      : s->cookie == GST_DTLS13_COOKIE_NEVER ? "never" : "under-load", assoc->local_fingerprint);
  rearm_timer_locked (assoc);
  ok = TRUE;
out:
  g_rec_mutex_unlock (&assoc->lock);
  if (!ok)
    gst_dtls13_association_stop (assoc);
  emit_pending (assoc);
  return ok;
}

gboolean
gst_dtls13_association_set_peer_fingerprint (GstDtls13Association * assoc,
    const gchar * fingerprint, GError ** error)
{
  gboolean ok = TRUE;
  gboolean set = fingerprint != NULL && fingerprint[0] != '\0';

  g_rec_mutex_lock (&assoc->lock);
  g_free (assoc->peer_fingerprint);
  assoc->peer_fingerprint = set ? g_strdup (fingerprint) : NULL;
  if (set && assoc->conn != NULL) {
    int rc = dtls13_conn_set_peer_fingerprint (assoc->conn, fingerprint);
    if (rc == DTLS13_ERR_INVALID_ARG) {
      g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
          "peer-fingerprint '%s' is not an SDP fingerprint", fingerprint);
      ok = FALSE;
    } else if (rc == DTLS13_ERR_CERTIFICATE) {
      /* on_event saw the bad_certificate alert and dropped the keys. */
      GST_WARNING ("[%s] the peer certificate received earlier does not match %s",
          assoc->id, fingerprint);
    }
  }
  g_rec_mutex_unlock (&assoc->lock);
  emit_pending (assoc);
  return ok;
}

void
gst_dtls13_association_set_under_load (GstDtls13Association * assoc, gboolean under_load)
{
  g_rec_mutex_lock (&assoc->lock);
  assoc->under_load = under_load;
  if (assoc->listener != NULL)
    dtls13_listener_set_under_load (assoc->listener, under_load);
  g_rec_mutex_unlock (&assoc->lock);
  GST_DEBUG ("[%s] under load: %s", assoc->id, under_load ? "yes" : "no");
}

void
gst_dtls13_association_stop (GstDtls13Association * assoc)
{
  g_rec_mutex_lock (&assoc->lock);
  cancel_timer_locked (assoc);
  dtls13_srtp_free (assoc->srtp);
  assoc->srtp = NULL;
  dtls13_conn_free (assoc->conn);
  assoc->conn = NULL;
  dtls13_listener_free (assoc->listener);
  assoc->listener = NULL;
  memset (&assoc->listener_stats, 0, sizeof assoc->listener_stats);
  assoc->awaiting_client_hello = FALSE;
  assoc->hrr_sent = FALSE;
  g_clear_pointer (&assoc->peer_fingerprint, g_free);
  dtls13_config_free (assoc->cfg);
  assoc->cfg = NULL;
  while (assoc->held.length > 0) {
    HeldMedia *held = g_queue_pop_head (&assoc->held);
    gst_buffer_unref (held->buffer);
    g_free (held);
  }
  g_clear_pointer (&assoc->failed_reason, g_free);
  g_clear_pointer (&assoc->keylog_path, g_free);
  assoc->pending_key_set = FALSE;
  assoc->pending_failed = FALSE;
  assoc->state = GST_DTLS13_CONNECTION_STATE_NEW;
  assoc->notified_state = GST_DTLS13_CONNECTION_STATE_NEW;
  g_rec_mutex_unlock (&assoc->lock);
  g_mutex_lock (&assoc->out_lock);
  g_queue_clear_full (&assoc->out, (GDestroyNotify) gst_buffer_unref);
  g_mutex_unlock (&assoc->out_lock);
}

/* ---- media ---- */

static GstBuffer *
protect_srtp_locked (GstDtls13Association * assoc, gboolean rtcp, GstBuffer * in)
{
  gsize len = gst_buffer_get_size (in);
  gsize cap = len + dtls13_srtp_overhead (assoc->srtp, rtcp);
  GstBuffer *out = gst_buffer_new_allocate (NULL, cap, NULL);
  GstMapInfo map;
  size_t out_len = 0;
  int rc;

  if (out == NULL || !gst_buffer_map (out, &map, GST_MAP_WRITE)) {
    if (out)
      gst_buffer_unref (out);
    return NULL;
  }
  gst_buffer_extract (in, 0, map.data, len);
  rc = rtcp ? dtls13_srtp_protect_rtcp (assoc->srtp, map.data, len, cap, &out_len)
      : dtls13_srtp_protect_rtp (assoc->srtp, map.data, len, cap, &out_len);
  gst_buffer_unmap (out, &map);
  if (rc != 0) {
    GST_LOG ("[%s] protect failed: %s", assoc->id, dtls13_srtp_strerror (rc));
    gst_buffer_unref (out);
    return NULL;
  }
  gst_buffer_set_size (out, out_len);
  gst_buffer_copy_into (out, in, GST_BUFFER_COPY_METADATA, 0, -1);
  return out;
}

static gboolean
write_data_locked (GstDtls13Association * assoc, GstBuffer * in)
{
  GstMapInfo map;
  int rc;

  if (!gst_buffer_map (in, &map, GST_MAP_READ))
    return FALSE;
  rc = dtls13_conn_write (assoc->conn, map.data, map.size, now_ms (assoc));
  gst_buffer_unmap (in, &map);
  if (rc < 0)
    GST_WARNING ("[%s] application data not sent: %s", assoc->id, dtls13_strerror (rc));
  return rc >= 0;
}

/* For held media once the keys exist: the result goes to the src task. */
static void
send_protected_locked (GstDtls13Association * assoc, GstDtls13MediaKind kind, GstBuffer * in)
{
  if (kind == GST_DTLS13_MEDIA_DATA) {
    write_data_locked (assoc, in);
  } else if (assoc->srtp != NULL) {
    GstBuffer *out = protect_srtp_locked (assoc, kind == GST_DTLS13_MEDIA_RTCP, in);
    if (out != NULL)
      queue_datagram (assoc, out);
  }
}

static GstDtls13ProtectResult
hold_or_drop_locked (GstDtls13Association * assoc, GstDtls13MediaKind kind, GstBuffer * in)
{
  if ((assoc->conn != NULL || assoc->awaiting_client_hello)
      && assoc->state == GST_DTLS13_CONNECTION_STATE_CONNECTING && assoc->policy == GST_DTLS13_PRE_KEY_HOLD && assoc->held.length < assoc->max_held) {
    HeldMedia *held = g_new (HeldMedia, 1);
    held->kind = kind;
    held->buffer = gst_buffer_ref (in);
    g_queue_push_tail (&assoc->held, held);
    return GST_DTLS13_PROTECT_HELD;
  }
  assoc->media_dropped_before_keys++;
  return GST_DTLS13_PROTECT_DROPPED;
}

GstDtls13ProtectResult
gst_dtls13_association_protect (GstDtls13Association * assoc,
    GstDtls13MediaKind kind, GstBuffer * in, GstBuffer ** out)
{
  GstDtls13ProtectResult result;

  *out = NULL;
  g_rec_mutex_lock (&assoc->lock);
  if (kind == GST_DTLS13_MEDIA_DATA) {
    if (assoc->conn != NULL && dtls13_conn_state (assoc->conn) == DTLS13_STATE_CONNECTED) {
      result = write_data_locked (assoc, in) ? GST_DTLS13_PROTECT_QUEUED
          : GST_DTLS13_PROTECT_DROPPED;
      rearm_timer_locked (assoc);
    } else {
      result = hold_or_drop_locked (assoc, kind, in);
    }
  } else if (assoc->srtp == NULL) {
    result = hold_or_drop_locked (assoc, kind, in);
  } else {
    *out = protect_srtp_locked (assoc, kind == GST_DTLS13_MEDIA_RTCP, in);
    result = *out ? GST_DTLS13_PROTECT_OK : GST_DTLS13_PROTECT_DROPPED;
  }
  g_rec_mutex_unlock (&assoc->lock);
  return result;
}

GstBuffer *
gst_dtls13_association_unprotect (GstDtls13Association * assoc, gboolean rtcp, GstBuffer * in)
{
  GstMapInfo map;
  size_t out_len = 0;
  int rc = DTLS13_ERR_BAD_STATE;

  in = gst_buffer_make_writable (in);
  if (!gst_buffer_map (in, &map, GST_MAP_READWRITE)) {
    gst_buffer_unref (in);
    return NULL;
  }
  g_rec_mutex_lock (&assoc->lock);
  if (assoc->srtp != NULL)
    rc = rtcp ? dtls13_srtp_unprotect_rtcp (assoc->srtp, map.data, map.size, &out_len)
        : dtls13_srtp_unprotect_rtp (assoc->srtp, map.data, map.size, &out_len);
  g_rec_mutex_unlock (&assoc->lock);
  gst_buffer_unmap (in, &map);
  if (rc != 0) {
    GST_LOG ("[%s] SRTP%s packet dropped: %s", assoc->id, rtcp ? "C" : "",
        dtls13_srtp_strerror (rc));
    gst_buffer_unref (in);
    return NULL;
  }
  gst_buffer_set_size (in, out_len);
  return in;
}

/* A server with no connection yet and a ClientHello (or anything) from
 * the network: see gst_dtls13_association_start(). */
static gboolean
cookie_may_be_demanded_locked (GstDtls13Association * assoc)
{
  return assoc->listener != NULL && (assoc->cookie == GST_DTLS13_COOKIE_ALWAYS
      || assoc->under_load || assoc->hrr_sent);
}

static void
refused_client_hello_locked (GstDtls13Association * assoc, const gchar * reason)
{
  assoc->state = GST_DTLS13_CONNECTION_STATE_FAILED;
  assoc->awaiting_client_hello = FALSE;
  assoc->pending_failed = TRUE;
  assoc->failed_alert = 0;
  g_free (assoc->failed_reason);
  assoc->failed_reason = g_strdup (reason);
  GST_WARNING ("[%s] handshake failed: %s", assoc->id, reason);
}

/* Lets the listener answer the datagram; on DTLS13_LISTEN_ACCEPT the
 * connection is created from (and has processed) it. */
static void
listen_locked (GstDtls13Association * assoc, const guint8 * datagram, gsize len)
{
  /* The peer "address" the cookie binds: the association's one peer. */
  size_t addr_len = MIN (strlen (assoc->id), (size_t) DTLS13_LISTEN_MAX_ADDR);
  guint8 hrr[MAX_HRR_BYTES];
  size_t hrr_len = 0;
  guint64 now = now_ms (assoc);
  int rc = dtls13_listen (assoc->listener, datagram, len, assoc->id, addr_len, now, hrr,
      sizeof hrr, &hrr_len);

  switch (rc) {
    case DTLS13_LISTEN_SEND_HRR:
      GST_DEBUG ("[%s] ClientHello answered with a cookie HelloRetryRequest", assoc->id);
      assoc->hrr_sent = TRUE;
      queue_datagram (assoc, gst_buffer_new_memdup (hrr, hrr_len));
      break;
    case DTLS13_LISTEN_ACCEPT:{
      /* Events and address validation apply before the first flight:
       * an alert sent on the ClientHello reaches on_event. */
      dtls13_accept_options opts = { on_event, assoc, assoc->peer_address_validated };
      assoc->conn = dtls13_listener_accept_ex (assoc->listener, datagram, len, assoc->id,
          addr_len, on_send, assoc, now, &opts);
      if (assoc->conn == NULL) {
        if (!assoc->pending_failed)
          refused_client_hello_locked (assoc,
              "the server connection refused the ClientHello the cookie listener accepted");
        else
          assoc->awaiting_client_hello = FALSE;
        free_listener_locked (assoc);
      } else if (!configure_conn_locked (assoc, NULL)) {
        refused_client_hello_locked (assoc, "cannot configure the server connection");
      } else {
        GST_DEBUG ("[%s] ClientHello accepted (%s cookie)", assoc->id,
            assoc->hrr_sent ? "after a" : "without");
        assoc->awaiting_client_hello = FALSE;
        free_listener_locked (assoc);
      }
      break;
    }
    case DTLS13_LISTEN_DROP:
      GST_LOG ("[%s] datagram dropped by the cookie listener", assoc->id);
      break;
    default:
      GST_WARNING ("[%s] cookie listener: %s", assoc->id, dtls13_strerror (rc));
      break;
  }
}

/* For a server with no connection yet. Returns TRUE when the datagram was
 * consumed (by the listener), FALSE when it is for the (possibly just
 * created) connection. */
static gboolean
answer_before_connection_locked (GstDtls13Association * assoc, const guint8 * datagram,
    gsize len)
{
  if (cookie_may_be_demanded_locked (assoc)) {
    listen_locked (assoc, datagram, len);
    return TRUE;
  }
  /* under-load, not under load: what the listener would accept anyway,
   * with peer-address-validated applied before the first flight. */
  free_listener_locked (assoc);
  assoc->awaiting_client_hello = FALSE;
  assoc->conn = dtls13_conn_new (assoc->cfg, DTLS13_ROLE_SERVER, on_send, assoc);
  if (assoc->conn == NULL || !configure_conn_locked (assoc, NULL)
      || dtls13_conn_start (assoc->conn, now_ms (assoc)) != 0) {
    refused_client_hello_locked (assoc, "cannot create the server connection");
    return TRUE;
  }
  return FALSE;
}

void
gst_dtls13_association_handle_datagram (GstDtls13Association * assoc,
    const guint8 * datagram, gsize len, GList ** data_out)
{
  gboolean consumed = FALSE;

  g_rec_mutex_lock (&assoc->lock);
  if (assoc->conn == NULL && assoc->awaiting_client_hello)
    consumed = answer_before_connection_locked (assoc, datagram, len);
  if (consumed) {
    rearm_timer_locked (assoc);
  } else if (assoc->conn == NULL) {
    assoc->datagrams_dropped++;
    GST_DEBUG ("[%s] DTLS datagram before the encoder started: dropped", assoc->id);
  } else {
    guint8 *record = g_malloc (MAX_RECORD_BYTES);
    int n;
    dtls13_conn_handle_datagram (assoc->conn, datagram, len, now_ms (assoc));
    while ((n = dtls13_conn_read (assoc->conn, record, MAX_RECORD_BYTES)) >= 0)
      *data_out = g_list_append (*data_out, gst_buffer_new_memdup (record, (gsize) n));
    g_free (record);
    rearm_timer_locked (assoc);
  }
  g_rec_mutex_unlock (&assoc->lock);
  emit_pending (assoc);
}

/* ---- status ---- */

GstDtls13ConnectionState
gst_dtls13_association_state (GstDtls13Association * assoc)
{
  GstDtls13ConnectionState state;

  g_rec_mutex_lock (&assoc->lock);
  state = assoc->state;
  g_rec_mutex_unlock (&assoc->lock);
  return state;
}

static gchar *
conn_string (GstDtls13Association * assoc, int what)
{
  const char *name = NULL;

  g_rec_mutex_lock (&assoc->lock);
  if (assoc->conn != NULL) {
    if (what == 0)
      name = dtls13_version_name (dtls13_conn_version (assoc->conn));
    else if (what == 1)
      name = dtls13_cipher_suite_name (dtls13_conn_cipher_suite (assoc->conn));
    else
      name = dtls13_srtp_profile_name (dtls13_conn_srtp_profile (assoc->conn));
  }
  g_rec_mutex_unlock (&assoc->lock);
  return g_strdup (name);
}

gchar *
gst_dtls13_association_version (GstDtls13Association * assoc)
{
  return conn_string (assoc, 0);
}

gchar *
gst_dtls13_association_cipher_suite (GstDtls13Association * assoc)
{
  return conn_string (assoc, 1);
}

gchar *
gst_dtls13_association_srtp_profile (GstDtls13Association * assoc)
{
  return conn_string (assoc, 2);
}

gchar *
gst_dtls13_association_local_fingerprint (GstDtls13Association * assoc)
{
  gchar *fp;

  g_rec_mutex_lock (&assoc->lock);
  fp = g_strdup (assoc->local_fingerprint);
  g_rec_mutex_unlock (&assoc->lock);
  return fp;
}

GstStructure *
gst_dtls13_association_stats (GstDtls13Association * assoc)
{
  dtls13_stats st;
  dtls13_srtp_stats ss;
  dtls13_listener_stats ls;
  guint64 dropped_before_keys, datagrams_dropped;

  memset (&st, 0, sizeof st);
  g_rec_mutex_lock (&assoc->lock);
  if (assoc->conn != NULL)
    dtls13_conn_stats (assoc->conn, &st);
  if (assoc->listener != NULL)
    dtls13_listener_get_stats (assoc->listener, &ls);
  else
    ls = assoc->listener_stats;
  dtls13_srtp_get_stats (assoc->srtp, &ss);
  dropped_before_keys = assoc->media_dropped_before_keys;
  datagrams_dropped = assoc->datagrams_dropped;
  g_rec_mutex_unlock (&assoc->lock);
  return gst_structure_new ("application/x-dtls13-stats",
      "datagrams-in", G_TYPE_UINT64, (guint64) st.datagrams_in,
      "datagrams-out", G_TYPE_UINT64, (guint64) st.datagrams_out,
      "records-in", G_TYPE_UINT64, (guint64) st.records_in,
      "records-out", G_TYPE_UINT64, (guint64) st.records_out,
      "retransmissions", G_TYPE_UINT64, (guint64) st.retransmissions,
      "handshake-ms", G_TYPE_UINT64, (guint64) st.handshake_ms,
      "records-dropped-bad-tag", G_TYPE_UINT64, (guint64) st.dropped_bad_tag,
      "records-dropped-replay", G_TYPE_UINT64, (guint64) st.dropped_replay,
      "key-updates-sent", G_TYPE_UINT64, (guint64) st.key_updates_sent,
      "key-updates-received", G_TYPE_UINT64, (guint64) st.key_updates_received,
      "hrr-sent", G_TYPE_UINT64, (guint64) ls.hrr_sent,
      "cookies-invalid", G_TYPE_UINT64, (guint64) ls.cookies_invalid,
      "srtp-rtp-protected", G_TYPE_UINT64, (guint64) ss.rtp_protected,
      "srtp-rtcp-protected", G_TYPE_UINT64, (guint64) ss.rtcp_protected,
      "srtp-rtp-unprotected", G_TYPE_UINT64, (guint64) ss.rtp_unprotected,
      "srtp-rtcp-unprotected", G_TYPE_UINT64, (guint64) ss.rtcp_unprotected,
      "srtp-auth-failures", G_TYPE_UINT64, (guint64) ss.auth_failures,
      "srtp-replays", G_TYPE_UINT64, (guint64) ss.replays,
      "srtp-bad-packets", G_TYPE_UINT64, (guint64) ss.bad_packets,
      "media-dropped-before-keys", G_TYPE_UINT64, dropped_before_keys,
      "datagrams-dropped", G_TYPE_UINT64, datagrams_dropped, NULL);
}

GstDtls13Association *
gst_dtls13_association_join (GstElement * element, const gchar * id, gboolean is_encoder)
{
  GstDtls13Association *assoc;
  gboolean attached;

  if (id == NULL || id[0] == '\0') {
    GST_ELEMENT_ERROR (element, LIBRARY, SETTINGS, ("connection-id is not set"),
        ("the encoder and decoder of one association share a connection-id"));
    return NULL;
  }
  assoc = gst_dtls13_association_acquire (id);
  attached = is_encoder ? gst_dtls13_association_set_encoder (assoc, element)
      : gst_dtls13_association_set_decoder (assoc, element);
  if (!attached) {
    GST_ELEMENT_ERROR (element, LIBRARY, SETTINGS, ("connection-id already in use"),
        ("another %s uses connection-id '%s'", is_encoder ? "dtls13srtpenc" : "dtls13srtpdec",
            gst_dtls13_association_id (assoc)));
    gst_dtls13_association_release (assoc);
    return NULL;
  }
  return assoc;
}
