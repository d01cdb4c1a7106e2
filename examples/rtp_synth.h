/* Synthetic media for the loopback call: RTP packets with increasing
 * sequence numbers and timestamps and a payload derived from the sequence
 * number (so that the receiver can check every byte after SRTP), and
 * minimal RTCP sender reports. Stands in for an encoder until the
 * GStreamer element pair exists. */
#ifndef D13_EXAMPLES_RTP_SYNTH_H
#define D13_EXAMPLES_RTP_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** RTP payload type used by the synthetic stream (dynamic, as VP8 often is). */
#define RTP_SYNTH_PAYLOAD_TYPE 96
/** RTP clock rate of the synthetic stream (video: 90 kHz). */
#define RTP_SYNTH_CLOCK_RATE 90000u
/** Bytes of an RTP header without CSRCs or extensions. */
#define RTP_SYNTH_HEADER_LEN 12u
/** Bytes of the RTCP sender report rtp_synth_sender_report() writes. */
#define RTP_SYNTH_SR_LEN 28u

/** One outgoing synthetic stream. */
typedef struct rtp_synth_stream {
    uint32_t ssrc;
    uint16_t next_seq;
    uint32_t next_timestamp;
    uint32_t timestamp_step; /* clock ticks per packet */
    uint32_t packets;        /* written so far (for the sender report) */
    uint32_t payload_octets;
} rtp_synth_stream;

/** Starts a stream with ssrc, a first sequence number and timestamp, and
 *  packets_per_second (which gives the timestamp step at 90 kHz). */
void rtp_synth_stream_init(rtp_synth_stream *s, uint32_t ssrc, uint16_t first_seq, uint32_t first_timestamp,
                           unsigned packets_per_second);

/** Writes the next RTP packet (12-byte header, payload_len payload bytes)
 *  into buf and advances the stream. Returns the packet length, or 0 when
 *  cap is too small. */
size_t rtp_synth_next_packet(rtp_synth_stream *s, size_t payload_len, uint8_t *buf, size_t cap);

/** Writes an RTCP sender report (RFC 3550 6.4.1, no report blocks) for
 *  the stream with the given NTP time into buf. Returns RTP_SYNTH_SR_LEN,
 *  or 0 when cap is too small. */
size_t rtp_synth_sender_report(const rtp_synth_stream *s, uint64_t ntp_time, uint8_t *buf, size_t cap);

/** What rtp_synth_check_packet() found in a received RTP packet. */
typedef struct rtp_synth_packet_info {
    uint16_t seq;
    uint32_t timestamp;
    uint32_t ssrc;
    size_t payload_len;
} rtp_synth_packet_info;

/** Parses a received (unprotected) RTP packet and checks that it is one
 *  of ours from expected_ssrc: version 2, our payload type, no padding,
 *  CSRCs or extension, payload_len payload bytes with the pattern of its
 *  sequence number. Fills *info (may be NULL). Returns true when it all
 *  holds. */
bool rtp_synth_check_packet(const uint8_t *packet, size_t len, uint32_t expected_ssrc, size_t payload_len,
                            rtp_synth_packet_info *info);

/** Parses a received (unprotected) RTCP packet and checks that it is a
 *  sender report of 28 bytes from expected_ssrc. */
bool rtp_synth_check_sender_report(const uint8_t *packet, size_t len, uint32_t expected_ssrc);

#endif
