/* GStreamer dtls13 plugin - the association's life cycle: the registry by
 * connection-id, attaching the elements, start and stop. See
 * gstdtls13association.h; the other jobs are in gstdtls13assoc*.c. */
#include "gstdtls13associationpriv.h"

#include <string.h>

#include "dtls13/conn.h"
#include "dtls13/errors.h"
#include "dtls13/listen.h"
#include "dtls13/srtp.h"

/* The registry of associations by connection-id: the plugin's one piece
 * of shared mutable state (see the header). */
static GMutex registry_lock;
static GHashTable *registry;

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
  g_free (assoc->cert_pem_sha256);
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

void
assoc_ref (GstDtls13Association * assoc)
{
  g_mutex_lock (&registry_lock);
  assoc->refcount++;
  g_mutex_unlock (&registry_lock);
}

void
assoc_release_notify (gpointer data)
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
  assoc->cfg = assoc_make_config (assoc, s, error);
  if (assoc->cfg == NULL)
    goto out;
  /* Created in every case, so that its settings are checked now. */
  assoc->conn = dtls13_conn_new (assoc->cfg,
      s->is_client ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER, assoc_on_send, assoc);
  if (assoc->conn == NULL) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "cannot create connection");
    goto out;
  }
  if (!assoc_configure_conn_locked (assoc, error))
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
  } else if (dtls13_conn_start (assoc->conn, assoc_now_ms (assoc)) != 0) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED, "cannot start the handshake");
    goto out;
  }
  GST_INFO ("[%s] started as %s (cookie %s), local fingerprint %s", assoc->id,
      s->is_client ? "client" : "server", s->is_client ? "n/a"
      : s->cookie == GST_DTLS13_COOKIE_ALWAYS ? "always"
      : s->cookie == GST_DTLS13_COOKIE_NEVER ? "never" : "under-load", assoc->local_fingerprint);
  assoc_rearm_timer_locked (assoc);
  ok = TRUE;
out:
  g_rec_mutex_unlock (&assoc->lock);
  if (!ok)
    gst_dtls13_association_stop (assoc);
  assoc_emit_pending (assoc);
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
      /* assoc_on_event saw the bad_certificate alert and dropped the keys. */
      GST_WARNING ("[%s] the peer certificate received earlier does not match %s",
          assoc->id, fingerprint);
    }
  }
  g_rec_mutex_unlock (&assoc->lock);
  assoc_emit_pending (assoc);
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
  assoc_cancel_timer_locked (assoc);
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
  assoc_drop_held_locked (assoc);
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
