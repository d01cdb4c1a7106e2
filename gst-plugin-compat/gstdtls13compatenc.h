/* GStreamer plugin `dtls` of libdtls13 - dtlssrtpenc (GstDtls13CompatSrtpEnc):
 * gst-plugins-bad's dtlssrtpenc interface over libdtls13.
 *
 * Request sink pads rtp_sink_%d and rtcp_sink_%d (application/x-rtp and
 * application/x-rtcp on either; RTCP is recognised by its packet type,
 * RFC 5761 4) and data_sink (DTLS application data, SCTP from webrtcbin);
 * one always src pad with every datagram for the network. Properties:
 * connection-id, is-client (notified on every set; may be set while
 * playing and takes effect at the next start, as in stock), rtp-sync
 * (accepted), connection-state (stock values), key / srtp-* / srtcp-*
 * (accepted, ignored), and read-only dtls-version, cipher-suite,
 * srtp-profile. Signal on-key-set, before the connected notify.
 *
 * The handshake starts at READY->PAUSED, DTLS 1.3 preferred and DTLS 1.2
 * for peers without it; the certificate is the one of the dtlssrtpdec with
 * the same connection-id (its `pem`). */
#ifndef GST_DTLS13_COMPAT_ENC_H
#define GST_DTLS13_COMPAT_ENC_H

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_DTLS13_COMPAT_SRTP_ENC (gst_dtls13_compat_srtp_enc_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13CompatSrtpEnc, gst_dtls13_compat_srtp_enc, GST,
    DTLS13_COMPAT_SRTP_ENC, GstElement)
G_END_DECLS
#endif
