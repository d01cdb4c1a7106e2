/* SDP attributes (a= lines) of a WebRTC offer: session or media level. */
#include "sdp_internal.h"

#include <string.h>

static dtls13_sdp_codec *find_codec(dtls13_sdp_media *m, uint32_t pt)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (m->codecs[i].payload_type == pt) return &m->codecs[i];
    return NULL;
}

/* Reads "<pt> " and returns the codec of that payload type on the current
 * m-line (NULL when the m-line does not list it: the attribute is ignored). */
static int read_payload_type(d13_sdp_parser *p, d13_reader *value, const char *attr, dtls13_sdp_codec **codec)
{
    d13_reader field;
    uint32_t pt;
    *codec = NULL;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_parse_u32(&field, 127, &pt))
        return d13_sdp_fail(p, "a=%s needs a payload type 0-127", attr);
    *codec = find_codec(p->media, pt);
    d13_sdp_skip_blanks(value);
    return 0;
}

/* a=rtpmap:<pt> <encoding name>/<clock rate>[/<channels>] */
static int parse_rtpmap(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_codec *c;
    int rc = read_payload_type(p, value, "rtpmap", &c);
    if (rc < 0 || !c) return rc;
    d13_reader name, clock, channels;
    uint32_t rate, ch = 0;
    if (!d13_sdp_read_until(value, '/', &name) || !d13_sdp_copy(&name, c->name, sizeof(c->name)) ||
        c->name[0] == '\0')
        return d13_sdp_fail(p, "a=rtpmap encoding name missing or too long");
    if (!d13_sdp_read_until(value, '/', &clock) || !d13_sdp_parse_u32(&clock, UINT32_MAX, &rate))
        return d13_sdp_fail(p, "a=rtpmap clock rate missing or not a number");
    if (d13_reader_remaining(value) > 0) {
        if (!d13_sdp_read_until(value, ' ', &channels) || !d13_sdp_parse_u32(&channels, 255, &ch))
            return d13_sdp_fail(p, "a=rtpmap channels not a number 0-255");
    }
    c->clock_rate = rate;
    c->channels = (uint8_t)ch;
    c->has_rtpmap = true;
    return 0;
}

/* a=fmtp:<pt> <parameters> */
static int parse_fmtp(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_codec *c;
    int rc = read_payload_type(p, value, "fmtp", &c);
    if (rc < 0 || !c) return rc;
    if (!d13_sdp_copy_trimmed(value, c->fmtp, sizeof(c->fmtp))) return d13_sdp_fail(p, "a=fmtp too long");
    return 0;
}

/* a=rtcp-fb:<pt>|* <type> [<parameters>] */
static int parse_rtcp_fb(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_media *m = p->media;
    d13_reader field;
    if (!d13_sdp_read_token(value, &field)) return d13_sdp_fail(p, "a=rtcp-fb needs a payload type");
    size_t *count;
    char (*list)[64];
    if (d13_sdp_equals(&field, "*")) {
        count = &m->wildcard_feedback_count;
        list = m->wildcard_feedback;
    } else {
        uint32_t pt;
        if (!d13_sdp_parse_u32(&field, 127, &pt)) return d13_sdp_fail(p, "a=rtcp-fb payload type is not 0-127");
        dtls13_sdp_codec *c = find_codec(m, pt);
        if (!c) return 0;
        count = &c->feedback_count;
        list = c->feedback;
    }
    d13_sdp_skip_blanks(value);
    char fb[64];
    if (!d13_sdp_copy_trimmed(value, fb, sizeof(fb)) || fb[0] == '\0')
        return d13_sdp_fail(p, "a=rtcp-fb value missing or too long");
    if (*count < DTLS13_SDP_MAX_FEEDBACK) memcpy(list[(*count)++], fb, sizeof(fb));
    return 0;
}

