/* The decoder code both plugins' SRTP decoders share. See
 * gstdtls13element.h. */
#include "gstdtls13element.h"

GST_DEBUG_CATEGORY_EXTERN (gst_dtls13_debug);
#define GST_CAT_DEFAULT gst_dtls13_debug

/* The qdata key under which an element keeps its GstDtls13Decoder. */
static GQuark
decoder_quark (void)
{
  return g_quark_from_static_string ("gst-dtls13-decoder");
}

/* Pushes buf on pad; unlinked outputs (e.g. no RTCP consumer) are normal. */
static GstFlowReturn
push_on (GstPad * pad, GstBuffer * buf)
{
  GstFlowReturn ret = gst_pad_push (pad, buf);

  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

/* Pushes the application data the association returned on data_src, or
 * drops it while there is no data_src. */
static GstFlowReturn
push_data (GstDtls13Decoder * dec, GList * data)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GstPad *data_src;

  GST_OBJECT_LOCK (dec->element);
  data_src = dec->data_src ? gst_object_ref (dec->data_src) : NULL;
  GST_OBJECT_UNLOCK (dec->element);
  for (GList * l = data; l != NULL; l = l->next) {
    GstFlowReturn r;
    if (data_src == NULL) {
      GST_LOG_OBJECT (dec->element, "application data without a data_src pad: dropped");
      gst_buffer_unref (l->data);
      continue;
    }
    r = push_on (data_src, l->data);
    if (r != GST_FLOW_OK)
      ret = r;
  }
  g_list_free (data);
  if (data_src)
    gst_object_unref (data_src);
  /* With data_flow_apart the data path's flow is not the media's: a
   * flushing SCTP decoder must not stop RTP. */
  if (dec->data_flow_apart && (ret == GST_FLOW_FLUSHING || ret == GST_FLOW_EOS))
    return GST_FLOW_OK;
  return ret;
}

/* A DTLS datagram: to the association, then its application data out. */
static GstFlowReturn
handle_dtls (GstDtls13Decoder * dec, GstBuffer * buf)
{
  GList *data = NULL;
  GstMapInfo map;

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    /* The association notifies connection-state (connected) before it
     * returns, so webrtcbin starts SCTP before the first record is pushed. */
    gst_dtls13_association_handle_datagram (dec->assoc, map.data, map.size, &data);
    gst_buffer_unmap (buf, &map);
  }
  gst_buffer_unref (buf);
  if (dec->after_datagram != NULL)
    dec->after_datagram (dec->element);
  if (data == NULL)
    return GST_FLOW_OK;
  return push_data (dec, data);
}

/* The sink pad's chain function: demultiplexes by the first byte. */
static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstDtls13Decoder *dec = gst_pad_get_element_private (pad);
  dtls13_demux_kind kind;
  guint8 head[2] = { 0, 0 };
  gsize got = gst_buffer_extract (buf, 0, head, sizeof head);

  (void) parent;
  /* classification needs the first two bytes only (dtls13/demux.h) */
  kind = dtls13_demux_classify_count (&dec->demux, head, got);
  if (dec->assoc == NULL) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  switch (kind) {
    case DTLS13_DEMUX_DTLS:
      return handle_dtls (dec, buf);
    case DTLS13_DEMUX_RTP:
    case DTLS13_DEMUX_RTCP:{
      gboolean rtcp = kind == DTLS13_DEMUX_RTCP;
      GstBuffer *clear = gst_dtls13_association_unprotect (dec->assoc, rtcp, buf);
      if (clear == NULL)
        return GST_FLOW_OK;
      return push_on (rtcp ? dec->rtcp_src : dec->rtp_src, clear);
    }
    default:
      GST_LOG_OBJECT (dec->element, "%s datagram of %" G_GSIZE_FORMAT " bytes dropped",
          dtls13_demux_kind_name (kind), gst_buffer_get_size (buf));
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
  }
}

