/* One-line JSON objects for the dtls13 tool's --json output. */
#ifndef DTLS13_CLI_JSON_H
#define DTLS13_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/** A JSON object being built in a growing buffer. If an allocation fails
 *  the object is marked failed and nothing is printed. */
typedef struct cli_json {
    char *buf;
    size_t len;
    size_t cap;
    bool failed;
} cli_json;

/** Starts an object whose first member is "event": event. */
void cli_json_begin(cli_json *j, const char *event);
/** Adds "key": "value" (escaped; value NULL gives null). value must be
 *  UTF-8; invalid sequences are replaced by U+FFFD. */
void cli_json_string(cli_json *j, const char *key, const char *value);
/** Adds "key": "<len bytes as a JSON string>" (invalid UTF-8 becomes U+FFFD). */
void cli_json_text(cli_json *j, const char *key, const uint8_t *data, size_t len);
/** Adds "key": "<lower-case hex of data>". */
void cli_json_hex(cli_json *j, const char *key, const uint8_t *data, size_t len);
/** Adds "key": number. */
void cli_json_uint(cli_json *j, const char *key, uint64_t value);
/** Adds "key": true/false. */
void cli_json_bool(cli_json *j, const char *key, bool value);
/** Adds "key": null. */
void cli_json_null(cli_json *j, const char *key);
/** Closes the object, prints it with a newline to out, flushes, and frees the buffer. */
void cli_json_end(cli_json *j, FILE *out);

/** Appends the JSON string form of data (quotes included) to j; exposed for tests. */
void cli_json_append_escaped(cli_json *j, const uint8_t *data, size_t len);

#endif
