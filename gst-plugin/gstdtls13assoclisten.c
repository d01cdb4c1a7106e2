/* GStreamer dtls13 plugin - datagrams from the network: a server's cookie
 * listener before its connection exists (see
 * gst_dtls13_association_start), then the connection. */
#include "gstdtls13associationpriv.h"

#include <string.h>

#include "dtls13/conn.h"
#include "dtls13/errors.h"
#include "dtls13/listen.h"

/* The listener is done once a connection exists: its counters are kept,
 * its cookie secrets zeroized. */
void
assoc_free_listener_locked (GstDtls13Association * assoc)
{
  if (assoc->listener == NULL)
    return;
  dtls13_listener_get_stats (assoc->listener, &assoc->listener_stats);
  dtls13_listener_free (assoc->listener);
  assoc->listener = NULL;
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
  guint64 now = assoc_now_ms (assoc);
  int rc = dtls13_listen (assoc->listener, datagram, len, assoc->id, addr_len, now, hrr,
      sizeof hrr, &hrr_len);

  switch (rc) {
    case DTLS13_LISTEN_SEND_HRR:
      GST_DEBUG ("[%s] ClientHello answered with a cookie HelloRetryRequest", assoc->id);
      assoc->hrr_sent = TRUE;
      assoc_queue_datagram (assoc, gst_buffer_new_memdup (hrr, hrr_len));
      break;
    case DTLS13_LISTEN_ACCEPT:{
      /* Events and address validation apply before the first flight:
       * an alert sent on the ClientHello reaches assoc_on_event. */
      dtls13_accept_options opts = { assoc_on_event, assoc, assoc->peer_address_validated };
      assoc->conn = dtls13_listener_accept_ex (assoc->listener, datagram, len, assoc->id,
          addr_len, assoc_on_send, assoc, now, &opts);
      if (assoc->conn == NULL) {
        if (!assoc->pending_failed)
          refused_client_hello_locked (assoc,
              "the server connection refused the ClientHello the cookie listener accepted");
        else
          assoc->awaiting_client_hello = FALSE;
        assoc_free_listener_locked (assoc);
      } else if (!assoc_configure_conn_locked (assoc, NULL)) {
        refused_client_hello_locked (assoc, "cannot configure the server connection");
      } else {
        GST_DEBUG ("[%s] ClientHello accepted (%s cookie)", assoc->id,
            assoc->hrr_sent ? "after a" : "without");
        assoc->awaiting_client_hello = FALSE;
        assoc_free_listener_locked (assoc);
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
  assoc_free_listener_locked (assoc);
  assoc->awaiting_client_hello = FALSE;
  assoc->conn = dtls13_conn_new (assoc->cfg, DTLS13_ROLE_SERVER, assoc_on_send, assoc);
  if (assoc->conn == NULL || !assoc_configure_conn_locked (assoc, NULL)
      || dtls13_conn_start (assoc->conn, assoc_now_ms (assoc)) != 0) {
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
    assoc_rearm_timer_locked (assoc);
  } else if (assoc->conn == NULL) {
    assoc->datagrams_dropped++;
    GST_DEBUG ("[%s] DTLS datagram before the encoder started: dropped", assoc->id);
  } else {
    guint8 *record = g_malloc (MAX_RECORD_BYTES);
    int n;
    dtls13_conn_handle_datagram (assoc->conn, datagram, len, assoc_now_ms (assoc));
    while ((n = dtls13_conn_read (assoc->conn, record, MAX_RECORD_BYTES)) >= 0)
      *data_out = g_list_append (*data_out, gst_buffer_new_memdup (record, (gsize) n));
    g_free (record);
    assoc_rearm_timer_locked (assoc);
  }
  g_rec_mutex_unlock (&assoc->lock);
  assoc_emit_pending (assoc);
}
