/* Shared by the SDP parser (sdp_parse.c, sdp_attributes.c) and the
 * answer writer. */
#ifndef D13_SDP_INTERNAL_H
#define D13_SDP_INTERNAL_H

#include <stdarg.h>

#include "dtls13/errors.h"
#include "dtls13/sdp.h"
#include "sdp_text.h"

/** Parser state while reading one offer. */
typedef struct d13_sdp_parser {
    dtls13_sdp_offer *offer;
    dtls13_sdp_media *media; /**< the current m-line, NULL at session level */
    size_t line_no;          /**< 1-based number of the current line */
    char *error;
    size_t error_cap;
} d13_sdp_parser;

/** Writes "line N: <message>" into the parser's error buffer and returns
 *  DTLS13_ERR_DECODE. */
int d13_sdp_fail(d13_sdp_parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/** Formats a message into error[0..cap) (nothing when cap is 0). */
void d13_sdp_set_error(char *error, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/** Handles one a= line whose text after "a=" is in value_line (line end
 *  removed): name[:value]. Returns 0 or a d13_sdp_fail() result. */
int d13_sdp_parse_attribute(d13_sdp_parser *p, d13_reader *attribute);

/** Parses a candidate attribute value ("candidate:1 1 udp 2122260223
 *  192.0.2.1 54321 typ host ...") into out. Returns false when the
 *  fields do not parse. */
bool d13_sdp_parse_candidate(d13_reader *value, dtls13_sdp_candidate *out);

#endif
