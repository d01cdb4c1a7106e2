/* GStreamer dtls13 plugin - what the association reports: its state, the
 * negotiated parameters, the local fingerprint and the statistics. */
#include "gstdtls13associationpriv.h"

#include <string.h>

#include "dtls13/conn.h"
#include "dtls13/constants.h"
#include "dtls13/listen.h"
#include "dtls13/srtp.h"

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