static bool ends_with_local(const char *host)
{
    size_t n = strlen(host);
    static const char suffix[] = ".local";
    size_t s = sizeof(suffix) - 1;
    if (n <= s) return false;
    for (size_t i = 0; i < s; i++) {
        char c = host[n - s + i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

bool d13_sdp_parse_candidate(d13_reader *value, dtls13_sdp_candidate *out)
{
    d13_reader field;
    uint32_t component, priority, port;
    char typ[8];
    if (!d13_sdp_read_token(value, &field)) return false; /* foundation */
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_parse_u32(&field, 256, &component) || component == 0)
        return false;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_copy(&field, out->transport, sizeof(out->transport)))
        return false;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_parse_u32(&field, UINT32_MAX, &priority)) return false;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_copy(&field, out->address, sizeof(out->address)) ||
        out->address[0] == '\0')
        return false;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_parse_u32(&field, 65535, &port)) return false;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_copy(&field, typ, sizeof(typ)) || strcmp(typ, "typ") != 0)
        return false;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_copy(&field, out->type, sizeof(out->type))) return false;
    out->component = (uint8_t)(component > 255 ? 255 : component);
    out->priority = priority;
    out->port = (uint16_t)port;
    out->mdns = ends_with_local(out->address);
    return true;
}

/* a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ... */
static int parse_candidate(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_media *m = p->media;
    if (m->candidate_count >= DTLS13_SDP_MAX_CANDIDATES) {
        m->candidates_dropped++;
        return 0;
    }
    dtls13_sdp_candidate *c = &m->candidates[m->candidate_count];
    memset(c, 0, sizeof(*c));
    static const char prefix[] = "candidate:";
    memcpy(c->line, prefix, sizeof(prefix));
    d13_reader whole = *value;
    if (!d13_sdp_copy_trimmed(&whole, c->line + sizeof(prefix) - 1, sizeof(c->line) - (sizeof(prefix) - 1)))
        return d13_sdp_fail(p, "a=candidate too long");
    if (!d13_sdp_parse_candidate(value, c)) return d13_sdp_fail(p, "a=candidate does not parse");
    m->candidate_count++;
    return 0;
}

/* a=ssrc:<ssrc> <attribute>[:<value>] */
static int parse_ssrc(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_media *m = p->media;
    d13_reader field, attr;
    uint32_t ssrc;
    if (!d13_sdp_read_token(value, &field) || !d13_sdp_parse_u32(&field, UINT32_MAX, &ssrc))
        return d13_sdp_fail(p, "a=ssrc needs a 32-bit SSRC");
    dtls13_sdp_ssrc *s = NULL;
    for (size_t i = 0; i < m->ssrc_count; i++)
        if (m->ssrcs[i].ssrc == ssrc) s = &m->ssrcs[i];
    if (!s) {
        if (m->ssrc_count >= DTLS13_SDP_MAX_SSRCS) return 0;
        s = &m->ssrcs[m->ssrc_count++];
        s->ssrc = ssrc;
    }
    d13_sdp_skip_blanks(value);
    if (d13_sdp_read_until(value, ':', &attr) && d13_sdp_equals(&attr, "cname")) {
        if (!d13_sdp_copy_trimmed(value, s->cname, sizeof(s->cname)))
            return d13_sdp_fail(p, "a=ssrc cname too long");
    }
    return 0;
}

/* a=group:BUNDLE <mid> ... (other semantics are ignored) */
static int parse_group(d13_sdp_parser *p, d13_reader *value)
{
    dtls13_sdp_offer *o = p->offer;
    d13_reader field;
    if (!d13_sdp_read_token(value, &field)) return d13_sdp_fail(p, "a=group needs semantics");
    if (!d13_sdp_equals(&field, "BUNDLE")) return 0;
    if (o->has_bundle) return d13_sdp_fail(p, "a second a=group:BUNDLE (only one bundle is supported)");
    o->has_bundle = true;
    while (d13_sdp_read_token(value, &field)) {
        if (o->bundle_count >= DTLS13_SDP_MAX_MEDIA) return d13_sdp_fail(p, "a=group:BUNDLE with too many mids");
        if (!d13_sdp_copy_trimmed(&field, o->bundle[o->bundle_count], sizeof(o->bundle[0])))
            return d13_sdp_fail(p, "a=group:BUNDLE mid too long");
        if (o->bundle[o->bundle_count][0] != '\0') o->bundle_count++;
    }
    return 0;
}

