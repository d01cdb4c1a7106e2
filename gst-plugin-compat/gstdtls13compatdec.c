/* GStreamer plugin `dtls` of libdtls13 - dtlssrtpdec. See the header. */
#include "gstdtls13compatdec.h"

#include "dtls13/demux.h"
#include "gstdtls13compat.h"

#define GST_CAT_DEFAULT gst_dtls13_compat_debug

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_PEM,
  PROP_PEER_PEM,
  PROP_COMMON_FIRST,
};

struct _GstDtls13CompatSrtpDec {
  GstElement parent;
  GstPad *sinkpad, *rtp_src, *rtcp_src;
  dtls13_demux_counters demux;  /* streaming thread only */
  gboolean caps_pushed;         /* streaming thread only */
  gint peer_pem_changed;        /* atomic: notify peer-pem after the datagram */

  /* under the object lock */
  GstPad *data_src;             /* requested, or NULL */
  gchar *connection_id;
  GstDtls13Association *id_assoc;       /* joined when connection-id is set */
  GstDtls13Association *assoc;  /* attached as decoder, from READY to NULL */
  dtls13_config *cert;          /* the certificate and key */
  gchar *pem;                   /* the certificate alone, PEM */
  gchar *peer_pem;
  GstDtls13CompatManualKeying keying;
};

G_DEFINE_TYPE (GstDtls13CompatSrtpDec, gst_dtls13_compat_srtp_dec, GST_TYPE_ELEMENT);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate rtp_src_template = GST_STATIC_PAD_TEMPLATE ("rtp_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtp"));
static GstStaticPadTemplate rtcp_src_template = GST_STATIC_PAD_TEMPLATE ("rtcp_src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("application/x-rtcp"));
/* A request pad: webrtcbin asks for it with gst_element_request_pad_simple. */
static GstStaticPadTemplate data_src_template = GST_STATIC_PAD_TEMPLATE ("data_src",
    GST_PAD_SRC, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);

static GstFlowReturn
push_on (GstPad * pad, GstBuffer * buf)
{
  GstFlowReturn ret = gst_pad_push (pad, buf);

  /* Unlinked outputs (e.g. no RTCP consumer) are normal. */
  return ret == GST_FLOW_NOT_LINKED ? GST_FLOW_OK : ret;
}

static GstFlowReturn
handle_dtls (GstDtls13CompatSrtpDec * self, GstBuffer * buf)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GList *data = NULL;
  GstPad *data_src;
  GstMapInfo map;

  if (gst_buffer_map (buf, &map, GST_MAP_READ)) {
    /* The association notifies connection-state (connected) before it
     * returns, so webrtcbin starts SCTP before the first record is pushed. */
    gst_dtls13_association_handle_datagram (self->assoc, map.data, map.size, &data);
    gst_buffer_unmap (buf, &map);
  }
  gst_buffer_unref (buf);
  if (g_atomic_int_compare_and_exchange (&self->peer_pem_changed, 1, 0))
    g_object_notify (G_OBJECT (self), "peer-pem");
  if (data == NULL)
    return GST_FLOW_OK;
  GST_OBJECT_LOCK (self);
  data_src = self->data_src ? gst_object_ref (self->data_src) : NULL;
  GST_OBJECT_UNLOCK (self);
  for (GList * l = data; l != NULL; l = l->next) {
    GstFlowReturn r;
    if (data_src == NULL) {
      GST_LOG_OBJECT (self, "application data without a data_src pad: dropped");
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
  /* The data path's flow is not the media's: a flushing SCTP decoder must
   * not stop RTP. */
  return ret == GST_FLOW_FLUSHING || ret == GST_FLOW_EOS ? GST_FLOW_OK : ret;
}

static GstFlowReturn
sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (parent);
  dtls13_demux_kind kind;
  guint8 head[2] = { 0, 0 };
  gsize got = gst_buffer_extract (buf, 0, head, sizeof head);

  (void) pad;
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

/* Stock srtpdec's caps, before the segment: rtpbin follows them. */
static void
push_caps (GstDtls13CompatSrtpDec * self)
{
  if (self->caps_pushed)
    return;
  self->caps_pushed = TRUE;
  gst_pad_push_event (self->rtp_src,
      gst_event_new_caps (gst_static_pad_template_get_caps (&rtp_src_template)));
  gst_pad_push_event (self->rtcp_src,
      gst_event_new_caps (gst_static_pad_template_get_caps (&rtcp_src_template)));
}

static gboolean
sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:
      /* The network's caps say nothing about the decrypted streams. */
      gst_event_unref (event);
      return TRUE;
    case GST_EVENT_STREAM_START:
      self->caps_pushed = FALSE;
      break;
    case GST_EVENT_SEGMENT:
      push_caps (self);
      break;
    default:
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
copy_stream_event (GstPad * pad, GstEvent ** event, gpointer user_data)
{
  GstPad *data_src = user_data;

  (void) pad;
  if (GST_EVENT_TYPE (*event) == GST_EVENT_STREAM_START
      || GST_EVENT_TYPE (*event) == GST_EVENT_SEGMENT)
    gst_pad_store_sticky_event (data_src, *event);
  return TRUE;
}

static GstPad *
request_new_pad (GstElement * element, GstPadTemplate * templ, const gchar * name,
    const GstCaps * caps)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);
  GstPad *pad;

  (void) name;
  (void) caps;
  GST_OBJECT_LOCK (self);
  if (self->data_src != NULL) {
    GST_OBJECT_UNLOCK (self);
    GST_WARNING_OBJECT (self, "data_src was already requested");
    return NULL;
  }
  GST_OBJECT_UNLOCK (self);
  pad = gst_pad_new_from_template (templ, "data_src");
  gst_pad_use_fixed_caps (pad);
  if (GST_STATE (element) > GST_STATE_READY) {
    gst_pad_set_active (pad, TRUE);
    gst_pad_sticky_events_foreach (self->sinkpad, copy_stream_event, pad);
  }
  if (!gst_element_add_pad (element, pad)) {
    gst_object_unref (pad);
    return NULL;
  }
  GST_OBJECT_LOCK (self);
  self->data_src = gst_object_ref (pad);
  GST_OBJECT_UNLOCK (self);
  return pad;
}

