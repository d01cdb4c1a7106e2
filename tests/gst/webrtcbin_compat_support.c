/* The webrtcbin peers' helpers: signalling, frame counting, the data
 * channel and what webrtcbin made. See the header. */
#include "webrtcbin_compat_support.h"

#include <string.h>

/* ---- signalling: messages are handled on the main loop ---- */

typedef struct {
  Peer *to;
  gchar *kind;                  /* "offer", "answer", "ice" */
  guint mline;
  gchar *text;
} Message;

/* Idle callback: applies a message of the in-process remote peer. */
static gboolean
deliver_message (gpointer data)
{
  Message *m = data;

  handle_message (m->to, m->kind, m->mline, m->text);
  g_free (m->kind);
  g_free (m->text);
  g_free (m);
  return G_SOURCE_REMOVE;
}

/* Reports a setup error: to peer->fail, or printed with the peer's name. */
static void
report (Peer * peer, const gchar * message)
{
  if (peer->fail != NULL)
    peer->fail (peer, message);
  else
    g_printerr ("%s: %s\n", peer->name, message);
}

/* Sends a signalling message: through the peer's send hook, to the peer
 * in this process, or as one line to the other process. */
static void
send_message (Peer * from, const gchar * kind, guint mline, const gchar * text)
{
  if (from->send != NULL) {
    from->send (from, kind, mline, text);
  } else if (from->remote != NULL) {
    Message *m = g_new0 (Message, 1);
    m->to = from->remote;
    m->kind = g_strdup (kind);
    m->mline = mline;
    m->text = g_strdup (text);
    g_idle_add (deliver_message, m);
  } else {
    /* One line: kind, m-line index, then the base64 text. */
    gchar *b64 = g_base64_encode ((const guchar *) text, strlen (text));
    fprintf (from->proto_out, "%s %u %s\n", kind, mline, b64);
    fflush (from->proto_out);
    g_free (b64);
  }
}

/* create-offer / create-answer's promise: sets the local description and
 * sends it. */
static void
on_local_description (GstPromise * promise, gpointer user_data)
{
  Peer *peer = user_data;
  const gchar *field = peer->offerer ? "offer" : "answer";
  const GstStructure *reply = gst_promise_get_reply (promise);
  GType session_description_type = g_type_from_name ("GstWebRTCSessionDescription");
  SessionDescription *desc = NULL;
  gchar *text;

  if (reply == NULL || !gst_structure_get (reply, field, session_description_type, &desc, NULL)) {
    gst_promise_unref (promise);
    report (peer, peer->offerer ? "webrtcbin made no offer" : "webrtcbin made no answer");
    return;
  }
  gst_promise_unref (promise);
  g_signal_emit_by_name (peer->webrtc, "set-local-description", desc, NULL);
  text = gst_sdp_message_as_text (desc->sdp);
  send_message (peer, field, 0, text);
  g_free (text);
  g_boxed_free (session_description_type, desc);
}

void
on_negotiation_needed (GstElement * webrtc, gpointer user_data)
{
  Peer *peer = user_data;

  (void) webrtc;
  g_signal_emit_by_name (peer->webrtc, "create-offer", NULL,
      gst_promise_new_with_change_func (on_local_description, peer, NULL));
}

/* set-remote-description's promise: the answerer answers. */
static void
on_remote_set (GstPromise * promise, gpointer user_data)
{
  Peer *peer = user_data;

  gst_promise_unref (promise);
  if (!peer->offerer)
    g_signal_emit_by_name (peer->webrtc, "create-answer", NULL,
        gst_promise_new_with_change_func (on_local_description, peer, NULL));
}

void
on_ice_candidate (GstElement * webrtc, guint mline, const gchar * candidate, gpointer user_data)
{
  (void) webrtc;
  send_message (user_data, "ice", mline, candidate);
}

void
handle_message (Peer * peer, const gchar * kind, guint mline, const gchar * text)
{
  if (g_str_equal (kind, "ice")) {
    g_signal_emit_by_name (peer->webrtc, "add-ice-candidate", mline, text);
  } else {
    SessionDescription desc = { g_str_equal (kind, "offer") ? SDP_TYPE_OFFER : SDP_TYPE_ANSWER,
      NULL
    };
    if (text == NULL || gst_sdp_message_new_from_text (text, &desc.sdp) != GST_SDP_OK) {
      if (peer->fail != NULL)
        peer->fail (peer, "unparsable remote description");
      else
        peer->error = g_strdup_printf ("%s: unparsable %s", peer->name, kind);
      return;
    }
    g_free (peer->remote_sdp);
    peer->remote_sdp = g_strdup (text);
    /* The signal's boxed argument is copied (a real GstWebRTCSessionDescription). */
    g_signal_emit_by_name (peer->webrtc, "set-remote-description", &desc,
        gst_promise_new_with_change_func (on_remote_set, peer, NULL));
    gst_sdp_message_free (desc.sdp);
  }
}

