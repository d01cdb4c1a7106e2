/* Bounds-checked reader over an immutable buffer (see reader.h). */
#include "wire/reader.h"

#include <string.h>

/* Stands in for a NULL buffer so that no arithmetic is done on NULL. */
static const uint8_t reader_empty[1] = {0};

void d13_reader_init(d13_reader *r, const uint8_t *buf, size_t len)
{
    r->buf = buf != NULL ? buf : reader_empty;
    r->len = buf != NULL ? len : 0;
    r->off = 0;
    r->failed = false;
}

size_t d13_reader_remaining(const d13_reader *r)
{
    return r->failed ? 0 : r->len - r->off;
}

bool d13_reader_done(const d13_reader *r)
{
    return !r->failed && r->off == r->len;
}

bool d13_reader_failed(const d13_reader *r)
{
    return r->failed;
}

size_t d13_reader_offset(const d13_reader *r)
{
    return r->off;
}

/* Marks the reader failed when fewer than n bytes are left; on success
 * returns a pointer to them (never NULL) and advances. */
static const uint8_t *reader_take(d13_reader *r, size_t n)
{
    if (r->failed || n > r->len - r->off) {
        r->failed = true;
        return NULL;
    }
    const uint8_t *p = r->buf + r->off;
    r->off += n;
    return p;
}

/* Reads an n-byte (n <= 8) big-endian unsigned integer; 0 on failure. */
static bool reader_take_uint(d13_reader *r, size_t n, uint64_t *out)
{
    const uint8_t *p = reader_take(r, n);
    uint64_t v = 0;
    if (p != NULL) {
        for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
    }
    *out = v;
    return p != NULL;
}

bool d13_read_u8(d13_reader *r, uint8_t *out)
{
    uint64_t v;
    bool ok = reader_take_uint(r, 1, &v);
    *out = (uint8_t)v;
    return ok;
}

bool d13_read_u16(d13_reader *r, uint16_t *out)
{
    uint64_t v;
    bool ok = reader_take_uint(r, 2, &v);
    *out = (uint16_t)v;
    return ok;
}

bool d13_read_u24(d13_reader *r, uint32_t *out)
{
    uint64_t v;
    bool ok = reader_take_uint(r, 3, &v);
    *out = (uint32_t)v;
    return ok;
}

bool d13_read_u32(d13_reader *r, uint32_t *out)
{
    uint64_t v;
    bool ok = reader_take_uint(r, 4, &v);
    *out = (uint32_t)v;
    return ok;
}

bool d13_read_u48(d13_reader *r, uint64_t *out)
{
    return reader_take_uint(r, 6, out);
}

bool d13_read_u64(d13_reader *r, uint64_t *out)
{
    return reader_take_uint(r, 8, out);
}

bool d13_read_copy(d13_reader *r, uint8_t *out, size_t n)
{
    const uint8_t *p = reader_take(r, n);
    if (p == NULL) return false;
    if (n > 0) memcpy(out, p, n);
    return true;
}

bool d13_read_bytes(d13_reader *r, size_t n, const uint8_t **out)
{
    *out = reader_take(r, n);
    return *out != NULL;
}

bool d13_read_skip(d13_reader *r, size_t n)
{
    return reader_take(r, n) != NULL;
}

bool d13_peek_u8(const d13_reader *r, uint8_t *out)
{
    if (r->failed || r->off >= r->len) {
        *out = 0;
        return false;
    }
    *out = r->buf[r->off];
    return true;
}

bool d13_read_sub(d13_reader *r, size_t n, d13_reader *sub)
{
    const uint8_t *p = reader_take(r, n);
    d13_reader_init(sub, p, p != NULL ? n : 0);
    if (p == NULL) sub->failed = true;
    return p != NULL;
}

/* Reads a prefix_bytes-long length and then that many bytes as sub. */
static bool reader_take_vec(d13_reader *r, size_t prefix_bytes, d13_reader *sub)
{
    uint64_t n;
    if (!reader_take_uint(r, prefix_bytes, &n)) {
        d13_reader_init(sub, NULL, 0);
        sub->failed = true;
        return false;
    }
    return d13_read_sub(r, (size_t)n, sub);
}

bool d13_read_vec8(d13_reader *r, d13_reader *sub)
{
    return reader_take_vec(r, 1, sub);
}

bool d13_read_vec16(d13_reader *r, d13_reader *sub)
{
    return reader_take_vec(r, 2, sub);
}

bool d13_read_vec24(d13_reader *r, d13_reader *sub)
{
    return reader_take_vec(r, 3, sub);
}

void d13_read_rest(d13_reader *r, const uint8_t **out, size_t *len)
{
    if (r->failed) {
        *out = r->buf;
        *len = 0;
        return;
    }
    *len = r->len - r->off;
    *out = r->buf + r->off;
    r->off = r->len;
}
