/* SDP offer parser: lines, the session section and m-lines (RFC 8866 5).
 * Attributes are sdp_attributes.c's. */
#include "sdp_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void d13_sdp_set_error(char *error, size_t cap, const char *fmt, ...)
{
    if (!error || cap == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, cap, fmt, ap);
    va_end(ap);
}

int d13_sdp_fail(d13_sdp_parser *p, const char *fmt, ...)
{
    if (p->error && p->error_cap > 0) {
        char message[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        snprintf(p->error, p->error_cap, "SDP line %zu: %s", p->line_no, message);
    }
    return DTLS13_ERR_DECODE;
}

void dtls13_sdp_offer_free(dtls13_sdp_offer *offer)
{
    if (!offer) return;
    for (size_t i = 0; i < offer->media_count; i++) {
        if (offer->media[i]) free(offer->media[i]->codecs);
        free(offer->media[i]);
    }
    free(offer);
}

const char *dtls13_sdp_setup_name(dtls13_sdp_setup setup)
{
    switch (setup) {
    case DTLS13_SDP_SETUP_ACTPASS: return "actpass";
    case DTLS13_SDP_SETUP_ACTIVE: return "active";
    case DTLS13_SDP_SETUP_PASSIVE: return "passive";
    case DTLS13_SDP_SETUP_HOLDCONN: return "holdconn";
    case DTLS13_SDP_SETUP_NONE: break;
    }
    return "";
}

const char *dtls13_sdp_direction_name(dtls13_sdp_direction direction)
{
    switch (direction) {
    case DTLS13_SDP_SENDONLY: return "sendonly";
    case DTLS13_SDP_RECVONLY: return "recvonly";
    case DTLS13_SDP_INACTIVE: return "inactive";
    case DTLS13_SDP_SENDRECV: break;
    }
    return "sendrecv";
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
static int parse_origin(d13_sdp_parser *p, d13_reader *value)
{
    d13_reader field;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_read_token(value, &field))
        return d13_sdp_fail(p, "o= needs a session id");
    if (!d13_sdp_copy(&field, p->offer->origin_session_id, sizeof(p->offer->origin_session_id)))
        return d13_sdp_fail(p, "o= session id too long");
    return 0;
}

/* True when the m-line protocol carries RTP (RFC 8866 5.14: ".../RTP/..."). */
static bool proto_is_rtp(const char *proto)
{
    return strstr(proto, "RTP/") != NULL;
}

static int parse_formats(d13_sdp_parser *p, dtls13_sdp_media *m, d13_reader *rest)
{
    d13_reader scan = *rest, field;
    size_t count = 0;
    while (d13_sdp_read_token(&scan, &field)) count++;
    if (count == 0) return d13_sdp_fail(p, "m= line without formats");
    if (!d13_sdp_read_token(rest, &field)) return d13_sdp_fail(p, "m= line without formats");
    d13_reader first = field;
    if (!d13_sdp_copy(&first, m->first_format, sizeof(m->first_format)))
        return d13_sdp_fail(p, "m= format too long");
    if (!proto_is_rtp(m->proto)) return 0;
    if (count > DTLS13_SDP_MAX_FORMATS)
        return d13_sdp_fail(p, "m= line with %zu payload types (at most %u)", count, DTLS13_SDP_MAX_FORMATS);
    m->codecs = calloc(count, sizeof(*m->codecs));
    if (!m->codecs) return DTLS13_ERR_NO_MEMORY;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && !d13_sdp_read_token(rest, &field)) return d13_sdp_fail(p, "m= line formats");
        uint32_t pt;
        if (!d13_sdp_parse_u32(&field, 127, &pt)) return d13_sdp_fail(p, "m= payload type is not 0-127");
        for (size_t j = 0; j < m->codec_count; j++)
            if (m->codecs[j].payload_type == pt) return d13_sdp_fail(p, "m= payload type %u twice", (unsigned)pt);
        m->codecs[m->codec_count++].payload_type = (uint8_t)pt;
    }
    return 0;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static int parse_media_line(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_offer *o = p->offer;
    if (o->media_count >= DTLS13_SDP_MAX_MEDIA)
        return d13_sdp_fail(p, "more than %u m= lines", DTLS13_SDP_MAX_MEDIA);
    dtls13_sdp_media *m = calloc(1, sizeof(*m));
    if (!m) return DTLS13_ERR_NO_MEMORY;
    o->media[o->media_count++] = m;
    p->media = m;
    m->setup = DTLS13_SDP_SETUP_NONE;
    m->direction = DTLS13_SDP_SENDRECV;
    d13_reader field, port_field;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_copy(&field, m->kind, sizeof(m->kind)))
        return d13_sdp_fail(p, "m= media type missing or too long");
    if (!d13_sdp_read_token(value, &field)) return d13_sdp_fail(p, "m= port missing");
    if (!d13_sdp_read_until(&field, '/', &port_field)) return d13_sdp_fail(p, "m= port missing");
    uint32_t port;
    if (!d13_sdp_parse_u32(&port_field, 65535, &port)) return d13_sdp_fail(p, "m= port is not 0-65535");
    m->port = (uint16_t)port;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_copy(&field, m->proto, sizeof(m->proto)))
        return d13_sdp_fail(p, "m= protocol missing or too long");
    return parse_formats(p, m, value);
}

