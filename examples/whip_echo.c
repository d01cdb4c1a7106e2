/* RTP SSRC rewriting, keyframe requests and PLIs for the WHIP echo. */
#include "whip_echo.h"

#include "wire/reader.h"
#include "wire/writer.h"

#define RTP_VERSION 2u
#define RTCP_PSFB 206u       /* payload-specific feedback, RFC 4585 */
#define PSFB_FMT_PLI 1u
#define PSFB_FMT_FIR 4u      /* RFC 5104 */
#define FIR_ENTRY_LEN 8u     /* SSRC + seq nr + reserved */

bool whip_echo_rtp_info(const uint8_t *packet, size_t len, whip_rtp_info *info)
{
    d13_reader r;
    d13_reader_init(&r, packet, len);
    uint8_t b0, b1;
    uint16_t seq;
    uint32_t ts, ssrc;
    if (!d13_read_u8(&r, &b0) || !d13_read_u8(&r, &b1) || !d13_read_u16(&r, &seq) || !d13_read_u32(&r, &ts) ||
        !d13_read_u32(&r, &ssrc))
        return false;
    if ((b0 >> 6) != RTP_VERSION) return false;
    info->payload_type = (uint8_t)(b1 & 0x7f);
    info->sequence = seq;
    info->ssrc = ssrc;
    return true;
}

size_t whip_echo_rewrite_rtp(const uint8_t *in, size_t len, uint32_t ssrc, uint8_t *out, size_t cap)
{
    d13_reader r;
    d13_reader_init(&r, in, len);
    uint8_t b0, b1;
    uint16_t seq;
    uint32_t ts, old_ssrc;
    if (!d13_read_u8(&r, &b0) || !d13_read_u8(&r, &b1) || !d13_read_u16(&r, &seq) || !d13_read_u32(&r, &ts) ||
        !d13_read_u32(&r, &old_ssrc) || (b0 >> 6) != RTP_VERSION)
        return 0;
    const uint8_t *rest;
    size_t rest_len;
    d13_read_rest(&r, &rest, &rest_len);
    d13_writer w;
    d13_writer_init(&w, out, cap);
    d13_write_u8(&w, b0);
    d13_write_u8(&w, b1);
    d13_write_u16(&w, seq);
    d13_write_u32(&w, ts);
    d13_write_u32(&w, ssrc);
    d13_write_bytes(&w, rest, rest_len);
    return d13_writer_failed(&w) ? 0 : d13_writer_len(&w);
}

static size_t fir_ssrcs(d13_reader *fci, uint32_t *ssrcs, size_t cap, size_t found)
{
    while (d13_reader_remaining(fci) >= FIR_ENTRY_LEN && found < cap) {
        uint32_t ssrc;
        if (!d13_read_u32(fci, &ssrc) || !d13_read_skip(fci, 4)) break;
        ssrcs[found++] = ssrc;
    }
    return found;
}

size_t whip_echo_keyframe_requests(const uint8_t *rtcp, size_t len, uint32_t *ssrcs, size_t cap)
{
    d13_reader r;
    d13_reader_init(&r, rtcp, len);
    size_t found = 0;
    while (d13_reader_remaining(&r) >= 4 && found < cap) {
        uint8_t b0, pt;
        uint16_t words;
        d13_reader body;
        if (!d13_read_u8(&r, &b0) || !d13_read_u8(&r, &pt) || !d13_read_u16(&r, &words)) break;
        if ((b0 >> 6) != RTP_VERSION || !d13_read_sub(&r, (size_t)words * 4u, &body)) break;
        if (pt != RTCP_PSFB) continue;
        uint8_t fmt = (uint8_t)(b0 & 0x1f);
        uint32_t sender, media;
        if (!d13_read_u32(&body, &sender) || !d13_read_u32(&body, &media)) continue;
        if (fmt == PSFB_FMT_PLI)
            ssrcs[found++] = media;
        else if (fmt == PSFB_FMT_FIR)
            found = fir_ssrcs(&body, ssrcs, cap, found);
    }
    return found;
}

size_t whip_echo_write_pli(uint32_t sender_ssrc, uint32_t media_ssrc, uint8_t *out, size_t cap)
{
    d13_writer w;
    d13_writer_init(&w, out, cap);
    d13_write_u8(&w, (uint8_t)(RTP_VERSION << 6 | PSFB_FMT_PLI));
    d13_write_u8(&w, RTCP_PSFB);
    d13_write_u16(&w, 2); /* length in 32-bit words minus one */
    d13_write_u32(&w, sender_ssrc);
    d13_write_u32(&w, media_ssrc);
    return d13_writer_failed(&w) ? 0 : d13_writer_len(&w);
}
