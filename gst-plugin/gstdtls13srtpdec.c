/* GStreamer dtls13 plugin - dtls13srtpdec. See the header. */
#include "gstdtls13srtpdec.h"

#include "dtls13/demux.h"
#include "gstdtls13association.h"

GST_DEBUG_CATEGORY_EXTERN (gst_dtls13_debug);
#define GST_CAT_DEFAULT gst_dtls13_debug

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_STATUS_FIRST,
};

struct _GstDtls13SrtpDec {
  GstElement parent;
  GstPad *sinkpad, *rtp_src, *rtcp_src, *data_src;
  gchar *connection_id;         /* under the object lock */
  GstDtls13Association *assoc;  /* from READY to NULL */
  dtls13_demux_counters demux;  /* streaming thread only */
};

G_DEFINE_TYPE (GstDtls13SrtpDec, gst_dtls13_srtp_dec, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate rtp_src_template = GST_STATIC_PAD_TEMPLATE ("rtp_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));
static GstStaticPadTemplate rtcp_src_template = GST_STATIC_PAD_TEMPLATE ("rtcp_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtcp"));
static GstStaticPadTemplate data_src_template = GST_STATIC_PAD_TEMPLATE ("data_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static GstFlowReturn
push_on (GstPad * pad, GstBuffer * buf)
{
  GstFlowReturn ret = gst_pad_push (pad, buf);

  /* Unlinked outputs (e.g. no RTCP consumer) are normal. */
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

static GstFlowReturn
handle_dtls (GstDtls13SrtpDec * self, GstBuffer * buf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GList *data = NULL;
  GstMapInfo map;

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    gst_dtls13_association_handle_datagram (self->assoc, map.data, map.size, &data);
    gst_buffer_unmap (buf, &map);
  }
  gst_buffer_unref (buf);
  for (GList * l = data; l != NULL; l = l->next) {
    GstFlowReturn r = push_on (self->data_src, l->data);
    if (r != GST_FLOW_OK)
      ret = r;
  }
  g_list_free (data);
  return ret;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (parent);
  dtls13_demux_kind kind;
  guint8 head[2] = { 0, 0 };
  gsize got = gst_buffer_extract (buf, 0, head, sizeof head);

  (void) pad;
  /* classification needs the first two bytes only (dtls13/demux.h) */
  kind = dtls13_demux_classify_count (&self->demux, head, got);
  if (self->assoc == NULL) {
    gst_buffer_unref (buf);
    return GST_FLOW_OK;
  }
  switch (kind) {
    case DTLS13_DEMUX_DTLS:
      return handle_dtls (self, buf);
    case DTLS13_DEMUX_RTP:
    case DTLS13_DEMUX_RTCP:{
      gboolean rtcp = kind == DTLS13_DEMUX_RTCP;
      GstBuffer *clear = gst_dtls13_association_unprotect (self->assoc, rtcp, buf);
      if (clear == NULL)
        return GST_FLOW_OK;
      return push_on (rtcp ? self->rtcp_src : self->rtp_src, clear);
    }
    default:
      GST_LOG_OBJECT (self, "%s datagram of %" G_GSIZE_FORMAT " bytes dropped",
          dtls13_demux_kind_name (kind), gst_buffer_get_size (buf));
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
  }
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  /* The network's caps say nothing about the decrypted streams; the rest
   * (stream-start, segment, EOS, flushes) goes to every src pad. */
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
    gst_event_unref (event);
    return TRUE;
  }
  return gst_pad_event_default (pad, parent, event);
}

static GstStateChangeReturn
change_state (GstElement * element, GstStateChange transition)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    gchar *id;
    GST_OBJECT_LOCK (self);
    id = g_strdup (self->connection_id);
    GST_OBJECT_UNLOCK (self);
    self->assoc = gst_dtls13_association_join (element, id, FALSE);
    g_free (id);
    if (self->assoc == NULL)
      return GST_STATE_CHANGE_FAILURE;
    dtls13_demux_counters_reset (&self->demux);
  }
  ret = GST_ELEMENT_CLASS (gst_dtls13_srtp_dec_parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL && self->assoc != NULL) {
    gst_dtls13_association_set_decoder (self->assoc, NULL);
    gst_dtls13_association_release (self->assoc);
    self->assoc = NULL;
  }
  return ret;
}

static void
set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (object);

  if (prop_id == PROP_CONNECTION_ID) {
    GST_OBJECT_LOCK (self);
    g_free (self->connection_id);
    self->connection_id = g_value_dup_string (value);
    GST_OBJECT_UNLOCK (self);
  } else {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (object);

  if (prop_id == PROP_CONNECTION_ID) {
    GST_OBJECT_LOCK (self);
    g_value_set_string (value, self->connection_id);
    GST_OBJECT_UNLOCK (self);
  } else if (prop_id >= PROP_STATUS_FIRST
      && prop_id < PROP_STATUS_FIRST + GST_DTLS13_STATUS_PROPERTY_COUNT) {
    gst_dtls13_get_status_property (self->assoc, prop_id - PROP_STATUS_FIRST, value);
  } else {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
finalize (GObject * object)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (object);

  g_free (self->connection_id);
  G_OBJECT_CLASS (gst_dtls13_srtp_dec_parent_class)->finalize (object);
}

static void
gst_dtls13_srtp_dec_class_init (GstDtls13SrtpDecClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  gobject_class->finalize = finalize;
  element_class->change_state = GST_DEBUG_FUNCPTR (change_state);

  g_object_class_install_property (gobject_class, PROP_CONNECTION_ID,
      g_param_spec_string ("connection-id", "Connection id",
          "Names the association: DTLS records go to the dtls13srtpenc with the "
          "same id, which also holds the configuration (required)", NULL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));
  gst_dtls13_install_status_properties (gobject_class, PROP_STATUS_FIRST);
  gst_dtls13_install_signals (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &rtp_src_template);
  gst_element_class_add_static_pad_template (element_class, &rtcp_src_template);
  gst_element_class_add_static_pad_template (element_class, &data_src_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS 1.3 SRTP Decoder", "Decoder/Network/DTLS/SRTP",
      "Demultiplexes datagrams (RFC 7983), feeds DTLS 1.3 records to the "
      "association of its connection-id and decrypts SRTP/SRTCP with its keys. "
      "rtp_src carries no caps: follow it with a capsfilter",
      "libdtls13 developers");
}

static void
gst_dtls13_srtp_dec_init (GstDtls13SrtpDec * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, GST_DEBUG_FUNCPTR (sink_chain));
  gst_pad_set_event_function (self->sinkpad, GST_DEBUG_FUNCPTR (sink_event));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->rtp_src = gst_pad_new_from_static_template (&rtp_src_template, "rtp_src");
  self->rtcp_src = gst_pad_new_from_static_template (&rtcp_src_template, "rtcp_src");
  self->data_src = gst_pad_new_from_static_template (&data_src_template, "data_src");
  gst_element_add_pad (GST_ELEMENT (self), self->rtp_src);
  gst_element_add_pad (GST_ELEMENT (self), self->rtcp_src);
  gst_element_add_pad (GST_ELEMENT (self), self->data_src);
}