/* Pushes pad's template caps on it. */
static void
push_template_caps (GstPad * pad)
{
  GstCaps *caps = gst_pad_get_pad_template_caps (pad);

  gst_pad_push_event (pad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
}

/* With stock_caps: stock srtpdec's caps, before the segment (rtpbin
 * follows them). */
static void
push_caps (GstDtls13Decoder * dec)
{
  if (!dec->stock_caps || dec->caps_pushed)
    return;
  dec->caps_pushed = TRUE;
  push_template_caps (dec->rtp_src);
  push_template_caps (dec->rtcp_src);
}

/* The sink pad's events: the network's caps say nothing about the
 * decrypted streams; the rest (stream-start, segment, EOS, flushes) goes
 * to every src pad. */
static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstDtls13Decoder *dec = gst_pad_get_element_private (pad);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_STREAM_START:
      dec->caps_pushed = FALSE;
      break;
    case GST_EVENT_SEGMENT:
      push_caps (dec);
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

/* NULL->READY: joins the association of connection-id as its decoder and
 * runs the joined hook. */
static gboolean
join (GstDtls13Decoder * dec)
{
  if (!gst_dtls13_element_join (dec->element, &dec->connection_id, FALSE, &dec->assoc))
    return FALSE;
  dtls13_demux_counters_reset (&dec->demux);
  if (dec->joined != NULL)
    dec->joined (dec->element);
  return TRUE;
}

/* The decoders' change_state. */
static GstStateChangeReturn
decoder_change_state (GstElement * element, GstStateChange transition)
{
  GstDtls13Decoder *dec = g_object_get_qdata (G_OBJECT (element), decoder_quark ());
  GstElementClass *parent_class = g_type_class_peek_parent (G_OBJECT_GET_CLASS (element));
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !join (dec))
    return GST_STATE_CHANGE_FAILURE;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    dec->caps_pushed = FALSE;
  ret = parent_class->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL) {
    GstDtls13Association *assoc = gst_dtls13_element_swap_association (element, &dec->assoc,
        NULL);
    if (assoc != NULL) {
      gst_dtls13_association_set_decoder (assoc, NULL);
      gst_dtls13_association_release (assoc);
    }
  }
  return ret;
}

/* A src pad from templ, added to element. */
static GstPad *
add_src_pad (GstDtls13Decoder * dec, GstStaticPadTemplate * templ)
{
  GstPad *pad = gst_pad_new_from_static_template (templ, templ->name_template);

  if (dec->stock_caps)
    gst_pad_use_fixed_caps (pad);
  gst_element_add_pad (dec->element, pad);
  return pad;
}

void
gst_dtls13_decoder_init (GstDtls13Decoder * dec, GstElement * element,
    GstStaticPadTemplate * sink_template, GstStaticPadTemplate * rtp_template,
    GstStaticPadTemplate * rtcp_template, GstStaticPadTemplate * data_template,
    gboolean stock_caps)
{
  dec->element = element;
  dec->stock_caps = stock_caps;
  g_object_set_qdata (G_OBJECT (element), decoder_quark (), dec);
  dec->sinkpad = gst_pad_new_from_static_template (sink_template, "sink");
  gst_pad_set_element_private (dec->sinkpad, dec);
  gst_pad_set_chain_function (dec->sinkpad, GST_DEBUG_FUNCPTR (sink_chain));
  gst_pad_set_event_function (dec->sinkpad, GST_DEBUG_FUNCPTR (sink_event));
  gst_element_add_pad (element, dec->sinkpad);
  dec->rtp_src = add_src_pad (dec, rtp_template);
  dec->rtcp_src = add_src_pad (dec, rtcp_template);
  if (data_template != NULL)
    dec->data_src = gst_object_ref (add_src_pad (dec, data_template));
}

void
gst_dtls13_decoder_class_init (GstElementClass * klass)
{
  klass->change_state = GST_DEBUG_FUNCPTR (decoder_change_state);
}

void
gst_dtls13_decoder_finalize (GstDtls13Decoder * dec)
{
  gst_clear_object (&dec->data_src);
  g_free (dec->connection_id);
}
