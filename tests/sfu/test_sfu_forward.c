/* The SFU example's RTP/RTCP plumbing (examples/sfu_forward.c): RTP
 * headers with CSRCs, a header extension (Chrome's one-byte form) and
 * padding parse with the right header length; every truncation and a
 * padding count beyond the packet are refused; the SSRC rewrite touches
 * only the SSRC; a PLI has RFC 4585's layout and is found in a compound
 * packet after a receiver report, while a report alone or a compound with
 * a bad length asks for nothing. */
#include <string.h>

#include "sfu_forward.h"
#include "test.h"

static void test_rtp(d13_test_state *t)
{
    /* V=2, X=1, CC=1, M=1 PT=96, seq 0x1234, ts 0x01020304, SSRC 0xA1B2C3D4,
     * one CSRC, extension 0xBEDE with one word, 4 payload bytes. */
    static const uint8_t pkt[] = {0x91, 0xE0, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04, 0xA1, 0xB2, 0xC3, 0xD4,
                                  0x11, 0x22, 0x33, 0x44, 0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00,
                                  'v',  'p',  '8',  '!'};
    sfu_rtp_info info;
    CHECK(sfu_rtp_parse(pkt, sizeof(pkt), &info));
    CHECK_EQ(info.payload_type, 96);
    CHECK(info.marker);
    CHECK_EQ(info.sequence, 0x1234);
    CHECK_EQ(info.timestamp, 0x01020304u);
    CHECK_EQ(info.ssrc, 0xA1B2C3D4u);
    CHECK_EQ(info.header_len, 24);
    size_t refused = 0;
    for (size_t cut = 0; cut < 24; cut++) refused += !sfu_rtp_parse(pkt, cut, &info);
    CHECK_EQ(refused, 24);

    uint8_t copy[sizeof(pkt)];
    memcpy(copy, pkt, sizeof(pkt));
    CHECK(sfu_rtp_set_ssrc(copy, sizeof(copy), 0x0d713001u));
    CHECK(sfu_rtp_parse(copy, sizeof(copy), &info));
    CHECK_EQ(info.ssrc, 0x0d713001u);
    CHECK(memcmp(copy, pkt, 8) == 0 && memcmp(copy + 12, pkt + 12, sizeof(pkt) - 12) == 0);
    CHECK(!sfu_rtp_set_ssrc(copy, 11, 1));

    /* Padding: P=1, last byte counts the padding (here 3 of 4 payload bytes). */
    static const uint8_t padded[] = {0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 'x', 0, 0, 3};
    CHECK(sfu_rtp_parse(padded, sizeof(padded), &info));
    uint8_t bad[sizeof(padded)];
    memcpy(bad, padded, sizeof(padded));
    bad[sizeof(bad) - 1] = 5; /* more padding than payload */
    CHECK(!sfu_rtp_parse(bad, sizeof(bad), &info));
    bad[sizeof(bad) - 1] = 0; /* a zero padding count */
    CHECK(!sfu_rtp_parse(bad, sizeof(bad), &info));
    bad[0] = 0x40; /* version 1 */
    CHECK(!sfu_rtp_parse(bad, sizeof(bad), &info));
}

static void test_rtcp(d13_test_state *t)
{
    uint8_t pli[SFU_RTCP_PLI_LEN];
    sfu_rtcp_write_pli(pli, 0x0d713000u, 0xA1B2C3D4u);
    static const uint8_t want[] = {0x81, 206, 0, 2, 0x0d, 0x71, 0x30, 0x00, 0xA1, 0xB2, 0xC3, 0xD4};
    CHECK(memcmp(pli, want, sizeof(want)) == 0);
    CHECK(sfu_rtcp_wants_key_frame(pli, sizeof(pli)));
    uint32_t ssrc = 0;
    CHECK(sfu_rtcp_sender_ssrc(pli, sizeof(pli), &ssrc));
    CHECK_EQ(ssrc, 0x0d713000u);

    /* An empty receiver report (PT 201, RC 0), then the PLI. */
    uint8_t compound[8 + SFU_RTCP_PLI_LEN] = {0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
    memcpy(compound + 8, pli, sizeof(pli));
    CHECK(sfu_rtcp_wants_key_frame(compound, sizeof(compound)));
    CHECK(!sfu_rtcp_wants_key_frame(compound, 8));
    CHECK(sfu_rtcp_sender_ssrc(compound, sizeof(compound), &ssrc));
    CHECK_EQ(ssrc, 0x11223344u);
    /* A FIR (FMT 4) asks too; a generic NACK (PT 205) does not. */
    compound[8] = 0x84;
    CHECK(sfu_rtcp_wants_key_frame(compound, sizeof(compound)));
    compound[8] = 0x81;
    compound[9] = 205;
    CHECK(!sfu_rtcp_wants_key_frame(compound, sizeof(compound)));
    /* A first packet whose length runs past the end hides what follows. */
    compound[9] = 206;
    compound[3] = 9;
    CHECK(!sfu_rtcp_wants_key_frame(compound, sizeof(compound)));
    for (size_t cut = 0; cut < 8; cut++) CHECK(!sfu_rtcp_sender_ssrc(compound, cut, &ssrc));
    static const uint8_t rtp_like[] = {0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    CHECK(!sfu_rtcp_sender_ssrc(rtp_like, sizeof(rtp_like), &ssrc));
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_rtp);
    RUN_TEST(&st, test_rtcp);
    TEST_MAIN_END(&st);
}
