/* GStreamer dtls13 plugin - dtls13srtpdec. See the header. */
#include "gstdtls13srtpdec.h"

#include "gstdtls13element.h"

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_STATUS_FIRST,
};

struct _GstDtls13SrtpDec {
  GstElement parent;
  GstDtls13Decoder dec;         /* pads, connection-id, the association */
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

static void
set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (object);

  if (prop_id == PROP_CONNECTION_ID) {
    gst_dtls13_element_set_string (GST_ELEMENT (self), &self->dec.connection_id, value);
  } else {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (object);

  if (prop_id == PROP_CONNECTION_ID) {
    gst_dtls13_element_get_string (GST_ELEMENT (self), &self->dec.connection_id, value);
  } else if (prop_id >= PROP_STATUS_FIRST
      && prop_id < PROP_STATUS_FIRST + GST_DTLS13_STATUS_PROPERTY_COUNT) {
    gst_dtls13_get_status_property (self->dec.assoc, prop_id - PROP_STATUS_FIRST, value);
  } else {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
finalize (GObject * object)
{
  GstDtls13SrtpDec *self = GST_DTLS13_SRTP_DEC (object);

  gst_dtls13_decoder_finalize (&self->dec);
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
  gst_dtls13_decoder_class_init (element_class);

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
  gst_dtls13_decoder_init (&self->dec, GST_ELEMENT (self), &sink_template, &rtp_src_template,
      &rtcp_src_template, &data_src_template, FALSE);
}
