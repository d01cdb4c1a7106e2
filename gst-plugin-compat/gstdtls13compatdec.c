/* GStreamer plugin `dtls` of libdtls13 - dtlssrtpdec. See the header. */
#include "gstdtls13compatdec.h"

#include "gstdtls13compat.h"
#include "gstdtls13element.h"

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
  GstDtls13Decoder dec;         /* pads, connection-id, the association */
  gint peer_pem_changed;        /* atomic: notify peer-pem after the datagram */

  /* under the object lock */
  GstDtls13Association *id_assoc;       /* joined when connection-id is set */
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

/* After each DTLS datagram: peer-pem's notify, outside the association's
 * lock (on_peer_certificate runs under it). */
static void
notify_peer_pem (GstElement * element)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);

  if (g_atomic_int_compare_and_exchange (&self->peer_pem_changed, 1, 0))
    g_object_notify (G_OBJECT (self), "peer-pem");
}

/* NULL->READY, once joined: a new association, no peer certificate yet. */
static void
forget_peer_pem (GstElement * element)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);

  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->peer_pem, g_free);
  GST_OBJECT_UNLOCK (self);
}

/* For a data_src requested while streaming: the sink's stream-start and
 * segment, stored on it as sticky events. */
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

/* request_new_pad: the one data_src pad. */
static GstPad *
request_new_pad (GstElement * element, GstPadTemplate * templ, const gchar * name,
    const GstCaps * caps)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);
  GstPad *pad;

  (void) name;
  (void) caps;
  GST_OBJECT_LOCK (self);
  if (self->dec.data_src != NULL) {
    GST_OBJECT_UNLOCK (self);
    GST_WARNING_OBJECT (self, "data_src was already requested");
    return NULL;
  }
  GST_OBJECT_UNLOCK (self);
  pad = gst_pad_new_from_template (templ, "data_src");
  gst_pad_use_fixed_caps (pad);
  if (GST_STATE (element) > GST_STATE_READY) {
    gst_pad_set_active (pad, TRUE);
    gst_pad_sticky_events_foreach (self->dec.sinkpad, copy_stream_event, pad);
  }
  if (!gst_element_add_pad (element, pad)) {
    gst_object_unref (pad);
    return NULL;
  }
  GST_OBJECT_LOCK (self);
  self->dec.data_src = gst_object_ref (pad);
  GST_OBJECT_UNLOCK (self);
  return pad;
}

/* release_pad: forgets and removes data_src. */
static void
release_pad (GstElement * element, GstPad * pad)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (element);

  GST_OBJECT_LOCK (self);
  if (self->dec.data_src == pad)
    gst_clear_object (&self->dec.data_src);
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

/* connection-id: joins the association at once (as the stock decoder
 * creates its connection then) and gives it this decoder's certificate. */
static void
set_connection_id (GstDtls13CompatSrtpDec * self, const gchar * id)
{
  GstDtls13Association *assoc = NULL, *old;
  dtls13_config *cert;

  if (id != NULL && id[0] != '\0')
    assoc = gst_dtls13_association_acquire (id);
  GST_OBJECT_LOCK (self);
  g_free (self->dec.connection_id);
  self->dec.connection_id = g_strdup (id);
  old = self->id_assoc;
  self->id_assoc = assoc;
  cert = self->cert;            /* replaced only by set_pem, on the same thread */
  GST_OBJECT_UNLOCK (self);
  give_certificate (self, assoc, cert);
  gst_dtls13_association_release (old);
}

/* pem: a new certificate (generated when text is NULL or empty), given
 * to the association of connection-id; on failure the old one stays. */
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

/* on-peer-certificate: keeps the peer's certificate for peer-pem. */
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
      if (!gst_dtls13_compat_set_common_property (GST_ELEMENT (self), &self->keying, prop_id,
              PROP_COMMON_FIRST, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
get_property (GObject * object, guint prop_id, GValue * value, GParamSpec * pspec)
{
  GstDtls13CompatSrtpDec *self = GST_DTLS13_COMPAT_SRTP_DEC (object);

  if (gst_dtls13_compat_get_common_property (GST_ELEMENT (self), &self->id_assoc,
          &self->keying, prop_id, PROP_COMMON_FIRST, value))
    return;
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_value_set_string (value, self->dec.connection_id);
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
  gst_dtls13_decoder_finalize (&self->dec);
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
  gst_dtls13_decoder_class_init (element_class);
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
  gst_dtls13_decoder_init (&self->dec, GST_ELEMENT (self), &sink_template, &rtp_src_template,
      &rtcp_src_template, NULL, TRUE);
  self->dec.data_flow_apart = TRUE;
  self->dec.joined = forget_peer_pem;
  self->dec.after_datagram = notify_peer_pem;
  /* The certificate exists from the start: webrtcbin reads pem in NULL. */
  set_pem (self, NULL);
  g_signal_connect (self, "on-peer-certificate", G_CALLBACK (on_peer_certificate), NULL);
}
