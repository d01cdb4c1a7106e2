/* webrtcbin, unmodified, on libdtls13's drop-in dtls plugin
 * (gst-plugin-compat/, libgstdtls.so found through GST_PLUGIN_PATH).
 *
 *   test_webrtcbin_compat --mode ours
 *       two webrtcbin peers in this process, both on our elements:
 *       DTLS 1.3, VP8 decoded on both sides, a data channel both ways.
 *   test_webrtcbin_compat --mode mixed --ours offerer|answerer
 *       our peer here, a peer on Debian's stock elements in a child
 *       process (this program re-executed with --stock-peer, without
 *       GST_PLUGIN_PATH and with its own registry file from
 *       WEBRTC_COMPAT_STOCK_REGISTRY): DTLS 1.2, the same checks.
 *
 * Each peer is the standard sendrecv shape, videotestsrc ! vp8enc !
 * rtpvp8pay ! webrtcbin, negotiated through webrtcbin's own signals
 * (offer/answer, ICE candidates); the program is only the signalling. It
 * checks that the dtlssrtpenc webrtcbin created is ours (its GType name),
 * the negotiated DTLS version (our elements' dtls-version), the decoded
 * frames and data channel messages of each side, and, as an application
 * should since webrtcbin 1.22 never gives the elements the remote
 * fingerprint, that the certificate each side received (dtlssrtpdec's
 * peer-pem) has the remote SDP's a=fingerprint.
 *
 * Exit status 0 on success, 1 on failure (with the stage that did not
 * finish), 77 (skipped) when webrtcbin, libnice or SCTP elements are not
 * installed. The signalling, frame counting and data channel helpers are
 * in webrtcbin_compat_support.c. */
#include "webrtcbin_compat_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WANT_FRAMES 30
#define TIMEOUT_S 45

#define VIDEO_PIPELINE \
  "videotestsrc is-live=true pattern=%s ! video/x-raw,width=320,height=240,framerate=30/1 ! " \
  "vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay ! " \
  "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000 ! " \
  "webrtcbin name=webrtc bundle-policy=max-bundle"

/* What the other process last reported (mixed mode). */
typedef struct {
  gint frames, messages, fingerprint_ok;
  gchar *enc_type, *version;
  gboolean exited;
} RemoteStatus;

static GMainLoop *loop;


/* ---- peers ---- */

static gboolean
on_bus (GstBus * bus, GstMessage * message, gpointer user_data)
{
  Peer *peer = user_data;

  (void) bus;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    gchar *debug = NULL;
    gst_message_parse_error (message, &error, &debug);
    g_free (peer->error);
    peer->error = g_strdup_printf ("%s: error from %s: %s (%s)", peer->name,
        GST_OBJECT_NAME (message->src), error->message, debug ? debug : "");
    g_error_free (error);
    g_free (debug);
  }
  return TRUE;
}

static void
peer_start (Peer * peer, const gchar * pattern)
{
  gchar *description = g_strdup_printf (VIDEO_PIPELINE, pattern);
  GError *error = NULL;
  GstBus *bus;

  peer->pipeline = gst_parse_launch (description, &error);
  g_free (description);
  g_assert_no_error (error);
  peer->webrtc = gst_bin_get_by_name (GST_BIN (peer->pipeline), "webrtc");
  if (peer->offerer)
    g_signal_connect (peer->webrtc, "on-negotiation-needed",
        G_CALLBACK (on_negotiation_needed), peer);
  g_signal_connect (peer->webrtc, "on-ice-candidate", G_CALLBACK (on_ice_candidate), peer);
  g_signal_connect (peer->webrtc, "pad-added", G_CALLBACK (on_pad_added), peer);
  g_signal_connect (peer->webrtc, "on-data-channel", G_CALLBACK (on_data_channel), peer);
  bus = gst_element_get_bus (peer->pipeline);
  gst_bus_add_watch (bus, on_bus, peer);
  gst_object_unref (bus);
  gst_element_set_state (peer->pipeline, GST_STATE_READY);
  g_assert (g_type_from_name ("GstWebRTCSessionDescription") != 0);
  if (peer->offerer) {
    GObject *channel = NULL;
    g_signal_emit_by_name (peer->webrtc, "create-data-channel", "chat", NULL, &channel);
    g_assert (channel != NULL);
    g_signal_connect (channel, "on-message-string", G_CALLBACK (on_message_string), peer);
    peer->channel = channel;
  }
  gst_element_set_state (peer->pipeline, GST_STATE_PLAYING);
}

