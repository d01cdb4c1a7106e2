/* Answering a WebRTC offer (RFC 8829 5.3): one bundled DTLS-SRTP
 * transport, the codecs we accept, our ICE and DTLS parameters. */
#include "sdp_internal.h"
#include "sdp_text_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const default_audio_codecs[] = {"opus"};
static const char *const default_video_codecs[] = {"VP8"};

/* RTCP feedback we answer for video: picture loss and full intra requests
 * (a relay can pass them on); no NACK or congestion control feedback. */
static const char *const accepted_video_feedback[] = {"nack pli", "ccm fir"};

void dtls13_sdp_answer_options_init(dtls13_sdp_answer_options *opts)
{
    if (!opts) return;
    memset(opts, 0, sizeof(*opts));
    opts->setup = DTLS13_SDP_SETUP_ACTIVE;
    opts->audio_codecs = default_audio_codecs;
    opts->audio_codec_count = 1;
    opts->video_codecs = default_video_codecs;
    opts->video_codec_count = 1;
    opts->ssrc_base = 0x0d713000u;
    opts->cname = "dtls13";
    opts->stream_id = "dtls13-echo";
    opts->session_id = 1;
}

void dtls13_sdp_answer_free(dtls13_sdp_answer *answer)
{
    if (!answer) return;
    free(answer->text);
    free(answer);
}

int dtls13_sdp_answer_media_for_payload_type(const dtls13_sdp_answer *answer, uint8_t pt)
{
    if (!answer) return -1;
    for (size_t i = 0; i < answer->media_count; i++) {
        const dtls13_sdp_answer_media *m = &answer->media[i];
        if (!m->accepted) continue;
        for (size_t j = 0; j < m->payload_type_count; j++)
            if (m->payload_types[j] == pt) return (int)i;
    }
    return -1;
}

/* True when s is non-empty text without line breaks or other control
 * bytes, so that it can go into an SDP line. */
static bool is_line_text(const char *s)
{
    if (!s || !*s) return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
    return true;
}

static bool in_bundle(const dtls13_sdp_offer *o, const char *mid)
{
    if (!mid[0]) return false;
    for (size_t i = 0; i < o->bundle_count; i++)
        if (strcmp(o->bundle[i], mid) == 0) return true;
    return false;
}

static void accept_codecs(const dtls13_sdp_media *m, const char *const *names, size_t name_count,
                          dtls13_sdp_answer_media *am)
{
    for (size_t n = 0; n < name_count; n++) {
        for (size_t i = 0; i < m->codec_count; i++) {
            const dtls13_sdp_codec *c = &m->codecs[i];
            if (!c->has_rtpmap || !names[n] || strcasecmp(c->name, names[n]) != 0) continue;
            if (am->payload_type_count < DTLS13_SDP_MAX_FORMATS) am->payload_types[am->payload_type_count++] = c->payload_type;
        }
    }
}

static dtls13_sdp_direction answer_direction(dtls13_sdp_direction offered)
{
    switch (offered) {
    case DTLS13_SDP_SENDONLY: return DTLS13_SDP_RECVONLY;
    case DTLS13_SDP_RECVONLY: return DTLS13_SDP_SENDONLY;
    case DTLS13_SDP_INACTIVE: return DTLS13_SDP_INACTIVE;
    case DTLS13_SDP_SENDRECV: break;
    }
    return DTLS13_SDP_SENDRECV;
}

/* Decides which m-lines we accept and with which payload types. */
static void select_media(const dtls13_sdp_offer *o, const dtls13_sdp_answer_options *opts, dtls13_sdp_answer *a)
{
    bool have_unbundled = false;
    for (size_t i = 0; i < o->media_count; i++) {
        const dtls13_sdp_media *m = o->media[i];
        dtls13_sdp_answer_media *am = &a->media[i];
        memcpy(am->kind, m->kind, sizeof(am->kind));
        memcpy(am->mid, m->mid, sizeof(am->mid));
        bool bundled = o->has_bundle && in_bundle(o, m->mid);
        if (o->has_bundle && !bundled) continue;           /* one transport only */
        if (!o->has_bundle && have_unbundled) continue;    /* without BUNDLE: the first m-line */
        if (m->port == 0 && !(bundled && m->bundle_only)) continue; /* rejected by the offerer */
        if (!m->codecs || !strstr(m->proto, "SAVP")) continue;    /* not SRTP */
        if (strcmp(m->kind, "audio") == 0)
            accept_codecs(m, opts->audio_codecs, opts->audio_codec_count, am);
        else if (strcmp(m->kind, "video") == 0)
            accept_codecs(m, opts->video_codecs, opts->video_codec_count, am);
        if (am->payload_type_count == 0) continue;
        am->accepted = true;
        am->direction = answer_direction(m->direction);
        am->ssrc = (am->direction == DTLS13_SDP_SENDRECV || am->direction == DTLS13_SDP_SENDONLY)
                       ? opts->ssrc_base + (uint32_t)i
                       : 0;
        if (!o->has_bundle) have_unbundled = true;
    }
}

