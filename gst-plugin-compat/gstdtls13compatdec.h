/* GStreamer plugin `dtls` of libdtls13 - dtlssrtpdec (GstDtls13CompatSrtpDec):
 * gst-plugins-bad's dtlssrtpdec interface over libdtls13.
 *
 * One always sink pad from the network, demultiplexed by the first byte
 * (RFC 7983); always rtp_src (application/x-rtp) and rtcp_src
 * (application/x-rtcp) with those caps pushed before the segment; a
 * request data_src with the DTLS application data. Properties:
 * connection-id, pem (the certificate, PEM text: generated at construction
 * when not set, readable at once, the one the handshake presents; set it
 * to PEM text with a certificate and its private key to use another),
 * peer-pem (the peer's certificate, notified when it arrives; it is not
 * checked: the application compares it with the SDP fingerprint),
 * connection-state, key / srtp-* / srtcp-*, dtls-version, cipher-suite,
 * srtp-profile as on the encoder.
 *
 * Setting connection-id joins the association at once, as stock creates
 * its connection then, so the encoder with the same id finds this
 * decoder's certificate whatever their states. */
#ifndef GST_DTLS13_COMPAT_DEC_H
#define GST_DTLS13_COMPAT_DEC_H

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_DTLS13_COMPAT_SRTP_DEC (gst_dtls13_compat_srtp_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13CompatSrtpDec, gst_dtls13_compat_srtp_dec, GST,
    DTLS13_COMPAT_SRTP_DEC, GstElement)
G_END_DECLS
#endif