/* ---- media and data ---- */

/* Buffer probe on the frame sink: counts a decoded frame. */
static GstPadProbeReturn
count_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Peer *peer = user_data;

  (void) pad;
  (void) info;
  g_atomic_int_inc (&peer->frames);
  return GST_PAD_PROBE_OK;
}

void
on_pad_added (GstElement * webrtc, GstPad * pad, gpointer user_data)
{
  Peer *peer = user_data;
  GError *error = NULL;
  GstElement *bin;
  GstPad *sink;

  (void) webrtc;
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  bin = gst_parse_bin_from_description ("queue ! rtpvp8depay ! vp8dec ! "
      "fakesink name=frames sync=false async=false", TRUE, &error);
  if (bin == NULL && peer->fail != NULL) {
    peer->fail (peer, error->message);
    g_error_free (error);
    return;
  }
  g_assert_no_error (error);
  gst_bin_add (GST_BIN (peer->pipeline), bin);
  gst_element_sync_state_with_parent (bin);
  sink = gst_element_get_static_pad (bin, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    report (peer, "cannot link webrtcbin's video to the decoder");
  gst_object_unref (sink);
  {
    GstElement *frames = gst_bin_get_by_name (GST_BIN (bin), "frames");
    GstPad *frames_sink = gst_element_get_static_pad (frames, "sink");
    gst_pad_add_probe (frames_sink, GST_PAD_PROBE_TYPE_BUFFER, count_frame, peer, NULL);
    gst_object_unref (frames_sink);
    gst_object_unref (frames);
  }
}

void
on_message_string (GObject * channel, const gchar * text, gpointer user_data)
{
  Peer *peer = user_data;

  (void) channel;
  (void) text;
  g_atomic_int_inc (&peer->messages);
}

typedef struct {
  Peer *peer;
  GObject *channel;
} ChannelArrival;

/* Idle callback: keeps the first data channel that arrived. */
static gboolean
store_channel (gpointer data)
{
  ChannelArrival *arrival = data;

  if (arrival->peer->channel == NULL)
    arrival->peer->channel = arrival->channel;
  else
    g_object_unref (arrival->channel);
  g_free (arrival);
  return G_SOURCE_REMOVE;
}

void
on_data_channel (GstElement * webrtc, GObject * channel, gpointer user_data)
{
  ChannelArrival *arrival = g_new0 (ChannelArrival, 1);

  (void) webrtc;
  g_signal_connect (channel, "on-message-string", G_CALLBACK (on_message_string), user_data);
  arrival->peer = user_data;
  arrival->channel = g_object_ref (channel);
  g_idle_add (store_channel, arrival);
}

/* TRUE when the data channel's ready-state is open. */
static gboolean
channel_open (GObject * channel)
{
  GEnumValue *value;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (channel), "ready-state");
  gint state = 0;
  gboolean open;

  g_object_get (channel, "ready-state", &state, NULL);
  value = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class, state);
  open = value != NULL && g_str_equal (value->value_nick, "open");
  return open;
}

/* Main thread, every 100 ms: one more message once the channel is open. */
void
send_data (Peer * peer)
{
  gchar *text;

  if (peer->channel == NULL || peer->sent >= WANT_MESSAGES || !channel_open (peer->channel))
    return;
  text = g_strdup_printf ("message %d from %s", peer->sent, peer->name);
  g_signal_emit_by_name (peer->channel, "send-string", text);
  g_free (text);
  peer->sent++;
}

LineResult
read_signal_line (GIOChannel * channel, gchar ** line)
{
  GIOStatus st;

  *line = NULL;
  st = g_io_channel_read_line (channel, line, NULL, NULL, NULL);
  if (st == G_IO_STATUS_NORMAL && *line != NULL)
    return LINE_READ;
  g_clear_pointer (line, g_free);
  return st == G_IO_STATUS_AGAIN ? LINE_NONE_YET : LINE_END;
}

