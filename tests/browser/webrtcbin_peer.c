/* webrtcbin_peer: a standard webrtcbin sendrecv peer whose signalling is
 * JSON lines on stdin/stdout, for run_webrtcbin_chromium.mjs (headless
 * Chromium on the other end).
 *
 *   webrtcbin_peer --role offerer|answerer [--timeout S]
 *
 * The pipeline is the usual one, videotestsrc ! vp8enc ! rtpvp8pay !
 * webrtcbin, incoming video depayloaded, decoded and counted at a fakesink.
 * There is no DTLS code here, as in any unmodified webrtcbin application:
 * which DTLS elements webrtcbin gets is decided by the environment
 * (GST_PLUGIN_PATH = libdtls13's drop-in plugin's directory). The program
 * only observes what webrtcbin made: the GType of its dtlssrtpenc and
 * dtlssrtpdec, the version, cipher suite and SRTP profile those report
 * (properties only the drop-in has; absent with the stock elements), and,
 * through webrtcbin's own API, the DTLS transport's state, role and remote
 * certificate.
 *
 * stdin, one JSON object per line:
 *   {"type":"offer"|"answer","sdp":"..."}          the remote description
 *   {"type":"ice","sdpMLineIndex":0,"candidate":"candidate:..."}
 *   {"type":"quit"}                                stop (so does EOF)
 * stdout, one JSON object per line:
 *   {"type":"offer"|"answer","sdp":"..."}          the local description
 *   {"type":"ice","sdpMLineIndex":0,"candidate":"candidate:..."}
 *   {"type":"status", ...}                         every 200 ms
 *   {"type":"result", ...}                         the last status, at exit
 *   {"type":"error","message":"..."}               a pipeline error
 * A status holds: frames (decoded VP8 frames), dtlssrtpenc/dtlssrtpdec (the
 * GType names), dtls_version, cipher_suite, srtp_profile (the elements'
 * read-only properties, null when absent), dtls_state and dtls_client (the
 * DTLS transport's state nick and role), peer_certificate_sha256 (the
 * SHA-256 fingerprint of the transport's remote-certificate, as an SDP
 * writes it), connection_state and ice_connection_state (webrtcbin's),
 * ice_connected_ms and dtls_connected_ms (milliseconds from the program's
 * start to webrtcbin's first ICE connected-or-completed and its DTLS
 * transport's first connected; -1 before).
 *
 * Exit status 0 after quit/EOF, 1 on an error or --timeout (default 90 s),
 * 2 for bad options, 77 when an element it needs is not installed. Other
 * output (GStreamer's, GLib's) goes to stderr.
 *
 * The offer/answer and ICE plumbing, the frame counter and the inspection
 * helpers are tests/gst/webrtcbin_compat_support.c's, which
 * test_webrtcbin_compat uses too; this file is the JSON protocol. */
#include "webrtcbin_compat_support.h"

#include <json-glib/json-glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATUS_INTERVAL_MS 200

#define VIDEO_PIPELINE \
  "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! " \
  "vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! " \
  "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! " \
  "webrtcbin name=webrtc bundle-policy=max-bundle"

typedef struct {
  Peer base;                    /* first: webrtcbin, signalling, decoded frames */
  FILE *out;                    /* the protocol: the original stdout */
  GMainLoop *loop;
  gint exit_status;
  /* Milliseconds since start when webrtcbin's ICE first said connected
   * (or completed) and its DTLS transport first said connected; -1 before.
   * Written from webrtcbin's threads, under lock. */
  GMutex lock;
  gint64 start_us, ice_connected_ms, dtls_connected_ms;
  gboolean watching_transport;  /* main thread */
} BrowserPeer;

/* ---- the protocol ---- */

/* Writes the finished message as one line of the protocol. */
static void
emit (BrowserPeer * peer, JsonBuilder * builder)
{
  JsonNode *root = json_builder_get_root (builder);
  gchar *text = json_to_string (root, FALSE);

  fprintf (peer->out, "%s\n", text);
  fflush (peer->out);
  g_free (text);
  json_node_unref (root);
  g_object_unref (builder);
}

/* A new message object of type. */
static JsonBuilder *
message_begin (const gchar * type)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  return b;
}

/* Closes the message object and writes it. */
static void
message_end (BrowserPeer * peer, JsonBuilder * b)
{
  json_builder_end_object (b);
  emit (peer, b);
}

/* A string member (null when value is NULL). */
static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* An error message, also on stderr; the support file's fail hook. */
static void
report_error (Peer * base, const gchar * message)
{
  JsonBuilder *b = message_begin ("error");

  add_string (b, "message", message);
  message_end ((BrowserPeer *) base, b);
  g_printerr ("webrtcbin_peer: %s\n", message);
}

/* ---- offer/answer and ICE through webrtcbin's signals ---- */

