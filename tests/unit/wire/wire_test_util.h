/* Helpers shared by the wire-layer tests. */
#ifndef D13_TEST_WIRE_UTIL_H
#define D13_TEST_WIRE_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/** A decoder under test, reduced to "bytes in, alert out". */
typedef int (*wire_decode_fn)(const uint8_t *p, size_t len);

/** Decodes hex into a heap buffer of exactly the decoded size (so ASan sees
 *  any overread) and returns the decoder's result. */
static inline int wire_decode_hex(wire_decode_fn fn, const char *hex)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) abort();
    size_t n = test_hex(hex, buf, cap);
    uint8_t *exact = malloc(n > 0 ? n : 1);
    if (exact == NULL) abort();
    if (n > 0) memcpy(exact, buf, n);
    int rc = fn(exact, n);
    free(exact);
    free(buf);
    return rc;
}

/** Feeds every strict prefix of msg (each in its own exact-size heap copy)
 *  to fn; returns how many prefixes were accepted (should be 0). */
static inline size_t wire_accepted_prefixes(wire_decode_fn fn, const uint8_t *msg, size_t len)
{
    size_t accepted = 0;
    for (size_t n = 0; n < len; n++) {
        uint8_t *copy = malloc(n > 0 ? n : 1);
        if (copy == NULL) abort();
        if (n > 0) memcpy(copy, msg, n);
        if (fn(copy, n) == 0) accepted++;
        free(copy);
    }
    return accepted;
}

/** Decodes msg followed by one extra byte; returns the decoder's result. */
static inline int wire_decode_with_trailer(wire_decode_fn fn, const uint8_t *msg, size_t len)
{
    uint8_t *copy = malloc(len + 1);
    if (copy == NULL) abort();
    if (len > 0) memcpy(copy, msg, len);
    copy[len] = 0x00;
    int rc = fn(copy, len + 1);
    free(copy);
    return rc;
}

/** Turns a TLS ClientHello body into a DTLS one by inserting an empty
 *  legacy_cookie after legacy_session_id. Returns the new length. */
static inline size_t wire_tls_to_dtls_client_hello(const uint8_t *tls, size_t len, uint8_t *out,
                                                   size_t cap)
{
    size_t sid_end = 2 + 32 + 1 + tls[34];
    if (len + 1 > cap || sid_end > len) abort();
    memcpy(out, tls, sid_end);
    out[sid_end] = 0;
    memcpy(out + sid_end + 1, tls + sid_end, len - sid_end);
    return len + 1;
}

#endif
