/* See sfu_forward.h. Packets are read with the bounds-checked reader and
 * written with the writer (src/wire/). */
#include "sfu_forward.h"

#include "whip_echo.h"
#include "wire/reader.h"
#include "wire/writer.h"

#define RTP_VERSION 2u
#define RTP_FIXED_LEN 12u
#define RTCP_PSFB 206u   /* payload-specific feedback, RFC 4585 */
#define PSFB_FMT_PLI 1u
#define PSFB_FMT_FIR 4u  /* RFC 5104 */

/* Checks the padding count (the packet's last byte, RFC 3550 5.1) with r
 * just past the header: it must be at least 1 and fit in what follows the
 * header. */
static bool rtp_padding_fits(d13_reader *r)
{
    size_t rest = d13_reader_remaining(r);
    uint8_t padding;
    if (rest == 0 || !d13_read_skip(r, rest - 1) || !d13_read_u8(r, &padding)) return false;
    return padding != 0 && padding <= rest;
}

bool sfu_rtp_parse(const uint8_t *packet, size_t len, sfu_rtp_info *out)
{
    d13_reader r;
    d13_reader_init(&r, packet, len);
    uint8_t b0, b1;
    uint16_t sequence;
    uint32_t timestamp, ssrc;
    if (!d13_read_u8(&r, &b0) || !d13_read_u8(&r, &b1) || !d13_read_u16(&r, &sequence) ||
        !d13_read_u32(&r, &timestamp) || !d13_read_u32(&r, &ssrc) || (b0 >> 6) != RTP_VERSION)
        return false;
    if (!d13_read_skip(&r, 4u * (b0 & 0x0fu))) return false; /* CSRCs */
    if (b0 & 0x10u) { /* extension: 16-bit profile, 16-bit length in words */
        uint16_t profile, words;
        if (!d13_read_u16(&r, &profile) || !d13_read_u16(&r, &words) || !d13_read_skip(&r, 4u * (size_t)words))
            return false;
    }
    size_t header = d13_reader_offset(&r);
    if ((b0 & 0x20u) && !rtp_padding_fits(&r)) return false;
    out->payload_type = b1 & 0x7fu;
    out->marker = (b1 & 0x80u) != 0;
    out->sequence = sequence;
    out->timestamp = timestamp;
    out->ssrc = ssrc;
    out->header_len = header;
    return true;
}

bool sfu_rtp_set_ssrc(uint8_t *packet, size_t len, uint32_t ssrc)
{
    if (len < RTP_FIXED_LEN) return false;
    d13_writer w;
    d13_writer_init(&w, packet, len);
    (void)d13_write_reserve(&w, 8); /* V..timestamp stay */
    return d13_write_u32(&w, ssrc);
}

bool sfu_rtp_set_payload_type(uint8_t *packet, size_t len, bool marker, uint8_t payload_type)
{
    if (len < RTP_FIXED_LEN) return false;
    d13_writer w;
    d13_writer_init(&w, packet, len);
    (void)d13_write_reserve(&w, 1); /* V, P, X, CC stay */
    return d13_write_u8(&w, (uint8_t)((marker ? 0x80u : 0u) | (payload_type & 0x7fu)));
}

bool sfu_rtcp_sender_ssrc(const uint8_t *packet, size_t len, uint32_t *ssrc)
{
    d13_reader r;
    d13_reader_init(&r, packet, len);
    uint8_t b0, pt;
    uint16_t words;
    uint32_t sender;
    if (!d13_read_u8(&r, &b0) || !d13_read_u8(&r, &pt) || !d13_read_u16(&r, &words) || !d13_read_u32(&r, &sender))
        return false;
    if ((b0 >> 6) != RTP_VERSION || pt < 192 || pt > 223) return false;
    *ssrc = sender;
    return true;
}

bool sfu_rtcp_wants_key_frame(const uint8_t *packet, size_t len)
{
    d13_reader r;
    d13_reader_init(&r, packet, len);
    while (d13_reader_remaining(&r) >= 4) {
        uint8_t b0, pt;
        uint16_t words;
        if (!d13_read_u8(&r, &b0) || !d13_read_u8(&r, &pt) || !d13_read_u16(&r, &words)) return false;
        /* A wrong version or a length past the end ends the scan. */
        if ((b0 >> 6) != RTP_VERSION || !d13_read_skip(&r, 4u * (size_t)words)) return false;
        unsigned fmt = b0 & 0x1fu;
        if (pt == RTCP_PSFB && (fmt == PSFB_FMT_PLI || fmt == PSFB_FMT_FIR)) return true;
    }
    return false;
}

void sfu_rtcp_write_pli(uint8_t out[SFU_RTCP_PLI_LEN], uint32_t sender_ssrc, uint32_t media_ssrc)
{
    (void)whip_echo_write_pli(sender_ssrc, media_ssrc, out, SFU_RTCP_PLI_LEN);
}