static bool supported_fingerprint(const char *fp)
{
    static const char *const hashes[] = {"sha-256 ", "sha-384 ", "sha-512 ", "sha-1 "};
    for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++)
        if (strncasecmp(fp, hashes[i], strlen(hashes[i])) == 0) return true;
    return false;
}

static int fail(char *error, size_t cap, int rc, const char *message)
{
    d13_sdp_set_error(error, cap, "%s", message);
    return rc;
}

/* The transport's ICE, DTLS and candidate parameters, from its m-line or
 * the session level. */
static int resolve_transport(const dtls13_sdp_offer *o, const dtls13_sdp_answer_options *opts, dtls13_sdp_answer *a,
                             char *error, size_t cap)
{
    const dtls13_sdp_media *t = o->media[a->transport_media];
    a->remote_ice_ufrag = t->ice_ufrag[0] ? t->ice_ufrag : o->ice_ufrag;
    a->remote_ice_pwd = t->ice_pwd[0] ? t->ice_pwd : o->ice_pwd;
    if (!a->remote_ice_ufrag[0] || !a->remote_ice_pwd[0])
        return fail(error, cap, DTLS13_ERR_UNSUPPORTED,
                    "no ICE credentials (a=ice-ufrag and a=ice-pwd) for the media transport");
    size_t fp_count = t->fingerprint_count ? t->fingerprint_count : o->fingerprint_count;
    const char(*fps)[DTLS13_SDP_FINGERPRINT_LEN] = t->fingerprint_count ? t->fingerprints : o->fingerprints;
    if (fp_count == 0)
        return fail(error, cap, DTLS13_ERR_UNSUPPORTED, "no a=fingerprint: DTLS-SRTP needs the peer's certificate fingerprint");
    for (size_t i = 0; i < fp_count && !a->remote_fingerprint; i++)
        if (supported_fingerprint(fps[i])) a->remote_fingerprint = fps[i];
    if (!a->remote_fingerprint)
        return fail(error, cap, DTLS13_ERR_UNSUPPORTED,
                    "no a=fingerprint with a supported hash function (sha-256, sha-384, sha-512, sha-1)");
    dtls13_sdp_setup setup = t->setup != DTLS13_SDP_SETUP_NONE ? t->setup : o->setup;
    switch (setup) {
    case DTLS13_SDP_SETUP_ACTPASS: a->setup = opts->setup; break;
    case DTLS13_SDP_SETUP_NONE: /* RFC 4145 4.1: the offerer's default is active */
    case DTLS13_SDP_SETUP_ACTIVE: a->setup = DTLS13_SDP_SETUP_PASSIVE; break;
    case DTLS13_SDP_SETUP_PASSIVE: a->setup = DTLS13_SDP_SETUP_ACTIVE; break;
    case DTLS13_SDP_SETUP_HOLDCONN:
        return fail(error, cap, DTLS13_ERR_UNSUPPORTED,
                    "a=setup:holdconn cannot be answered: DTLS-SRTP needs an active or passive endpoint");
    }
    a->dtls_role = a->setup == DTLS13_SDP_SETUP_ACTIVE ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER;
    if (!t->rtcp_mux)
        return fail(error, cap, DTLS13_ERR_UNSUPPORTED,
                    "no a=rtcp-mux: this endpoint sends RTP and RTCP on one port only (RFC 5761)");
    for (size_t i = 0; i < t->candidate_count; i++) a->remote_candidates[a->remote_candidate_count++] = &t->candidates[i];
    return 0;
}

static const char *candidate_body(const char *line)
{
    return strncmp(line, "a=", 2) == 0 ? line + 2 : line;
}

static bool accepted_feedback(const char *kind, const char *fb)
{
    if (strcmp(kind, "video") != 0) return false;
    for (size_t i = 0; i < sizeof(accepted_video_feedback) / sizeof(accepted_video_feedback[0]); i++)
        if (strcasecmp(fb, accepted_video_feedback[i]) == 0) return true;
    return false;
}

static const dtls13_sdp_codec *find_codec(const dtls13_sdp_media *m, uint8_t pt)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (m->codecs[i].payload_type == pt) return &m->codecs[i];
    return NULL;
}

