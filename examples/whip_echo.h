/* The RTP/RTCP handling of the WHIP echo server: RTP goes back with the
 * SSRC we announced in the answer, and keyframe requests (PLI, FIR) the
 * browser sends for our SSRC become a PLI for the browser's own stream.
 * Packets are read with the bounds-checked reader and written with the
 * writer. */
#ifndef D13_EXAMPLES_WHIP_ECHO_H
#define D13_EXAMPLES_WHIP_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Length of a PLI (RFC 4585 6.3.1): 12 bytes. */
#define WHIP_ECHO_PLI_LEN 12u

/** The fixed header fields the echo needs from an RTP packet. */
typedef struct whip_rtp_info {
    uint8_t payload_type;
    uint16_t sequence;
    uint32_t ssrc;
} whip_rtp_info;

/** Reads the RTP fixed header of packet[0..len) (RFC 3550 5.1). False when
 *  it is shorter than 12 bytes or not version 2. */
bool whip_echo_rtp_info(const uint8_t *packet, size_t len, whip_rtp_info *info);

/** Copies the RTP packet in[0..len) to out with its SSRC replaced by
 *  ssrc; everything else (payload type, sequence number, timestamp, CSRCs,
 *  extensions, payload, padding) is kept. Returns the length written, or
 *  0 when in is not RTP version 2 or out (cap bytes) is too small. */
size_t whip_echo_rewrite_rtp(const uint8_t *in, size_t len, uint32_t ssrc, uint8_t *out, size_t cap);

/** Finds the keyframe requests in the compound RTCP packet rtcp[0..len):
 *  the media SSRC of each PLI (PSFB FMT 1) and every SSRC of a FIR's
 *  entries (PSFB FMT 4, RFC 5104 4.3.1). Up to cap SSRCs go to ssrcs;
 *  returns how many were stored. Malformed packets end the scan. */
size_t whip_echo_keyframe_requests(const uint8_t *rtcp, size_t len, uint32_t *ssrcs, size_t cap);

/** Writes a PLI from sender_ssrc about media_ssrc into out (at least
 *  WHIP_ECHO_PLI_LEN bytes). Returns the length, 0 when cap is too small. */
size_t whip_echo_write_pli(uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t *out, size_t cap);

#endif
