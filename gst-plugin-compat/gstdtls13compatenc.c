/* GStreamer plugin `dtls` of libdtls13 - dtlssrtpenc. See the header. */
#include "gstdtls13compatenc.h"

#include "gstdtls13compat.h"

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
  GstPad *srcpad;
  GMutex push_lock;             /* serializes pushes on srcpad */
  guint next_rtp_pad, next_rtcp_pad;

  /* under the object lock */
  gchar *connection_id;
  gboolean is_client;
  gboolean rtp_sync;
  GstDtls13CompatManualKeying keying;
  GstDtls13Association *assoc;  /* from READY to NULL; written in change_state */
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

static GstFlowReturn
push (GstDtls13CompatSrtpEnc * self, GstBuffer * buf)
{
  GstFlowReturn ret;

  g_mutex_lock (&self->push_lock);
  ret = gst_pad_push (self->srcpad, buf);
  g_mutex_unlock (&self->push_lock);
  /* Datagrams are fire-and-forget: an unlinked src is not an error. */
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

/* The src pad task pushes what the engine sends (flights,
 * retransmissions, ACKs, application data), so that neither the timer nor
 * a streaming thread waits on downstream. */
static void
src_loop (gpointer user_data)
{
  GstDtls13CompatSrtpEnc *self = user_data;
  GstBuffer *buf = self->assoc ? gst_dtls13_association_pop_datagram (self->assoc) : NULL;
  GstFlowReturn ret;

  if (buf == NULL) {
    gst_pad_pause_task (self->srcpad);
    return;
  }
  ret = push (self, buf);
  if (ret != GST_FLOW_OK)
    GST_DEBUG_OBJECT (self, "datagram push: %s", gst_flow_get_name (ret));
  if (ret == GST_FLOW_FLUSHING)
    gst_pad_pause_task (self->srcpad);
}

static gboolean
src_activate_mode (GstPad * pad, GstObject * parent, GstPadMode mode, gboolean active)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (parent);

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  if (active) {
    if (self->assoc)
      gst_dtls13_association_set_flushing (self->assoc, FALSE);
    return gst_pad_start_task (pad, src_loop, self, NULL);
  }
  if (self->assoc)
    gst_dtls13_association_set_flushing (self->assoc, TRUE);
  return gst_pad_stop_task (pad);
}

/* RTP and RTCP may come on either pad (the stock templates allow both):
 * RTCP packet types are 192..223 (RFC 5761 4). */
static GstDtls13MediaKind
classify (GstPad * pad, GstBuffer * buf)
{
  GstDtls13MediaKind kind = GPOINTER_TO_INT (gst_pad_get_element_private (pad));
  guint8 head[2] = { 0, 0 };

  if (kind == GST_DTLS13_MEDIA_DATA)
    return kind;
  if (gst_buffer_extract (buf, 0, head, sizeof head) == sizeof head)
    return head[1] >= 192 && head[1] <= 223 ? GST_DTLS13_MEDIA_RTCP : GST_DTLS13_MEDIA_RTP;
  return kind;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (parent);
  GstBuffer *out = NULL;
  GstDtls13ProtectResult result = GST_DTLS13_PROTECT_DROPPED;

  /* assoc only changes in NULL<->READY, when no buffer flows */
  if (self->assoc)
    result = gst_dtls13_association_protect (self->assoc, classify (pad, buf), buf, &out);
  gst_buffer_unref (buf);
  if (result == GST_DTLS13_PROTECT_OK)
    return push (self, out);
  if (result == GST_DTLS13_PROTECT_DROPPED)
    GST_LOG_OBJECT (pad, "buffer dropped (no keys yet, or protection failed)");
  return GST_FLOW_OK;
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
      /* The src pad carries one datagram stream with its own stream-start
       * and segment; per-input stream events and EOS stop here. */
    case GST_EVENT_CAPS:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_EOS:
    case GST_EVENT_FLUSH_START:
    case GST_EVENT_FLUSH_STOP:
      gst_event_unref (event);
      return TRUE;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

static GstPad *
request_new_pad (GstElement * element, GstPadTemplate * templ, const gchar * name,
    const GstCaps * caps)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (element);
  GstDtls13MediaKind kind;
  gchar *pad_name;
  GstPad *pad;

  (void) caps;
  GST_OBJECT_LOCK (self);
  if (g_str_equal (templ->name_template, "rtp_sink_%d")) {
    kind = GST_DTLS13_MEDIA_RTP;
    pad_name = name ? g_strdup (name) : g_strdup_printf ("rtp_sink_%u", self->next_rtp_pad++);
  } else if (g_str_equal (templ->name_template, "rtcp_sink_%d")) {
    kind = GST_DTLS13_MEDIA_RTCP;
    pad_name = name ? g_strdup (name) : g_strdup_printf ("rtcp_sink_%u", self->next_rtcp_pad++);
  } else {
    kind = GST_DTLS13_MEDIA_DATA;
    pad_name = g_strdup ("data_sink");
  }
  GST_OBJECT_UNLOCK (self);

  pad = gst_pad_new_from_template (templ, pad_name);
  g_free (pad_name);
  gst_pad_set_element_private (pad, GINT_TO_POINTER (kind));
  gst_pad_set_chain_function (pad, GST_DEBUG_FUNCPTR (sink_chain));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (sink_event));
  GST_PAD_SET_PROXY_ALLOCATION (pad);
  if (GST_STATE (element) > GST_STATE_READY)
    gst_pad_set_active (pad, TRUE);
  if (!gst_element_add_pad (element, pad)) {
    gst_object_unref (pad);
    return NULL;
  }
  return pad;
}