static void write_codec(d13_sdp_out *out, const dtls13_sdp_media *m, const dtls13_sdp_codec *c)
{
    if (c->channels)
        d13_sdp_out_printf(out, "a=rtpmap:%u %s/%u/%u\r\n", c->payload_type, c->name, (unsigned)c->clock_rate,
                           c->channels);
    else
        d13_sdp_out_printf(out, "a=rtpmap:%u %s/%u\r\n", c->payload_type, c->name, (unsigned)c->clock_rate);
    for (size_t f = 0; f < c->feedback_count; f++)
        if (accepted_feedback(m->kind, c->feedback[f]))
            d13_sdp_out_printf(out, "a=rtcp-fb:%u %s\r\n", c->payload_type, c->feedback[f]);
    for (size_t f = 0; f < m->wildcard_feedback_count; f++)
        if (accepted_feedback(m->kind, m->wildcard_feedback[f]))
            d13_sdp_out_printf(out, "a=rtcp-fb:%u %s\r\n", c->payload_type, m->wildcard_feedback[f]);
    if (c->fmtp[0]) d13_sdp_out_printf(out, "a=fmtp:%u %s\r\n", c->payload_type, c->fmtp);
}

static void write_rejected(d13_sdp_out *out, const dtls13_sdp_media *m)
{
    d13_sdp_out_printf(out, "m=%s 0 %s %s\r\nc=IN IP4 0.0.0.0\r\n", m->kind, m->proto, m->first_format);
    if (m->mid[0]) d13_sdp_out_printf(out, "a=mid:%s\r\n", m->mid);
}

