/* GStreamer plugin `dtls` of libdtls13 - dtlssrtpenc. See the header. */
#include "gstdtls13compatenc.h"

#include "gstdtls13compat.h"
#include "gstdtls13element.h"

#define GST_CAT_DEFAULT gst_dtls13_compat_debug

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_IS_CLIENT,
  PROP_RTP_SYNC,
  PROP_COMMON_FIRST,
};

struct _GstDtls13CompatSrtpEnc {
  GstElement parent;
  GstDtls13Encoder enc;         /* pads, connection-id, the association */

  /* under the object lock */
  gboolean is_client;
  gboolean rtp_sync;
  GstDtls13CompatManualKeying keying;
};

G_DEFINE_TYPE (GstDtls13CompatSrtpEnc, gst_dtls13_compat_srtp_enc, GST_TYPE_ELEMENT);

/* webrtcbin finds these by their exact name_template (%d, not %u). */
static GstStaticPadTemplate rtp_sink_template = GST_STATIC_PAD_TEMPLATE ("rtp_sink_%d",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("application/x-rtp;application/x-rtcp"));
static GstStaticPadTemplate rtcp_sink_template = GST_STATIC_PAD_TEMPLATE ("rtcp_sink_%d",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("application/x-rtp;application/x-rtcp"));
static GstStaticPadTemplate data_sink_template = GST_STATIC_PAD_TEMPLATE ("data_sink",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* READY->PAUSED: the handshake's settings, fixed but for is-client. */
static void
read_settings (GstElement * element, GstDtls13Settings * s)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (element);
  const GstDtls13Settings fixed = {
    .pem = NULL,                /* the decoder's certificate (or a new one) */
    .peer_fingerprint = NULL,   /* webrtcbin 1.22 never passes it */
    .srtp_profiles = NULL,      /* GCM first, then SRTP_AES128_CM_SHA1_80 */
    .mtu = 1200,
    .initial_timeout_ms = 400,
    /* webrtcbin starts the encoder once ICE has checked the path */
    .peer_address_validated = TRUE,
    /* webrtcbin holds media upstream until on-key-set */
    .pre_key_policy = GST_DTLS13_PRE_KEY_DROP,
    .max_held_buffers = 64,
    .min_version = GST_DTLS13_VERSION_DTLS12,
    .max_version = GST_DTLS13_VERSION_DTLS13,
    .cookie = GST_DTLS13_COOKIE_NEVER,
    .under_load = FALSE,
  };

  *s = fixed;
  GST_OBJECT_LOCK (self);
  s->is_client = self->is_client;
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "starting the handshake as DTLS %s", s->is_client ? "client" : "server");
}

static void
set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (object);

  if (gst_dtls13_compat_set_common_property (GST_ELEMENT (self), &self->keying,
          prop_id, PROP_COMMON_FIRST, value))
    return;
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_free (self->enc.connection_id);
      self->enc.connection_id = g_value_dup_string (value);
      break;
    case PROP_IS_CLIENT:
      /* Read at READY->PAUSED; a set while playing (webrtcbin repeats it
       * at every negotiation) changes nothing until the next start. The
       * notify that GObject sends for every set is what makes webrtcbin's
       * send bin start this element. */
      self->is_client = g_value_get_boolean (value);
      break;
    case PROP_RTP_SYNC:
      self->rtp_sync = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (object);

  /* Any thread (webrtcbin reads connection-state in its notify handler) */
  if (gst_dtls13_compat_get_common_property (GST_ELEMENT (self), &self->enc.assoc,
          &self->keying, prop_id, PROP_COMMON_FIRST, value))
    return;
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_value_set_string (value, self->enc.connection_id);
      break;
    case PROP_IS_CLIENT:
      g_value_set_boolean (value, self->is_client);
      break;
    case PROP_RTP_SYNC:
      g_value_set_boolean (value, self->rtp_sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
finalize (GObject * object)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (object);

  gst_dtls13_compat_manual_keying_clear (&self->keying);
  gst_dtls13_encoder_finalize (&self->enc);
  G_OBJECT_CLASS (gst_dtls13_compat_srtp_enc_parent_class)->finalize (object);
}

static void
gst_dtls13_compat_srtp_enc_class_init (GstDtls13CompatSrtpEncClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  gobject_class->finalize = finalize;
  gst_dtls13_encoder_class_init (element_class);

  g_object_class_install_property (gobject_class, PROP_CONNECTION_ID,
      g_param_spec_string ("connection-id", "Connection id",
          "Every encoder/decoder pair should have the same, unique, connection-id",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));
  /* No G_PARAM_EXPLICIT_NOTIFY: webrtcbin waits for the notify of a set
   * that does not change the value (FALSE over the default FALSE). */
  g_object_class_install_property (gobject_class, PROP_IS_CLIENT,
      g_param_spec_boolean ("is-client", "Is client",
          "Set to true if the decoder should act as client and initiate the "
          "handshake. Read when the element goes READY->PAUSED; accepted while "
          "playing, taking effect at the next start", FALSE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_RTP_SYNC,
      g_param_spec_boolean ("rtp-sync", "Synchronize RTP",
          "Accepted for compatibility: RTP and RTCP are protected as they come",
          FALSE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  gst_dtls13_compat_install_common_properties (gobject_class, PROP_COMMON_FIRST);
  gst_dtls13_install_signals (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &rtp_sink_template);
  gst_element_class_add_static_pad_template (element_class, &rtcp_sink_template);
  gst_element_class_add_static_pad_template (element_class, &data_sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS-SRTP Encoder (libdtls13)", "Encoder/Network/DTLS/SRTP",
      "Drop-in for gst-plugins-bad's dtlssrtpenc: DTLS 1.3 (RFC 9147), DTLS 1.2 "
      "with peers that lack it, and SRTP keyed from it (RFC 5764), by libdtls13. "
      "Honours SSLKEYLOGFILE.", "libdtls13 developers");
  gst_type_mark_as_plugin_api (GST_TYPE_DTLS13_COMPAT_CONNECTION_STATE, 0);
}

static void
gst_dtls13_compat_srtp_enc_init (GstDtls13CompatSrtpEnc * self)
{
  gst_dtls13_encoder_init (&self->enc, GST_ELEMENT (self), &src_template, "dtlssrtpenc", "DTLS");
  self->enc.rtcp_by_packet_type = TRUE;
  self->enc.settings = read_settings;
}
