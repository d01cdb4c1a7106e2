/* Bounds-checked writer into a caller buffer; sticky error on overflow. */
#ifndef D13_WIRE_WRITER_H
#define D13_WIRE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct d13_writer {
    uint8_t *buf;
    size_t cap;
    size_t len;
    bool failed;
} d13_writer;

void d13_writer_init(d13_writer *w, uint8_t *buf, size_t cap);
bool d13_writer_failed(const d13_writer *w);
size_t d13_writer_len(const d13_writer *w);
bool d13_write_u8(d13_writer *w, uint8_t v);
bool d13_write_u16(d13_writer *w, uint16_t v);
bool d13_write_u24(d13_writer *w, uint32_t v);
bool d13_write_u32(d13_writer *w, uint32_t v);
bool d13_write_u48(d13_writer *w, uint64_t v);
bool d13_write_u64(d13_writer *w, uint64_t v);
bool d13_write_bytes(d13_writer *w, const uint8_t *p, size_t n);
bool d13_write_zeros(d13_writer *w, size_t n);
/** Reserves n bytes and returns a pointer to them (NULL on overflow). */
uint8_t *d13_write_reserve(d13_writer *w, size_t n);
/** Opens a vector with a length prefix of prefix_bytes (1, 2 or 3); returns
 *  a mark for d13_write_vec_end. */
size_t d13_write_vec_begin(d13_writer *w, unsigned prefix_bytes);
/** Patches the length of the vector opened at mark; fails when too long. */
bool d13_write_vec_end(d13_writer *w, size_t mark, unsigned prefix_bytes);

#endif
