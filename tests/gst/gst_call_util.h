/* Helpers shared by the gst-check call tests: two pipelines joined
 * in-process (each encoder's appsink pushes into the other side's appsrc),
 * counters bumped by probes and signals, and waiting on them. */
#ifndef GST_CALL_UTIL_H
#define GST_CALL_UTIL_H

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/check/gstcheck.h>

typedef struct {
  GstElement *pipeline, *enc, *dec, *appsink, *appsrc, *videosink;
  gint frames;                  /* decoded frames that reached the sink */
  gint key_set;                 /* on-key-set emissions on the encoder */
  gint failed;                  /* on-handshake-failed emissions (both elements) */
  gint sent;                    /* buffers the encoder pushed towards the network */
  guint failed_alert;
} Side;

static inline GstFlowReturn
forward_sample (GstAppSink * sink, gpointer user_data)
{
  GstElement *appsrc = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample != NULL) {
    /* A deep copy, as a network would deliver: the stock dtlssrtpdec
     * keeps the memory of what it receives in buffers of its own, which a
     * shared memory would make a child of two parents. */
    gst_app_src_push_buffer (GST_APP_SRC (appsrc), gst_buffer_copy_deep (gst_sample_get_buffer (sample)));
    gst_sample_unref (sample);
  }
  return GST_FLOW_OK;
}

static inline GstPadProbeReturn
count_frame (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Side *side = user_data;

  (void) pad;
  (void) info;
  g_atomic_int_inc (&side->frames);
  return GST_PAD_PROBE_OK;
}

static inline GstPadProbeReturn
count_sent (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Side *side = user_data;

  (void) pad;
  (void) info;
  g_atomic_int_inc (&side->sent);
  return GST_PAD_PROBE_OK;
}

static inline void
on_key_set (GstElement * element, gpointer user_data)
{
  Side *side = user_data;

  (void) element;
  g_atomic_int_inc (&side->key_set);
}

static inline void
on_failed (GstElement * element, guint alert, const gchar * reason, gpointer user_data)
{
  Side *side = user_data;

  (void) element;
  GST_INFO ("handshake failed: alert %u, %s", alert, reason);
  side->failed_alert = alert;
  g_atomic_int_inc (&side->failed);
}

/* Makes side's pipeline from desc (freed here), whose elements are named
 * enc, dec, net_out (appsink), net_in (appsrc) and video (the frame
 * sink), and counts its decoded frames and on-key-set emissions. */
static inline void
open_side (Side * side, gchar * desc)
{
  GError *error = NULL;
  GstPad *pad;

  memset (side, 0, sizeof *side);
  side->pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  fail_unless (side->pipeline != NULL, "parse: %s", error ? error->message : "?");
  side->enc = gst_bin_get_by_name (GST_BIN (side->pipeline), "enc");
  side->dec = gst_bin_get_by_name (GST_BIN (side->pipeline), "dec");
  side->appsink = gst_bin_get_by_name (GST_BIN (side->pipeline), "net_out");
  side->appsrc = gst_bin_get_by_name (GST_BIN (side->pipeline), "net_in");
  side->videosink = gst_bin_get_by_name (GST_BIN (side->pipeline), "video");
  pad = gst_element_get_static_pad (side->videosink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frame, side, NULL);
  gst_object_unref (pad);
  g_signal_connect (side->enc, "on-key-set", G_CALLBACK (on_key_set), side);
}

static inline void
connect_sides (Side * a, Side * b)
{
  GstAppSinkCallbacks cb;

  memset (&cb, 0, sizeof cb);
  cb.new_sample = forward_sample;

  gst_app_sink_set_callbacks (GST_APP_SINK (a->appsink), &cb, b->appsrc, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (b->appsink), &cb, a->appsrc, NULL);
}

/* Each side's appsink pushes into the other side's appsrc, so both
 * pipelines must be stopped (their streaming threads joined) before either
 * side's elements are released. */
static inline void
stop_sides (Side * a, Side * b)
{
  gst_element_set_state (a->pipeline, GST_STATE_NULL);
  gst_element_set_state (b->pipeline, GST_STATE_NULL);
}

static inline void
free_side (Side * side)
{
  gst_element_set_state (side->pipeline, GST_STATE_NULL);
  gst_object_unref (side->enc);
  gst_object_unref (side->dec);
  gst_object_unref (side->appsink);
  gst_object_unref (side->appsrc);
  gst_object_unref (side->videosink);
  gst_object_unref (side->pipeline);
}

static inline gboolean
wait_until (gint * counter, gint want, guint timeout_ms)
{
  for (guint waited = 0; waited < timeout_ms; waited += 20) {
    if (g_atomic_int_get (counter) >= want)
      return TRUE;
    g_usleep (20 * 1000);
  }
  return g_atomic_int_get (counter) >= want;
}

#endif