static void
release_pad (GstElement * element, GstPad * pad)
{
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

static gboolean
start_association (GstDtls13CompatSrtpEnc * self)
{
  GstDtls13Settings s = {
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
  GError *error = NULL;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  s.is_client = self->is_client;
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "starting the handshake as DTLS %s", s.is_client ? "client" : "server");
  ok = gst_dtls13_association_start (self->assoc, &s, &error);
  if (!ok) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s",
            error ? error->message : "Cannot start DTLS"),
        ("cannot start the DTLS association '%s'", gst_dtls13_association_id (self->assoc)));
    g_clear_error (&error);
  }
  return ok;
}

static GstStateChangeReturn
change_state (GstElement * element, GstStateChange transition)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    GstDtls13Association *assoc;
    gchar *id;
    GST_OBJECT_LOCK (self);
    id = g_strdup (self->connection_id);
    GST_OBJECT_UNLOCK (self);
    assoc = gst_dtls13_association_join (element, id, TRUE);
    g_free (id);
    if (assoc == NULL)
      return GST_STATE_CHANGE_FAILURE;
    GST_OBJECT_LOCK (self);
    self->assoc = assoc;
    GST_OBJECT_UNLOCK (self);
  }

  ret = GST_ELEMENT_CLASS (gst_dtls13_compat_srtp_enc_parent_class)->change_state (element,
      transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      gchar *stream_id = g_strdup_printf ("dtlssrtpenc/%s",
          gst_dtls13_association_id (self->assoc));
      GstSegment segment;
      gst_segment_init (&segment, GST_FORMAT_TIME);
      gst_pad_push_event (self->srcpad, gst_event_new_stream_start (stream_id));
      gst_pad_push_event (self->srcpad, gst_event_new_segment (&segment));
      g_free (stream_id);
      if (!start_association (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_dtls13_association_stop (self->assoc);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:{
      GstDtls13Association *assoc;
      GST_OBJECT_LOCK (self);
      assoc = self->assoc;
      self->assoc = NULL;
      GST_OBJECT_UNLOCK (self);
      gst_dtls13_association_set_encoder (assoc, NULL);
      gst_dtls13_association_release (assoc);
      break;
    }
    default:
      break;
  }
  return ret;
}

static void
set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstDtls13CompatSrtpEnc *self = GST_DTLS13_COMPAT_SRTP_ENC (object);

  if (prop_id >= PROP_COMMON_FIRST
      && prop_id < PROP_COMMON_FIRST + GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT) {
    gst_dtls13_compat_set_common_property (GST_ELEMENT (self), &self->keying,
        prop_id - PROP_COMMON_FIRST, value);
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_free (self->connection_id);
      self->connection_id = g_value_dup_string (value);
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

  if (prop_id >= PROP_COMMON_FIRST
      && prop_id < PROP_COMMON_FIRST + GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT) {
    /* Any thread (webrtcbin reads connection-state in its notify handler) */
    GstDtls13Association *assoc = gst_dtls13_compat_ref_association (GST_ELEMENT (self),
        &self->assoc);
    gst_dtls13_compat_get_common_property (assoc, &self->keying, GST_ELEMENT (self),
        prop_id - PROP_COMMON_FIRST, value);
    gst_dtls13_association_release (assoc);
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_value_set_string (value, self->connection_id);
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

  g_free (self->connection_id);
  gst_dtls13_compat_manual_keying_clear (&self->keying);
  g_mutex_clear (&self->push_lock);
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
  element_class->change_state = GST_DEBUG_FUNCPTR (change_state);
  element_class->request_new_pad = GST_DEBUG_FUNCPTR (request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (release_pad);

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
  g_mutex_init (&self->push_lock);
  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_activatemode_function (self->srcpad, GST_DEBUG_FUNCPTR (src_activate_mode));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}
