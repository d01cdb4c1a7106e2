/* GStreamer dtls13 plugin - dtls13srtpenc. See the header. */
#include "gstdtls13srtpenc.h"

#include <stdio.h>

#include "gstdtls13association.h"
#include "gstdtls13element.h"
#include "gstdtls13pem.h"

GST_DEBUG_CATEGORY_EXTERN (gst_dtls13_debug);
#define GST_CAT_DEFAULT gst_dtls13_debug

#define DEFAULT_MTU 1200
#define DEFAULT_INITIAL_TIMEOUT_MS 400
#define DEFAULT_MAX_HELD_BUFFERS 64
#define DEFAULT_MIN_VERSION GST_DTLS13_VERSION_DTLS12
#define DEFAULT_MAX_VERSION GST_DTLS13_VERSION_DTLS13
/* One WebRTC peer on an ICE-checked path: see the cookie blurb. */
#define DEFAULT_COOKIE GST_DTLS13_COOKIE_NEVER

enum {
  PROP_0,
  PROP_CONNECTION_ID,
  PROP_IS_CLIENT,
  PROP_PEM,
  PROP_PEER_FINGERPRINT,
  PROP_SRTP_PROFILES,
  PROP_MTU,
  PROP_INITIAL_TIMEOUT_MS,
  PROP_PEER_ADDRESS_VALIDATED,
  PROP_PRE_KEY_POLICY,
  PROP_MAX_HELD_BUFFERS,
  PROP_MIN_VERSION,
  PROP_MAX_VERSION,
  PROP_COOKIE,
  PROP_UNDER_LOAD,
  PROP_STATUS_FIRST,
};

struct _GstDtls13SrtpEnc {
  GstElement parent;
  GstDtls13Encoder enc;         /* pads, connection-id, the association */

  /* properties, under the object lock */
  gboolean is_client;
  gchar *pem;
  gchar *peer_fingerprint;
  gchar *srtp_profiles;
  guint mtu;
  guint initial_timeout_ms;
  gboolean peer_address_validated;
  GstDtls13PreKeyPolicy pre_key_policy;
  guint max_held_buffers;
  GstDtls13Version min_version;
  GstDtls13Version max_version;
  GstDtls13CookiePolicy cookie;
  gboolean under_load;
};

G_DEFINE_TYPE (GstDtls13SrtpEnc, gst_dtls13_srtp_enc, GST_TYPE_ELEMENT);

static GstStaticPadTemplate rtp_sink_template = GST_STATIC_PAD_TEMPLATE ("rtp_sink_%u",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("application/x-rtp"));
static GstStaticPadTemplate rtcp_sink_template = GST_STATIC_PAD_TEMPLATE ("rtcp_sink_%u",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS ("application/x-rtcp"));
static GstStaticPadTemplate data_sink_template = GST_STATIC_PAD_TEMPLATE ("data_sink",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* READY->PAUSED: the handshake's settings are the properties'. */
static void
read_settings (GstElement * element, GstDtls13Settings * s)
{
  GstDtls13SrtpEnc *self = GST_DTLS13_SRTP_ENC (element);

  GST_OBJECT_LOCK (self);
  *s = (GstDtls13Settings) {
    .is_client = self->is_client,
    .pem = g_strdup (self->pem),
    .peer_fingerprint = g_strdup (self->peer_fingerprint),
    .srtp_profiles = g_strdup (self->srtp_profiles),
    .mtu = self->mtu,
    .initial_timeout_ms = self->initial_timeout_ms,
    .peer_address_validated = self->peer_address_validated,
    .pre_key_policy = self->pre_key_policy,
    .max_held_buffers = self->max_held_buffers,
    .min_version = self->min_version,
    .max_version = self->max_version,
    .cookie = self->cookie,
    .under_load = self->under_load,
  };
  GST_OBJECT_UNLOCK (self);
}

/* NULL->READY, once joined: the certificate now, so that
 * local-fingerprint is known in READY. */
static gboolean
prepare_certificate (GstElement * element, GstDtls13Association * assoc)
{
  GstDtls13SrtpEnc *self = GST_DTLS13_SRTP_ENC (element);
  GError *error = NULL;
  gchar *pem;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  pem = g_strdup (self->pem);
  GST_OBJECT_UNLOCK (self);
  ok = gst_dtls13_association_prepare_certificate (assoc, pem, &error);
  if (!ok) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS, ("%s", error->message), (NULL));
    g_error_free (error);
  }
  gst_dtls13_pem_free (pem);
  return ok;
}

