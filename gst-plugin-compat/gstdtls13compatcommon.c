/* GStreamer plugin `dtls` of libdtls13 - the connection-state enum and the
 * properties both compat SRTP elements have. See gstdtls13compat.h. */
#include "gstdtls13compat.h"

GType
gst_dtls13_compat_connection_state_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_DTLS13_COMPAT_STATE_NEW, "New connection", "new"},
    {GST_DTLS13_COMPAT_STATE_CLOSED, "Closed connection on either side", "closed"},
    {GST_DTLS13_COMPAT_STATE_FAILED, "Failed connection", "failed"},
    {GST_DTLS13_COMPAT_STATE_CONNECTING, "Connecting", "connecting"},
    {GST_DTLS13_COMPAT_STATE_CONNECTED, "Successfully connected", "connected"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstDtls13CompatConnectionState", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GstDtls13CompatConnectionState
gst_dtls13_compat_state (GstDtls13ConnectionState state)
{
  switch (state) {
    case GST_DTLS13_CONNECTION_STATE_NEW:
      return GST_DTLS13_COMPAT_STATE_NEW;
    case GST_DTLS13_CONNECTION_STATE_CONNECTING:
      return GST_DTLS13_COMPAT_STATE_CONNECTING;
    case GST_DTLS13_CONNECTION_STATE_CONNECTED:
      return GST_DTLS13_COMPAT_STATE_CONNECTED;
    case GST_DTLS13_CONNECTION_STATE_CLOSED:
      return GST_DTLS13_COMPAT_STATE_CLOSED;
    case GST_DTLS13_CONNECTION_STATE_FAILED:
      return GST_DTLS13_COMPAT_STATE_FAILED;
  }
  return GST_DTLS13_COMPAT_STATE_FAILED;
}

enum {
  COMMON_CONNECTION_STATE,
  COMMON_KEY,
  COMMON_SRTP_CIPHER,
  COMMON_SRTP_AUTH,
  COMMON_SRTCP_CIPHER,
  COMMON_SRTCP_AUTH,
  COMMON_DTLS_VERSION,
  COMMON_CIPHER_SUITE,
  COMMON_SRTP_PROFILE,
};

void
gst_dtls13_compat_install_common_properties (GObjectClass * klass, guint first)
{
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw_playing = G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING
      | G_PARAM_STATIC_STRINGS;

  g_object_class_install_property (klass, first + COMMON_CONNECTION_STATE,
      g_param_spec_enum ("connection-state", "Connection state",
          "Current connection state (the stock values: 0 new, 1 closed, 2 failed, "
          "3 connecting, 4 connected)", GST_TYPE_DTLS13_COMPAT_CONNECTION_STATE,
          GST_DTLS13_COMPAT_STATE_NEW, ro));
  g_object_class_install_property (klass, first + COMMON_KEY,
      g_param_spec_boxed ("key", "Key",
          "SRTP master key for manual keying: accepted for compatibility and "
          "ignored, DTLS always keys SRTP here", GST_TYPE_BUFFER, rw_playing));
  g_object_class_install_property (klass, first + COMMON_SRTP_CIPHER,
      g_param_spec_string ("srtp-cipher", "SRTP cipher",
          "Manual keying: accepted for compatibility and ignored", NULL, rw_playing));
  g_object_class_install_property (klass, first + COMMON_SRTP_AUTH,
      g_param_spec_string ("srtp-auth", "SRTP auth",
          "Manual keying: accepted for compatibility and ignored", NULL, rw_playing));
  g_object_class_install_property (klass, first + COMMON_SRTCP_CIPHER,
      g_param_spec_string ("srtcp-cipher", "SRTCP cipher",
          "Manual keying: accepted for compatibility and ignored", NULL, rw_playing));
  g_object_class_install_property (klass, first + COMMON_SRTCP_AUTH,
      g_param_spec_string ("srtcp-auth", "SRTCP auth",
          "Manual keying: accepted for compatibility and ignored", NULL, rw_playing));
  g_object_class_install_property (klass, first + COMMON_DTLS_VERSION,
      g_param_spec_string ("dtls-version", "DTLS version",
          "Protocol version negotiated (\"DTLS1.3\" or \"DTLS1.2\"), NULL before the "
          "ServerHello", NULL, ro));
  g_object_class_install_property (klass, first + COMMON_CIPHER_SUITE,
      g_param_spec_string ("cipher-suite", "Cipher suite",
          "IANA name of the negotiated cipher suite, NULL before the ServerHello",
          NULL, ro));
  g_object_class_install_property (klass, first + COMMON_SRTP_PROFILE,
      g_param_spec_string ("srtp-profile", "SRTP profile",
          "Negotiated DTLS-SRTP protection profile, NULL when none", NULL, ro));
}

static void
replace_string (gchar ** slot, const GValue * value)
{
  g_free (*slot);
  *slot = g_value_dup_string (value);
}

gboolean
gst_dtls13_compat_set_common_property (GstElement * element,
    GstDtls13CompatManualKeying * keying, guint prop_id, guint first, const GValue * value)
{
  guint offset = prop_id - first;

  if (prop_id < first || offset >= GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT)
    return FALSE;
  GST_OBJECT_LOCK (element);
  switch (offset) {
    case COMMON_KEY:
      if (keying->key)
        gst_buffer_unref (keying->key);
      keying->key = g_value_dup_boxed (value);
      break;
    case COMMON_SRTP_CIPHER:
      replace_string (&keying->srtp_cipher, value);
      break;
    case COMMON_SRTP_AUTH:
      replace_string (&keying->srtp_auth, value);
      break;
    case COMMON_SRTCP_CIPHER:
      replace_string (&keying->srtcp_cipher, value);
      break;
    case COMMON_SRTCP_AUTH:
      replace_string (&keying->srtcp_auth, value);
      break;
    default:
      break;
  }
  GST_OBJECT_UNLOCK (element);
  if (offset != COMMON_CONNECTION_STATE && offset < COMMON_DTLS_VERSION)
    GST_WARNING_OBJECT (element, "manual SRTP keying (key, srtp-*, srtcp-*) is "
        "not supported: the value is kept and DTLS keys SRTP");
  return TRUE;
}

/* The value of the common property at offset; assoc is a reference the
 * caller holds (or NULL), with no element lock held. */
static void
get_common_value (GstDtls13Association * assoc, GstDtls13CompatManualKeying * keying,
    GstElement * element, guint offset, GValue * value)
{
  switch (offset) {
    case COMMON_CONNECTION_STATE:
      g_value_set_enum (value, assoc ? gst_dtls13_compat_state (gst_dtls13_association_state
              (assoc)) : GST_DTLS13_COMPAT_STATE_NEW);
      return;
    case COMMON_DTLS_VERSION:
      g_value_take_string (value, assoc ? gst_dtls13_association_version (assoc) : NULL);
      return;
    case COMMON_CIPHER_SUITE:
      g_value_take_string (value, assoc ? gst_dtls13_association_cipher_suite (assoc) : NULL);
      return;
    case COMMON_SRTP_PROFILE:
      g_value_take_string (value, assoc ? gst_dtls13_association_srtp_profile (assoc) : NULL);
      return;
    default:
      break;
  }
  GST_OBJECT_LOCK (element);
  switch (offset) {
    case COMMON_KEY:
      g_value_set_boxed (value, keying->key);
      break;
    case COMMON_SRTP_CIPHER:
      g_value_set_string (value, keying->srtp_cipher);
      break;
    case COMMON_SRTP_AUTH:
      g_value_set_string (value, keying->srtp_auth);
      break;
    case COMMON_SRTCP_CIPHER:
      g_value_set_string (value, keying->srtcp_cipher);
      break;
    case COMMON_SRTCP_AUTH:
      g_value_set_string (value, keying->srtcp_auth);
      break;
    default:
      break;
  }
  GST_OBJECT_UNLOCK (element);
}

void
gst_dtls13_compat_manual_keying_clear (GstDtls13CompatManualKeying * keying)
{
  if (keying->key)
    gst_buffer_unref (keying->key);
  keying->key = NULL;
  g_clear_pointer (&keying->srtp_cipher, g_free);
  g_clear_pointer (&keying->srtp_auth, g_free);
  g_clear_pointer (&keying->srtcp_cipher, g_free);
  g_clear_pointer (&keying->srtcp_auth, g_free);
}

/* A new reference to *slot (read under element's object lock), or NULL. */
static GstDtls13Association *
ref_association (GstElement * element, GstDtls13Association ** slot)
{
  GstDtls13Association *assoc = NULL;

  /* A second reference by id: the registry lock is taken inside the object
   * lock, and nothing takes them the other way round. */
  GST_OBJECT_LOCK (element);
  if (*slot != NULL)
    assoc = gst_dtls13_association_acquire (gst_dtls13_association_id (*slot));
  GST_OBJECT_UNLOCK (element);
  return assoc;
}

gboolean
gst_dtls13_compat_get_common_property (GstElement * element,
    GstDtls13Association ** slot, GstDtls13CompatManualKeying * keying, guint prop_id,
    guint first, GValue * value)
{
  GstDtls13Association *assoc;

  if (prop_id < first || prop_id - first >= GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT)
    return FALSE;
  assoc = ref_association (element, slot);
  get_common_value (assoc, keying, element, prop_id - first, value);
  gst_dtls13_association_release (assoc);
  return TRUE;
}
