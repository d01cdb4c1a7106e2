/* See sfu_forward.h. */
#include "sfu_forward.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

bool sfu_rtp_parse(const uint8_t *packet, size_t len, sfu_rtp_info *out)
{
    if (len < 12 || (packet[0] >> 6) != 2) return false;
    size_t header = 12 + 4u * (packet[0] & 0x0fu);
    if (header > len) return false;
    if (packet[0] & 0x10u) { /* extension: 16-bit profile, 16-bit length in words */
        if (header + 4 > len) return false;
        size_t ext = 4 + 4u * get16(packet + header + 2);
        if (header + ext > len) return false;
        header += ext;
    }
    size_t padding = (packet[0] & 0x20u) ? packet[len - 1] : 0;
    if ((packet[0] & 0x20u) && (padding == 0 || header + padding > len)) return false;
    out->payload_type = packet[1] & 0x7fu;
    out->marker = (packet[1] & 0x80u) != 0;
    out->sequence = get16(packet + 2);
    out->timestamp = get32(packet + 4);
    out->ssrc = get32(packet + 8);
    out->header_len = header;
    return true;
}

bool sfu_rtp_set_ssrc(uint8_t *packet, size_t len, uint32_t ssrc)
{
    if (len < 12) return false;
    put32(packet + 8, ssrc);
    return true;
}

bool sfu_rtcp_sender_ssrc(const uint8_t *packet, size_t len, uint32_t *ssrc)
{
    if (len < 8 || (packet[0] >> 6) != 2 || packet[1] < 192 || packet[1] > 223) return false;
    *ssrc = get32(packet + 4);
    return true;
}

bool sfu_rtcp_wants_key_frame(const uint8_t *packet, size_t len)
{
    size_t off = 0;
    while (off + 4 <= len) {
        const uint8_t *p = packet + off;
        if ((p[0] >> 6) != 2) return false;
        size_t plen = 4 + 4u * get16(p + 2);
        if (off + plen > len) return false;
        unsigned fmt = p[0] & 0x1fu;
        if (p[1] == 206 && (fmt == 1 || fmt == 4)) return true;
        off += plen;
    }
    return false;
}

void sfu_rtcp_write_pli(uint8_t out[SFU_RTCP_PLI_LEN], uint32_t sender_ssrc, uint32_t media_ssrc)
{
    out[0] = 0x80u | 1u; /* V=2, FMT=1 (PLI) */
    out[1] = 206;        /* PSFB */
    out[2] = 0;
    out[3] = 2; /* length in 32-bit words minus one */
    put32(out + 4, sender_ssrc);
    put32(out + 8, media_ssrc);
}
