/* Text fields of SDP lines through the bounds-checked reader. */
#include "sdp_text.h"

#include <string.h>

static bool is_blank(uint8_t c)
{
    return c == ' ' || c == '\t';
}

bool d13_sdp_read_until(d13_reader *r, uint8_t stop, d13_reader *field)
{
    if (d13_reader_failed(r) || d13_reader_remaining(r) == 0) return false;
    d13_reader scan = *r;
    size_t n = 0;
    uint8_t c;
    while (d13_read_u8(&scan, &c) && c != stop) n++;
    if (!d13_read_sub(r, n, field)) return false;
    if (d13_reader_remaining(r) > 0) (void)d13_read_skip(r, 1); /* the stop byte */
    return true;
}

void d13_sdp_skip_blanks(d13_reader *r)
{
    uint8_t c;
    while (d13_peek_u8(r, &c) && is_blank(c)) (void)d13_read_skip(r, 1);
}

bool d13_sdp_read_token(d13_reader *r, d13_reader *field)
{
    d13_sdp_skip_blanks(r);
    if (d13_reader_remaining(r) == 0) return false;
    d13_reader scan = *r;
    size_t n = 0;
    uint8_t c;
    while (d13_read_u8(&scan, &c) && !is_blank(c)) n++;
    return d13_read_sub(r, n, field);
}

bool d13_sdp_copy(d13_reader *field, char *out, size_t cap)
{
    if (cap == 0) return false;
    size_t n = d13_reader_remaining(field);
    out[0] = '\0';
    if (n >= cap) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c;
        if (!d13_read_u8(field, &c)) return false;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            out[0] = '\0';
            return false;
        }
        out[i] = (char)c;
    }
    out[n] = '\0';
    return true;
}

bool d13_sdp_copy_trimmed(d13_reader *field, char *out, size_t cap)
{
    /* A trailing CR is allowed (CRLF line ends) but nowhere else. */
    size_t n = d13_reader_remaining(field);
    d13_reader last = *field;
    uint8_t c = 0;
    if (n > 0 && d13_read_skip(&last, n - 1) && d13_read_u8(&last, &c) && c == '\r') n--;
    d13_reader body;
    if (!d13_read_sub(field, n, &body)) return false;
    (void)d13_read_skip(field, d13_reader_remaining(field));
    if (!d13_sdp_copy(&body, out, cap)) return false;
    size_t len = strlen(out);
    while (len > 0 && (out[len - 1] == ' ' || out[len - 1] == '\t')) out[--len] = '\0';
    return true;
}

static uint8_t lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

bool d13_sdp_equals(const d13_reader *field, const char *lit)
{
    d13_reader f = *field;
    size_t n = strlen(lit);
    if (d13_reader_remaining(&f) != n) return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c;
        if (!d13_read_u8(&f, &c) || lower(c) != lower((uint8_t)lit[i])) return false;
    }
    return true;
}

bool d13_sdp_parse_u32(const d13_reader *field, uint32_t max, uint32_t *out)
{
    d13_reader f = *field;
    size_t n = d13_reader_remaining(&f);
    if (n == 0 || n > 10) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c;
        if (!d13_read_u8(&f, &c) || c < '0' || c > '9') return false;
        v = v * 10 + (uint64_t)(c - '0');
    }
    if (v > max) return false;
    *out = (uint32_t)v;
    return true;
}
