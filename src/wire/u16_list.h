/* Internal to src/wire/: reading and writing vectors of uint16 values
 * (cipher suites, groups, signature schemes, versions, SRTP profiles). */
#ifndef D13_WIRE_U16_LIST_H
#define D13_WIRE_U16_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/reader.h"
#include "wire/writer.h"

/** Reads every uint16 left in list (whose length must be even and at least
 *  2), keeping the first cap values in out[] and their count in *num and
 *  setting *truncated when there were more. Returns 0 or
 *  DTLS13_ALERT_DECODE_ERROR (odd or empty list). */
int d13_u16_list_read(d13_reader *list, uint16_t *out, size_t cap, size_t *num, bool *truncated);

/** Writes num values as a vector with a prefix_bytes-long length (1 or 2).
 *  Fails (sticky) when num > cap or the vector is too long. */
bool d13_u16_list_write(d13_writer *w, unsigned prefix_bytes, const uint16_t *values, size_t num,
                        size_t cap);

#endif
