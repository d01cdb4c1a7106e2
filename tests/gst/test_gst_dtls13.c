/* gst-check tests of the dtls13 plugin: registration and properties, a
 * two-pipeline VP8 call in one process, a mismatched fingerprint,
 * repeated NULL -> PLAYING -> NULL cycles, the server's cookie policies
 * and the version range (min-version / max-version).
 *
 * The two pipelines of a call are joined in-process: each encoder feeds an
 * appsink whose samples are pushed into the other pipeline's appsrc, which
 * feeds the decoder. Network sinks are async=false: a live pipeline whose
 * sinks only get data after a network round trip cannot preroll. */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>
#include <string.h>

#define RTP_CAPS "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
#define WANT_FRAMES 30

#include "gst_call_util.h"

static void
make_side (Side * side, const gchar * id, gboolean is_client)
{
  gchar *desc = g_strdup_printf (
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=160,height=120,framerate=30/1 "
      "! vp8enc deadline=1 keyframe-max-dist=10 ! rtpvp8pay "
      "! dtls13srtpenc name=enc connection-id=%s is-client=%s pre-key-policy=hold "
      "! appsink name=net_out sync=false async=false emit-signals=false "
      "appsrc name=net_in is-live=true format=time "
      "! dtls13srtpdec name=dec connection-id=%s dec.rtp_src ! " RTP_CAPS
      " ! rtpvp8depay ! vp8dec ! fakesink name=video sync=false async=false",
      id, is_client ? "true" : "false", id);
  GstPad *pad;

  open_side (side, desc);
  pad = gst_element_get_static_pad (side->enc, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_sent, side, NULL);
  gst_object_unref (pad);
  g_signal_connect (side->enc, "on-handshake-failed", G_CALLBACK (on_failed), side);
  g_signal_connect (side->dec, "on-handshake-failed", G_CALLBACK (on_failed), side);
}

static guint64
stat_u64 (GstElement * element, const gchar * field)
{
  GstStructure *s = NULL;
  guint64 v = 0;

  g_object_get (element, "stats", &s, NULL);
  fail_unless (s != NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v), "no stats field %s", field);
  gst_structure_free (s);
  return v;
}

