/* GStreamer dtls13 plugin - dtls13srtpenc: DTLS 1.3 handshake output and
 * SRTP/SRTCP protection towards the network.
 *
 * Request sink pads rtp_sink_%u (application/x-rtp), rtcp_sink_%u
 * (application/x-rtcp) and data_sink (application data sent as DTLS
 * records); one always src pad carrying the datagrams for udpsink or
 * nicesink. The encoder configures and starts the association it shares
 * with the dtls13srtpdec of the same connection-id (see
 * gstdtls13association.h). */
#ifndef GST_DTLS13_SRTP_ENC_H
#define GST_DTLS13_SRTP_ENC_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DTLS13_SRTP_ENC (gst_dtls13_srtp_enc_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13SrtpEnc, gst_dtls13_srtp_enc, GST, DTLS13_SRTP_ENC, GstElement)

G_END_DECLS
#endif