static void
release_pad (GstElement * element, GstPad * pad)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);

  GST_OBJECT_LOCK (self);
  if (self->data_src == pad)
    gst_clear_object (&self->data_src);
  GST_OBJECT_UNLOCK (self);
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

/* Gives the association of id_assoc this decoder's certificate. */
static void
give_certificate (GstDtls13CompatSrtpDec * self, GstDtls13Association * assoc,
    const dtls13_config * cert)
{
  GError *error = NULL;

  if (assoc != NULL && cert != NULL
      && !gst_dtls13_association_use_certificate (assoc, cert, &error)) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("%s", error->message), (NULL));
    g_error_free (error);
  }
}

static void
set_connection_id (GstDtls13CompatSrtpDec * self, const gchar * id)
{
  GstDtls13Association *assoc = NULL, *old;
  dtls13_config *cert;

  if (id != NULL && id[0] != '\0')
    assoc = gst_dtls13_association_acquire (id);
  GST_OBJECT_LOCK (self);
  g_free (self->connection_id);
  self->connection_id = g_strdup (id);
  old = self->id_assoc;
  self->id_assoc = assoc;
  cert = self->cert;            /* replaced only by set_pem, on the same thread */
  GST_OBJECT_UNLOCK (self);
  give_certificate (self, assoc, cert);
  gst_dtls13_association_release (old);
}

static void
set_pem (GstDtls13CompatSrtpDec * self, const gchar * text)
{
  GError *error = NULL;
  gchar *pem = NULL;
  dtls13_config *cert, *old;
  GstDtls13Association *assoc;

  if (text == NULL || text[0] == '\0') {
    cert = gst_dtls13_compat_generate_certificate (&pem, &error);
  } else {
    cert = gst_dtls13_compat_load_certificate (text, &pem, &error);
  }
  if (cert == NULL) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("%s", error->message),
        ("the certificate is unchanged"));
    g_error_free (error);
    return;
  }
  GST_OBJECT_LOCK (self);
  old = self->cert;
  self->cert = cert;
  g_free (self->pem);
  self->pem = pem;
  assoc = self->id_assoc ? gst_dtls13_association_acquire (gst_dtls13_association_id
      (self->id_assoc)) : NULL;
  GST_OBJECT_UNLOCK (self);
  give_certificate (self, assoc, cert);
  gst_dtls13_association_release (assoc);
  dtls13_config_free (old);
}

static gboolean
on_peer_certificate (GstElement * element, const gchar * pem, gpointer user_data)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);

  (void) user_data;
  /* Called with the association locked: store it, notify afterwards. */
  GST_OBJECT_LOCK (self);
  g_free (self->peer_pem);
  self->peer_pem = g_strdup (pem);
  GST_OBJECT_UNLOCK (self);
  g_atomic_int_set (&self->peer_pem_changed, 1);
  return FALSE;                 /* accepted, as stock does */
}

