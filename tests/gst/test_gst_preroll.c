/* gst-check tests of the encoder's preroll at READY->PAUSED: the sink its
 * src task's gap event reaches has prerolled by the time the state change
 * returns, directly, through a queue and through a ghost pad, even when
 * the gap reaches the sink late; and a live pipeline whose other async
 * sink cannot preroll before the handshake still reaches PLAYING on the
 * network side.
 *
 * The late gap stands in for a src task that a loaded machine runs late:
 * a probe on the network sink's pad holds the gap for GAP_DELAY_US. Before
 * the encoder waited for that preroll, gst-launch lines with udpsink's
 * default async=true deadlocked that way: the bin deferred udpsink's
 * PLAYING until every async sink prerolled, and the sink behind the
 * decoder only prerolls on media, after a handshake that needs udpsink in
 * PLAYING. */
#include <gst/check/gstcheck.h>

#define GAP_DELAY_US (100 * 1000)
#define ROUNDS 5

/* Holds every gap event for GAP_DELAY_US before it reaches the pad. */
static GstPadProbeReturn
delay_gap (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  (void) pad;
  (void) user_data;
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_GAP)
    g_usleep (GAP_DELAY_US);
  return GST_PAD_PROBE_OK;
}

/* The network sink of a pipeline: an async fakesink whose pad delays gaps. */
static GstElement *
net_sink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", "net");
  GstPad *pad;

  fail_unless (sink != NULL);
  g_object_set (sink, "async", TRUE, NULL);
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, delay_gap, NULL, NULL);
  gst_object_unref (pad);
  return sink;
}

/* A server encoder (it sends nothing before a ClientHello, so only the
 * gap can preroll its sink) for connection id. */
static GstElement *
server_encoder (const gchar * id)
{
  GstElement *enc = gst_element_factory_make ("dtls13srtpenc", NULL);

  fail_unless (enc != NULL);
  g_object_set (enc, "connection-id", id, NULL);
  return enc;
}

typedef enum { LINK_DIRECT, LINK_QUEUE, LINK_GHOST } Layout;

/* A pipeline: a server encoder feeding the network sink as layout says. */
static GstElement *
make_pipeline (Layout layout, const gchar * id)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *enc = server_encoder (id);
  GstElement *sink = net_sink ();

  if (layout == LINK_DIRECT) {
    gst_bin_add_many (GST_BIN (pipeline), enc, sink, NULL);
    fail_unless (gst_element_link (enc, sink));
  } else if (layout == LINK_QUEUE) {
    GstElement *queue = gst_element_factory_make ("queue", NULL);

    gst_bin_add_many (GST_BIN (pipeline), enc, queue, sink, NULL);
    fail_unless (gst_element_link_many (enc, queue, sink, NULL));
  } else {
    GstElement *bin = gst_bin_new ("inner");
    GstPad *src = gst_element_get_static_pad (enc, "src");

    gst_bin_add (GST_BIN (bin), enc);
    gst_element_add_pad (bin, gst_ghost_pad_new ("src", src));
    gst_object_unref (src);
    gst_bin_add_many (GST_BIN (pipeline), bin, sink, NULL);
    fail_unless (gst_element_link (bin, sink));
  }
  return pipeline;
}

/* Whether element has completed its last state change into want. */
static gboolean
settled_in (GstElement * element, GstState want)
{
  GstState current = GST_STATE_VOID_PENDING, pending = GST_STATE_VOID_PENDING;
  GstStateChangeReturn ret = gst_element_get_state (element, &current, &pending, 0);

  return ret == GST_STATE_CHANGE_SUCCESS && current == want;
}

GST_START_TEST (test_sink_prerolled_when_paused_returns)
{
  static const gchar *const names[] = { "direct", "queue", "ghost pad" };
  Layout layout;
  int round;

  for (layout = LINK_DIRECT; layout <= LINK_GHOST; layout++) {
    for (round = 0; round < ROUNDS; round++) {
      gchar *id = g_strdup_printf ("preroll-%d-%d", (int) layout, round);
      GstElement *pipeline = make_pipeline (layout, id);
      GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "net");

      fail_unless (gst_element_set_state (pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE);
      fail_unless (settled_in (sink, GST_STATE_PAUSED),
          "%s: the network sink had not prerolled when PAUSED returned (round %d)",
          names[layout], round);
      fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
      gst_object_unref (sink);
      gst_object_unref (pipeline);
      g_free (id);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_live_pipeline_reaches_playing)
{
  int round;

  for (round = 0; round < ROUNDS; round++) {
    gchar *id = g_strdup_printf ("preroll-live-%d", round);
    GstElement *pipeline = make_pipeline (LINK_DIRECT, id);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "net");
    /* The media branch: a live source that pushes nothing, as the decoder
     * does before the handshake, into an async sink that cannot preroll. */
    GstElement *media_src = gst_element_factory_make ("appsrc", NULL);
    GstElement *media_sink = gst_element_factory_make ("fakesink", NULL);
    gint64 deadline;

    g_object_set (media_src, "is-live", TRUE, "format", GST_FORMAT_TIME, NULL);
    g_object_set (media_sink, "async", TRUE, NULL);
    gst_bin_add_many (GST_BIN (pipeline), media_src, media_sink, NULL);
    fail_unless (gst_element_link (media_src, media_sink));
    fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
    deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
    while (!settled_in (sink, GST_STATE_PLAYING) && g_get_monotonic_time () < deadline)
      g_usleep (10 * 1000);
    fail_unless (settled_in (sink, GST_STATE_PLAYING),
        "the network sink never reached PLAYING (round %d)", round);
    fail_unless (!settled_in (media_sink, GST_STATE_PLAYING),
        "the media sink prerolled without media: the test no longer stands for the decoder");
    fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) == GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (sink);
    gst_object_unref (pipeline);
    g_free (id);
  }
}

GST_END_TEST;

static Suite *
preroll_suite (void)
{
  Suite *s = suite_create ("dtls13-preroll");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_sink_prerolled_when_paused_returns);
  tcase_add_test (tc, test_live_pipeline_reaches_playing);
  return s;
}

GST_CHECK_MAIN (preroll);
