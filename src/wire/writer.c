/* Bounds-checked writer into a caller buffer (see writer.h). */
#include "wire/writer.h"

#include <string.h>

void d13_writer_init(d13_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = buf != NULL ? cap : 0;
    w->len = 0;
    w->failed = false;
}

bool d13_writer_failed(const d13_writer *w)
{
    return w->failed;
}

size_t d13_writer_len(const d13_writer *w)
{
    return w->len;
}

uint8_t *d13_write_reserve(d13_writer *w, size_t n)
{
    if (w->failed || n > w->cap - w->len || w->buf == NULL) {
        w->failed = true;
        return NULL;
    }
    uint8_t *p = w->buf + w->len;
    w->len += n;
    return p;
}

/* Writes the low n bytes (n <= 8) of v big-endian. */
static bool writer_put_uint(d13_writer *w, uint64_t v, size_t n)
{
    uint8_t *p = d13_write_reserve(w, n);
    if (p == NULL) return false;
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return true;
}

bool d13_write_u8(d13_writer *w, uint8_t v)
{
    return writer_put_uint(w, v, 1);
}

bool d13_write_u16(d13_writer *w, uint16_t v)
{
    return writer_put_uint(w, v, 2);
}

bool d13_write_u24(d13_writer *w, uint32_t v)
{
    if (v > 0xffffffu) {
        w->failed = true;
        return false;
    }
    return writer_put_uint(w, v, 3);
}

bool d13_write_u32(d13_writer *w, uint32_t v)
{
    return writer_put_uint(w, v, 4);
}

bool d13_write_u48(d13_writer *w, uint64_t v)
{
    if (v > 0xffffffffffffull) {
        w->failed = true;
        return false;
    }
    return writer_put_uint(w, v, 6);
}

bool d13_write_u64(d13_writer *w, uint64_t v)
{
    return writer_put_uint(w, v, 8);
}

bool d13_write_bytes(d13_writer *w, const uint8_t *p, size_t n)
{
    uint8_t *dst = d13_write_reserve(w, n);
    if (dst == NULL) return false;
    if (n > 0) memcpy(dst, p, n);
    return true;
}

bool d13_write_zeros(d13_writer *w, size_t n)
{
    uint8_t *dst = d13_write_reserve(w, n);
    if (dst == NULL) return false;
    if (n > 0) memset(dst, 0, n);
    return true;
}

size_t d13_write_vec_begin(d13_writer *w, unsigned prefix_bytes)
{
    size_t mark = w->len;
    if (prefix_bytes < 1 || prefix_bytes > 3) {
        w->failed = true;
        return mark;
    }
    d13_write_zeros(w, prefix_bytes);
    return mark;
}

bool d13_write_vec_end(d13_writer *w, size_t mark, unsigned prefix_bytes)
{
    if (w->failed || prefix_bytes < 1 || prefix_bytes > 3 || mark > w->len ||
        prefix_bytes > w->len - mark) {
        w->failed = true;
        return false;
    }
    size_t body = w->len - mark - prefix_bytes;
    size_t max = ((size_t)1 << (8 * prefix_bytes)) - 1;
    if (body > max) {
        w->failed = true;
        return false;
    }
    for (unsigned i = 0; i < prefix_bytes; i++)
        w->buf[mark + i] = (uint8_t)(body >> (8 * (prefix_bytes - 1 - i)));
    return true;
}
