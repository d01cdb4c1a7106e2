/* GStreamer dtls13 plugin - the association's clock: milliseconds of the
 * system clock for the engine, and the retransmission timer scheduled for
 * dtls13_conn_next_timeout(). */
#include "gstdtls13associationpriv.h"

#include "dtls13/conn.h"

guint64
assoc_now_ms (GstDtls13Association * assoc)
{
  return gst_clock_get_time (assoc->clock) / GST_MSECOND;
}

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
    dtls13_conn_handle_timeout (assoc->conn, assoc_now_ms (assoc));
    assoc_rearm_timer_locked (assoc);
  }
  g_rec_mutex_unlock (&assoc->lock);
  assoc_emit_pending (assoc);
  return TRUE;
}

void
assoc_cancel_timer_locked (GstDtls13Association * assoc)
{
  if (assoc->timer != NULL) {
    gst_clock_id_unschedule (assoc->timer);
    gst_clock_id_unref (assoc->timer);
    assoc->timer = NULL;
  }
  assoc->timer_ms = G_MAXUINT64;
}

/* Also refreshes the connection state after every engine call. */
void
assoc_rearm_timer_locked (GstDtls13Association * assoc)
{
  guint64 next;

  if (assoc->conn == NULL) {
    assoc_cancel_timer_locked (assoc);
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
  assoc_cancel_timer_locked (assoc);
  if (next == G_MAXUINT64)
    return;
  assoc->timer = gst_clock_new_single_shot_id (assoc->clock, next * GST_MSECOND);
  assoc->timer_ms = next;
  assoc_ref (assoc);
  if (gst_clock_id_wait_async (assoc->timer, on_timer, assoc,
          assoc_release_notify) != GST_CLOCK_OK) {
    GST_WARNING ("[%s] cannot schedule the retransmission timer", assoc->id);
  }
}

gboolean
gst_dtls13_association_path_ready (GstDtls13Association * assoc)
{
  gboolean handshaking;

  g_rec_mutex_lock (&assoc->lock);
  handshaking = assoc->conn != NULL
      && assoc->state == GST_DTLS13_CONNECTION_STATE_CONNECTING;
  if (handshaking) {
    GST_DEBUG ("[%s] path ready: resending the current flight", assoc->id);
    dtls13_conn_path_ready (assoc->conn, assoc_now_ms (assoc));
    assoc_rearm_timer_locked (assoc);
  }
  g_rec_mutex_unlock (&assoc->lock);
  assoc_emit_pending (assoc);
  return handshaking;
}
