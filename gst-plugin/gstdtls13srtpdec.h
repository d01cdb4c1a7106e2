/* GStreamer dtls13 plugin - dtls13srtpdec: datagrams from the network,
 * demultiplexed per RFC 7983 (dtls13/demux.h).
 *
 * One always sink pad (from udpsrc or nicesrc); always src pads rtp_src
 * (application/x-rtp, SRTP decrypted), rtcp_src (application/x-rtcp,
 * SRTCP decrypted) and data_src (DTLS application data). DTLS records go
 * to the association shared with the dtls13srtpenc of the same
 * connection-id; its replies leave through that encoder's src pad. No caps
 * are set on rtp_src: put a capsfilter naming the RTP caps after it. */
#ifndef GST_DTLS13_SRTP_DEC_H
#define GST_DTLS13_SRTP_DEC_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_DTLS13_SRTP_DEC (gst_dtls13_srtp_dec_get_type ())
G_DECLARE_FINAL_TYPE (GstDtls13SrtpDec, gst_dtls13_srtp_dec, GST, DTLS13_SRTP_DEC, GstElement)

G_END_DECLS
#endif
