/* A growing, bounded text buffer for writing SDP. */
#include "sdp_text_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void d13_sdp_out_init(d13_sdp_out *out)
{
    out->buf = NULL;
    out->len = 0;
    out->cap = 0;
    out->failed = false;
}

static bool reserve(d13_sdp_out *out, size_t extra)
{
    size_t need = out->len + extra + 1;
    if (need > D13_SDP_OUT_MAX) return false;
    if (need <= out->cap) return true;
    size_t cap = out->cap ? out->cap : 1024;
    while (cap < need) cap *= 2;
    if (cap > D13_SDP_OUT_MAX) cap = D13_SDP_OUT_MAX;
    char *grown = realloc(out->buf, cap);
    if (!grown) return false;
    out->buf = grown;
    out->cap = cap;
    return true;
}

bool d13_sdp_out_printf(d13_sdp_out *out, const char *fmt, ...)
{
    if (out->failed) return false;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(out, (size_t)n)) {
        out->failed = true;
        return false;
    }
    va_start(ap, fmt);
    vsnprintf(out->buf + out->len, out->cap - out->len, fmt, ap);
    va_end(ap);
    out->len += (size_t)n;
    return true;
}

void d13_sdp_out_free(d13_sdp_out *out)
{
    free(out->buf);
    d13_sdp_out_init(out);
}
