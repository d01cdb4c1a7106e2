/* GStreamer plugin `dtls` of libdtls13 (file libgstdtls.so): the drop-in
 * for gst-plugins-bad's dtls plugin. GStreamer keeps one plugin per file
 * basename, the first found on its search path, and derives the entry
 * symbol from that basename; so this module must be libgstdtls.so with
 * plugin name `dtls`, and a directory put on GST_PLUGIN_PATH that holds it
 * hides the system's file (docs/GSTREAMER.md, "webrtcbin on DTLS 1.3"). */
#include <gst/gst.h>

#include "gstdtls13compat.h"
#include "gstdtls13compatdec.h"
#include "gstdtls13compatenc.h"
#include "gstdtls13compatstubs.h"

/* The association glue logs to gst_dtls13_debug; in this plugin it is the
 * same category as the elements'. */
GST_DEBUG_CATEGORY (gst_dtls13_debug);
GST_DEBUG_CATEGORY (gst_dtls13_compat_debug);

#define PACKAGE "libdtls13"

static gboolean
plugin_init (GstPlugin * plugin)
{
  GST_DEBUG_CATEGORY_INIT (gst_dtls13_compat_debug, "dtls13compat", 0,
      "libdtls13's drop-in dtls elements");
  gst_dtls13_debug = gst_dtls13_compat_debug;
  return gst_element_register (plugin, "dtlssrtpenc", GST_RANK_NONE,
      GST_TYPE_DTLS13_COMPAT_SRTP_ENC)
      && gst_element_register (plugin, "dtlssrtpdec", GST_RANK_NONE,
      GST_TYPE_DTLS13_COMPAT_SRTP_DEC)
      && gst_element_register (plugin, "dtlsenc", GST_RANK_NONE,
      GST_TYPE_DTLS13_COMPAT_DTLS_ENC)
      && gst_element_register (plugin, "dtlsdec", GST_RANK_NONE,
      GST_TYPE_DTLS13_COMPAT_DTLS_DEC)
      && gst_element_register (plugin, "dtlssrtpdemux", GST_RANK_NONE,
      GST_TYPE_DTLS13_COMPAT_SRTP_DEMUX);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, dtls,
    "DTLS 1.3 (RFC 9147) and DTLS 1.2 DTLS-SRTP elements under gst-plugins-bad's "
    "names, over libdtls13 (for webrtcbin)",
    plugin_init, DTLS13_PLUGIN_VERSION, "MIT/X11", "libdtls13",
    "https://www.rfc-editor.org/rfc/rfc9147")