static void
peer_stop (Peer * peer)
{
  GstBus *bus;

  if (peer->pipeline == NULL)
    return;
  gst_element_set_state (peer->pipeline, GST_STATE_NULL);
  bus = gst_element_get_bus (peer->pipeline);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  g_clear_object (&peer->channel);
  gst_object_unref (peer->webrtc);
  gst_object_unref (peer->pipeline);
  g_free (peer->remote_sdp);
  g_free (peer->error);
}

/* ---- the checks ---- */

typedef struct {
  Peer *a, *b;                  /* b NULL in mixed mode: remote is the child */
  RemoteStatus remote;
  const gchar *want_version;
  gint64 deadline;
  gboolean ok;
  gchar *stage;                 /* what is still missing */
} Run;

static gboolean
peer_done (Peer * peer, const gchar * want_version, GString * missing)
{
  gchar *type = enc_type_name (peer), *version = dtls_version (peer);
  gint fp = fingerprint_check (peer);
  gboolean done = TRUE;

  if (!g_str_equal (type, "GstDtls13CompatSrtpEnc")) {
    g_string_append_printf (missing, " %s: dtlssrtpenc is %s, not ours;", peer->name, type);
    done = FALSE;
  }
  if (g_strcmp0 (version, want_version) != 0) {
    g_string_append_printf (missing, " %s: DTLS version %s;", peer->name,
        version ? version : "(none yet)");
    done = FALSE;
  }
  if (fp != 1) {
    g_string_append_printf (missing, " %s: peer certificate %s;", peer->name,
        fp < 0 ? "does not match the SDP fingerprint" : "not received");
    done = FALSE;
  }
  if (g_atomic_int_get (&peer->frames) < WANT_FRAMES || g_atomic_int_get (&peer->messages)
      < WANT_MESSAGES) {
    g_string_append_printf (missing, " %s: %d frames, %d messages;", peer->name,
        g_atomic_int_get (&peer->frames), g_atomic_int_get (&peer->messages));
    done = FALSE;
  }
  g_free (type);
  g_free (version);
  return done;
}

static gboolean
tick (gpointer user_data)
{
  Run *run = user_data;
  GString *missing = g_string_new (NULL);
  gboolean done;

  send_data (run->a);
  if (run->b)
    send_data (run->b);
  done = peer_done (run->a, run->want_version, missing);
  if (run->b) {
    done = peer_done (run->b, run->want_version, missing) && done;
  } else {
    if (g_strcmp0 (run->remote.enc_type, "GstDtlsSrtpEnc") != 0) {
      g_string_append_printf (missing, " stock peer: dtlssrtpenc is %s;",
          run->remote.enc_type ? run->remote.enc_type : "(not reported)");
      done = FALSE;
    }
    if (run->remote.fingerprint_ok != 1 || run->remote.frames < WANT_FRAMES
        || run->remote.messages < WANT_MESSAGES) {
      g_string_append_printf (missing, " stock peer: %d frames, %d messages, certificate %s;",
          run->remote.frames, run->remote.messages, run->remote.fingerprint_ok == 1 ? "matches"
          : run->remote.fingerprint_ok < 0 ? "does not match" : "not received");
      done = FALSE;
    }
  }
  g_free (run->stage);
  run->stage = g_string_free (missing, FALSE);
  if (run->a->error || (run->b && run->b->error) || run->remote.exited) {
    g_printerr ("FAILED: %s\n", run->a->error ? run->a->error : run->b && run->b->error
        ? run->b->error : "the stock peer exited");
    g_main_loop_quit (loop);
    return G_SOURCE_REMOVE;
  }
  if (done || g_get_monotonic_time () > run->deadline) {
    run->ok = done;
    g_main_loop_quit (loop);
    return G_SOURCE_REMOVE;
  }
  return G_SOURCE_CONTINUE;
}

/* The elements both modes need. */
static const gchar *const required_factories[] = { "webrtcbin", "nicesrc", "nicesink",
  "sctpenc", "sctpdec", "dtlssrtpenc", "vp8enc", "vp8dec", "rtpvp8pay", "rtpvp8depay",
  "videotestsrc", NULL
};

/* ---- mixed mode: the other process ---- */

static gboolean
read_line (GIOChannel * channel, GIOCondition condition, gpointer user_data);

typedef struct {
  Peer *peer;
  RemoteStatus *status;         /* parent: the child's reports */
} LineReader;