static void write_accepted(d13_sdp_out *out, const dtls13_sdp_media *m, const dtls13_sdp_answer_media *am,
                           const dtls13_sdp_answer *a, const dtls13_sdp_answer_options *opts, size_t index)
{
    d13_sdp_out_printf(out, "m=%s 9 %s", m->kind, m->proto);
    for (size_t i = 0; i < am->payload_type_count; i++) d13_sdp_out_printf(out, " %u", am->payload_types[i]);
    d13_sdp_out_printf(out, "\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n");
    d13_sdp_out_printf(out, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", opts->ice_ufrag, opts->ice_pwd);
    d13_sdp_out_printf(out, "a=fingerprint:%s\r\na=setup:%s\r\n", opts->fingerprint, dtls13_sdp_setup_name(a->setup));
    if (m->mid[0]) d13_sdp_out_printf(out, "a=mid:%s\r\n", m->mid);
    d13_sdp_out_printf(out, "a=%s\r\n", dtls13_sdp_direction_name(am->direction));
    if (am->ssrc) d13_sdp_out_printf(out, "a=msid:%s %s-%zu\r\n", opts->stream_id, m->kind, index);
    d13_sdp_out_printf(out, "a=rtcp-mux\r\n");
    if (m->rtcp_rsize) d13_sdp_out_printf(out, "a=rtcp-rsize\r\n");
    for (size_t i = 0; i < am->payload_type_count; i++) write_codec(out, m, find_codec(m, am->payload_types[i]));
    if (am->ssrc) {
        d13_sdp_out_printf(out, "a=ssrc:%u cname:%s\r\n", (unsigned)am->ssrc, opts->cname);
        d13_sdp_out_printf(out, "a=ssrc:%u msid:%s %s-%zu\r\n", (unsigned)am->ssrc, opts->stream_id, m->kind, index);
    }
    for (size_t i = 0; i < opts->candidate_count; i++)
        if (is_line_text(opts->candidates[i]))
            d13_sdp_out_printf(out, "a=%s\r\n", candidate_body(opts->candidates[i]));
    d13_sdp_out_printf(out, "a=end-of-candidates\r\n");
}

static int write_answer(const dtls13_sdp_offer *o, const dtls13_sdp_answer_options *opts, dtls13_sdp_answer *a)
{
    d13_sdp_out out;
    d13_sdp_out_init(&out);
    d13_sdp_out_printf(&out, "v=0\r\no=- %llu 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n",
                       (unsigned long long)opts->session_id);
    if (o->has_bundle) {
        d13_sdp_out_printf(&out, "a=group:BUNDLE");
        for (size_t b = 0; b < o->bundle_count; b++)
            for (size_t i = 0; i < o->media_count; i++)
                if (a->media[i].accepted && strcmp(o->bundle[b], o->media[i]->mid) == 0)
                    d13_sdp_out_printf(&out, " %s", o->media[i]->mid);
        d13_sdp_out_printf(&out, "\r\n");
    }
    d13_sdp_out_printf(&out, "a=msid-semantic: WMS %s\r\n", opts->stream_id);
    if (opts->ice_lite) d13_sdp_out_printf(&out, "a=ice-lite\r\n");
    for (size_t i = 0; i < o->media_count; i++) {
        if (a->media[i].accepted)
            write_accepted(&out, o->media[i], &a->media[i], a, opts, i);
        else
            write_rejected(&out, o->media[i]);
    }
    if (out.failed) {
        d13_sdp_out_free(&out);
        return DTLS13_ERR_NO_MEMORY;
    }
    a->text = out.buf;
    a->text_len = out.len;
    return 0;
}

static int check_options(const dtls13_sdp_answer_options *opts, char *error, size_t cap)
{
    if (!is_line_text(opts->ice_ufrag) || !is_line_text(opts->ice_pwd))
        return fail(error, cap, DTLS13_ERR_INVALID_ARG, "our ICE credentials are missing");
    if (!is_line_text(opts->fingerprint))
        return fail(error, cap, DTLS13_ERR_INVALID_ARG, "our certificate fingerprint is missing");
    if (opts->setup != DTLS13_SDP_SETUP_ACTIVE && opts->setup != DTLS13_SDP_SETUP_PASSIVE)
        return fail(error, cap, DTLS13_ERR_INVALID_ARG, "our a=setup preference must be active or passive");
    if (!is_line_text(opts->cname) || !is_line_text(opts->stream_id) || strchr(opts->stream_id, ' '))
        return fail(error, cap, DTLS13_ERR_INVALID_ARG, "cname and stream id must be one word of text");
    if ((opts->audio_codec_count && !opts->audio_codecs) || (opts->video_codec_count && !opts->video_codecs) ||
        (opts->candidate_count && !opts->candidates))
        return fail(error, cap, DTLS13_ERR_INVALID_ARG, "a codec or candidate list is NULL");
    return 0;
}

static int no_media_error(const dtls13_sdp_answer_options *opts, char *error, size_t cap)
{
    char accepted[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < opts->audio_codec_count + opts->video_codec_count; i++) {
        const char *name = i < opts->audio_codec_count ? opts->audio_codecs[i] : opts->video_codecs[i - opts->audio_codec_count];
        int n = snprintf(accepted + used, sizeof(accepted) - used, "%s%s", used ? ", " : "", name ? name : "?");
        if (n < 0 || (size_t)n >= sizeof(accepted) - used) break;
        used += (size_t)n;
    }
    d13_sdp_set_error(error, cap,
                      "no usable m-line: no bundled audio or video m-line over UDP/TLS/RTP/SAVPF offers a codec "
                      "we accept (%s)",
                      accepted);
    return DTLS13_ERR_UNSUPPORTED;
}

int dtls13_sdp_answer_offer(const dtls13_sdp_offer *offer, const dtls13_sdp_answer_options *opts,
                            dtls13_sdp_answer **out, char *error, size_t error_cap)
{
    if (out) *out = NULL;
    if (error && error_cap > 0) error[0] = '\0';
    if (!offer || !opts || !out) return fail(error, error_cap, DTLS13_ERR_INVALID_ARG, "no offer or options given");
    int rc = check_options(opts, error, error_cap);
    if (rc < 0) return rc;
    if (offer->media_count == 0) return fail(error, error_cap, DTLS13_ERR_UNSUPPORTED, "no usable m-line: the offer has no m= line");
    if (offer->has_bundle && offer->bundle_count == 0)
        return fail(error, error_cap, DTLS13_ERR_UNSUPPORTED, "a=group:BUNDLE names no mid");
    dtls13_sdp_answer *a = calloc(1, sizeof(*a));
    if (!a) return fail(error, error_cap, DTLS13_ERR_NO_MEMORY, "out of memory");
    a->media_count = offer->media_count;
    select_media(offer, opts, a);
    bool found = false;
    for (size_t i = 0; i < a->media_count && !found; i++) {
        if (!a->media[i].accepted) continue;
        a->transport_media = i;
        found = true;
    }
    if (!found) rc = no_media_error(opts, error, error_cap);
    if (rc == 0) rc = resolve_transport(offer, opts, a, error, error_cap);
    if (rc == 0) {
        rc = write_answer(offer, opts, a);
        if (rc < 0) d13_sdp_set_error(error, error_cap, "out of memory");
    }
    if (rc < 0) {
        dtls13_sdp_answer_free(a);
        return rc;
    }
    *out = a;
    return 0;
}