/* The support file's send hook: the local description or a candidate
 * as a message. */
static void
send_signal (Peer * from, const gchar * kind, guint mline, const gchar * text)
{
  JsonBuilder *b = message_begin (kind);

  if (g_str_equal (kind, "ice")) {
    json_builder_set_member_name (b, "sdpMLineIndex");
    json_builder_add_int_value (b, mline);
    add_string (b, "candidate", text);
  } else {
    add_string (b, "sdp", text);
  }
  message_end ((BrowserPeer *) from, b);
}

/* Applies one message of the harness. */
static void
handle_line (BrowserPeer * peer, const gchar * line)
{
  GError *error = NULL;
  JsonNode *root = json_from_string (line, &error);
  JsonObject *o;
  const gchar *type;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    gchar *m = g_strdup_printf ("not a JSON object on stdin: %s", error ? error->message : line);
    report_error (&peer->base, m);
    g_free (m);
    g_clear_error (&error);
    if (root)
      json_node_unref (root);
    return;
  }
  o = json_node_get_object (root);
  type = json_object_get_string_member_with_default (o, "type", "");
  if (g_str_equal (type, "offer") || g_str_equal (type, "answer")) {
    handle_message (&peer->base, type, 0, json_object_get_string_member_with_default (o, "sdp",
            NULL));
  } else if (g_str_equal (type, "ice")) {
    const gchar *candidate = json_object_get_string_member_with_default (o, "candidate", "");
    gint64 mline = json_object_get_int_member_with_default (o, "sdpMLineIndex", 0);
    /* An empty candidate is the browser's end of candidates. */
    if (candidate[0] != '\0' && mline >= 0)
      handle_message (&peer->base, "ice", (guint) mline, candidate);
  } else if (g_str_equal (type, "quit")) {
    g_main_loop_quit (peer->loop);
  } else {
    gchar *m = g_strdup_printf ("unknown message type '%s'", type);
    report_error (&peer->base, m);
    g_free (m);
  }
  json_node_unref (root);
}

/* stdin watch: one line of the harness, or its end. */
static gboolean
on_stdin (GIOChannel * channel, GIOCondition condition, gpointer user_data)
{
  BrowserPeer *peer = user_data;
  gchar *line;
  LineResult result = read_signal_line (channel, &line);

  (void) condition;
  if (result == LINE_READ) {
    if (g_strstrip (line)[0] != '\0')
      handle_line (peer, line);
    g_free (line);
  }
  if (result != LINE_END)
    return G_SOURCE_CONTINUE;
  g_main_loop_quit (peer->loop);        /* EOF: the harness is gone */
  return G_SOURCE_REMOVE;
}

/* ---- the pipeline ---- */

/* Bus watch: a pipeline error ends the program. */
static gboolean
on_bus (GstBus * bus, GstMessage * message, gpointer user_data)
{
  BrowserPeer *peer = user_data;

  (void) bus;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    gchar *debug = NULL, *text;

    gst_message_parse_error (message, &error, &debug);
    text = g_strdup_printf ("error from %s: %s (%s)", GST_OBJECT_NAME (message->src),
        error->message, debug ? debug : "");
    report_error (&peer->base, text);
    g_free (text);
    g_error_free (error);
    g_free (debug);
    peer->exit_status = 1;
    g_main_loop_quit (peer->loop);
  }
  return G_SOURCE_CONTINUE;
}

/* ---- when ICE and DTLS connected ---- */

/* Notes the milliseconds since start in *slot, the first time only. */
static void
note_time (BrowserPeer * peer, gint64 * slot)
{
  g_mutex_lock (&peer->lock);
  if (*slot < 0)
    *slot = (g_get_monotonic_time () - peer->start_us) / 1000;
  g_mutex_unlock (&peer->lock);
}

/* Reads *slot under the lock. */
static gint64
read_time (BrowserPeer * peer, const gint64 * slot)
{
  gint64 value;

  g_mutex_lock (&peer->lock);
  value = *slot;
  g_mutex_unlock (&peer->lock);
  return value;
}

static const gchar *enum_property_nick (gpointer object, const gchar * name);

/* webrtcbin's notify::ice-connection-state. */
static void
on_ice_state (GObject * webrtc, GParamSpec * pspec, gpointer user_data)
{
  BrowserPeer *peer = user_data;
  const gchar *nick = enum_property_nick (webrtc, "ice-connection-state");

  (void) pspec;
  if (g_strcmp0 (nick, "connected") == 0 || g_strcmp0 (nick, "completed") == 0)
    note_time (peer, &peer->ice_connected_ms);
}

/* The DTLS transport's notify::state. */
static void
on_dtls_state (GObject * transport, GParamSpec * pspec, gpointer user_data)
{
  BrowserPeer *peer = user_data;

  (void) pspec;
  if (g_strcmp0 (enum_property_nick (transport, "state"), "connected") == 0)
    note_time (peer, &peer->dtls_connected_ms);
}

