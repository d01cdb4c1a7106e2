/* GStreamer dtls13 plugin - what both elements expose the same way: the
 * enum types, the signals and the read-only status properties. */
#include "gstdtls13association.h"

GType
gst_dtls13_connection_state_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_DTLS13_CONNECTION_STATE_NEW, "Not started", "new"},
    {GST_DTLS13_CONNECTION_STATE_CONNECTING, "Handshake in progress", "connecting"},
    {GST_DTLS13_CONNECTION_STATE_CONNECTED, "Handshake done, SRTP keyed", "connected"},
    {GST_DTLS13_CONNECTION_STATE_CLOSED, "Closed (close_notify)", "closed"},
    {GST_DTLS13_CONNECTION_STATE_FAILED, "Failed (fatal alert)", "failed"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstDtls13ConnectionState", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_dtls13_pre_key_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_DTLS13_PRE_KEY_DROP, "Drop media pushed before the SRTP keys exist", "drop"},
    {GST_DTLS13_PRE_KEY_HOLD,
        "Hold up to max-held-buffers until the keys exist, drop the rest", "hold"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstDtls13PreKeyPolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_dtls13_version_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_DTLS13_VERSION_DTLS12, "DTLS 1.2 (RFC 6347; not implemented by this build)",
        "dtls1.2"},
    {GST_DTLS13_VERSION_DTLS13, "DTLS 1.3 (RFC 9147)", "dtls1.3"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstDtls13Version", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_dtls13_cookie_policy_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_DTLS13_COOKIE_ALWAYS,
        "Every new handshake makes a cookie round trip (RFC 9147 5.1's default)", "always"},
    {GST_DTLS13_COOKIE_NEVER,
        "No cookie: for paths already validated by ICE (set peer-address-validated too)",
        "never"},
    {GST_DTLS13_COOKIE_UNDER_LOAD,
        "A cookie round trip only while the under-load property is TRUE", "under-load"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstDtls13CookiePolicy", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

void
gst_dtls13_install_signals (GObjectClass * klass)
{
  /**
   * on-key-set:
   * The handshake is complete and the SRTP keys are installed: media
   * flows from now on (held media is sent first).
   */
  g_signal_new ("on-key-set", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * on-peer-certificate:
   * @pem: the peer's end-entity certificate (PEM), after its signature and
   *   the peer-fingerprint (if set) were checked.
   * Return TRUE to reject it: the handshake then fails with bad_certificate.
   * Emitted from a streaming thread with the association locked: read
   * properties if needed, never change the element's state.
   */
  g_signal_new ("on-peer-certificate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
      0, g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  /**
   * on-handshake-failed:
   * @alert: the TLS alert description sent or received (e.g. 42 bad_certificate)
   * @reason: a short English reason
   */
  g_signal_new ("on-handshake-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
      0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

void
gst_dtls13_install_status_properties (GObjectClass * klass, guint first)
{
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  g_object_class_install_property (klass, first + 0,
      g_param_spec_enum ("connection-state", "Connection state",
          "State of the DTLS association (notify::connection-state follows it)",
          GST_TYPE_DTLS13_CONNECTION_STATE, GST_DTLS13_CONNECTION_STATE_NEW, ro));
  g_object_class_install_property (klass, first + 1,
      g_param_spec_string ("negotiated-version", "Negotiated version",
          "Protocol version negotiated (\"DTLS1.3\" or \"DTLS1.2\"), NULL before "
          "the ServerHello",
          NULL, ro));
  g_object_class_install_property (klass, first + 2,
      g_param_spec_string ("cipher-suite", "Cipher suite",
          "IANA name of the negotiated cipher suite, NULL before the ServerHello",
          NULL, ro));
  g_object_class_install_property (klass, first + 3,
      g_param_spec_string ("srtp-profile", "SRTP profile",
          "Negotiated DTLS-SRTP protection profile, NULL when none", NULL, ro));
  g_object_class_install_property (klass, first + 4,
      g_param_spec_string ("local-fingerprint", "Local fingerprint",
          "SDP fingerprint (sha-256) of the local certificate, known once the "
          "encoder reached READY (for the SDP offer, before the handshake starts); the "
          "certificate is kept across restarts until pem changes or the encoder goes to NULL",
          NULL, ro));
  g_object_class_install_property (klass, first + 5,
      g_param_spec_boxed ("stats", "Statistics",
          "Counters of the association (application/x-dtls13-stats): datagrams, "
          "records, retransmissions, handshake-ms, hrr-sent and cookies-invalid "
          "(server cookie exchange), SRTP packets protected and unprotected, "
          "authentication failures, replays, media dropped before keys",
          GST_TYPE_STRUCTURE, ro));
}

void
gst_dtls13_get_status_property (GstDtls13Association * assoc, guint offset, GValue * value)
{
  switch (offset) {
    case 0:
      g_value_set_enum (value, assoc ? gst_dtls13_association_state (assoc)
          : GST_DTLS13_CONNECTION_STATE_NEW);
      break;
    case 1:
      g_value_take_string (value, assoc ? gst_dtls13_association_version (assoc) : NULL);
      break;
    case 2:
      g_value_take_string (value, assoc ? gst_dtls13_association_cipher_suite (assoc) : NULL);
      break;
    case 3:
      g_value_take_string (value, assoc ? gst_dtls13_association_srtp_profile (assoc) : NULL);
      break;
    case 4:
      g_value_take_string (value,
          assoc ? gst_dtls13_association_local_fingerprint (assoc) : NULL);
      break;
    case 5:
      g_value_take_boxed (value, assoc ? gst_dtls13_association_stats (assoc)
          : gst_structure_new_empty ("application/x-dtls13-stats"));
      break;
    default:
      break;
  }
}