static void
set_property (GObject * object, guint prop_id, const GValue * value, GParamSpec * pspec)
{
  GstDtls13SrtpEnc *self = GST_DTLS13_SRTP_ENC (object);

  if (prop_id == PROP_UNDER_LOAD) {
    gboolean under_load = g_value_get_boolean (value);
    GST_OBJECT_LOCK (self);
    self->under_load = under_load;
    GST_OBJECT_UNLOCK (self);
    /* Outside the object lock: on-peer-certificate handlers read properties
     * with the association locked. assoc only changes in NULL<->READY, from
     * the application thread. */
    if (self->enc.assoc != NULL)
      gst_dtls13_association_set_under_load (self->enc.assoc, under_load);
    return;
  }
  if (prop_id == PROP_PEER_FINGERPRINT) {
    gchar *fingerprint = g_value_dup_string (value);
    GError *error = NULL;
    GST_OBJECT_LOCK (self);
    g_free (self->peer_fingerprint);
    self->peer_fingerprint = g_strdup (fingerprint);
    GST_OBJECT_UNLOCK (self);
    /* A running association checks it at once (late SDP answer). */
    if (self->enc.assoc != NULL
        && !gst_dtls13_association_set_peer_fingerprint (self->enc.assoc, fingerprint, &error)) {
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("%s", error->message), (NULL));
      g_error_free (error);
    }
    g_free (fingerprint);
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_free (self->enc.connection_id);
      self->enc.connection_id = g_value_dup_string (value);
      break;
    case PROP_IS_CLIENT:
      self->is_client = g_value_get_boolean (value);
      break;
    case PROP_PEM:
      gst_dtls13_pem_free (self->pem);
      self->pem = g_value_dup_string (value);
      break;
    case PROP_SRTP_PROFILES:
      g_free (self->srtp_profiles);
      self->srtp_profiles = g_value_dup_string (value);
      break;
    case PROP_MTU:
      self->mtu = g_value_get_uint (value);
      break;
    case PROP_INITIAL_TIMEOUT_MS:
      self->initial_timeout_ms = g_value_get_uint (value);
      break;
    case PROP_PEER_ADDRESS_VALIDATED:
      self->peer_address_validated = g_value_get_boolean (value);
      break;
    case PROP_PRE_KEY_POLICY:
      self->pre_key_policy = g_value_get_enum (value);
      break;
    case PROP_MAX_HELD_BUFFERS:
      self->max_held_buffers = g_value_get_uint (value);
      break;
    case PROP_MIN_VERSION:
      self->min_version = g_value_get_enum (value);
      break;
    case PROP_MAX_VERSION:
      self->max_version = g_value_get_enum (value);
      break;
    case PROP_COOKIE:
      self->cookie = g_value_get_enum (value);
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
  GstDtls13SrtpEnc *self = GST_DTLS13_SRTP_ENC (object);

  if (prop_id >= PROP_STATUS_FIRST
      && prop_id < PROP_STATUS_FIRST + GST_DTLS13_STATUS_PROPERTY_COUNT) {
    /* assoc only changes in NULL<->READY, from the application thread */
    gst_dtls13_get_status_property (self->enc.assoc, prop_id - PROP_STATUS_FIRST, value);
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONNECTION_ID:
      g_value_set_string (value, self->enc.connection_id);
      break;
    case PROP_IS_CLIENT:
      g_value_set_boolean (value, self->is_client);
      break;
    case PROP_PEM:
      g_value_set_string (value, self->pem);
      break;
    case PROP_PEER_FINGERPRINT:
      g_value_set_string (value, self->peer_fingerprint);
      break;
    case PROP_SRTP_PROFILES:
      g_value_set_string (value, self->srtp_profiles);
      break;
    case PROP_MTU:
      g_value_set_uint (value, self->mtu);
      break;
    case PROP_INITIAL_TIMEOUT_MS:
      g_value_set_uint (value, self->initial_timeout_ms);
      break;
    case PROP_PEER_ADDRESS_VALIDATED:
      g_value_set_boolean (value, self->peer_address_validated);
      break;
    case PROP_PRE_KEY_POLICY:
      g_value_set_enum (value, self->pre_key_policy);
      break;
    case PROP_MAX_HELD_BUFFERS:
      g_value_set_uint (value, self->max_held_buffers);
      break;
    case PROP_MIN_VERSION:
      g_value_set_enum (value, self->min_version);
      break;
    case PROP_MAX_VERSION:
      g_value_set_enum (value, self->max_version);
      break;
    case PROP_COOKIE:
      g_value_set_enum (value, self->cookie);
      break;
    case PROP_UNDER_LOAD:
      g_value_set_boolean (value, self->under_load);
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
  GstDtls13SrtpEnc *self = GST_DTLS13_SRTP_ENC (object);

  gst_dtls13_pem_free (self->pem);
  g_free (self->peer_fingerprint);
  g_free (self->srtp_profiles);
  gst_dtls13_encoder_finalize (&self->enc);
  G_OBJECT_CLASS (gst_dtls13_srtp_enc_parent_class)->finalize (object);
}

/* The path-ready action signal: the outstanding handshake flight goes out
 * again now. assoc only changes in NULL<->READY, from the application
 * thread, which is where this is emitted from (an ICE callback). */
static gboolean
path_ready (GstDtls13SrtpEnc * self)
{
  GstDtls13Association *assoc = self->enc.assoc;

  return assoc != NULL && gst_dtls13_association_path_ready (assoc);
}

static void
gst_dtls13_srtp_enc_class_init (GstDtls13SrtpEncClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw_ready = G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY
      | G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = set_property;
  gobject_class->get_property = get_property;
  gobject_class->finalize = finalize;
  gst_dtls13_encoder_class_init (element_class);

  /**
   * GstDtls13SrtpEnc::path-ready:
   *
   * Action signal: the path to the peer has just become usable (ICE
   * selected a candidate pair, e.g. libnice's new-selected-pair-full or
   * component state READY). A ClientHello sent before then was most likely
   * dropped by nicesink; it is resent at once and the retransmission timer
   * restarts from initial-timeout-ms, instead of the handshake waiting for
   * that timer to expire. Returns TRUE when a handshake was in progress,
   * FALSE when there was nothing to resend.
   */
  g_signal_new_class_handler ("path-ready", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (path_ready), NULL, NULL, NULL,
      G_TYPE_BOOLEAN, 0);

  g_object_class_install_property (gobject_class, PROP_CONNECTION_ID,
      g_param_spec_string ("connection-id", "Connection id",
          "Names the association: the dtls13srtpdec with the same id receives its "
          "datagrams (required; one encoder and one decoder per id)", NULL,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_IS_CLIENT,
      g_param_spec_boolean ("is-client", "Is client",
          "Act as the DTLS client (sends the ClientHello); the server waits for it "
          "(a=setup:active is the client)", FALSE, rw_ready));
  g_object_class_install_property (gobject_class, PROP_PEM,
      g_param_spec_string ("pem", "PEM file or text",
          "Path of a PEM file holding the local certificate and its private key "
          "(ECDSA P-256, RSA or Ed25519), or that PEM text itself (starting with "
          "-----BEGIN, as gst-plugins-bad's pem property); when unset a self-signed ECDSA P-256 "
          "certificate is generated. Loaded (or generated) at NULL->READY, so "
          "local-fingerprint is readable in READY; a pem changed in READY is loaded "
          "at READY->PAUSED", NULL, rw_ready));
  g_object_class_install_property (gobject_class, PROP_PEER_FINGERPRINT,
      g_param_spec_string ("peer-fingerprint", "Peer fingerprint",
          "Expected certificate fingerprint of the peer in SDP form "
          "(\"sha-256 AB:CD:...\"); the handshake fails with bad_certificate if the "
          "peer's differs. When unset any certificate is accepted (check it in "
          "on-peer-certificate). May be set while playing (a remote SDP that arrives "
          "after the handshake started): a certificate already received is checked "
          "at once and a mismatch fails the association and drops its SRTP keys",
          NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SRTP_PROFILES,
      g_param_spec_string ("srtp-profiles", "SRTP profiles",
          "DTLS-SRTP protection profiles offered, in preference order, comma "
          "separated: SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_SHA1_80, "
          "SRTP_AEAD_AES_256_GCM, SRTP_AES128_CM_SHA1_32 (unset: all four, in "
          "that order)", NULL, rw_ready));
  g_object_class_install_property (gobject_class, PROP_MTU,
      g_param_spec_uint ("mtu", "MTU",
          "Largest DTLS datagram in bytes of UDP payload (handshake flights are "
          "fragmented to fit)", 256, 65507, DEFAULT_MTU, rw_ready));
  g_object_class_install_property (gobject_class, PROP_INITIAL_TIMEOUT_MS,
      g_param_spec_uint ("initial-timeout-ms", "Initial timeout",
          "Initial retransmission timeout in milliseconds (RFC 9147 5.8.2); it "
          "doubles on each retransmission", 10, 60000, DEFAULT_INITIAL_TIMEOUT_MS,
          rw_ready));
  g_object_class_install_property (gobject_class, PROP_PEER_ADDRESS_VALIDATED,
      g_param_spec_boolean ("peer-address-validated", "Peer address validated",
          "Server only: the path is already validated (e.g. by ICE connectivity "
          "checks), which lifts the anti-amplification limit of RFC 9147 5.1 (at "
          "most 3x the bytes received until the client proves its address) from the "
          "first flight on. Set it only behind ICE, with cookie=never (a cookie "
          "round trip validates the address by itself)", FALSE, rw_ready));
  g_object_class_install_property (gobject_class, PROP_PRE_KEY_POLICY,
      g_param_spec_enum ("pre-key-policy", "Pre-key policy",
          "What happens to media and data pushed before the SRTP keys exist; it is "
          "never sent in clear", GST_TYPE_DTLS13_PRE_KEY_POLICY, GST_DTLS13_PRE_KEY_DROP,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_HELD_BUFFERS,
      g_param_spec_uint ("max-held-buffers", "Max held buffers",
          "With pre-key-policy=hold: buffers kept until the keys exist; later ones "
          "are dropped", 1, 4096, DEFAULT_MAX_HELD_BUFFERS, rw_ready));
  g_object_class_install_property (gobject_class, PROP_MIN_VERSION,
      g_param_spec_enum ("min-version", "Minimum version",
          "Oldest protocol version accepted. Default dtls1.2: DTLS 1.3 is preferred "
          "and a peer that speaks only DTLS 1.2 (RFC 6347; webrtcbin's stock "
          "elements, most deployed WebRTC stacks) is still served; dtls1.3 refuses "
          "such peers with protocol_version. negotiated-version says what was "
          "negotiated", GST_TYPE_DTLS13_VERSION, DEFAULT_MIN_VERSION, rw_ready));
  g_object_class_install_property (gobject_class, PROP_MAX_VERSION,
      g_param_spec_enum ("max-version", "Maximum version",
          "Newest protocol version offered (client) or accepted (server); must not "
          "be older than min-version; dtls1.2 with min-version dtls1.2 speaks DTLS 1.2 only",
          GST_TYPE_DTLS13_VERSION, DEFAULT_MAX_VERSION, rw_ready));
  g_object_class_install_property (gobject_class, PROP_COOKIE,
      g_param_spec_enum ("cookie", "Cookie policy",
          "Server only (a client ignores it): when a new ClientHello gets a "
          "HelloRetryRequest with a stateless cookie (RFC 9147 5.1) before the "
          "connection exists; a returned cookie proves the client receives what this "
          "element sends, and the address then counts as validated. Default never: "
          "the element serves one WebRTC peer on a path ICE already checked, where a "
          "cookie costs a round trip and adds nothing (set peer-address-validated "
          "too); the engine still sends at most 3x the bytes received to an "
          "unvalidated address. Use always (the RFC's default) on paths nothing "
          "validated, under-load to make the round trip only while the under-load "
          "property is TRUE", GST_TYPE_DTLS13_COOKIE_POLICY, DEFAULT_COOKIE, rw_ready));
  g_object_class_install_property (gobject_class, PROP_UNDER_LOAD,
      g_param_spec_boolean ("under-load", "Under load",
          "With cookie=under-load: the server is under load now (e.g. an SFU's "
          "own measure), so a new ClientHello gets a cookie round trip; can be "
          "changed while playing", FALSE,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS));
  gst_dtls13_install_status_properties (gobject_class, PROP_STATUS_FIRST);
  gst_dtls13_install_signals (gobject_class);

  gst_element_class_add_static_pad_template (element_class, &rtp_sink_template);
  gst_element_class_add_static_pad_template (element_class, &rtcp_sink_template);
  gst_element_class_add_static_pad_template (element_class, &data_sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "DTLS 1.3 SRTP Encoder", "Encoder/Network/DTLS/SRTP",
      "Runs a DTLS 1.3 (RFC 9147) handshake and protects RTP/RTCP with the "
      "DTLS-SRTP keys (RFC 5764); pairs with dtls13srtpdec through connection-id. "
      "Honours SSLKEYLOGFILE.", "libdtls13 developers");
  gst_type_mark_as_plugin_api (GST_TYPE_DTLS13_CONNECTION_STATE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_DTLS13_PRE_KEY_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_DTLS13_VERSION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_DTLS13_COOKIE_POLICY, 0);
}

static void
gst_dtls13_srtp_enc_init (GstDtls13SrtpEnc * self)
{
  gst_dtls13_encoder_init (&self->enc, GST_ELEMENT (self), &src_template, "dtls13srtpenc",
      "DTLS 1.3");
  self->enc.prepare = prepare_certificate;
  self->enc.settings = read_settings;
  self->mtu = DEFAULT_MTU;
  self->initial_timeout_ms = DEFAULT_INITIAL_TIMEOUT_MS;
  self->pre_key_policy = GST_DTLS13_PRE_KEY_DROP;
  self->max_held_buffers = DEFAULT_MAX_HELD_BUFFERS;
  self->min_version = DEFAULT_MIN_VERSION;
  self->max_version = DEFAULT_MAX_VERSION;
  self->cookie = DEFAULT_COOKIE;
}