/* ---- what webrtcbin made ---- */

/* A copy of a string property of object, or NULL when it has none (or no object). */
static gchar *
string_property (gpointer object, const gchar * name)
{
  GParamSpec *pspec;
  GValue value = G_VALUE_INIT;
  gchar *text;

  if (object == NULL)
    return NULL;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  if (pspec == NULL || pspec->value_type != G_TYPE_STRING)
    return NULL;
  g_value_init (&value, G_TYPE_STRING);
  g_object_get_property (object, name, &value);
  text = g_value_dup_string (&value);
  g_value_unset (&value);
  return text;
}

/* The nick of an enum property of object, or NULL. */
static const gchar *
enum_property_nick (gpointer object, const gchar * name)
{
  GParamSpec *pspec;
  GEnumValue *value;
  gint state = 0;

  if (object == NULL)
    return NULL;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  if (pspec == NULL || !G_IS_PARAM_SPEC_ENUM (pspec))
    return NULL;
  g_object_get (object, name, &state, NULL);
  value = g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class, state);
  return value ? value->value_nick : NULL;
}

/* The DTLS transport of the first transceiver's sender (a reference), or NULL. */
static GObject *
dtls_transport (BrowserPeer * peer)
{
  GObject *transceiver = NULL, *sender = NULL, *transport = NULL;

  g_signal_emit_by_name (peer->base.webrtc, "get-transceiver", 0, &transceiver);
  if (transceiver == NULL)
    return NULL;
  g_object_get (transceiver, "sender", &sender, NULL);
  if (sender != NULL) {
    g_object_get (sender, "transport", &transport, NULL);
    g_object_unref (sender);
  }
  g_object_unref (transceiver);
  return transport;
}

/* A status (or result) message. */
static void
emit_status (BrowserPeer * peer, const gchar * type)
{
  GstElement *enc = find_by_factory (peer->base.webrtc, "dtlssrtpenc");
  GstElement *dec = find_by_factory (peer->base.webrtc, "dtlssrtpdec");
  GObject *transport = dtls_transport (peer);
  gint64 ice_ms, dtls_ms;
  gchar *version = string_property (enc, "dtls-version");
  gchar *cipher = string_property (enc, "cipher-suite");
  gchar *profile = string_property (enc, "srtp-profile");
  gchar *remote_pem = string_property (transport, "remote-certificate");
  gchar *remote_fp = pem_fingerprint (remote_pem);
  JsonBuilder *b;

  /* The transport exists once a transceiver does: watch it from then on
   * (a state it reached before is caught below). */
  if (transport != NULL && !peer->watching_transport) {
    peer->watching_transport = TRUE;
    g_signal_connect (transport, "notify::state", G_CALLBACK (on_dtls_state), peer);
  }
  if (transport != NULL)
    on_dtls_state (transport, NULL, peer);
  ice_ms = read_time (peer, &peer->ice_connected_ms);
  dtls_ms = read_time (peer, &peer->dtls_connected_ms);
  b = message_begin (type);

  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, g_atomic_int_get (&peer->base.frames));
  add_string (b, "dtlssrtpenc", enc ? G_OBJECT_TYPE_NAME (enc) : NULL);
  add_string (b, "dtlssrtpdec", dec ? G_OBJECT_TYPE_NAME (dec) : NULL);
  add_string (b, "dtls_version", version);
  add_string (b, "cipher_suite", cipher);
  add_string (b, "srtp_profile", profile);
  add_string (b, "dtls_state", enum_property_nick (transport, "state"));
  json_builder_set_member_name (b, "dtls_client");
  if (transport != NULL) {
    gboolean client = FALSE;
    g_object_get (transport, "client", &client, NULL);
    json_builder_add_boolean_value (b, client);
  } else {
    json_builder_add_null_value (b);
  }
  add_string (b, "peer_certificate_sha256", remote_fp);
  add_string (b, "connection_state", enum_property_nick (peer->base.webrtc, "connection-state"));
  add_string (b, "ice_connection_state", enum_property_nick (peer->base.webrtc,
          "ice-connection-state"));
  json_builder_set_member_name (b, "ice_connected_ms");
  json_builder_add_int_value (b, ice_ms);
  json_builder_set_member_name (b, "dtls_connected_ms");
  json_builder_add_int_value (b, dtls_ms);
  message_end (peer, b);
  g_free (version);
  g_free (cipher);
  g_free (profile);
  g_free (remote_pem);
  g_free (remote_fp);
  if (transport)
    g_object_unref (transport);
  if (dec)
    gst_object_unref (dec);
  if (enc)
    gst_object_unref (enc);
}