static GstStateChangeReturn
change_state (GstElement * element, GstStateChange transition)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    GstDtls13Association *assoc;
    gchar *id;
    GST_OBJECT_LOCK (self);
    id = g_strdup (self->connection_id);
    GST_OBJECT_UNLOCK (self);
    assoc = gst_dtls13_association_join (element, id, FALSE);
    g_free (id);
    if (assoc == NULL)
      return GST_STATE_CHANGE_FAILURE;
    dtls13_demux_counters_reset (&self->demux);
    GST_OBJECT_LOCK (self);
    self->assoc = assoc;
    g_clear_pointer (&self->peer_pem, g_free);
    GST_OBJECT_UNLOCK (self);
  }
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    self->caps_pushed = FALSE;
  ret = GST_ELEMENT_CLASS (gst_dtls13_compat_srtp_dec_parent_class)->change_state (element,
      transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL) {
    GstDtls13Association *assoc;
    GST_OBJECT_LOCK (self);
    assoc = self->assoc;
    self->assoc = NULL;
    GST_OBJECT_UNLOCK (self);
    if (assoc != NULL) {
      gst_dtls13_association_set_decoder (assoc, NULL);
      gst_dtls13_association_release (assoc);
    }
  }
  return ret;
}

static void
set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (object);

  switch (prop_id) {
    case PROP_CONNECTION_ID:
      set_connection_id (self, g_value_get_string (value));
      break;
    case PROP_PEM:
      set_pem (self, g_value_get_string (value));
      break;
    default:
      if (prop_id >= PROP_COMMON_FIRST
          && prop_id < PROP_COMMON_FIRST + GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT)
        gst_dtls13_compat_set_common_property (GST_ELEMENT (self), &self->keying,
            prop_id - PROP_COMMON_FIRST, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (object);

  if (prop_id >= PROP_COMMON_FIRST
      && prop_id < PROP_COMMON_FIRST + GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT) {
    GstDtls13Association *assoc = gst_dtls13_compat_ref_association (GST_ELEMENT (self),
        &self->id_assoc);
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
    case PROP_PEM:
      g_value_set_string (value, self->pem);
      break;
    case PROP_PEER_PEM:
      g_value_set_string (value, self->peer_pem);
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
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (object);

  gst_dtls13_association_release (self->id_assoc);
  gst_clear_object (&self->data_src);
  g_free (self->connection_id);
  dtls13_config_free (self->cert);
  g_free (self->pem);
  g_free (self->peer_pem);
  gst_dtls13_compat_manual_keying_clear (&self->keying);
  G_OBJECT_CLASS (gst_dtls13_compat_srtp_dec_parent_class)->finalize (object);
}

static void
gst_dtls13_compat_srtp_dec_class_init (GstDtls13CompatSrtpDecClass * klass)
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
  g_object_class_install_property (gobject_class, PROP_PEM,
      g_param_spec_string ("pem", "PEM",
          "The local X509 certificate in PEM format (the certificate alone; the "
          "handshake presents it). Generated (ECDSA P-256) when the element is made; "
          "set it to PEM text holding a certificate and its private key to use another",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PEER_PEM,
      g_param_spec_string ("peer-pem", "Peer PEM",
          "The X509 certificate received in the DTLS handshake, in PEM format "
          "(accepted unchecked, as stock: compare it with the SDP fingerprint)",
          NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  gst_dtls13_compat_install_common_properties (gobject_class, PROP_COMMON_FIRST);
  gst_dtls13_install_signals (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &rtp_src_template);
  gst_element_class_add_static_pad_template (element_class, &rtcp_src_template);
  gst_element_class_add_static_pad_template (element_class, &data_src_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS-SRTP Decoder (libdtls13)", "Decoder/Network/DTLS/SRTP",
      "Drop-in for gst-plugins-bad's dtlssrtpdec: demultiplexes datagrams (RFC "
      "7983), runs the DTLS 1.3 / 1.2 handshake of the dtlssrtpenc with the same "
      "connection-id and decrypts SRTP/SRTCP with its keys, by libdtls13",
      "libdtls13 developers");
}

static void
gst_dtls13_compat_srtp_dec_init (GstDtls13CompatSrtpDec * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, GST_DEBUG_FUNCPTR (sink_chain));
  gst_pad_set_event_function (self->sinkpad, GST_DEBUG_FUNCPTR (sink_event));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->rtp_src = gst_pad_new_from_static_template (&rtp_src_template, "rtp_src");
  self->rtcp_src = gst_pad_new_from_static_template (&rtcp_src_template, "rtcp_src");
  gst_pad_use_fixed_caps (self->rtp_src);
  gst_pad_use_fixed_caps (self->rtcp_src);
  gst_element_add_pad (GST_ELEMENT (self), self->rtp_src);
  gst_element_add_pad (GST_ELEMENT (self), self->rtcp_src);
  /* The certificate exists from the start: webrtcbin reads pem in NULL. */
  set_pem (self, NULL);
  g_signal_connect (self, "on-peer-certificate", G_CALLBACK (on_peer_certificate), NULL);
}