GST_START_TEST (test_registration_and_properties)
{
  GstElement *enc = gst_element_factory_make ("dtls13srtpenc", NULL);
  GstElement *dec = gst_element_factory_make ("dtls13srtpdec", NULL);
  guint timeout = 0, mtu = 0;
  gint state = -1;
  gchar *s = NULL;
  GstStructure *stats = NULL;
  GstPad *rtp, *rtcp, *data;

  fail_unless (enc != NULL && dec != NULL);
  g_object_get (enc, "initial-timeout-ms", &timeout, "mtu", &mtu, "connection-state", &state,
      "cipher-suite", &s, "stats", &stats, NULL);
  fail_unless_equals_int (timeout, 400);
  fail_unless_equals_int (mtu, 1200);
  fail_unless_equals_int (state, 0);
  fail_unless (s == NULL);
  fail_unless (stats != NULL);
  gst_structure_free (stats);
  fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (enc), "peer-fingerprint"));
  fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (dec), "local-fingerprint"));
  fail_unless (g_signal_lookup ("on-key-set", G_OBJECT_TYPE (enc)) != 0);
  fail_unless (g_signal_lookup ("on-peer-certificate", G_OBJECT_TYPE (dec)) != 0);
  fail_unless (g_signal_lookup ("on-handshake-failed", G_OBJECT_TYPE (enc)) != 0);

  rtp = gst_element_request_pad_simple (enc, "rtp_sink_%u");
  rtcp = gst_element_request_pad_simple (enc, "rtcp_sink_%u");
  data = gst_element_request_pad_simple (enc, "data_sink");
  fail_unless (rtp && rtcp && data);
  fail_unless_equals_string (GST_PAD_NAME (rtp), "rtp_sink_0");
  fail_unless_equals_string (GST_PAD_NAME (rtcp), "rtcp_sink_0");
  gst_element_release_request_pad (enc, rtp);
  gst_element_release_request_pad (enc, rtcp);
  gst_element_release_request_pad (enc, data);
  gst_object_unref (rtp);
  gst_object_unref (rtcp);
  gst_object_unref (data);
  /* A pad requested by name moves the count past it: the next unnamed
   * request gets a fresh name instead of failing on a clash. */
  rtp = gst_element_request_pad_simple (enc, "rtp_sink_3");
  data = gst_element_request_pad_simple (enc, "rtp_sink_%u");
  fail_unless (rtp && data);
  fail_unless_equals_string (GST_PAD_NAME (data), "rtp_sink_4");
  gst_element_release_request_pad (enc, rtp);
  gst_element_release_request_pad (enc, data);
  gst_object_unref (rtp);
  gst_object_unref (data);
  fail_unless (gst_element_get_static_pad (dec, "rtp_src") != NULL);

  /* Without a connection-id neither element can start. */
  fail_unless_equals_int (gst_element_set_state (enc, GST_STATE_READY), GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_set_state (dec, GST_STATE_READY), GST_STATE_CHANGE_FAILURE);

  /* A bad setting fails the start, with an error. */
  g_object_set (enc, "connection-id", "props", "srtp-profiles", "NOT_A_PROFILE", NULL);
  fail_unless_equals_int (gst_element_set_state (enc, GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_element_set_state (enc, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  gst_element_set_state (enc, GST_STATE_NULL);
  gst_object_unref (gst_element_get_static_pad (dec, "rtp_src"));
  gst_object_unref (enc);
  gst_object_unref (dec);
}
GST_END_TEST;

GST_START_TEST (test_two_pipeline_call)
{
  Side server, client;
  gchar *fp = NULL, *suite = NULL, *profile = NULL, *version = NULL;
  gint state = 0;

  make_side (&server, "call-server", FALSE);
  make_side (&client, "call-client", TRUE);
  connect_sides (&server, &client);

  /* The client checks the server's certificate by fingerprint. */
  fail_unless (gst_element_set_state (server.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  g_object_get (server.enc, "local-fingerprint", &fp, NULL);
  fail_unless (fp != NULL && g_str_has_prefix (fp, "sha-256 "));
  g_object_set (client.enc, "peer-fingerprint", fp, NULL);
  fail_unless (gst_element_set_state (client.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);

  fail_unless (wait_until (&client.key_set, 1, 10000), "client never keyed");
  fail_unless (wait_until (&server.key_set, 1, 10000), "server never keyed");
  fail_unless (wait_until (&client.frames, WANT_FRAMES, 40000), "client decoded %d frames",
      client.frames);
  fail_unless (wait_until (&server.frames, WANT_FRAMES, 40000), "server decoded %d frames",
      server.frames);

  g_object_get (client.dec, "connection-state", &state, "cipher-suite", &suite,
      "srtp-profile", &profile, "negotiated-version", &version, NULL);
  fail_unless_equals_int (state, 2);
  fail_unless_equals_string (version, "DTLS1.3");
  fail_unless (suite != NULL && g_str_has_prefix (suite, "TLS_"));
  fail_unless (profile != NULL && g_str_has_prefix (profile, "SRTP_"));
  fail_unless (stat_u64 (client.enc, "srtp-rtp-protected") > 0);
  fail_unless (stat_u64 (server.dec, "srtp-rtp-unprotected") > 0);
  fail_unless_equals_int (stat_u64 (server.dec, "srtp-auth-failures"), 0);
  fail_unless (stat_u64 (client.enc, "handshake-ms") > 0 || stat_u64 (client.enc, "records-in") > 0);
  fail_unless_equals_int (client.failed + server.failed, 0);

  g_free (fp);
  g_free (suite);
  g_free (profile);
  g_free (version);
  stop_sides (&client, &server);
  free_side (&client);
  free_side (&server);
}
GST_END_TEST;

GST_START_TEST (test_wrong_fingerprint_fails)
{
  Side server, client;

  make_side (&server, "bad-server", FALSE);
  make_side (&client, "bad-client", TRUE);
  connect_sides (&server, &client);
  g_object_set (client.enc, "peer-fingerprint",
      "sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
      "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", NULL);
  fail_unless (gst_element_set_state (server.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_set_state (client.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);

  fail_unless (wait_until (&client.failed, 1, 10000), "client never reported the failure");
  fail_unless_equals_int (client.failed_alert, 42);     /* bad_certificate */
  g_usleep (500 * 1000);        /* media would flow now if it could */
  fail_unless_equals_int (client.key_set + server.key_set, 0);
  fail_unless_equals_int (client.frames + server.frames, 0);
  fail_unless_equals_int (stat_u64 (server.dec, "srtp-rtp-unprotected"), 0);
  fail_unless_equals_int (stat_u64 (client.dec, "srtp-rtp-unprotected"), 0);
  fail_unless_equals_int (stat_u64 (client.enc, "srtp-rtp-protected"), 0);
  {
    gint state = 0;
    g_object_get (client.enc, "connection-state", &state, NULL);
    fail_unless_equals_int (state, 4);  /* failed */
  }
  stop_sides (&client, &server);
  free_side (&client);
  free_side (&server);
}
GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  for (int round = 0; round < 4; round++) {
    Side server, client;
    gpointer enc_alive, dec_alive;

    make_side (&server, "cycle-server", FALSE);
    make_side (&client, "cycle-client", TRUE);
    connect_sides (&server, &client);
    enc_alive = client.enc;
    dec_alive = server.dec;
    g_object_add_weak_pointer (G_OBJECT (client.enc), &enc_alive);
    g_object_add_weak_pointer (G_OBJECT (server.dec), &dec_alive);
    fail_unless (gst_element_set_state (server.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (client.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    /* Stop at different points: mid-handshake, and with media flowing. */
    if (round % 2 == 1)
      fail_unless (wait_until (&client.frames, 5, 40000));
    else
      g_usleep (30 * 1000);
    stop_sides (&client, &server);
    free_side (&client);
    free_side (&server);
    fail_unless (enc_alive == NULL, "encoder leaked in round %d", round);
    fail_unless (dec_alive == NULL, "decoder leaked in round %d", round);
  }
}
GST_END_TEST;

/* The enum value of nick in the enum type of property name of element. */
static gint
enum_value_of (GParamSpec * pspec, const gchar * nick)
{
  GEnumClass *klass = g_type_class_ref (pspec->value_type);
  GEnumValue *v = g_enum_get_value_by_nick (klass, nick);
  gint value = v ? v->value : -1;

  g_type_class_unref (klass);
  return value;
}

static gint
enum_default_of (GParamSpec * pspec)
{
  return G_PARAM_SPEC_ENUM (pspec)->default_value;
}

GST_START_TEST (test_version_and_cookie_properties)
{
  GstElement *enc = gst_element_factory_make ("dtls13srtpenc", NULL);
  GObjectClass *klass = G_OBJECT_GET_CLASS (enc);
  GParamSpec *min = g_object_class_find_property (klass, "min-version");
  GParamSpec *max = g_object_class_find_property (klass, "max-version");
  GParamSpec *cookie = g_object_class_find_property (klass, "cookie");
  GParamSpec *load = g_object_class_find_property (klass, "under-load");
  gint vmin = 0, vmax = 0, vcookie = -1;
  gboolean vload = TRUE;

  fail_unless (min && max && cookie && load);
  fail_unless_equals_string (g_type_name (min->value_type), "GstDtls13Version");
  fail_unless (max->value_type == min->value_type);
  fail_unless_equals_string (g_type_name (cookie->value_type), "GstDtls13CookiePolicy");
  fail_unless (load->value_type == G_TYPE_BOOLEAN);
  /* The nicks name the wire code points and the engine's listener modes. */
  fail_unless_equals_int (enum_value_of (min, "dtls1.2"), 0xfefd);
  fail_unless_equals_int (enum_value_of (min, "dtls1.3"), 0xfefc);
  fail_unless_equals_int (enum_value_of (cookie, "always"), 0);
  fail_unless_equals_int (enum_value_of (cookie, "never"), 1);
  fail_unless_equals_int (enum_value_of (cookie, "under-load"), 2);
  fail_unless_equals_int (enum_default_of (min), 0xfefd);
  fail_unless_equals_int (enum_default_of (max), 0xfefc);
  fail_unless_equals_int (enum_default_of (cookie), enum_value_of (cookie, "never"));
  fail_unless (!G_PARAM_SPEC_BOOLEAN (load)->default_value);
  /* Documented for gst-inspect-1.0. */
  fail_unless (strstr (g_param_spec_get_blurb (min), "DTLS 1.2 (RFC 6347") != NULL);
  fail_unless (strstr (g_param_spec_get_blurb (cookie), "Default never") != NULL);
  fail_unless (load->flags & GST_PARAM_MUTABLE_PLAYING);

  g_object_get (enc, "min-version", &vmin, "max-version", &vmax, "cookie", &vcookie,
      "under-load", &vload, NULL);
  fail_unless_equals_int (vmin, 0xfefd);
  fail_unless_equals_int (vmax, 0xfefc);
  fail_unless_equals_int (vcookie, 1);
  fail_unless (!vload);
  gst_util_set_object_arg (G_OBJECT (enc), "cookie", "under-load");
  gst_util_set_object_arg (G_OBJECT (enc), "min-version", "dtls1.3");
  g_object_get (enc, "min-version", &vmin, NULL);
  fail_unless_equals_int (vmin, 0xfefc);
  gst_util_set_object_arg (G_OBJECT (enc), "min-version", "dtls1.2");
  g_object_set (enc, "under-load", TRUE, NULL);
  g_object_get (enc, "min-version", &vmin, "cookie", &vcookie, "under-load", &vload, NULL);
  fail_unless_equals_int (vmin, 0xfefd);
  fail_unless_equals_int (vcookie, 2);
  fail_unless (vload);
  /* The decoder has no configuration of its own. */
  {
    GstElement *dec = gst_element_factory_make ("dtls13srtpdec", NULL);
    fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (dec), "cookie") == NULL);
    gst_object_unref (dec);
  }
  gst_object_unref (enc);
}
GST_END_TEST;

/* Starts the client (the server is already playing) and waits for keys
 * and a few decoded frames on both sides. */
static void
run_call_client (Side * server, Side * client)
{
  fail_unless (gst_element_set_state (client->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  fail_unless (wait_until (&client->key_set, 1, 10000), "client never keyed");
  fail_unless (wait_until (&server->key_set, 1, 10000), "server never keyed");
  fail_unless (wait_until (&client->frames, 5, 40000), "client decoded %d frames", client->frames);
  fail_unless (wait_until (&server->frames, 5, 40000), "server decoded %d frames", server->frames);
  fail_unless_equals_int (client->failed + server->failed, 0);
  fail_unless_equals_int (stat_u64 (server->dec, "srtp-auth-failures"), 0);
}

/* Starts server then client, and waits as run_call_client() does. */
static void run_call (Side * server, Side * client);

/* The remote fingerprint arrives after the call is up (late SDP answer):
 * the right one changes nothing; a wrong one fails the association at once
 * (signal, state failed), its SRTP keys are dropped and no more media is
 * decoded from it. */
GST_START_TEST (test_late_peer_fingerprint)
{
  Side server, client;
  gchar *server_fp = NULL;
  gint state = 0, frames_at_failure;
  guint64 protected_at_failure;

  make_side (&server, "late-server", FALSE);
  make_side (&client, "late-client", TRUE);
  connect_sides (&server, &client);
  run_call (&server, &client);

  g_object_get (server.enc, "local-fingerprint", &server_fp, NULL);
  g_object_set (client.enc, "peer-fingerprint", server_fp, NULL);
  g_usleep (200 * 1000);
  g_object_get (client.enc, "connection-state", &state, NULL);
  fail_unless_equals_int (state, 2);    /* still connected */
  fail_unless_equals_int (client.failed, 0);

  /* The server learns a fingerprint its client's certificate does not have. */
  g_object_set (server.enc, "peer-fingerprint", server_fp, NULL);
  fail_unless (wait_until (&server.failed, 1, 5000), "server never reported the late mismatch");
  fail_unless_equals_int (server.failed_alert, 42);     /* bad_certificate */
  g_object_get (server.enc, "connection-state", &state, NULL);
  fail_unless_equals_int (state, 4);    /* failed */
  fail_unless (wait_until (&client.failed, 1, 5000), "client never got the alert");
  frames_at_failure = g_atomic_int_get (&server.frames);
  protected_at_failure = stat_u64 (server.enc, "srtp-rtp-protected");
  g_usleep (600 * 1000);        /* media would keep flowing if it could */
  fail_unless (g_atomic_int_get (&server.frames) <= frames_at_failure + 2,
      "server kept decoding: %d -> %d", frames_at_failure, server.frames);
  fail_unless_equals_int (stat_u64 (server.enc, "srtp-rtp-protected"), 0);
  (void) protected_at_failure;

  g_free (server_fp);
  stop_sides (&client, &server);
  free_side (&client);
  free_side (&server);
}
GST_END_TEST;

/* Starts server then client, and waits as run_call_client() does. */
static void
run_call (Side * server, Side * client)
{
  fail_unless (gst_element_set_state (server->pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  run_call_client (server, client);
}

/* A call whose server has the given cookie policy (under-load set before
 * the start, or with load_while_playing once the server plays); returns
 * the number of cookie HelloRetryRequests the server sent. */
static guint64
cookie_call (const gchar * id, const gchar * policy, gboolean under_load,
    gboolean peer_address_validated, gboolean load_while_playing)
{
  Side server, client;
  gchar *server_id = g_strdup_printf ("%s-server", id);
  gchar *client_id = g_strdup_printf ("%s-client", id);
  guint64 hrr;

  make_side (&server, server_id, FALSE);
  make_side (&client, client_id, TRUE);
  connect_sides (&server, &client);
  gst_util_set_object_arg (G_OBJECT (server.enc), "cookie", policy);
  g_object_set (server.enc, "under-load", under_load && !load_while_playing,
      "peer-address-validated", peer_address_validated, NULL);
  /* The client ignores the policy. */
  gst_util_set_object_arg (G_OBJECT (client.enc), "cookie", "always");
  fail_unless (gst_element_set_state (server.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  if (load_while_playing)
    g_object_set (server.enc, "under-load", under_load, NULL);
  run_call_client (&server, &client);
  hrr = stat_u64 (server.enc, "hrr-sent");
  fail_unless_equals_int (stat_u64 (server.enc, "cookies-invalid"), 0);
  fail_unless_equals_int (stat_u64 (client.enc, "hrr-sent"), 0);
  fail_unless (stat_u64 (server.dec, "srtp-rtp-unprotected") > 0);
  fail_unless (stat_u64 (client.dec, "srtp-rtp-unprotected") > 0);
  stop_sides (&client, &server);
  free_side (&client);
  free_side (&server);
  g_free (server_id);
  g_free (client_id);
  return hrr;
}

GST_START_TEST (test_cookie_always)
{
  fail_unless_equals_int (cookie_call ("cookie-always", "always", FALSE, FALSE, FALSE), 1);
}
GST_END_TEST;

GST_START_TEST (test_cookie_never)
{
  fail_unless_equals_int (cookie_call ("cookie-never", "never", FALSE, TRUE, FALSE), 0);
  fail_unless_equals_int (cookie_call ("cookie-never-unvalidated", "never", FALSE, FALSE,
          FALSE), 0);
}
GST_END_TEST;

GST_START_TEST (test_cookie_under_load)
{
  fail_unless_equals_int (cookie_call ("cookie-load", "under-load", TRUE, FALSE, FALSE), 1);
  fail_unless_equals_int (cookie_call ("cookie-idle", "under-load", FALSE, TRUE, FALSE), 0);
  /* The load the application reports while playing reaches the listener. */
  fail_unless_equals_int (cookie_call ("cookie-load-live", "under-load", TRUE, FALSE, TRUE), 1);
}
GST_END_TEST;

/* The first error message on the pipeline's bus (owned by the caller), or
 * NULL. */
static gchar *
pop_error_message (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *error = NULL;
  gchar *text = NULL;

  if (msg != NULL) {
    gst_message_parse_error (msg, &error, NULL);
    text = g_strdup (error ? error->message : "");
    g_clear_error (&error);
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return text;
}

/* The certificate exists from READY (an SDP offer needs the fingerprint
 * before the handshake starts) and is kept across restarts; both sides pin
 * each other with fingerprints read in READY and the call works; a pem
 * that cannot be loaded fails NULL -> READY naming the file. */
GST_START_TEST (test_fingerprint_in_ready)
{
  Side server, client;
  gchar *server_fp = NULL, *client_fp = NULL, *again = NULL, *message;

  make_side (&server, "ready-server", FALSE);
  make_side (&client, "ready-client", TRUE);
  connect_sides (&server, &client);
  fail_unless (gst_element_set_state (server.pipeline, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_set_state (client.pipeline, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  g_object_get (server.enc, "local-fingerprint", &server_fp, NULL);
  g_object_get (client.enc, "local-fingerprint", &client_fp, NULL);
  fail_unless (server_fp != NULL && g_str_has_prefix (server_fp, "sha-256 "));
  fail_unless (client_fp != NULL && g_str_has_prefix (client_fp, "sha-256 "));
  fail_if (g_str_equal (server_fp, client_fp));
  g_object_set (client.enc, "peer-fingerprint", server_fp, NULL);
  g_object_set (server.enc, "peer-fingerprint", client_fp, NULL);
  run_call (&server, &client);
  /* Back to READY (streaming threads joined) and PAUSED again: the same
   * certificate. */
  gst_element_set_state (client.pipeline, GST_STATE_READY);
  gst_element_set_state (server.pipeline, GST_STATE_READY);
  g_object_get (server.enc, "local-fingerprint", &again, NULL);
  fail_unless_equals_string (again, server_fp);
  g_free (again);
  gst_element_set_state (server.pipeline, GST_STATE_PAUSED);
  g_object_get (server.enc, "local-fingerprint", &again, NULL);
  fail_unless_equals_string (again, server_fp);
  g_free (again);
  stop_sides (&client, &server);
  free_side (&client);
  free_side (&server);

  make_side (&server, "ready-bad-pem", FALSE);
  g_object_set (server.enc, "pem", "/nonexistent/dtls13-test.pem", NULL);
  fail_unless (gst_element_set_state (server.pipeline, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE);
  message = pop_error_message (server.pipeline);
  fail_unless (message != NULL && strstr (message, "/nonexistent/dtls13-test.pem") != NULL,
      "error: %s", message ? message : "(none)");
  g_free (message);
  free_side (&server);
  g_free (server_fp);
  g_free (client_fp);
}
GST_END_TEST;

/* pem may hold the PEM text itself (certificate and key, as
 * gst-plugins-bad's pem property): the fingerprint is the certificate's;
 * text that cannot be loaded fails NULL -> READY without quoting it. */
GST_START_TEST (test_pem_text)
{
  Side side;
  gchar *cert = NULL, *key = NULL, *want = NULL, *text, *fp = NULL, *message;

  fail_unless (g_file_get_contents (TEST_DATA_DIR "/ecdsa_cert.pem", &cert, NULL, NULL));
  fail_unless (g_file_get_contents (TEST_DATA_DIR "/ecdsa_key.pem", &key, NULL, NULL));
  fail_unless (g_file_get_contents (TEST_DATA_DIR "/ecdsa_cert.sha256.txt", &want, NULL, NULL));
  g_strstrip (want);
  text = g_strconcat (cert, key, NULL);
  make_side (&side, "pem-text", FALSE);
  g_object_set (side.enc, "pem", text, NULL);
  fail_unless (gst_element_set_state (side.pipeline, GST_STATE_READY) == GST_STATE_CHANGE_SUCCESS);
  g_object_get (side.enc, "local-fingerprint", &fp, NULL);
  fail_unless (fp != NULL && g_ascii_strcasecmp (fp, want) == 0, "fingerprint %s, want %s", fp, want);
  g_clear_pointer (&fp, g_free);
  /* READY -> PAUSED with the same text keeps the certificate loaded at
   * READY (the association recognises it by digest, not a copy). */
  fail_unless (gst_element_set_state (side.pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
  g_object_get (side.enc, "local-fingerprint", &fp, NULL);
  fail_unless (fp != NULL && g_ascii_strcasecmp (fp, want) == 0, "PAUSED: fingerprint %s", fp);
  fail_unless (gst_element_set_state (side.pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
  free_side (&side);

  make_side (&side, "pem-text-bad", FALSE);
  g_object_set (side.enc, "pem", "-----BEGIN CERTIFICATE-----\nsecretgarbage\n", NULL);
  fail_unless (gst_element_set_state (side.pipeline, GST_STATE_READY) == GST_STATE_CHANGE_FAILURE);
  message = pop_error_message (side.pipeline);
  fail_unless (message != NULL && strstr (message, "PEM text") != NULL
      && strstr (message, "secretgarbage") == NULL, "error: %s", message ? message : "(none)");
  g_free (message);
  free_side (&side);
  g_free (fp);
  g_free (text);
  g_free (cert);
  g_free (key);
  g_free (want);
}
GST_END_TEST;

/* A side whose encoder has the given range must refuse to start, with an
 * element error containing want, and send nothing at all. */
static void
check_range_refused (gboolean is_client, const gchar * min, const gchar * max,
    const gchar * want)
{
  Side side, peer;
  gchar *message;
  gint state = -1;

  make_side (&side, "range-side", is_client);
  make_side (&peer, "range-peer", !is_client);
  connect_sides (&side, &peer);
  gst_util_set_object_arg (G_OBJECT (side.enc), "min-version", min);
  gst_util_set_object_arg (G_OBJECT (side.enc), "max-version", max);
  fail_unless (gst_element_set_state (peer.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_set_state (side.pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  message = pop_error_message (side.pipeline);
  fail_unless (message != NULL, "no element error for %s..%s", min, max);
  GST_INFO ("refused %s..%s: %s", min, max, message);
  fail_unless (strstr (message, want) != NULL, "error '%s' lacks '%s'", message, want);
  g_usleep (300 * 1000);        /* a ClientHello or media would be out by now */
  fail_unless_equals_int (g_atomic_int_get (&side.sent), 0);
  fail_unless_equals_int (g_atomic_int_get (&peer.frames), 0);
  fail_unless_equals_int (stat_u64 (side.enc, "srtp-rtp-protected"), 0);
  g_object_get (side.enc, "connection-state", &state, NULL);
  fail_unless_equals_int (state, 0);    /* new: never started */
  g_free (message);
  stop_sides (&side, &peer);
  free_side (&side);
  free_side (&peer);
}

GST_START_TEST (test_empty_version_range_fails)
{
  /* min-version newer than max-version: refused at the start, named as such. */
  check_range_refused (TRUE, "dtls1.3", "dtls1.2", "leave no version to negotiate");
  check_range_refused (FALSE, "dtls1.3", "dtls1.2", "leave no version to negotiate");
}
GST_END_TEST;

/* A call between encoders "<id>-server" and "<id>-client" with the
 * version settings given (NULL: the default), checking the
 * negotiated-version the client's encoder and the server's decoder report
 * (NULL: not checked). */
static void
range_call (const gchar * id, const gchar * client_max, const gchar * server_min,
    const gchar * server_max, const gchar * want_client, const gchar * want_server)
{
  gchar *server_id = g_strdup_printf ("%s-server", id), *client_id = g_strdup_printf ("%s-client",
      id);
  Side server, client;
  gchar *version = NULL;

  make_side (&server, server_id, FALSE);
  make_side (&client, client_id, TRUE);
  connect_sides (&server, &client);
  if (client_max)
    gst_util_set_object_arg (G_OBJECT (client.enc), "max-version", client_max);
  if (server_max)
    gst_util_set_object_arg (G_OBJECT (server.enc), "max-version", server_max);
  if (server_min)
    gst_util_set_object_arg (G_OBJECT (server.enc), "min-version", server_min);
  run_call (&server, &client);
  if (want_client) {
    g_object_get (client.enc, "negotiated-version", &version, NULL);
    fail_unless_equals_string (version, want_client);
    g_free (version);
  }
  if (want_server) {
    g_object_get (server.dec, "negotiated-version", &version, NULL);
    fail_unless_equals_string (version, want_server);
    g_free (version);
  }
  stop_sides (&client, &server);
  free_side (&client);
  free_side (&server);
  g_free (server_id);
  g_free (client_id);
}

/* Both encoders limited to DTLS 1.2: the call negotiates 1.2 end to end,
 * SRTP is keyed from the 1.2 exporter and frames are decoded. */
GST_START_TEST (test_dtls12_call)
{
  range_call ("v12", "dtls1.2", NULL, "dtls1.2", "DTLS1.2", "DTLS1.2");
}
GST_END_TEST;

/* Default range (1.2..1.3) against a 1.3-only peer, and a 1.2-only client
 * against the default server: each end settles on the newest common
 * version. */
GST_START_TEST (test_default_range_negotiates)
{
  range_call ("mix", "dtls1.2", NULL, NULL, NULL, "DTLS1.2");
}
GST_END_TEST;

/* Both encoders set to DTLS 1.3 explicitly (the server to 1.3 only). */
GST_START_TEST (test_max_version_dtls13_explicit)
{
  range_call ("range13", "dtls1.3", "dtls1.3", "dtls1.3", "DTLS1.3", "DTLS1.3");
}
GST_END_TEST;

static Suite *
dtls13_suite (void)
{
  Suite *s = suite_create ("dtls13");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_registration_and_properties);
  tcase_add_test (tc, test_two_pipeline_call);
  tcase_add_test (tc, test_wrong_fingerprint_fails);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_version_and_cookie_properties);
  tcase_add_test (tc, test_cookie_always);
  tcase_add_test (tc, test_cookie_never);
  tcase_add_test (tc, test_cookie_under_load);
  tcase_add_test (tc, test_empty_version_range_fails);
  tcase_add_test (tc, test_dtls12_call);
  tcase_add_test (tc, test_default_range_negotiates);
  tcase_add_test (tc, test_max_version_dtls13_explicit);
  tcase_add_test (tc, test_late_peer_fingerprint);
  tcase_add_test (tc, test_fingerprint_in_ready);
  tcase_add_test (tc, test_pem_text);
  return s;
}

GST_CHECK_MAIN (dtls13);
