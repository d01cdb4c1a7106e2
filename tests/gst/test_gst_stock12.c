/* gst-check tests of the dtls13 plugin against GStreamer's own DTLS
 * elements (gst-plugins-bad's dtlssrtpenc/dtlssrtpdec, OpenSSL 3.0, DTLS
 * 1.2 only): one pipeline with our elements, one with the stock ones,
 * joined in-process; in both DTLS roles the pair negotiates DTLS 1.2 (our
 * default range 1.2..1.3 meets a 1.2-only peer), both ends key libsrtp2
 * from the RFC 5705 exporter, and VP8 frames are decoded on both sides,
 * which proves the SRTP keys agree. */
#include <string.h>

#define RTP_CAPS "application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96"
#define WANT_FRAMES 10

#include "gst_call_util.h"

/* Our side (dtls13srtpenc/dec) or the stock side (dtlssrtpenc/dec). The
 * RTP pad is requested by name: the stock encoder of 1.22 crashes on a
 * request without one (it sscanf()s the NULL name). */
static void
make_side (Side * side, const gchar * id, gboolean is_client, gboolean stock)
{
  gchar *desc = g_strdup_printf (
      "videotestsrc is-live=true pattern=ball ! video/x-raw,width=160,height=120,framerate=30/1 "
      "! vp8enc deadline=1 keyframe-max-dist=10 ! rtpvp8pay ! enc.rtp_sink_0 "
      "%s name=enc connection-id=%s is-client=%s "
      "! appsink name=net_out sync=false async=false emit-signals=false "
      "appsrc name=net_in is-live=true format=time "
      "! %s name=dec connection-id=%s dec.rtp_src ! " RTP_CAPS
      " ! rtpvp8depay ! vp8dec ! fakesink name=video sync=false async=false",
      stock ? "dtlssrtpenc" : "dtls13srtpenc", id, is_client ? "true" : "false",
      stock ? "dtlssrtpdec" : "dtls13srtpdec", id);
  open_side (side, desc);
  if (!stock) {
    g_signal_connect (side->enc, "on-handshake-failed", G_CALLBACK (on_failed), side);
    g_signal_connect (side->dec, "on-handshake-failed", G_CALLBACK (on_failed), side);
  }
}

/* Our element in the given role against the stock one in the other. */
static void
stock_call (gboolean ours_is_client)
{
  Side ours, stock;
  gchar *version = NULL, *suite = NULL;
  gint state = 0;

  make_side (&ours, ours_is_client ? "ours-client" : "ours-server", ours_is_client, FALSE);
  make_side (&stock, ours_is_client ? "stock-server" : "stock-client", !ours_is_client, TRUE);
  connect_sides (&ours, &stock);
  /* The server first, so that the client's first flight finds it. */
  if (ours_is_client) {
    fail_unless (gst_element_set_state (stock.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (ours.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  } else {
    fail_unless (gst_element_set_state (ours.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (stock.pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  }
  fail_unless (wait_until (&ours.key_set, 1, 15000), "our side never keyed");
  fail_unless (wait_until (&stock.key_set, 1, 15000), "the stock side never keyed");
  fail_unless (wait_until (&ours.frames, WANT_FRAMES, 40000), "our side decoded %d frames", ours.frames);
  fail_unless (wait_until (&stock.frames, WANT_FRAMES, 40000), "the stock side decoded %d frames",
      stock.frames);
  fail_unless_equals_int (ours.failed, 0);
  g_object_get (ours.enc, "negotiated-version", &version, "cipher-suite", &suite, "connection-state", &state,
      NULL);
  fail_unless_equals_string (version, "DTLS1.2");
  fail_unless (suite != NULL && g_str_has_prefix (suite, "TLS_ECDHE_"), "suite %s", suite);
  fail_unless_equals_int (state, 2);    /* connected */
  GST_INFO ("ours (%s) vs stock: %s %s", ours_is_client ? "client" : "server", version, suite);
  g_free (version);
  g_free (suite);
  stop_sides (&ours, &stock);
  free_side (&ours);
  free_side (&stock);
}

GST_START_TEST (test_ours_client_stock_server)
{
  stock_call (TRUE);
}
GST_END_TEST;

GST_START_TEST (test_stock_client_ours_server)
{
  stock_call (FALSE);
}
GST_END_TEST;

static Suite *
stock12_suite (void)
{
  Suite *s = suite_create ("dtls13-stock12");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ours_client_stock_server);
  tcase_add_test (tc, test_stock_client_ours_server);
  return s;
}

GST_CHECK_MAIN (stock12);
