/* GStreamer dtls13 plugin - the association's SRTP keying and media: the
 * SRTP session made from the exported keys, media held before the keys
 * exist, protection of outgoing and unprotection of incoming packets, and
 * DTLS application data (the data channel). */
#include "gstdtls13associationpriv.h"

#include "dtls13/conn.h"
#include "dtls13/errors.h"
#include "dtls13/srtp.h"

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
  rc = dtls13_conn_write (assoc->conn, map.data, map.size, assoc_now_ms (assoc));
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
      assoc_queue_datagram (assoc, out);
  }
}

void
assoc_install_srtp_locked (GstDtls13Association * assoc)
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
      assoc_rearm_timer_locked (assoc);
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

void
assoc_drop_held_locked (GstDtls13Association * assoc)
{
  while (assoc->held.length > 0) {
    HeldMedia *held = g_queue_pop_head (&assoc->held);
    gst_buffer_unref (held->buffer);
    g_free (held);
  }
}
