/* RFC 7983 / RFC 9443 demultiplexing: every first byte, the RTP/RTCP split
 * on every second byte, empty and one-byte datagrams, the counters. */
#include <stdint.h>
#include <string.h>

#include "dtls13/demux.h"
#include "test.h"

/* The table of RFC 7983 section 7 as updated by RFC 9443 section 2,
 * written out as ranges (the implementation uses comparisons). */
typedef struct range {
    unsigned first, last;
    dtls13_demux_kind kind; /* for the RTP range: the kind with an RTP second byte */
} range;

static const range rfc_table[] = {
    {0, 3, DTLS13_DEMUX_STUN},          {4, 15, DTLS13_DEMUX_DROP},
    {16, 19, DTLS13_DEMUX_ZRTP},        {20, 63, DTLS13_DEMUX_DTLS},
    {64, 79, DTLS13_DEMUX_TURN_CHANNEL}, {80, 127, DTLS13_DEMUX_DROP},
    {128, 191, DTLS13_DEMUX_RTP},       {192, 255, DTLS13_DEMUX_DROP},
};

static dtls13_demux_kind expected_for(unsigned first)
{
    for (size_t i = 0; i < sizeof(rfc_table) / sizeof(rfc_table[0]); i++)
        if (first >= rfc_table[i].first && first <= rfc_table[i].last) return rfc_table[i].kind;
    return (dtls13_demux_kind)-1;
}

static void test_table_covers_every_byte(d13_test_state *t)
{
    /* The ranges above are contiguous and cover 0-255 exactly once. */
    unsigned next = 0;
    for (size_t i = 0; i < sizeof(rfc_table) / sizeof(rfc_table[0]); i++) {
        CHECK_EQ(rfc_table[i].first, next);
        next = rfc_table[i].last + 1;
    }
    CHECK_EQ(next, 256);
}

static void test_every_first_byte(d13_test_state *t)
{
    for (unsigned b = 0; b < 256; b++) {
        /* Second byte 0x00 (an RTP payload type 0, PCMU) and a full-size
         * packet so that only the first byte matters. */
        uint8_t pkt[12] = {(uint8_t)b, 0x00};
        dtls13_demux_kind got = dtls13_demux_classify(pkt, sizeof(pkt));
        if (got != expected_for(b)) fprintf(stderr, "first byte %u -> %s\n", b, dtls13_demux_kind_name(got));
        CHECK_EQ(got, expected_for(b));
        /* Two bytes are enough for every kind. */
        CHECK_EQ(dtls13_demux_classify(pkt, 2), expected_for(b));
    }
}

static void test_boundaries(d13_test_state *t)
{
    static const struct {
        uint8_t first;
        dtls13_demux_kind kind;
    } cases[] = {
        {0, DTLS13_DEMUX_STUN},   {1, DTLS13_DEMUX_STUN},   {3, DTLS13_DEMUX_STUN},
        {4, DTLS13_DEMUX_DROP},   {15, DTLS13_DEMUX_DROP},  {16, DTLS13_DEMUX_ZRTP},
        {19, DTLS13_DEMUX_ZRTP},  {20, DTLS13_DEMUX_DTLS},  {22, DTLS13_DEMUX_DTLS},
        {25, DTLS13_DEMUX_DTLS},  {31, DTLS13_DEMUX_DTLS},  {32, DTLS13_DEMUX_DTLS},
        {47, DTLS13_DEMUX_DTLS},  {63, DTLS13_DEMUX_DTLS},  {64, DTLS13_DEMUX_TURN_CHANNEL},
        {79, DTLS13_DEMUX_TURN_CHANNEL}, {80, DTLS13_DEMUX_DROP}, {127, DTLS13_DEMUX_DROP},
        {128, DTLS13_DEMUX_RTP},  {144, DTLS13_DEMUX_RTP},  {191, DTLS13_DEMUX_RTP},
        {192, DTLS13_DEMUX_DROP}, {255, DTLS13_DEMUX_DROP},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t pkt[2] = {cases[i].first, 96}; /* 96: a dynamic RTP payload type */
        CHECK_EQ(dtls13_demux_classify(pkt, sizeof(pkt)), cases[i].kind);
    }
}

static void test_rtp_rtcp_split(d13_test_state *t)
{
    const uint8_t firsts[] = {128, 129, 0x90, 191};
    for (size_t f = 0; f < sizeof(firsts); f++) {
        for (unsigned second = 0; second < 256; second++) {
            uint8_t pkt[8] = {firsts[f], (uint8_t)second};
            dtls13_demux_kind want =
                (second >= 192 && second <= 223) ? DTLS13_DEMUX_RTCP : DTLS13_DEMUX_RTP;
            CHECK_EQ(dtls13_demux_classify(pkt, sizeof(pkt)), want);
        }
    }
    /* The exact edges. */
    uint8_t pkt[2] = {0x80, 191};
    CHECK_EQ(dtls13_demux_classify(pkt, 2), DTLS13_DEMUX_RTP);
    pkt[1] = 192;
    CHECK_EQ(dtls13_demux_classify(pkt, 2), DTLS13_DEMUX_RTCP);
    pkt[1] = 200; /* SR */
    CHECK_EQ(dtls13_demux_classify(pkt, 2), DTLS13_DEMUX_RTCP);
    pkt[1] = 223;
    CHECK_EQ(dtls13_demux_classify(pkt, 2), DTLS13_DEMUX_RTCP);
    pkt[1] = 224;
    CHECK_EQ(dtls13_demux_classify(pkt, 2), DTLS13_DEMUX_RTP);
    pkt[1] = 0xe0 | 0x0f; /* marker + PT 111 (Opus) */
    CHECK_EQ(dtls13_demux_classify(pkt, 2), DTLS13_DEMUX_RTP);
    /* Outside the RTP range the second byte does not matter. */
    uint8_t dtls[2] = {63, 200};
    CHECK_EQ(dtls13_demux_classify(dtls, 2), DTLS13_DEMUX_DTLS);
    uint8_t high[2] = {192, 200};
    CHECK_EQ(dtls13_demux_classify(high, 2), DTLS13_DEMUX_DROP);
}