static int parse_line(d13_sdp_parser *p, uint8_t type, d13_reader *value)
{
    switch (type) {
    case 'v':
        if (!d13_sdp_equals(value, "0")) return d13_sdp_fail(p, "unsupported SDP version (v=0 expected)");
        return 0;
    case 'o':
        return p->media ? 0 : parse_origin(p, value);
    case 'm':
        return parse_media_line(p, value);
    case 'a':
        return d13_sdp_parse_attribute(p, value);
    default:
        /* s= i= u= e= p= c= b= t= r= z= k= and unknown types: not needed. */
        if (type < 'a' || type > 'z') return d13_sdp_fail(p, "not a <type>=<value> line");
        return 0;
    }
}

static int parse_all(d13_sdp_parser *p, const char *text, size_t len)
{
    d13_reader r;
    d13_reader_init(&r, (const uint8_t *)text, len);
    bool seen_version = false;
    d13_reader line;
    while (d13_sdp_read_until(&r, '\n', &line)) {
        p->line_no++;
        size_t n = d13_reader_remaining(&line);
        d13_reader tail = line;
        uint8_t last = 0;
        if (n > 0 && d13_read_skip(&tail, n - 1) && d13_read_u8(&tail, &last) && last == '\r') n--;
        d13_reader body;
        if (!d13_read_sub(&line, n, &body)) return d13_sdp_fail(p, "unreadable line");
        if (n == 0) continue; /* tolerate blank lines, e.g. a trailing one */
        if (n > DTLS13_SDP_MAX_LINE) return d13_sdp_fail(p, "line longer than %u bytes", DTLS13_SDP_MAX_LINE);
        uint8_t type, eq;
        if (!d13_read_u8(&body, &type) || !d13_read_u8(&body, &eq) || eq != '=')
            return d13_sdp_fail(p, "not a <type>=<value> line");
        if (!seen_version && type != 'v') return d13_sdp_fail(p, "an SDP starts with v=0");
        if (seen_version && type == 'v') return d13_sdp_fail(p, "a second v= line");
        seen_version = true;
        int rc = parse_line(p, type, &body);
        if (rc < 0) return rc;
    }
    if (!seen_version) {
        d13_sdp_set_error(p->error, p->error_cap, "empty SDP (no v=0 line)");
        return DTLS13_ERR_DECODE;
    }
    return 0;
}

int dtls13_sdp_parse_offer(const char *text, size_t len, dtls13_sdp_offer **out, char *error, size_t error_cap)
{
    if (out) *out = NULL;
    if (error && error_cap > 0) error[0] = '\0';
    if (!text || !out) {
        d13_sdp_set_error(error, error_cap, "no SDP given");
        return DTLS13_ERR_INVALID_ARG;
    }
    if (len > DTLS13_SDP_MAX_TEXT) {
        d13_sdp_set_error(error, error_cap, "SDP of %zu bytes is larger than %u", len, DTLS13_SDP_MAX_TEXT);
        return DTLS13_ERR_DECODE;
    }
    dtls13_sdp_offer *offer = calloc(1, sizeof(*offer));
    if (!offer) {
        d13_sdp_set_error(error, error_cap, "out of memory");
        return DTLS13_ERR_NO_MEMORY;
    }
    d13_sdp_parser p = {.offer = offer, .media = NULL, .line_no = 0, .error = error, .error_cap = error_cap};
    int rc = parse_all(&p, text, len);
    if (rc < 0) {
        if (rc == DTLS13_ERR_NO_MEMORY) d13_sdp_set_error(error, error_cap, "out of memory");
        dtls13_sdp_offer_free(offer);
        return rc;
    }
    *out = offer;
    return 0;
}