static void
parse_line (LineReader * reader, gchar * line)
{
  gchar **parts = g_strsplit (g_strchomp (line), " ", 3);

  if (g_strv_length (parts) == 3 && (g_str_equal (parts[0], "offer")
          || g_str_equal (parts[0], "answer") || g_str_equal (parts[0], "ice"))) {
    gsize len;
    guchar *raw = g_base64_decode (parts[2], &len);
    gchar *text = g_strndup ((const gchar *) raw, len);
    handle_message (reader->peer, parts[0], (guint) g_ascii_strtoull (parts[1], NULL, 10), text);
    g_free (text);
    g_free (raw);
  } else if (g_str_equal (parts[0], "status") && reader->status
      && g_strv_length (parts) == 3) {
    gchar **f = g_strsplit (parts[2], " ", -1);
    if (g_strv_length (f) == 4) {
      reader->status->frames = atoi (f[0]);
      reader->status->messages = atoi (f[1]);
      reader->status->fingerprint_ok = atoi (f[2]);
      g_free (reader->status->enc_type);
      reader->status->enc_type = g_strdup (f[3]);
    }
    g_strfreev (f);
  } else if (g_str_equal (parts[0], "quit")) {
    g_main_loop_quit (loop);
  }
  g_strfreev (parts);
}

static gboolean
read_line (GIOChannel * channel, GIOCondition condition, gpointer user_data)
{
  LineReader *reader = user_data;
  gchar *line;
  LineResult result = read_signal_line (channel, &line);

  (void) condition;
  if (result == LINE_READ) {
    parse_line (reader, line);
    g_free (line);
  }
  if (result != LINE_END)
    return G_SOURCE_CONTINUE;
  /* The other side closed the pipe. */
  if (reader->status)
    reader->status->exited = TRUE;
  else
    g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
report_status (gpointer user_data)
{
  Peer *peer = user_data;
  gchar *type = enc_type_name (peer);

  send_data (peer);
  fprintf (peer->proto_out, "status 0 %d %d %d %s\n", g_atomic_int_get (&peer->frames),
      g_atomic_int_get (&peer->messages), fingerprint_check (peer), type);
  fflush (peer->proto_out);
  g_free (type);
  return G_SOURCE_CONTINUE;
}

static gboolean
stock_peer_timeout (gpointer user_data)
{
  (void) user_data;
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* The child: a webrtcbin on whatever this process's registry gives (the
 * stock elements), signalling on stdin/stdout, reports every 100 ms. */
static int
run_stock_peer (gboolean offerer)
{
  Peer peer = { .name = "stock", .offerer = offerer };
  LineReader reader = { &peer, NULL };
  GIOChannel *in = g_io_channel_unix_new (0);
  int proto_fd = dup (1);

  /* GStreamer and GLib may print on stdout: keep it for the protocol only. */
  dup2 (2, 1);
  peer.proto_out = fdopen (proto_fd, "w");
  loop = g_main_loop_new (NULL, FALSE);
  g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR, read_line, &reader);
  peer_start (&peer, "ball");
  g_timeout_add (100, report_status, &peer);
  g_timeout_add_seconds (TIMEOUT_S + 10, stock_peer_timeout, NULL);
  g_main_loop_run (loop);
  peer_stop (&peer);
  g_io_channel_unref (in);
  fclose (peer.proto_out);
  g_main_loop_unref (loop);
  return 0;
}

static gboolean
spawn_stock_peer (const gchar * self_path, gboolean offerer, GPid * pid, gint * to_child,
    gint * from_child)
{
  const gchar *registry = g_getenv ("WEBRTC_COMPAT_STOCK_REGISTRY");
  gchar **env = g_get_environ ();
  gchar *argv[] = { (gchar *) self_path, (gchar *) "--stock-peer",
    (gchar *) (offerer ? "offerer" : "answerer"), NULL
  };
  GError *error = NULL;
  gboolean ok;

  /* Nothing of the switch in the child: Debian's own libgstdtls.so. */
  env = g_environ_unsetenv (env, "GST_PLUGIN_PATH");
  env = g_environ_unsetenv (env, "GST_PLUGIN_PATH_1_0");
  env = g_environ_unsetenv (env, "GST_REGISTRY_1_0");
  /* Sanitizer builds name the stock plugins' directory (see meson.build). */
  if (g_getenv ("WEBRTC_COMPAT_STOCK_PLUGIN_PATH") != NULL)
    env = g_environ_setenv (env, "GST_PLUGIN_PATH",
        g_getenv ("WEBRTC_COMPAT_STOCK_PLUGIN_PATH"), TRUE);
  if (registry != NULL)
    env = g_environ_setenv (env, "GST_REGISTRY", registry, TRUE);
  else
    env = g_environ_unsetenv (env, "GST_REGISTRY");
  ok = g_spawn_async_with_pipes (NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, pid,
      to_child, from_child, NULL, &error);
  if (!ok) {
    g_printerr ("cannot start the stock peer: %s\n", error->message);
    g_error_free (error);
  }
  g_strfreev (env);
  return ok;
}