/* Every STATUS_INTERVAL_MS: a status message. */
static gboolean
on_status_timer (gpointer user_data)
{
  emit_status (user_data, "status");
  return G_SOURCE_CONTINUE;
}

/* --timeout: no quit came. */
static gboolean
on_timeout (gpointer user_data)
{
  BrowserPeer *peer = user_data;

  report_error (&peer->base, "timeout: no quit from the harness");
  peer->exit_status = 1;
  g_main_loop_quit (peer->loop);
  return G_SOURCE_REMOVE;
}

/* ---- main ---- */

/* The elements a call needs. */
static const gchar *const required_factories[] = { "webrtcbin", "nicesrc", "nicesink",
  "dtlssrtpenc", "dtlssrtpdec", "rtpbin", "videotestsrc", "vp8enc", "vp8dec", "rtpvp8pay",
  "rtpvp8depay", NULL
};

/* Bad options. */
static int
usage (void)
{
  g_printerr ("usage: webrtcbin_peer --role offerer|answerer [--timeout SECONDS]\n");
  return 2;
}

int
main (int argc, char **argv)
{
  BrowserPeer peer = { 0 };
  const gchar *role = NULL;
  gint64 timeout_s = 90;
  GError *error = NULL;
  GIOChannel *in;
  GstBus *bus;
  int proto_fd;

  gst_init (&argc, &argv);
  g_mutex_init (&peer.lock);
  peer.start_us = g_get_monotonic_time ();
  peer.ice_connected_ms = peer.dtls_connected_ms = -1;
  for (int i = 1; i < argc; i++) {
    if (g_str_equal (argv[i], "--role") && i + 1 < argc) {
      role = argv[++i];
    } else if (g_str_equal (argv[i], "--timeout") && i + 1 < argc) {
      gchar *end = NULL;
      timeout_s = g_ascii_strtoll (argv[++i], &end, 10);
      if (end == NULL || *end != '\0' || timeout_s <= 0 || timeout_s > 3600)
        return usage ();
    } else {
      return usage ();
    }
  }
  if (role == NULL || !(g_str_equal (role, "offerer") || g_str_equal (role, "answerer")))
    return usage ();
  peer.base.name = "webrtcbin_peer";
  peer.base.offerer = g_str_equal (role, "offerer");
  peer.base.send = send_signal;
  peer.base.fail = report_error;
  if (!require_factories (required_factories))
    return 77;

  /* GStreamer and GLib may print on stdout: keep it for the protocol. */
  proto_fd = dup (1);
  if (proto_fd < 0 || dup2 (2, 1) < 0 || (peer.out = fdopen (proto_fd, "w")) == NULL) {
    g_printerr ("webrtcbin_peer: cannot set up stdout\n");
    return 1;
  }

  peer.base.pipeline = gst_parse_launch (VIDEO_PIPELINE, &error);
  if (peer.base.pipeline == NULL) {
    report_error (&peer.base, error->message);
    g_error_free (error);
    return 1;
  }
  g_clear_error (&error);       /* a recoverable parse warning */
  peer.base.webrtc = gst_bin_get_by_name (GST_BIN (peer.base.pipeline), "webrtc");
  if (g_type_from_name ("GstWebRTCSessionDescription") == 0) {
    report_error (&peer.base, "GstWebRTCSessionDescription is not registered after making webrtcbin");
    return 1;
  }
  peer.loop = g_main_loop_new (NULL, FALSE);
  if (peer.base.offerer)
    g_signal_connect (peer.base.webrtc, "on-negotiation-needed",
        G_CALLBACK (on_negotiation_needed), &peer.base);
  g_signal_connect (peer.base.webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate),
      &peer.base);
  g_signal_connect (peer.base.webrtc, "pad-added", G_CALLBACK (on_pad_added), &peer.base);
  g_signal_connect (peer.base.webrtc, "notify::ice-connection-state", G_CALLBACK (on_ice_state),
      &peer);
  bus = gst_element_get_bus (peer.base.pipeline);
  gst_bus_add_watch (bus, on_bus, &peer);

  in = g_io_channel_unix_new (0);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, on_stdin, &peer);
  g_timeout_add (STATUS_INTERVAL_MS, on_status_timer, &peer);
  g_timeout_add_seconds ((guint) timeout_s, on_timeout, &peer);

  if (gst_element_set_state (peer.base.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    report_error (&peer.base, "the pipeline does not start");
    peer.exit_status = 1;
  } else {
    g_main_loop_run (peer.loop);
  }

  emit_status (&peer, "result");
  gst_element_set_state (peer.base.pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  g_io_channel_unref (in);
  gst_object_unref (peer.base.webrtc);
  gst_object_unref (peer.base.pipeline);
  g_free (peer.base.remote_sdp);
  g_main_loop_unref (peer.loop);
  fclose (peer.out);
  g_mutex_clear (&peer.lock);
  return peer.exit_status;
}
