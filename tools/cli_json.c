/* JSON output with proper string escaping. */
#include "cli_json.h"

#include <stdlib.h>
#include <string.h>

/* Makes room for extra more bytes. */
static bool reserve(cli_json *j, size_t extra)
{
    if (j->failed) return false;
    if (j->len + extra + 1 <= j->cap) return true;
    size_t cap = j->cap != 0 ? j->cap : 256;
    while (cap < j->len + extra + 1) cap *= 2;
    char *p = realloc(j->buf, cap);
    if (p == NULL) {
        j->failed = true;
        return false;
    }
    j->buf = p;
    j->cap = cap;
    return true;
}

/* Appends raw bytes. */
static void append(cli_json *j, const char *s, size_t n)
{
    if (!reserve(j, n)) return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

/* Appends a C string. */
static void append_str(cli_json *j, const char *s)
{
    append(j, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at data[i] (1 to 4), or 0 when invalid
 * (overlong forms, surrogates and values above U+10FFFF are invalid). */
static size_t utf8_sequence_len(const uint8_t *data, size_t len, size_t i)
{
    uint8_t b = data[i];
    size_t need;
    uint32_t cp;
    if (b < 0x80) return 1;
    if (b >= 0xc2 && b <= 0xdf) {
        need = 2;
        cp = b & 0x1fu;
    } else if (b >= 0xe0 && b <= 0xef) {
        need = 3;
        cp = b & 0x0fu;
    } else if (b >= 0xf0 && b <= 0xf4) {
        need = 4;
        cp = b & 0x07u;
    } else {
        return 0;
    }
    if (len - i < need) return 0;
    for (size_t k = 1; k < need; k++) {
        uint8_t c = data[i + k];
        if ((c & 0xc0u) != 0x80u) return 0;
        cp = (cp << 6) | (c & 0x3fu);
    }
    if (need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return 0;
    if (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) return 0;
    return need;
}

void cli_json_append_escaped(cli_json *j, const uint8_t *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    append(j, "\"", 1);
    size_t i = 0;
    while (i < len) {
        uint8_t c = data[i];
        if (c == '"') {
            append(j, "\\\"", 2);
        } else if (c == '\\') {
            append(j, "\\\\", 2);
        } else if (c == '\n') {
            append(j, "\\n", 2);
        } else if (c == '\r') {
            append(j, "\\r", 2);
        } else if (c == '\t') {
            append(j, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            append(j, esc, sizeof esc);
        } else if (c < 0x80) {
            append(j, (const char *)&data[i], 1);
        } else {
            size_t n = utf8_sequence_len(data, len, i);
            if (n == 0) {
                append(j, "\\ufffd", 6);
                i++;
                continue;
            }
            append(j, (const char *)&data[i], n);
            i += n;
            continue;
        }
        i++;
    }
    append(j, "\"", 1);
}

/* Appends ,"key": */
static void append_key(cli_json *j, const char *key)
{
    append(j, ",", 1);
    cli_json_append_escaped(j, (const uint8_t *)key, strlen(key));
    append(j, ":", 1);
}

void cli_json_begin(cli_json *j, const char *event)
{
    j->buf = NULL;
    j->len = 0;
    j->cap = 0;
    j->failed = false;
    append_str(j, "{\"event\":");
    cli_json_append_escaped(j, (const uint8_t *)event, strlen(event));
}

void cli_json_string(cli_json *j, const char *key, const char *value)
{
    if (value == NULL) {
        cli_json_null(j, key);
        return;
    }
    cli_json_text(j, key, (const uint8_t *)value, strlen(value));
}

void cli_json_text(cli_json *j, const char *key, const uint8_t *data, size_t len)
{
    append_key(j, key);
    cli_json_append_escaped(j, data, len);
}

void cli_json_hex(cli_json *j, const char *key, const uint8_t *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    append_key(j, key);
    append(j, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        char pair[2] = {hex[data[i] >> 4], hex[data[i] & 15]};
        append(j, pair, 2);
    }
    append(j, "\"", 1);
}

void cli_json_uint(cli_json *j, const char *key, uint64_t value)
{
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)value);
    append_key(j, key);
    append_str(j, num);
}

void cli_json_bool(cli_json *j, const char *key, bool value)
{
    append_key(j, key);
    append_str(j, value ? "true" : "false");
}

void cli_json_null(cli_json *j, const char *key)
{
    append_key(j, key);
    append_str(j, "null");
}

void cli_json_end(cli_json *j, FILE *out)
{
    append(j, "}\n", 2);
    if (!j->failed) {
        fwrite(j->buf, 1, j->len, out);
        fflush(out);
    }
    free(j->buf);
    j->buf = NULL;
    j->len = j->cap = 0;
}