/* ---- main ---- */

static void
print_plugin (void)
{
  GstPlugin *plugin = gst_registry_find_plugin (gst_registry_get (), "dtls");

  g_print ("plugin dtls: %s\n", plugin ? gst_plugin_get_filename (plugin) : "(none)");
  if (plugin)
    gst_object_unref (plugin);
}

int
main (int argc, char **argv)
{
  const gchar *mode = "ours";
  gboolean ours_offerer = TRUE;
  Peer a = { .name = "alice", .offerer = TRUE };
  Peer b = { .name = "bob", .offerer = FALSE };
  Run run;
  GPid child = 0;
  GIOChannel *from = NULL;
  LineReader reader;
  int status = 0;

  /* The versioned variables would take precedence over the documented
   * GST_PLUGIN_PATH / GST_REGISTRY this test is about. */
  g_unsetenv ("GST_PLUGIN_PATH_1_0");
  g_unsetenv ("GST_REGISTRY_1_0");
  g_unsetenv ("GST_PLUGIN_SYSTEM_PATH_1_0");
  gst_init (&argc, &argv);
  if (argc == 3 && g_str_equal (argv[1], "--stock-peer"))
    return run_stock_peer (g_str_equal (argv[2], "offerer"));
  for (int i = 1; i + 1 < argc; i += 2) {
    if (g_str_equal (argv[i], "--mode"))
      mode = argv[i + 1];
    else if (g_str_equal (argv[i], "--ours"))
      ours_offerer = g_str_equal (argv[i + 1], "offerer");
  }
  if (!require_factories (required_factories))
    return 77;
  print_plugin ();

  memset (&run, 0, sizeof run);
  run.a = &a;
  run.deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  loop = g_main_loop_new (NULL, FALSE);
  if (g_str_equal (mode, "ours")) {
    run.b = &b;
    run.want_version = "DTLS1.3";
    a.remote = &b;
    b.remote = &a;
    peer_start (&b, "ball");
    peer_start (&a, "smpte");
  } else {
    gint to_child, from_child;
    run.want_version = "DTLS1.2";
    a.name = "ours";
    a.offerer = ours_offerer;
    if (!spawn_stock_peer (argv[0], !ours_offerer, &child, &to_child, &from_child))
      return 1;
    a.proto_out = fdopen (to_child, "w");
    from = g_io_channel_unix_new (from_child);
    g_io_channel_set_close_on_unref (from, TRUE);
    reader.peer = &a;
    reader.status = &run.remote;
    g_io_add_watch (from, G_IO_IN | G_IO_HUP | G_IO_ERR, read_line, &reader);
    peer_start (&a, "smpte");
  }
  g_timeout_add (100, tick, &run);
  g_main_loop_run (loop);

  if (run.ok)
    g_print ("OK: %s\n", mode);
  else
    g_printerr ("FAILED after %d s:%s\n", TIMEOUT_S, run.stage ? run.stage : "");
  {
    gchar *va = dtls_version (&a), *cs = NULL;
    GstElement *enc = find_by_factory (a.webrtc, "dtlssrtpenc");
    if (enc && g_object_class_find_property (G_OBJECT_GET_CLASS (enc), "cipher-suite"))
      g_object_get (enc, "cipher-suite", &cs, NULL);
    g_print ("%s: %d frames, %d messages, %s %s\n", a.name, g_atomic_int_get (&a.frames),
        g_atomic_int_get (&a.messages), va ? va : "-", cs ? cs : "-");
    if (enc)
      gst_object_unref (enc);
    g_free (va);
    g_free (cs);
  }
  if (child) {
    fprintf (a.proto_out, "quit 0 -\n");
    fflush (a.proto_out);
    fclose (a.proto_out);
    waitpid (child, &status, 0);
    g_spawn_close_pid (child);
    g_print ("stock peer: %d frames, %d messages, exit status %d\n", run.remote.frames,
        run.remote.messages, status);
    g_io_channel_unref (from);
  }
  peer_stop (&a);
  if (run.b)
    peer_stop (&b);
  g_free (run.stage);
  g_free (run.remote.enc_type);
  g_free (run.remote.version);
  g_main_loop_unref (loop);
  return run.ok && status == 0 ? 0 : 1;
}
