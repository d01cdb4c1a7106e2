/* Reassembly of handshake fragments (RFC 9147 5.5): out of order,
 * overlapping, duplicated, future messages within the budget, and the
 * message_seq rules. */
#include <string.h>

#include "handshake/reassembly.h"
#include "test.h"

static d13_hs_header header(uint8_t type, uint32_t len, uint16_t seq, uint32_t off, uint32_t frag)
{
    d13_hs_header h = {type, len, seq, off, frag};
    return h;
}

static void fill(uint8_t *body, size_t len)
{
    for (size_t i = 0; i < len; i++) body[i] = (uint8_t)(i * 7 + 3);
}

static void test_out_of_order_and_overlap(d13_test_state *t)
{
    uint8_t body[1000];
    fill(body, sizeof(body));
    d13_reasm ra;
    memset(&ra, 0, sizeof(ra));
    /* Pieces [600,1000), [0,300), [200,700) (overlapping both), then a duplicate. */
    d13_hs_header h = header(11, 1000, 0, 600, 400);
    CHECK_EQ(d13_reasm_add(&ra, 0, &h, body + 600, 2), D13_REASM_STORED);
    CHECK(d13_reasm_complete(&ra, 0) == NULL);
    h = header(11, 1000, 0, 0, 300);
    CHECK_EQ(d13_reasm_add(&ra, 0, &h, body, 2), D13_REASM_STORED);
    CHECK(d13_reasm_complete(&ra, 0) == NULL);
    h = header(11, 1000, 0, 200, 500);
    CHECK_EQ(d13_reasm_add(&ra, 0, &h, body + 200, 2), D13_REASM_STORED);
    const d13_reasm_slot *s = d13_reasm_complete(&ra, 0);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(s->length, 1000);
        CHECK_MEM(s->body, body, sizeof(body));
    }
    /* Nothing new: a duplicate. */
    h = header(11, 1000, 0, 100, 100);
    CHECK_EQ(d13_reasm_add(&ra, 0, &h, body + 100, 2), D13_REASM_DUPLICATE);
    d13_reasm_release(&ra, 0);
    CHECK_EQ(ra.buffered, 0);
    d13_reasm_clear(&ra);
}

static void test_overlap_keeps_first_bytes(d13_test_state *t)
{
    /* A retransmitted fragment with different bytes in the overlap does not
     * change what was already received. */
    uint8_t body[64], other[64];
    fill(body, sizeof(body));
    memset(other, 0xee, sizeof(other));
    d13_reasm ra;
    memset(&ra, 0, sizeof(ra));
    d13_hs_header h = header(20, 64, 3, 0, 40);
    CHECK_EQ(d13_reasm_add(&ra, 3, &h, body, 2), D13_REASM_STORED);
    h = header(20, 64, 3, 32, 32);
    uint8_t mixed[32];
    memcpy(mixed, other, 8);          /* overlap [32,40) differs */
    memcpy(mixed + 8, body + 40, 24); /* the new part */
    CHECK_EQ(d13_reasm_add(&ra, 3, &h, mixed, 2), D13_REASM_STORED);
    const d13_reasm_slot *s = d13_reasm_complete(&ra, 3);
    CHECK(s != NULL);
    if (s) CHECK_MEM(s->body, body, sizeof(body));
    d13_reasm_clear(&ra);
}

static void test_sequence_rules(d13_test_state *t)
{
    uint8_t body[16];
    fill(body, sizeof(body));
    d13_reasm ra;
    memset(&ra, 0, sizeof(ra));
    /* Below next_seq: a retransmission. */
    d13_hs_header h = header(2, 16, 1, 0, 16);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 0), D13_REASM_OLD);
    /* Future messages are kept (within the slots) and completed later. */
    h = header(8, 16, 3, 0, 16);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 2), D13_REASM_STORED);
    CHECK(d13_reasm_complete(&ra, 2) == NULL);
    CHECK(d13_reasm_complete(&ra, 3) != NULL);
    /* Too far ahead. */
    h = header(8, 16, 2 + D13_REASM_SLOTS, 0, 16);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 2), D13_REASM_TOO_FAR);
    /* A fragment that disagrees with the first one about type, length or
     * epoch is dropped. */
    h = header(9, 16, 3, 0, 8);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 2), D13_REASM_MISMATCH);
    h = header(8, 17, 3, 0, 8);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 2), D13_REASM_MISMATCH);
    h = header(8, 16, 3, 0, 8);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 3), D13_REASM_MISMATCH);
    /* Oversized messages are refused before any allocation. */
    h = header(11, D13_MAX_HANDSHAKE_MESSAGE + 1, 2, 0, 16);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 2), D13_REASM_TOO_BIG);
    /* An empty message is complete at once. */
    h = header(5, 0, 2, 0, 0);
    CHECK_EQ(d13_reasm_add(&ra, 2, &h, body, 2), D13_REASM_STORED);
    CHECK(d13_reasm_complete(&ra, 2) != NULL);
    d13_reasm_clear(&ra);
    CHECK_EQ(ra.buffered, 0);
}

static void test_budget(d13_test_state *t)
{
    static uint8_t body[D13_MAX_HANDSHAKE_MESSAGE];
    d13_reasm ra;
    memset(&ra, 0, sizeof(ra));
    /* Future messages of the maximum size fill the budget; the next is refused. */
    size_t fits = D13_REASM_BUDGET / D13_MAX_HANDSHAKE_MESSAGE;
    for (size_t i = 0; i < fits; i++) {
        d13_hs_header h = header(11, D13_MAX_HANDSHAKE_MESSAGE, (uint16_t)(1 + i), 0, 10);
        CHECK_EQ(d13_reasm_add(&ra, 0, &h, body, 2), D13_REASM_STORED);
    }
    d13_hs_header h = header(11, D13_MAX_HANDSHAKE_MESSAGE, (uint16_t)(1 + fits), 0, 10);
    CHECK_EQ(d13_reasm_add(&ra, 0, &h, body, 2), D13_REASM_TOO_FAR);
    CHECK(ra.buffered <= D13_REASM_BUDGET);
    d13_reasm_clear(&ra);
    CHECK_EQ(ra.buffered, 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_out_of_order_and_overlap);
    RUN_TEST(&st, test_overlap_keeps_first_bytes);
    RUN_TEST(&st, test_sequence_rules);
    RUN_TEST(&st, test_budget);
    TEST_MAIN_END(&st);
}
