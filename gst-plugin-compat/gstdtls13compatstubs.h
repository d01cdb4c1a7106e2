/* GStreamer plugin `dtls` of libdtls13 - dtlsenc, dtlsdec (names only,
 * for webrtcbin's registry check) and dtlssrtpdemux. See the .c file. */
#ifndef GST_DTLS13_COMPAT_STUBS_H
#define GST_DTLS13_COMPAT_STUBS_H

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_DTLS13_COMPAT_DTLS_ENC (gst_dtls13_compat_dtls_enc_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13CompatDtlsEnc, gst_dtls13_compat_dtls_enc, GST,
    DTLS13_COMPAT_DTLS_ENC, GstElement)
#define GST_TYPE_DTLS13_COMPAT_DTLS_DEC (gst_dtls13_compat_dtls_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13CompatDtlsDec, gst_dtls13_compat_dtls_dec, GST,
    DTLS13_COMPAT_DTLS_DEC, GstElement)
#define GST_TYPE_DTLS13_COMPAT_SRTP_DEMUX (gst_dtls13_compat_srtp_demux_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13CompatSrtpDemux, gst_dtls13_compat_srtp_demux, GST,
    DTLS13_COMPAT_SRTP_DEMUX, GstElement)
G_END_DECLS
#endif