/* a=fingerprint:<hash function> <hex pairs>, kept as "<hash> <hex>". */
static int parse_fingerprint(d13_sdp_parser *p, d13_reader *value, size_t *count,
                             char (*list)[DTLS13_SDP_FINGERPRINT_LEN])
{
    d13_reader hash, hex;
    char h[16], v[DTLS13_SDP_FINGERPRINT_LEN];
    if (!d13_sdp_read_token(value, &hash) || !d13_sdp_copy(&hash, h, sizeof(h)))
        return d13_sdp_fail(p, "a=fingerprint hash function missing or unknown");
    d13_sdp_skip_blanks(value);
    if (!d13_sdp_read_until(value, ' ', &hex) || !d13_sdp_copy_trimmed(&hex, v, sizeof(v)) || v[0] == '\0')
        return d13_sdp_fail(p, "a=fingerprint value missing or too long");
    size_t hn = strlen(h), vn = strlen(v);
    if (hn + 1 + vn >= DTLS13_SDP_FINGERPRINT_LEN) return d13_sdp_fail(p, "a=fingerprint too long");
    if (*count >= DTLS13_SDP_MAX_FINGERPRINTS) return 0;
    char *fp = list[(*count)++];
    memcpy(fp, h, hn);
    fp[hn] = ' ';
    memcpy(fp + hn + 1, v, vn + 1);
    return 0;
}

static int parse_setup(d13_sdp_parser *p, d13_reader *value, dtls13_sdp_setup *out)
{
    char v[16];
    if (!d13_sdp_copy_trimmed(value, v, sizeof(v))) return d13_sdp_fail(p, "a=setup value too long");
    static const struct {
        const char *name;
        dtls13_sdp_setup setup;
    } names[] = {{"actpass", DTLS13_SDP_SETUP_ACTPASS},
                 {"active", DTLS13_SDP_SETUP_ACTIVE},
                 {"passive", DTLS13_SDP_SETUP_PASSIVE},
                 {"holdconn", DTLS13_SDP_SETUP_HOLDCONN}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(v, names[i].name) == 0) {
            *out = names[i].setup;
            return 0;
        }
    }
    return d13_sdp_fail(p, "unknown a=setup value \"%s\"", v);
}

static int copy_value(d13_sdp_parser *p, d13_reader *value, char *out, size_t cap, const char *attr)
{
    if (!d13_sdp_copy_trimmed(value, out, cap)) return d13_sdp_fail(p, "a=%s too long or not text", attr);
    return 0;
}

/* Attributes allowed at session and media level (RFC 8839, RFC 8842). */
static int parse_transport_attribute(d13_sdp_parser *p, d13_reader *name, d13_reader *value, bool *handled)
{
    dtls13_sdp_offer *o = p->offer;
    dtls13_sdp_media *m = p->media;
    *handled = true;
    if (d13_sdp_equals(name, "ice-ufrag"))
        return copy_value(p, value, m ? m->ice_ufrag : o->ice_ufrag, DTLS13_SDP_ICE_CRED_LEN, "ice-ufrag");
    if (d13_sdp_equals(name, "ice-pwd"))
        return copy_value(p, value, m ? m->ice_pwd : o->ice_pwd, DTLS13_SDP_ICE_CRED_LEN, "ice-pwd");
    if (d13_sdp_equals(name, "ice-options"))
        return copy_value(p, value, m ? m->ice_options : o->ice_options, sizeof(o->ice_options), "ice-options");
    if (d13_sdp_equals(name, "fingerprint"))
        return m ? parse_fingerprint(p, value, &m->fingerprint_count, m->fingerprints)
                 : parse_fingerprint(p, value, &o->fingerprint_count, o->fingerprints);
    if (d13_sdp_equals(name, "setup")) return parse_setup(p, value, m ? &m->setup : &o->setup);
    *handled = false;
    return 0;
}

