/* Bounds-checked reader: the only way network bytes are read.
 *
 * A reader is a cursor over an immutable buffer. Every read checks the
 * remaining length; the first failure sets the sticky error flag and every
 * later read fails too, so a parser may check once at the end. */
#ifndef D13_WIRE_READER_H
#define D13_WIRE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct d13_reader {
    const uint8_t *buf;
    size_t len;
    size_t off;
    bool failed;
} d13_reader;

/** Starts a reader over buf[0..len). */
void d13_reader_init(d13_reader *r, const uint8_t *buf, size_t len);
/** Bytes left (0 once failed). */
size_t d13_reader_remaining(const d13_reader *r);
/** True when nothing is left and no read failed. */
bool d13_reader_done(const d13_reader *r);
/** True when a read failed. */
bool d13_reader_failed(const d13_reader *r);
/** Current offset from the start of the buffer. */
size_t d13_reader_offset(const d13_reader *r);

bool d13_read_u8(d13_reader *r, uint8_t *out);
bool d13_read_u16(d13_reader *r, uint16_t *out);
bool d13_read_u24(d13_reader *r, uint32_t *out);
bool d13_read_u32(d13_reader *r, uint32_t *out);
bool d13_read_u48(d13_reader *r, uint64_t *out);
bool d13_read_u64(d13_reader *r, uint64_t *out);
/** Copies n bytes into out. */
bool d13_read_copy(d13_reader *r, uint8_t *out, size_t n);
/** Points *out at the next n bytes (no copy) and advances. */
bool d13_read_bytes(d13_reader *r, size_t n, const uint8_t **out);
/** Skips n bytes. */
bool d13_read_skip(d13_reader *r, size_t n);
/** Peeks one byte without advancing. */
bool d13_peek_u8(const d13_reader *r, uint8_t *out);
/** Reads a length-prefixed vector (1, 2 or 3 length bytes) into a sub-reader. */
bool d13_read_vec8(d13_reader *r, d13_reader *sub);
bool d13_read_vec16(d13_reader *r, d13_reader *sub);
bool d13_read_vec24(d13_reader *r, d13_reader *sub);
/** Sub-reader over the next n bytes. */
bool d13_read_sub(d13_reader *r, size_t n, d13_reader *sub);
/** Points *out at everything left and empties the reader. */
void d13_read_rest(d13_reader *r, const uint8_t **out, size_t *len);

#endif
