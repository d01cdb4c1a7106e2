/* GStreamer dtls13 plugin - registration of dtls13srtpenc and
 * dtls13srtpdec, and the `dtls13` debug category. */
#include <gst/gst.h>

#include "gstdtls13srtpdec.h"
#include "gstdtls13srtpenc.h"

GST_DEBUG_CATEGORY (gst_dtls13_debug);

#define PACKAGE "libdtls13"

static gboolean
plugin_init (GstPlugin * plugin)
{
  GST_DEBUG_CATEGORY_INIT (gst_dtls13_debug, "dtls13", 0, "DTLS 1.3 SRTP elements");
  return gst_element_register (plugin, "dtls13srtpenc", GST_RANK_NONE, GST_TYPE_DTLS13_SRTP_ENC)
      && gst_element_register (plugin, "dtls13srtpdec", GST_RANK_NONE, GST_TYPE_DTLS13_SRTP_DEC);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, dtls13,
    "DTLS 1.3 (RFC 9147) DTLS-SRTP elements over libdtls13",
    plugin_init, DTLS13_PLUGIN_VERSION, "MIT/X11", "libdtls13",
    "https://www.rfc-editor.org/rfc/rfc9147")
