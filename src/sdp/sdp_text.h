/* Text fields of SDP lines read through the bounds-checked reader: split
 * at a byte, copy into a bounded C string, compare, parse numbers. */
#ifndef D13_SDP_TEXT_H
#define D13_SDP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/reader.h"

/** Reads the bytes before the next stop byte (or everything left when
 *  there is none) into the sub-reader field and consumes the stop byte.
 *  False only when r has failed or is empty. */
bool d13_sdp_read_until(d13_reader *r, uint8_t stop, d13_reader *field);

/** Skips leading spaces and tabs. */
void d13_sdp_skip_blanks(d13_reader *r);

/** Reads the next token delimited by spaces/tabs (leading blanks skipped)
 *  into field. False when no token is left. */
bool d13_sdp_read_token(d13_reader *r, d13_reader *field);

/** Copies field into out as a NUL-terminated string. False when it does
 *  not fit in cap bytes (with the NUL) or holds a control byte (below
 *  0x20 except tab, or 0x7f). field is consumed. */
bool d13_sdp_copy(d13_reader *field, char *out, size_t cap);

/** Copies field as d13_sdp_copy() does, then drops trailing blanks and a
 *  trailing CR. */
bool d13_sdp_copy_trimmed(d13_reader *field, char *out, size_t cap);

/** True when field holds exactly lit, compared ASCII case-insensitively
 *  (field is not consumed). */
bool d13_sdp_equals(const d13_reader *field, const char *lit);

/** Parses field as a decimal number of at most max (no sign, no blanks,
 *  at most 10 digits). field is not consumed. */
bool d13_sdp_parse_u32(const d13_reader *field, uint32_t max, uint32_t *out);

#endif