/* Value-less media attributes: a direction or one of these flags. */
typedef enum media_flag {
    FLAG_DIRECTION,
    FLAG_RTCP_MUX,
    FLAG_RTCP_MUX_ONLY,
    FLAG_RTCP_RSIZE,
    FLAG_BUNDLE_ONLY,
    FLAG_END_OF_CANDIDATES,
} media_flag;

static bool parse_flag(dtls13_sdp_media *m, const d13_reader *name)
{
    static const struct {
        const char *name;
        media_flag flag;
        dtls13_sdp_direction direction; /* for FLAG_DIRECTION */
    } flags[] = {
        {"sendrecv", FLAG_DIRECTION, DTLS13_SDP_SENDRECV},
        {"sendonly", FLAG_DIRECTION, DTLS13_SDP_SENDONLY},
        {"recvonly", FLAG_DIRECTION, DTLS13_SDP_RECVONLY},
        {"inactive", FLAG_DIRECTION, DTLS13_SDP_INACTIVE},
        {"rtcp-mux", FLAG_RTCP_MUX, DTLS13_SDP_SENDRECV},
        {"rtcp-mux-only", FLAG_RTCP_MUX_ONLY, DTLS13_SDP_SENDRECV},
        {"rtcp-rsize", FLAG_RTCP_RSIZE, DTLS13_SDP_SENDRECV},
        {"bundle-only", FLAG_BUNDLE_ONLY, DTLS13_SDP_SENDRECV},
        {"end-of-candidates", FLAG_END_OF_CANDIDATES, DTLS13_SDP_SENDRECV},
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (!d13_sdp_equals(name, flags[i].name)) continue;
        switch (flags[i].flag) {
        case FLAG_DIRECTION: m->direction = flags[i].direction; break;
        case FLAG_RTCP_MUX: m->rtcp_mux = true; break;
        case FLAG_RTCP_MUX_ONLY: m->rtcp_mux_only = m->rtcp_mux = true; break;
        case FLAG_RTCP_RSIZE: m->rtcp_rsize = true; break;
        case FLAG_BUNDLE_ONLY: m->bundle_only = true; break;
        case FLAG_END_OF_CANDIDATES: m->end_of_candidates = true; break;
        }
        return true;
    }
    return false;
}

static int parse_media_attribute(d13_sdp_parser *p, d13_reader *name, d13_reader *value)
{
    dtls13_sdp_media *m = p->media;
    if (parse_flag(m, name)) return 0;
    if (d13_sdp_equals(name, "mid")) {
        int rc = copy_value(p, value, m->mid, sizeof(m->mid), "mid");
        if (rc == 0 && m->mid[0] == '\0') return d13_sdp_fail(p, "empty a=mid");
        return rc;
    }
    if (d13_sdp_equals(name, "rtpmap")) return m->codecs ? parse_rtpmap(p, value) : 0;
    if (d13_sdp_equals(name, "fmtp")) return m->codecs ? parse_fmtp(p, value) : 0;
    if (d13_sdp_equals(name, "rtcp-fb")) return m->codecs ? parse_rtcp_fb(p, value) : 0;
    if (d13_sdp_equals(name, "candidate")) return parse_candidate(p, value);
    if (d13_sdp_equals(name, "msid")) return copy_value(p, value, m->msid, sizeof(m->msid), "msid");
    if (d13_sdp_equals(name, "ssrc")) return parse_ssrc(p, value);
    return 0; /* extmap, ssrc-group, rtcp, sctp-port, ...: not needed */
}

int d13_sdp_parse_attribute(d13_sdp_parser *p, d13_reader *attribute)
{
    d13_reader name;
    if (!d13_sdp_read_until(attribute, ':', &name) || d13_reader_remaining(&name) == 0)
        return d13_sdp_fail(p, "a= line without an attribute name");
    bool handled;
    int rc = parse_transport_attribute(p, &name, attribute, &handled);
    if (handled) return rc;
    if (!p->media) {
        if (d13_sdp_equals(&name, "group")) return parse_group(p, attribute);
        if (d13_sdp_equals(&name, "ice-lite")) p->offer->ice_lite = true;
        return 0;
    }
    return parse_media_attribute(p, &name, attribute);
}
