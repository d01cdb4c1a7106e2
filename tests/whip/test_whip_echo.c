/* The WHIP echo's RTP/RTCP helpers: SSRC rewriting keeps every other byte,
 * keyframe requests are found in compound RTCP (PLI, FIR) and nothing
 * else, PLIs are laid out as RFC 4585 6.3.1 says, bad input is refused. */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "whip_echo.h"

/* V=2, X=1, CC=1, M=1 PT=96, seq 0x1234, ts 0x01020304, SSRC 0xAABBCCDD,
 * one CSRC, a one-byte-header extension of one word, 5 payload bytes. */
static const uint8_t rtp[] = {
    0x91, 0xe0, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb, 0xcc, 0xdd, /* fixed header */
    0x11, 0x22, 0x33, 0x44,                                                 /* CSRC */
    0xbe, 0xde, 0x00, 0x01, 0x10, 0x30, 0x00, 0x00,                         /* extension */
    0xde, 0xad, 0xbe, 0xef, 0x42,                                           /* payload */
};

static void test_rtp_info(d13_test_state *t)
{
    whip_rtp_info info;
    CHECK(whip_echo_rtp_info(rtp, sizeof(rtp), &info));
    CHECK_EQ(info.payload_type, 96);
    CHECK_EQ(info.sequence, 0x1234);
    CHECK_EQ(info.ssrc, 0xaabbccddu);
    CHECK(!whip_echo_rtp_info(rtp, 11, &info));
    uint8_t v1[sizeof(rtp)];
    memcpy(v1, rtp, sizeof(rtp));
    v1[0] = 0x51; /* version 1 */
    CHECK(!whip_echo_rtp_info(v1, sizeof(v1), &info));
    CHECK(!whip_echo_rtp_info(NULL, 0, &info));
}

static void test_rewrite(d13_test_state *t)
{
    uint8_t out[64];
    size_t n = whip_echo_rewrite_rtp(rtp, sizeof(rtp), 0x0d713001u, out, sizeof(out));
    CHECK_EQ(n, sizeof(rtp));
    static const uint8_t new_ssrc[] = {0x0d, 0x71, 0x30, 0x01};
    CHECK_MEM(out, rtp, 8);
    CHECK_MEM(out + 8, new_ssrc, 4);
    CHECK_MEM(out + 12, rtp + 12, sizeof(rtp) - 12);
    CHECK_EQ(whip_echo_rewrite_rtp(rtp, sizeof(rtp), 1, out, sizeof(rtp) - 1), 0); /* no room */
    CHECK_EQ(whip_echo_rewrite_rtp(rtp, 11, 1, out, sizeof(out)), 0);
    uint8_t rtcp_like[sizeof(rtp)];
    memcpy(rtcp_like, rtp, sizeof(rtp));
    rtcp_like[0] = 0x00;
    CHECK_EQ(whip_echo_rewrite_rtp(rtcp_like, sizeof(rtcp_like), 1, out, sizeof(out)), 0);
}

static void test_keyframe_requests(d13_test_state *t)
{
    static const uint8_t compound[] = {
        /* RR, no report blocks */
        0x80, 201, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
        /* PLI from 1 about 0x0d713001 */
        0x81, 206, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x71, 0x30, 0x01,
        /* REMB (PSFB FMT 15): not a keyframe request */
        0x8f, 206, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 'R', 'E', 'M', 'B', 0x01, 0x00, 0x00, 0x00,
        /* FIR with two entries: 0x0d713000 and 0x0d713001 */
        0x84, 206, 0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x0d, 0x71, 0x30, 0x00, 0x07, 0x00, 0x00, 0x00, 0x0d, 0x71, 0x30, 0x01, 0x08, 0x00, 0x00, 0x00,
        /* generic NACK (RTPFB): not a keyframe request */
        0x81, 205, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x71, 0x30, 0x01, 0x00, 0x10, 0x00, 0x00,
    };
    uint32_t ssrcs[8];
    size_t n = whip_echo_keyframe_requests(compound, sizeof(compound), ssrcs, 8);
    CHECK_EQ(n, 3);
    CHECK_EQ(ssrcs[0], 0x0d713001u);
    CHECK_EQ(ssrcs[1], 0x0d713000u);
    CHECK_EQ(ssrcs[2], 0x0d713001u);
    CHECK_EQ(whip_echo_keyframe_requests(compound, sizeof(compound), ssrcs, 2), 2); /* cap honoured */
    /* A length running past the end stops the scan before that packet. */
    uint8_t cut[sizeof(compound)];
    memcpy(cut, compound, sizeof(compound));
    cut[10] = 0x01; /* the PLI claims 1028 bytes */
    CHECK_EQ(whip_echo_keyframe_requests(cut, sizeof(cut), ssrcs, 8), 0);
    /* Every truncation: no more than the complete packets' requests. */
    for (size_t len = 0; len < sizeof(compound); len++) {
        size_t k = whip_echo_keyframe_requests(compound, len, ssrcs, 8);
        CHECK(k <= (len >= 20 ? 1u : 0u) + (len >= 68 ? 2u : 0u));
    }
    /* A PLI without its media SSRC is ignored. */
    static const uint8_t short_pli[] = {0x81, 206, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01};
    CHECK_EQ(whip_echo_keyframe_requests(short_pli, sizeof(short_pli), ssrcs, 8), 0);
}

static void test_write_pli(d13_test_state *t)
{
    uint8_t out[16];
    static const uint8_t expected[] = {0x81, 0xce, 0x00, 0x02, 0x0d, 0x71, 0x30, 0x01, 0xaa, 0xbb, 0xcc, 0xdd};
    CHECK_EQ(whip_echo_write_pli(0x0d713001u, 0xaabbccddu, out, sizeof(out)), WHIP_ECHO_PLI_LEN);
    CHECK_MEM(out, expected, sizeof(expected));
    CHECK_EQ(whip_echo_write_pli(1, 2, out, WHIP_ECHO_PLI_LEN - 1), 0);
    /* Our PLI reads back as a keyframe request. */
    uint32_t ssrc = 0;
    CHECK_EQ(whip_echo_keyframe_requests(expected, sizeof(expected), &ssrc, 1), 1);
    CHECK_EQ(ssrc, 0xaabbccddu);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_rtp_info);
    RUN_TEST(&st, test_rewrite);
    RUN_TEST(&st, test_keyframe_requests);
    RUN_TEST(&st, test_write_pli);
    TEST_MAIN_END(&st);
}
