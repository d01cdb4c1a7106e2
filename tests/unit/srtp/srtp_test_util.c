/* Helpers for the DTLS-SRTP tests. */
#include "srtp_test_util.h"

#include <stdlib.h>
#include <string.h>

#include "dtls13/dtls13.h"

srtp_pair *srtp_pair_new(uint16_t profile, const uint8_t *mki, size_t mki_len)
{
    srtp_pair *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->client_cfg = dtls13_config_new();
    p->server_cfg = dtls13_config_new();
    if (p->client_cfg && p->server_cfg && dtls13_config_generate_certificate(p->client_cfg, NULL) == 0 &&
        dtls13_config_generate_certificate(p->server_cfg, NULL) == 0 &&
        dtls13_config_set_srtp_profiles(p->client_cfg, &profile, 1, mki, mki_len) == 0 &&
        dtls13_config_set_srtp_profiles(p->server_cfg, &profile, 1, NULL, 0) == 0)
        p->link = conn_pair_new(p->client_cfg, p->server_cfg);
    if (p->link && conn_pair_handshake(p->link, 10000) && dtls13_conn_srtp_profile(p->link->client) == profile) {
        p->client = p->link->client;
        p->server = p->link->server;
        return p;
    }
    srtp_pair_free(p);
    return NULL;
}

void srtp_pair_free(srtp_pair *p)
{
    if (!p) return;
    conn_pair_free(p->link);
    dtls13_config_free(p->client_cfg);
    dtls13_config_free(p->server_cfg);
    free(p);
}

static void put_u16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void put_u32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

size_t make_rtp(uint8_t *buf, size_t cap, uint32_t ssrc, uint16_t seq, uint32_t ts, size_t payload_len)
{
    if (cap < 12 + payload_len) abort();
    buf[0] = 0x80;
    buf[1] = 96;
    put_u16(buf + 2, seq);
    put_u32(buf + 4, ts);
    put_u32(buf + 8, ssrc);
    for (size_t i = 0; i < payload_len; i++) buf[12 + i] = (uint8_t)(seq * 31u + i * 7u + 1u);
    return 12 + payload_len;
}

size_t make_rtcp_sr(uint8_t *buf, size_t cap, uint32_t ssrc, uint32_t packet_count)
{
    if (cap < 28) abort();
    buf[0] = 0x80; /* V=2, no padding, no report blocks */
    buf[1] = 200;  /* SR */
    put_u16(buf + 2, 6); /* length in 32-bit words minus one */
    put_u32(buf + 4, ssrc);
    put_u32(buf + 8, 0xe1234567u); /* NTP seconds */
    put_u32(buf + 12, 0x89abcdefu); /* NTP fraction */
    put_u32(buf + 16, packet_count * 960u); /* RTP timestamp */
    put_u32(buf + 20, packet_count);
    put_u32(buf + 24, packet_count * 100u); /* octet count */
    return 28;
}
