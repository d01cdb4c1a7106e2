/* GStreamer dtls13 plugin - between the association and its engine: the
 * output queue the encoder's src task drains, the engine's callbacks
 * (called under the association's lock), and the signals they cause,
 * emitted outside the lock. */
#include "gstdtls13associationpriv.h"

#include <stdio.h>
#include <string.h>

#include "dtls13/conn.h"
#include "dtls13/constants.h"
#include "dtls13/srtp.h"
#include "gstdtls13pem.h"

/* ---- output queue ---- */

void
assoc_queue_datagram (GstDtls13Association * assoc, GstBuffer * buf)
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

int
assoc_on_send (void *user, const uint8_t * datagram, size_t len)
{
  GstDtls13Association *assoc = user;

  assoc_queue_datagram (assoc, gst_buffer_new_memdup (datagram, len));
  return 0;
}

void
assoc_on_log (void *user, dtls13_log_level level, const char *message)
{
  GstDtls13Association *assoc = user;
  GstDebugLevel gst_level = level == DTLS13_LOG_ERROR ? GST_LEVEL_ERROR :
      level == DTLS13_LOG_WARN ? GST_LEVEL_WARNING :
      level == DTLS13_LOG_INFO ? GST_LEVEL_INFO : GST_LEVEL_DEBUG;

  GST_CAT_LEVEL_LOG (gst_dtls13_debug, gst_level, NULL, "[%s] %s", assoc->id, message);
}

void
assoc_on_keylog (void *user, const char *line)
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

static gboolean
emit_peer_certificate (GstElement * element, const gchar * pem)
{
  gboolean reject = FALSE;

  if (element != NULL)
    g_signal_emit_by_name (element, "on-peer-certificate", pem, &reject);
  return reject;
}

int
assoc_on_verify (void *user, const uint8_t * cert_der, size_t cert_len)
{
  GstDtls13Association *assoc = user;
  gchar *pem = gst_dtls13_der_to_pem (cert_der, cert_len);
  gboolean reject = emit_peer_certificate (assoc->enc, pem)
      || emit_peer_certificate (assoc->dec, pem);

  GST_INFO ("[%s] peer certificate %s", assoc->id, reject ? "rejected" : "accepted");
  g_free (pem);
  return reject ? 1 : 0;
}

void
assoc_on_event (void *user, dtls13_conn * conn, const dtls13_event * event)
{
  GstDtls13Association *assoc = user;

  (void) conn;
  switch (event->type) {
    case DTLS13_EVENT_HANDSHAKE_DONE:
      assoc->state = GST_DTLS13_CONNECTION_STATE_CONNECTED;
      assoc_install_srtp_locked (assoc);
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
/* ---- signals, emitted outside the lock ---- */

void
assoc_emit_pending (GstDtls13Association * assoc)
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
