/* Fuzz target for the SFU example's RTP and RTCP readers
 * (examples/sfu_forward.c).
 *
 * Input: one packet, read as RTP and as RTCP. Invariants: a parsed RTP
 * header lies within the packet (12 bytes, the CSRCs and the extension at
 * least) and leaves room for the padding the last byte counts; rewriting
 * the SSRC, the marker and the payload type of a copy changes exactly
 * those fields and nothing else, and the copy parses with the same header
 * length; RTCP readers look at nothing past the end (ASan) and a sender
 * SSRC is only found in version 2 RTCP. Nothing crashes or leaks.
 *
 * Seeds in corpus/sfu_forward/: Chromium-like VP8 and Opus RTP (one-byte
 * header extension, CSRCs, padding) and RTCP compounds (SR, RR, SDES,
 * PLI, FIR, NACK, REMB). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_target.h"
#include "sfu_forward.h"

/* Checks a parsed header against the packet's own first byte. */
static void check_rtp(const uint8_t *data, size_t size, const sfu_rtp_info *info)
{
    size_t least = 12 + 4u * (data[0] & 0x0fu) + ((data[0] & 0x10u) ? 4u : 0u);
    FUZZ_CHECK(info->header_len >= least && info->header_len <= size);
    FUZZ_CHECK(info->payload_type < 128);
    if (data[0] & 0x20u) FUZZ_CHECK(data[size - 1] != 0 && info->header_len + data[size - 1] <= size);
}

/* Rewrites a copy's SSRC, marker and payload type, and parses it again. */
static void check_rewrite(const uint8_t *data, size_t size, const sfu_rtp_info *info)
{
    uint8_t *copy = malloc(size);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, data, size);
    uint32_t ssrc = ~info->ssrc;
    uint8_t pt = (uint8_t)((info->payload_type + 1u) & 0x7fu);
    FUZZ_CHECK(sfu_rtp_set_ssrc(copy, size, ssrc));
    FUZZ_CHECK(sfu_rtp_set_payload_type(copy, size, !info->marker, pt));
    sfu_rtp_info again;
    FUZZ_CHECK(sfu_rtp_parse(copy, size, &again));
    FUZZ_CHECK(again.ssrc == ssrc && again.payload_type == pt && again.marker == !info->marker);
    FUZZ_CHECK(again.sequence == info->sequence && again.timestamp == info->timestamp);
    FUZZ_CHECK(again.header_len == info->header_len);
    FUZZ_CHECK(copy[0] == data[0] && memcmp(copy + 2, data + 2, 6) == 0);
    FUZZ_CHECK(memcmp(copy + 12, data + 12, size - 12) == 0);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sfu_rtp_info info;
    if (sfu_rtp_parse(data, size, &info)) {
        check_rtp(data, size, &info);
        check_rewrite(data, size, &info);
    }
    uint32_t ssrc;
    if (sfu_rtcp_sender_ssrc(data, size, &ssrc)) FUZZ_CHECK(size >= 8 && (data[0] >> 6) == 2);
    if (sfu_rtcp_wants_key_frame(data, size)) FUZZ_CHECK(size >= 4 && (data[0] >> 6) == 2);
    return 0;
}
