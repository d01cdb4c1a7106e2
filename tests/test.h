/* Minimal test harness: each test file is one executable; a failed CHECK
 * prints the location and marks the run failed; main returns the result. */
#ifndef D13_TEST_H
#define D13_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct d13_test_state {
    int checks;
    int failures;
} d13_test_state;

#define CHECK_AT(st, cond, file, line)                                          \
    do {                                                                        \
        (st)->checks++;                                                         \
        if (!(cond)) {                                                          \
            (st)->failures++;                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", file, line, #cond);    \
        }                                                                       \
    } while (0)

/** Checks a condition; the test function must have a d13_test_state *t. */
#define CHECK(cond) CHECK_AT(t, (cond), __FILE__, __LINE__)
/** Checks two integers for equality and prints both on failure. */
#define CHECK_EQ(a, b)                                                                          \
    do {                                                                                        \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                         \
        t->checks++;                                                                            \
        if (check_a_ != check_b_) {                                                             \
            t->failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a,   \
                    #b, check_a_, check_b_);                                                    \
        }                                                                                       \
    } while (0)
/** Checks two byte strings for equality. */
#define CHECK_MEM(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

/** Runs one test function and reports it. */
#define RUN_TEST(st, fn)                                                   \
    do {                                                                   \
        int before_ = (st)->failures;                                      \
        fn(st);                                                            \
        printf("%s %s\n", (st)->failures == before_ ? "ok  " : "FAIL", #fn); \
    } while (0)

/** Ends main: prints a count line and returns the process status. */
#define TEST_MAIN_END(st)                                                             \
    do {                                                                              \
        printf("%d checks, %d failed\n", (st)->checks, (st)->failures);               \
        return (st)->failures == 0 ? 0 : 1;                                           \
    } while (0)

/** Decodes a hex string (whitespace ignored) into out; returns the length. */
static inline size_t test_hex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *c = hex; *c; c++) {
        int v;
        if (*c >= '0' && *c <= '9') v = *c - '0';
        else if (*c >= 'a' && *c <= 'f') v = *c - 'a' + 10;
        else if (*c >= 'A' && *c <= 'F') v = *c - 'A' + 10;
        else continue;
        if (hi < 0) {
            hi = v;
        } else {
            if (n >= cap) abort();
            out[n++] = (unsigned char)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

#endif