static void test_empty_and_short(d13_test_state *t)
{
    CHECK_EQ(dtls13_demux_classify(NULL, 0), DTLS13_DEMUX_DROP);
    CHECK_EQ(dtls13_demux_classify(NULL, 5), DTLS13_DEMUX_DROP);
    uint8_t one[1];
    CHECK_EQ(dtls13_demux_classify(one, 0), DTLS13_DEMUX_DROP);
    for (unsigned b = 0; b < 256; b++) {
        one[0] = (uint8_t)b;
        /* One byte: the RTP range cannot be split and is dropped; other
         * kinds are decided by the first byte alone. */
        dtls13_demux_kind want = (b >= 128 && b <= 191) ? DTLS13_DEMUX_DROP : expected_for(b);
        CHECK_EQ(dtls13_demux_classify(one, 1), want);
    }
}

static void test_counters(d13_test_state *t)
{
    dtls13_demux_counters c;
    memset(&c, 0xa5, sizeof(c));
    dtls13_demux_counters_reset(&c);
    CHECK_EQ(c.dropped, 0);
    CHECK_EQ(c.rtp, 0);
    /* Every first byte once with an RTP second byte, then the RTCP range. */
    for (unsigned b = 0; b < 256; b++) {
        uint8_t pkt[2] = {(uint8_t)b, 0};
        CHECK_EQ(dtls13_demux_classify_count(&c, pkt, sizeof(pkt)), expected_for(b));
    }
    for (unsigned s = 192; s <= 223; s++) {
        uint8_t pkt[2] = {0x80, (uint8_t)s};
        dtls13_demux_classify_count(&c, pkt, sizeof(pkt));
    }
    dtls13_demux_classify_count(&c, NULL, 0);
    uint8_t one = 0x80;
    dtls13_demux_classify_count(&c, &one, 1);
    CHECK_EQ(c.stun, 4);
    CHECK_EQ(c.zrtp, 4);
    CHECK_EQ(c.dtls, 44);
    CHECK_EQ(c.turn_channel, 16);
    CHECK_EQ(c.rtp, 64);
    CHECK_EQ(c.rtcp, 32);
    CHECK_EQ(c.dropped, 12 + 48 + 64 + 2);
    CHECK_EQ(dtls13_demux_counter(&c, DTLS13_DEMUX_DTLS), 44);
    CHECK_EQ(dtls13_demux_counter(&c, DTLS13_DEMUX_DROP), 126);
    CHECK_EQ(dtls13_demux_counter(&c, DTLS13_DEMUX_RTCP), 32);
    CHECK_EQ(dtls13_demux_counter(&c, (dtls13_demux_kind)99), 0);
    CHECK_EQ(dtls13_demux_counter(NULL, DTLS13_DEMUX_RTP), 0);
    uint64_t total = 0;
    for (int k = 0; k < DTLS13_DEMUX_KIND_COUNT; k++) total += dtls13_demux_counter(&c, (dtls13_demux_kind)k);
    CHECK_EQ(total, 256 + 32 + 2);
    /* NULL counters: classification only. */
    uint8_t stun[2] = {0, 1};
    CHECK_EQ(dtls13_demux_classify_count(NULL, stun, 2), DTLS13_DEMUX_STUN);
    dtls13_demux_counters_reset(NULL);
}

static void test_names(d13_test_state *t)
{
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_STUN), "stun") == 0);
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_ZRTP), "zrtp") == 0);
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_DTLS), "dtls") == 0);
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_TURN_CHANNEL), "turn-channel") == 0);
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_RTP), "rtp") == 0);
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_RTCP), "rtcp") == 0);
    CHECK(strcmp(dtls13_demux_kind_name(DTLS13_DEMUX_DROP), "drop") == 0);
    CHECK(strcmp(dtls13_demux_kind_name((dtls13_demux_kind)42), "unknown") == 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_table_covers_every_byte);
    RUN_TEST(&st, test_every_first_byte);
    RUN_TEST(&st, test_boundaries);
    RUN_TEST(&st, test_rtp_rtcp_split);
    RUN_TEST(&st, test_empty_and_short);
    RUN_TEST(&st, test_counters);
    RUN_TEST(&st, test_names);
    TEST_MAIN_END(&st);
}
