/* GStreamer plugin `dtls` of libdtls13 (the webrtcbin drop-in): what the
 * compat elements share.
 *
 * This plugin replaces gst-plugins-bad's `dtls` plugin (same file name
 * libgstdtls.so, same plugin name, same element names) for applications
 * that create the DTLS elements by name, webrtcbin first of all. Its
 * elements present the stock interface (docs/GSTREAMER.md, "webrtcbin's
 * DTLS interface") over libdtls13's engine through the association of
 * gst-plugin/gstdtls13association.h, shared by one encoder and one decoder
 * with the same connection-id. Every GType here has a name of its own
 * (GstDtls13Compat...), so the plugin can live in one process with
 * libdtls13's `dtls13` plugin. */
#ifndef GST_DTLS13_COMPAT_H
#define GST_DTLS13_COMPAT_H

#include <gst/gst.h>

#include "dtls13/config.h"
#include "gstdtls13association.h"

G_BEGIN_DECLS

/** Values of `connection-state`: the integers of gst-plugins-bad's
 *  GstDtlsConnectionState, which webrtcbin maps to its transport states
 *  by number. */
typedef enum {
  GST_DTLS13_COMPAT_STATE_NEW = 0,
  GST_DTLS13_COMPAT_STATE_CLOSED = 1,
  GST_DTLS13_COMPAT_STATE_FAILED = 2,
  GST_DTLS13_COMPAT_STATE_CONNECTING = 3,
  GST_DTLS13_COMPAT_STATE_CONNECTED = 4,
} GstDtls13CompatConnectionState;

/** The GType of GstDtls13CompatConnectionState. */
GType gst_dtls13_compat_connection_state_get_type (void);
#define GST_TYPE_DTLS13_COMPAT_CONNECTION_STATE (gst_dtls13_compat_connection_state_get_type ())

/** The stock value of an association state. */
GstDtls13CompatConnectionState gst_dtls13_compat_state (GstDtls13ConnectionState state);

/** Properties both compat SRTP elements have, installed at ids first ..
 *  first + GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT - 1: connection-state
 *  (stock), key, srtp-cipher, srtp-auth, srtcp-cipher, srtcp-auth (stock,
 *  accepted and ignored: DTLS is always used), and the read-only
 *  dtls-version, cipher-suite, srtp-profile (ours). */
void gst_dtls13_compat_install_common_properties (GObjectClass * klass, guint first);
#define GST_DTLS13_COMPAT_COMMON_PROPERTY_COUNT 9

/** The values of the common properties that are stored, not computed. */
typedef struct {
  GstBuffer *key;
  gchar *srtp_cipher, *srtp_auth, *srtcp_cipher, *srtcp_auth;
} GstDtls13CompatManualKeying;

/** set_property for the common properties, installed from first: FALSE
 *  (nothing done) when prop_id is not one of them. Takes the element's
 *  object lock itself. */
gboolean gst_dtls13_compat_set_common_property (GstElement * element,
    GstDtls13CompatManualKeying * keying, guint prop_id, guint first, const GValue * value);

/** get_property for the common properties, installed from first: FALSE
 *  (nothing done) when prop_id is not one of them. The association is
 *  *slot (read under the element's object lock, with a reference of its
 *  own: the getters run on any thread while the element may change
 *  state); call it with no element lock held. */
gboolean gst_dtls13_compat_get_common_property (GstElement * element,
    GstDtls13Association ** slot, GstDtls13CompatManualKeying * keying, guint prop_id,
    guint first, GValue * value);

/** Frees what the common properties hold. */
void gst_dtls13_compat_manual_keying_clear (GstDtls13CompatManualKeying * keying);

/** A new WebRTC-style ECDSA P-256 certificate in a dtls13_config; *pem
 *  receives the certificate alone in PEM. NULL with error on failure. */
dtls13_config *gst_dtls13_compat_generate_certificate (gchar ** pem, GError ** error);

/** Loads PEM text holding a certificate and its private key (the stock
 *  `pem` property's content) into a new dtls13_config; *pem receives the
 *  certificate alone in PEM. NULL with error on failure. */
dtls13_config *gst_dtls13_compat_load_certificate (const gchar * text, gchar ** pem,
    GError ** error);

GST_DEBUG_CATEGORY_EXTERN (gst_dtls13_compat_debug);

G_END_DECLS
#endif
