/* GStreamer plugin `dtls` of libdtls13 - dtlsenc, dtlsdec and
 * dtlssrtpdemux, the stock plugin's other three element names.
 *
 * webrtcbin looks dtlsenc and dtlsdec up in the registry (and refuses to
 * start without them) but never creates them: the DTLS work is in
 * dtlssrtpenc/dtlssrtpdec. Here they exist under those names and fail
 * NULL->READY with an error saying so. dtlssrtpdemux is the real thing:
 * it splits a datagram stream into RTP/RTCP (rtp_src) and DTLS (dtls_src)
 * by the first byte (RFC 7983), as the stock element does. */
#include "gstdtls13compatstubs.h"

#include "dtls13/demux.h"
#include "gstdtls13compat.h"

#define GST_CAT_DEFAULT gst_dtls13_compat_debug

/* ---- dtlsenc / dtlsdec ---- */

struct _GstDtls13CompatDtlsEnc {
  GstElement parent;
};

struct _GstDtls13CompatDtlsDec {
  GstElement parent;
};

G_DEFINE_TYPE (GstDtls13CompatDtlsEnc, gst_dtls13_compat_dtls_enc, GST_TYPE_ELEMENT);
G_DEFINE_TYPE (GstDtls13CompatDtlsDec, gst_dtls13_compat_dtls_dec, GST_TYPE_ELEMENT);

static GstStateChangeReturn
refuse_change_state (GstElement * element, GstStateChange transition)
{
  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    GST_ELEMENT_ERROR (element, CORE, NOT_IMPLEMENTED,
        ("%s is not provided by libdtls13's dtls plugin",
            GST_OBJECT_NAME (gst_element_get_factory (element))),
        ("use dtlssrtpenc and dtlssrtpdec (or libdtls13's dtls13srtpenc/dec)"));
    return GST_STATE_CHANGE_FAILURE;
  }
  return GST_STATE_CHANGE_SUCCESS;
}

static void
gst_dtls13_compat_dtls_enc_class_init (GstDtls13CompatDtlsEncClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  element_class->change_state = GST_DEBUG_FUNCPTR (refuse_change_state);
  gst_element_class_set_static_metadata (element_class,
      "DTLS Encoder (placeholder, libdtls13)", "Encoder/Network/DTLS",
      "Registered so that webrtcbin finds the name; cannot run: use dtlssrtpenc",
      "libdtls13 developers");
}

static void
gst_dtls13_compat_dtls_enc_init (GstDtls13CompatDtlsEnc * self)
{
  (void) self;
}

static void
gst_dtls13_compat_dtls_dec_class_init (GstDtls13CompatDtlsDecClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  element_class->change_state = GST_DEBUG_FUNCPTR (refuse_change_state);
  gst_element_class_set_static_metadata (element_class,
      "DTLS Decoder (placeholder, libdtls13)", "Decoder/Network/DTLS",
      "Registered so that webrtcbin finds the name; cannot run: use dtlssrtpdec",
      "libdtls13 developers");
}

static void
gst_dtls13_compat_dtls_dec_init (GstDtls13CompatDtlsDec * self)
{
  (void) self;
}

/* ---- dtlssrtpdemux ---- */

struct _GstDtls13CompatSrtpDemux {
  GstElement parent;
  GstPad *sinkpad, *rtp_src, *dtls_src;
};

G_DEFINE_TYPE (GstDtls13CompatSrtpDemux, gst_dtls13_compat_srtp_demux, GST_TYPE_ELEMENT);

static GstStaticPadTemplate demux_sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate demux_rtp_template = GST_STATIC_PAD_TEMPLATE ("rtp_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp;application/x-rtcp;"
        "application/x-srtp;application/x-srtcp"));
static GstStaticPadTemplate demux_dtls_template = GST_STATIC_PAD_TEMPLATE ("dtls_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-dtls"));

static GstFlowReturn
demux_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstDtls13CompatSrtpDemux *self = GST_DTLS13_COMPAT_SRTP_DEMUX (parent);
  guint8 head[2] = { 0, 0 };
  gsize got = gst_buffer_extract (buf, 0, head, sizeof head);
  GstPad *out;
  GstFlowReturn ret;

  (void) pad;
  switch (dtls13_demux_classify (head, got)) {
    case DTLS13_DEMUX_DTLS:
      out = self->dtls_src;
      break;
    case DTLS13_DEMUX_RTP:
    case DTLS13_DEMUX_RTCP:
      out = self->rtp_src;
      break;
    default:
      GST_LOG_OBJECT (self, "datagram of %" G_GSIZE_FORMAT " bytes dropped",
          gst_buffer_get_size (buf));
      gst_buffer_unref (buf);
      return GST_FLOW_OK;
  }
  ret = gst_pad_push (out, buf);
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

static void
gst_dtls13_compat_srtp_demux_class_init (GstDtls13CompatSrtpDemuxClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_add_static_pad_template (element_class, &demux_sink_template);
  gst_element_class_add_static_pad_template (element_class, &demux_rtp_template);
  gst_element_class_add_static_pad_template (element_class, &demux_dtls_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS SRTP Demultiplexer (libdtls13)", "DTLS/SRTP/Demux",
      "Splits datagrams into RTP/RTCP (rtp_src) and DTLS (dtls_src) by their first "
      "byte (RFC 7983)", "libdtls13 developers");
}

static void
gst_dtls13_compat_srtp_demux_init (GstDtls13CompatSrtpDemux * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&demux_sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, GST_DEBUG_FUNCPTR (demux_chain));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->rtp_src = gst_pad_new_from_static_template (&demux_rtp_template, "rtp_src");
  self->dtls_src = gst_pad_new_from_static_template (&demux_dtls_template, "dtls_src");
  gst_element_add_pad (GST_ELEMENT (self), self->rtp_src);
  gst_element_add_pad (GST_ELEMENT (self), self->dtls_src);
}
