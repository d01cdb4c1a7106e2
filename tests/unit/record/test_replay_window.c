/* Replay window (RFC 9147 4.5.1). */
#include <stdint.h>
#include <string.h>

#include "record/record.h"
#include "test.h"

/* Check then update, as the record layer does after authentication. */
static bool accept(d13_replay_window *w, uint64_t seq)
{
    if (d13_replay_check(w, seq)) return false;
    d13_replay_update(w, seq);
    return true;
}

static void test_empty_window(d13_test_state *t)
{
    d13_replay_window w;
    memset(&w, 0, sizeof(w));
    CHECK(!d13_replay_check(&w, 0));
    CHECK(!d13_replay_check(&w, 12345));
    CHECK(!d13_replay_check(&w, UINT64_MAX));
    /* The first record may be anywhere, including 0. */
    CHECK(accept(&w, 0));
    CHECK(!accept(&w, 0));
}

static void test_in_order_and_duplicates(d13_test_state *t)
{
    d13_replay_window w;
    memset(&w, 0, sizeof(w));
    for (uint64_t s = 0; s < 1000; s++) CHECK(accept(&w, s));
    for (uint64_t s = 936; s < 1000; s++) CHECK(d13_replay_check(&w, s)); /* duplicates */
    CHECK(d13_replay_check(&w, 935)); /* left of the window */
    CHECK(d13_replay_check(&w, 0));
    CHECK(!d13_replay_check(&w, 1000));
    CHECK_EQ(w.highest, 999);
}

static void test_out_of_order(d13_test_state *t)
{
    d13_replay_window w;
    memset(&w, 0, sizeof(w));
    CHECK(accept(&w, 100));
    /* Every record inside the window is accepted exactly once, in any order. */
    for (uint64_t s = 99; s > 36; s--) {
        CHECK(accept(&w, s));
        CHECK(!accept(&w, s));
    }
    CHECK(!accept(&w, 36)); /* 100 - 64: just outside */
    CHECK(accept(&w, 163)); /* moves the window: 100 stays the left edge */
    CHECK(d13_replay_check(&w, 100));
    CHECK(d13_replay_check(&w, 99)); /* now outside */
    CHECK(accept(&w, 120));
    CHECK(!accept(&w, 120));
    CHECK(accept(&w, 101));
}

static void test_edges(d13_test_state *t)
{
    d13_replay_window w;
    memset(&w, 0, sizeof(w));
    CHECK(accept(&w, 64));
    CHECK(accept(&w, 1));  /* 63 behind: the last slot */
    CHECK(!accept(&w, 0)); /* 64 behind */
    /* a jump of exactly 64 clears the bitmap but for the new highest */
    CHECK(accept(&w, 128));
    CHECK_EQ(w.bitmap, 1);
    CHECK(d13_replay_check(&w, 64));
    CHECK(accept(&w, 65));
    /* a huge jump */
    CHECK(accept(&w, UINT64_C(1) << 47));
    CHECK(d13_replay_check(&w, 128));
    CHECK(accept(&w, (UINT64_C(1) << 47) - 63));
    CHECK(!accept(&w, (UINT64_C(1) << 47) - 64));
    /* the very top */
    CHECK(accept(&w, UINT64_MAX));
    CHECK(!accept(&w, UINT64_MAX));
    CHECK(accept(&w, UINT64_MAX - 1));
}

static void test_against_model(d13_test_state *t)
{
    /* A set of seen numbers as the model: with a 64-wide window, a number
     * is new when unseen and highest - seq < 64. */
    static bool seen[4096];
    d13_replay_window w;
    uint64_t highest = 0;
    bool any = false;
    uint32_t state = 99;

    memset(&w, 0, sizeof(w));
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < 50000; i++) {
        uint64_t seq;
        bool model_replay;
        state = state * 1664525u + 1013904223u;
        seq = any ? highest + 40 - (state >> 8) % 120 : (state >> 8) % 100;
        if (seq >= 4096 || (any && seq > highest + 40)) continue; /* underflow or out of range */
        model_replay = any && (seq <= highest) && (highest - seq >= 64 || seen[seq]);
        CHECK_EQ(d13_replay_check(&w, seq), model_replay);
        if (!model_replay) {
            d13_replay_update(&w, seq);
            seen[seq] = true;
            if (!any || seq > highest) highest = seq;
            any = true;
        }
        if (highest > 4000) break;
    }
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_empty_window);
    RUN_TEST(&st, test_in_order_and_duplicates);
    RUN_TEST(&st, test_out_of_order);
    RUN_TEST(&st, test_edges);
    RUN_TEST(&st, test_against_model);
    TEST_MAIN_END(&st);
}