/* ---- what webrtcbin made ---- */

gboolean
require_factories (const gchar * const *names)
{
  for (const gchar * const *n = names; *n != NULL; n++) {
    GstElementFactory *f = gst_element_factory_find (*n);
    if (f == NULL) {
      g_printerr ("SKIP: no %s element installed\n", *n);
      return FALSE;
    }
    gst_object_unref (f);
  }
  return TRUE;
}

gchar *
pem_fingerprint (const gchar * pem)
{
  const gchar *begin = pem ? strstr (pem, "-----BEGIN CERTIFICATE-----") : NULL;
  const gchar *end = begin ? strstr (begin, "-----END CERTIFICATE-----") : NULL;
  GString *b64, *fp;
  GChecksum *sha;
  guint8 digest[32];
  gsize digest_len = sizeof digest, der_len = 0;
  guchar *der;

  if (end == NULL)
    return NULL;
  b64 = g_string_new (NULL);
  for (const gchar * c = begin + strlen ("-----BEGIN CERTIFICATE-----"); c < end; c++)
    if (!g_ascii_isspace (*c))
      g_string_append_c (b64, *c);
  der = g_base64_decode (b64->str, &der_len);
  g_string_free (b64, TRUE);
  if (der_len == 0) {
    g_free (der);
    return NULL;
  }
  sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sha, der, der_len);
  g_checksum_get_digest (sha, digest, &digest_len);
  g_checksum_free (sha);
  g_free (der);
  fp = g_string_new ("sha-256 ");
  for (gsize i = 0; i < digest_len; i++)
    g_string_append_printf (fp, "%s%02X", i ? ":" : "", digest[i]);
  return g_string_free (fp, FALSE);
}

/* The first element made by factory name inside bin, recursively (a
 * reference), or NULL. */
GstElement *
find_by_factory (GstElement * bin, const gchar * factory_name)
{
  GstIterator *it = gst_bin_iterate_recurse (GST_BIN (bin));
  GValue item = G_VALUE_INIT;
  GstElement *found = NULL;

  while (found == NULL && gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    GstElement *element = g_value_get_object (&item);
    GstElementFactory *factory = gst_element_get_factory (element);
    if (factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), factory_name))
      found = gst_object_ref (element);
    g_value_reset (&item);
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  return found;
}

gchar *
enc_type_name (Peer * peer)
{
  GstElement *enc = find_by_factory (peer->webrtc, "dtlssrtpenc");
  gchar *name = g_strdup (enc ? G_OBJECT_TYPE_NAME (enc) : "none");

  if (enc)
    gst_object_unref (enc);
  return name;
}

/* Our elements' dtls-version; NULL for stock elements or before. */
gchar *
dtls_version (Peer * peer)
{
  GstElement *enc = find_by_factory (peer->webrtc, "dtlssrtpenc");
  gchar *version = NULL;

  if (enc && g_object_class_find_property (G_OBJECT_GET_CLASS (enc), "dtls-version"))
    g_object_get (enc, "dtls-version", &version, NULL);
  if (enc)
    gst_object_unref (enc);
  return version;
}

/* 1: the peer certificate dtlssrtpdec received hashes to the remote SDP's
 * a=fingerprint (what an application checks through the transport's
 * remote-certificate); 0: not known yet; -1: it does not. */
gint
fingerprint_check (Peer * peer)
{
  GstElement *dec = find_by_factory (peer->webrtc, "dtlssrtpdec");
  gchar *pem = NULL, *expected = NULL, *fp = NULL;
  const gchar *line;
  gint result = 0;

  if (dec) {
    g_object_get (dec, "peer-pem", &pem, NULL);
    gst_object_unref (dec);
  }
  line = peer->remote_sdp ? strstr (peer->remote_sdp, "a=fingerprint:") : NULL;
  if (pem == NULL || line == NULL)
    goto out;
  expected = g_strndup (line + strlen ("a=fingerprint:"), strcspn (line, "\r\n")
      - strlen ("a=fingerprint:"));
  fp = pem_fingerprint (pem);
  result = fp != NULL && g_ascii_strcasecmp (fp, expected) == 0 ? 1 : -1;
  if (result < 0)
    g_printerr ("%s: peer certificate %s, remote SDP says %s\n", peer->name,
        fp ? fp : "(unreadable)", expected);
out:
  g_free (expected);
  g_free (pem);
  g_free (fp);
  return result;
}
