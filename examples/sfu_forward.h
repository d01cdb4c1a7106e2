/* The SFU example's media plumbing on plain (unprotected) RTP and RTCP:
 * reading the header fields forwarding needs, rewriting a packet's SSRC
 * to the one announced to the receiving peer, and the RTCP picture loss
 * indication (RFC 4585 6.3.1) the SFU sends a sender when a new receiver
 * needs a key frame. Packets are read with the bounds-checked reader
 * (src/wire/reader.h) and written with the writer; nothing here allocates. */
#ifndef SFU_FORWARD_H
#define SFU_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The RTP fields forwarding looks at (RFC 3550 5.1). */
typedef struct sfu_rtp_info {
    uint8_t payload_type;
    bool marker;
    uint16_t sequence;
    uint32_t timestamp;
    uint32_t ssrc;
    size_t header_len; /**< fixed header + CSRCs + extension */
} sfu_rtp_info;

/** Parses an RTP packet's header; false when it is not version 2 RTP or
 *  is shorter than its header says (CSRC list, extension, padding). */
bool sfu_rtp_parse(const uint8_t *packet, size_t len, sfu_rtp_info *out);

/** Rewrites the SSRC of the RTP packet (len >= 12, checked). */
bool sfu_rtp_set_ssrc(uint8_t *packet, size_t len, uint32_t ssrc);

/** Rewrites the marker bit and payload type of the RTP packet (len >= 12,
 *  checked); the rest of the header is kept. */
bool sfu_rtp_set_payload_type(uint8_t *packet, size_t len, bool marker, uint8_t payload_type);

/** Sender SSRC of the first packet of an RTCP compound (RFC 3550 6.4):
 *  false when it is not version 2 RTCP with a sender SSRC. */
bool sfu_rtcp_sender_ssrc(const uint8_t *packet, size_t len, uint32_t *ssrc);

/** Whether the RTCP compound holds a PLI (PT 206, FMT 1) or FIR (PT 206,
 *  FMT 4): a receiver asking for a key frame. */
bool sfu_rtcp_wants_key_frame(const uint8_t *packet, size_t len);

/** Size of a PLI packet. */
#define SFU_RTCP_PLI_LEN 12u

/** Writes a PLI from sender_ssrc about media_ssrc into out (12 bytes). */
void sfu_rtcp_write_pli(uint8_t out[SFU_RTCP_PLI_LEN], uint32_t sender_ssrc, uint32_t media_ssrc);

#endif
