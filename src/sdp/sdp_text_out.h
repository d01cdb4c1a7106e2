/* A growing, bounded text buffer for writing SDP. */
#ifndef D13_SDP_TEXT_OUT_H
#define D13_SDP_TEXT_OUT_H

#include <stdbool.h>
#include <stddef.h>

/** Largest text the buffer grows to. */
#define D13_SDP_OUT_MAX (256u * 1024u)

typedef struct d13_sdp_out {
    char *buf;   /**< NUL-terminated text, owned */
    size_t len;
    size_t cap;
    bool failed; /**< sticky: allocation failed or the limit was reached */
} d13_sdp_out;

/** Starts an empty buffer (no allocation yet). */
void d13_sdp_out_init(d13_sdp_out *out);

/** Appends formatted text; on failure sets failed and returns false. */
bool d13_sdp_out_printf(d13_sdp_out *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/** Releases the buffer. */
void d13_sdp_out_free(d13_sdp_out *out);

#endif
