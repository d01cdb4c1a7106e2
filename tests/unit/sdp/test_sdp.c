/* SDP offers from Chromium and Firefox, the answers we write to them, the
 * DTLS role rules of a=setup, every error an offer can provoke, and every
 * truncation of a real offer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dtls13/sdp.h"
#include "sdp_offers.h"
#include "test.h"

static const char our_fingerprint[] =
    "sha-256 01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";
static const char *const our_candidates[] = {
    "a=candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host",
    "candidate:2 1 UDP 2015363071 192.0.2.5 40001 typ host",
};

static void our_options(dtls13_sdp_answer_options *o)
{
    dtls13_sdp_answer_options_init(o);
    o->ice_ufrag = "OurU";
    o->ice_pwd = "OurPasswordOf22CharsXX";
    o->fingerprint = our_fingerprint;
    o->candidates = our_candidates;
    o->candidate_count = 2;
    o->session_id = 42;
}

/* Copy of text with every line containing needle removed. */
static char *without_lines(const char *text, const char *needle)
{
    size_t n = strlen(text);
    char *out = malloc(n + 1);
    size_t o = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        char line[8192];
        memcpy(line, p, len < sizeof(line) - 1 ? len : sizeof(line) - 1);
        line[len < sizeof(line) - 1 ? len : sizeof(line) - 1] = '\0';
        if (!strstr(line, needle)) {
            memcpy(out + o, p, len);
            o += len;
        }
        p += len;
    }
    out[o] = '\0';
    return out;
}

/* Copy of text with every occurrence of from replaced by to. */
static char *replaced(const char *text, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), count = 0;
    for (const char *p = strstr(text, from); p; p = strstr(p + fl, from)) count++;
    char *out = malloc(strlen(text) + count * (tl > fl ? tl - fl : 0) + 1);
    size_t o = 0;
    const char *p = text;
    for (const char *q = strstr(p, from); q; q = strstr(p, from)) {
        memcpy(out + o, p, (size_t)(q - p));
        o += (size_t)(q - p);
        memcpy(out + o, to, tl);
        o += tl;
        p = q + fl;
    }
    strcpy(out + o, p);
    return out;
}

static dtls13_sdp_offer *parse_ok(d13_test_state *t, const char *text)
{
    dtls13_sdp_offer *offer = NULL;
    char err[256];
    int rc = dtls13_sdp_parse_offer(text, strlen(text), &offer, err, sizeof(err));
    if (rc != 0) fprintf(stderr, "unexpected parse error: %s\n", err);
    CHECK_EQ(rc, 0);
    return offer;
}

/* Parses and answers text with opts; returns the answer result and the error. */
static int answer_text(const char *text, const dtls13_sdp_answer_options *opts, dtls13_sdp_answer **out, char *err,
                       size_t cap)
{
    dtls13_sdp_offer *offer = NULL;
    int rc = dtls13_sdp_parse_offer(text, strlen(text), &offer, err, cap);
    if (rc < 0) return rc;
    rc = dtls13_sdp_answer_offer(offer, opts, out, err, cap);
    /* The answer points into the offer: tests using it keep their own. */
    if (rc == 0) {
        dtls13_sdp_answer_free(*out);
        *out = NULL;
    }
    dtls13_sdp_offer_free(offer);
    return rc;
}

static void test_chromium_offer_parses(d13_test_state *t)
{
    dtls13_sdp_offer *o = parse_ok(t, chromium_offer);
    if (!o) return;
    CHECK(strcmp(o->origin_session_id, "4611731400430051336") == 0);
    CHECK(o->has_bundle);
    CHECK_EQ(o->bundle_count, 2);
    CHECK(strcmp(o->bundle[0], "0") == 0 && strcmp(o->bundle[1], "1") == 0);
    CHECK_EQ(o->media_count, 2);
    CHECK_EQ(o->fingerprint_count, 0);
    const dtls13_sdp_media *a = o->media[0], *v = o->media[1];
    CHECK(strcmp(a->kind, "audio") == 0 && strcmp(v->kind, "video") == 0);
    CHECK_EQ(a->port, 9);
    CHECK(strcmp(a->proto, "UDP/TLS/RTP/SAVPF") == 0);
    CHECK(strcmp(a->mid, "0") == 0 && strcmp(v->mid, "1") == 0);
    CHECK(strcmp(a->ice_ufrag, "Fx4k") == 0);
    CHECK(strcmp(a->ice_pwd, "8Nd2nJtXhKXqRdyrnT9vC5hF") == 0);
    CHECK(strcmp(a->ice_options, "trickle") == 0);
    CHECK_EQ(a->fingerprint_count, 1);
    CHECK(strcmp(a->fingerprints[0], chromium_fingerprint) == 0);
    CHECK_EQ(a->setup, DTLS13_SDP_SETUP_ACTPASS);
    CHECK_EQ(a->direction, DTLS13_SDP_SENDRECV);
    CHECK(a->rtcp_mux && a->rtcp_rsize && !a->rtcp_mux_only && !a->bundle_only);
    CHECK(strstr(a->msid, "1f0a0e0c-6e8e-4bd2-9a4b-0f7c3d2b8e11 0b6e2d1c") == a->msid);
    /* Codecs keep m-line order, with rtpmap, fmtp and rtcp-fb. */
    CHECK_EQ(a->codec_count, 8);
    CHECK_EQ(a->codecs[0].payload_type, 111);
    CHECK(strcmp(a->codecs[0].name, "opus") == 0);
    CHECK_EQ(a->codecs[0].clock_rate, 48000);
    CHECK_EQ(a->codecs[0].channels, 2);
    CHECK(strcmp(a->codecs[0].fmtp, "minptime=10;useinbandfec=1") == 0);
    CHECK_EQ(a->codecs[0].feedback_count, 1);
    CHECK(strcmp(a->codecs[0].feedback[0], "transport-cc") == 0);
    CHECK_EQ(a->codecs[3].payload_type, 0);
    CHECK(strcmp(a->codecs[3].name, "PCMU") == 0 && a->codecs[3].channels == 0);
    CHECK_EQ(v->codec_count, 25);
    CHECK_EQ(v->codecs[0].payload_type, 96);
    CHECK(strcmp(v->codecs[0].name, "VP8") == 0);
    CHECK_EQ(v->codecs[0].clock_rate, 90000);
    CHECK_EQ(v->codecs[0].feedback_count, 5);
    CHECK(strcmp(v->codecs[0].feedback[4], "nack pli") == 0);
    CHECK(strcmp(v->codecs[1].fmtp, "apt=96") == 0);
    /* Candidates, the mDNS one recognized. */
    CHECK_EQ(a->candidate_count, 2);
    CHECK(a->candidates[0].mdns);
    CHECK(strcmp(a->candidates[0].address, "3e9c1b8a-4f2d-4c4e-9d8b-6a1f0e2d3c4b.local") == 0);
    CHECK_EQ(a->candidates[0].port, 53672);
    CHECK_EQ(a->candidates[0].component, 1);
    CHECK_EQ(a->candidates[0].priority, 2122260223u);
    CHECK(strcmp(a->candidates[0].transport, "udp") == 0 && strcmp(a->candidates[0].type, "host") == 0);
    CHECK(strncmp(a->candidates[0].line, "candidate:1467250027 1 udp 2122260223 3e9c", 42) == 0);
    CHECK(!a->candidates[1].mdns);
    CHECK(strcmp(a->candidates[1].type, "srflx") == 0);
    CHECK(!a->end_of_candidates);
    /* SSRCs with cname. */
    CHECK_EQ(a->ssrc_count, 1);
    CHECK_EQ(a->ssrcs[0].ssrc, 2208155312u);
    CHECK(strcmp(a->ssrcs[0].cname, "qS3vT1bXw9RkE2yA") == 0);
    CHECK_EQ(v->ssrc_count, 2);
    CHECK_EQ(v->ssrcs[1].ssrc, 3735928559u);
    dtls13_sdp_offer_free(o);
}

static void test_chromium_answer(d13_test_state *t)
{
    dtls13_sdp_offer *o = parse_ok(t, chromium_offer);
    if (!o) return;
    dtls13_sdp_answer_options opts;
    our_options(&opts);
    dtls13_sdp_answer *a = NULL;
    char err[256];
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (!a) {
        dtls13_sdp_offer_free(o);
        return;
    }
    CHECK_EQ(a->setup, DTLS13_SDP_SETUP_ACTIVE);
    CHECK_EQ(a->dtls_role, DTLS13_ROLE_CLIENT);
    CHECK_EQ(a->transport_media, 0);
    CHECK(strcmp(a->remote_ice_ufrag, "Fx4k") == 0);
    CHECK(strcmp(a->remote_ice_pwd, "8Nd2nJtXhKXqRdyrnT9vC5hF") == 0);
    CHECK(strcmp(a->remote_fingerprint, chromium_fingerprint) == 0);
    CHECK_EQ(a->remote_candidate_count, 2);
    CHECK(a->remote_candidates[0]->mdns);
    CHECK_EQ(a->media_count, 2);
    CHECK(a->media[0].accepted && a->media[1].accepted);
    CHECK_EQ(a->media[0].payload_type_count, 1);
    CHECK_EQ(a->media[0].payload_types[0], 111);
    CHECK_EQ(a->media[1].payload_type_count, 1);
    CHECK_EQ(a->media[1].payload_types[0], 96);
    CHECK_EQ(a->media[0].direction, DTLS13_SDP_SENDRECV);
    CHECK_EQ(a->media[0].ssrc, 0x0d713000u);
    CHECK_EQ(a->media[1].ssrc, 0x0d713001u);
    CHECK_EQ(dtls13_sdp_answer_media_for_payload_type(a, 111), 0);
    CHECK_EQ(dtls13_sdp_answer_media_for_payload_type(a, 96), 1);
    CHECK_EQ(dtls13_sdp_answer_media_for_payload_type(a, 97), -1);
    CHECK_EQ(dtls13_sdp_answer_media_for_payload_type(a, 0), -1);

    const char *s = a->text;
    CHECK_EQ(strlen(s), a->text_len);
    CHECK(strncmp(s, "v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n", 62) == 0);
    CHECK(strstr(s, "\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n") != NULL);
    CHECK(strstr(s, "\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n") != NULL);
    CHECK(strstr(s, "\r\na=ice-ufrag:OurU\r\na=ice-pwd:OurPasswordOf22CharsXX\r\n") != NULL);
    CHECK(strstr(s, "\r\na=fingerprint:sha-256 01:23:45:67:89:AB") != NULL);
    CHECK(strstr(s, "\r\na=setup:active\r\n") != NULL);
    CHECK(strstr(s, "a=setup:actpass") == NULL);
    CHECK(strstr(s, "\r\na=mid:0\r\n") && strstr(s, "\r\na=mid:1\r\n"));
    CHECK(strstr(s, "\r\na=sendrecv\r\n") != NULL);
    CHECK(strstr(s, "\r\na=rtcp-mux\r\n") != NULL);
    CHECK(strstr(s, "\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n") != NULL);
    CHECK(strstr(s, "\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack pli\r\n") != NULL);
    CHECK(strstr(s, "transport-cc") == NULL && strstr(s, "goog-remb") == NULL);
    CHECK(strstr(s, "a=rtcp-fb:96 nack\r\n") == NULL);
    CHECK(strstr(s, "rtx") == NULL && strstr(s, "H264") == NULL);
    CHECK(strstr(s, "\r\na=candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host\r\n") != NULL);
    CHECK(strstr(s, "\r\na=candidate:2 1 UDP 2015363071 192.0.2.5 40001 typ host\r\n") != NULL);
    CHECK(strstr(s, "\r\na=end-of-candidates\r\n") != NULL);
    CHECK(strstr(s, "\r\na=ssrc:225521664 cname:dtls13\r\n") != NULL);
    CHECK(strstr(s, "\r\na=ssrc:225521665 msid:dtls13-echo video-1\r\n") != NULL);
    CHECK(strstr(s, "\r\na=msid:dtls13-echo audio-0\r\n") != NULL);
    CHECK(s[a->text_len - 2] == '\r' && s[a->text_len - 1] == '\n');

    /* Our answer is itself valid SDP for our parser, with our values. */
    dtls13_sdp_offer *back = parse_ok(t, s);
    if (back) {
        CHECK_EQ(back->media_count, 2);
        CHECK_EQ(back->bundle_count, 2);
        CHECK_EQ(back->media[1]->codec_count, 1);
        CHECK_EQ(back->media[1]->codecs[0].feedback_count, 2);
        CHECK_EQ(back->media[0]->candidate_count, 2);
        CHECK(back->media[0]->end_of_candidates);
        CHECK_EQ(back->media[0]->setup, DTLS13_SDP_SETUP_ACTIVE);
        CHECK(strcmp(back->media[0]->fingerprints[0], our_fingerprint) == 0);
        CHECK_EQ(back->media[1]->ssrcs[0].ssrc, 0x0d713001u);
        dtls13_sdp_offer_free(back);
    }
    CHECK(strstr(s, "a=ice-lite") == NULL);
    dtls13_sdp_answer_free(a);

    /* An ICE-lite answer (the SFU example's) says so at session level,
     * before the first m-line. */
    opts.ice_lite = true;
    a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        const char *lite = strstr(a->text, "\r\na=ice-lite\r\n"), *m = strstr(a->text, "\r\nm=");
        CHECK(lite != NULL && m != NULL && lite < m);
        dtls13_sdp_answer_free(a);
    }
    dtls13_sdp_offer_free(o);
}

static void test_firefox_offer(d13_test_state *t)
{
    dtls13_sdp_offer *o = parse_ok(t, firefox_offer);
    if (!o) return;
    CHECK_EQ(o->media_count, 3);
    CHECK_EQ(o->bundle_count, 3);
    CHECK_EQ(o->fingerprint_count, 1);
    CHECK(strcmp(o->fingerprints[0], firefox_fingerprint) == 0);
    CHECK(strcmp(o->ice_options, "trickle") == 0);
    CHECK_EQ(o->media[0]->fingerprint_count, 0);
    CHECK(o->media[0]->end_of_candidates);
    CHECK_EQ(o->media[0]->candidate_count, 2);
    CHECK(strcmp(o->media[0]->candidates[1].transport, "TCP") == 0);
    CHECK_EQ(o->media[0]->codecs[1].channels, 1); /* G722/8000/1 */
    CHECK(strcmp(o->media[2]->kind, "application") == 0);
    CHECK(strcmp(o->media[2]->first_format, "webrtc-datachannel") == 0);
    CHECK_EQ(o->media[2]->codec_count, 0);

    dtls13_sdp_answer_options opts;
    our_options(&opts);
    opts.setup = DTLS13_SDP_SETUP_PASSIVE;
    dtls13_sdp_answer *a = NULL;
    char err[256];
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        CHECK_EQ(a->setup, DTLS13_SDP_SETUP_PASSIVE);
        CHECK_EQ(a->dtls_role, DTLS13_ROLE_SERVER);
        CHECK(strcmp(a->remote_fingerprint, firefox_fingerprint) == 0); /* from the session level */
        CHECK(strcmp(a->remote_ice_ufrag, "9a1b2c3d") == 0);
        CHECK(a->media[0].accepted && a->media[1].accepted && !a->media[2].accepted);
        CHECK_EQ(a->media[0].payload_types[0], 109);
        CHECK_EQ(a->media[1].payload_types[0], 120);
        CHECK(strstr(a->text, "a=group:BUNDLE 0 1\r\n") != NULL);
        CHECK(strstr(a->text, "\r\na=setup:passive\r\n") != NULL);
        CHECK(strstr(a->text, "\r\na=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\r\n") != NULL);
        CHECK(strstr(a->text, "\r\na=fmtp:120 max-fs=12288;max-fr=60\r\n") != NULL);
        /* The data channel is rejected with port 0 and keeps its mid. */
        CHECK(strstr(a->text, "\r\nm=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n") != NULL);
        dtls13_sdp_answer_free(a);
    }
    dtls13_sdp_offer_free(o);
}

/* RFC 5763 5 / RFC 8842 5.3: our role follows the offer's a=setup. */
static void test_setup_rules(d13_test_state *t)
{
    static const struct {
        const char *offer_setup;    /* replaces "actpass"; NULL: line removed */
        dtls13_sdp_setup preference;
        dtls13_sdp_setup expected;
    } cases[] = {
        {"actpass", DTLS13_SDP_SETUP_ACTIVE, DTLS13_SDP_SETUP_ACTIVE},
        {"actpass", DTLS13_SDP_SETUP_PASSIVE, DTLS13_SDP_SETUP_PASSIVE},
        {"active", DTLS13_SDP_SETUP_ACTIVE, DTLS13_SDP_SETUP_PASSIVE},
        {"passive", DTLS13_SDP_SETUP_PASSIVE, DTLS13_SDP_SETUP_ACTIVE},
        {NULL, DTLS13_SDP_SETUP_ACTIVE, DTLS13_SDP_SETUP_PASSIVE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = cases[i].offer_setup ? replaced(chromium_offer, "a=setup:actpass", "a=setup:x")
                                          : without_lines(chromium_offer, "a=setup");
        if (cases[i].offer_setup) {
            char line[32];
            snprintf(line, sizeof(line), "a=setup:%s", cases[i].offer_setup);
            char *t2 = replaced(text, "a=setup:x", line);
            free(text);
            text = t2;
        }
        dtls13_sdp_offer *o = parse_ok(t, text);
        dtls13_sdp_answer_options opts;
        our_options(&opts);
        opts.setup = cases[i].preference;
        dtls13_sdp_answer *a = NULL;
        char err[256];
        CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
        if (a) {
            CHECK_EQ(a->setup, cases[i].expected);
            CHECK_EQ(a->dtls_role,
                     cases[i].expected == DTLS13_SDP_SETUP_ACTIVE ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER);
            char want[32];
            snprintf(want, sizeof(want), "\r\na=setup:%s\r\n", dtls13_sdp_setup_name(cases[i].expected));
            CHECK(strstr(a->text, want) != NULL);
        }
        dtls13_sdp_answer_free(a);
        dtls13_sdp_offer_free(o);
        free(text);
    }
}

static void expect_answer_error(d13_test_state *t, const char *text, int expected_rc, const char *message_part)
{
    dtls13_sdp_answer_options opts;
    our_options(&opts);
    dtls13_sdp_answer *a = (dtls13_sdp_answer *)1;
    char err[256] = "unchanged";
    int rc = answer_text(text, &opts, &a, err, sizeof(err));
    CHECK_EQ(rc, expected_rc);
    CHECK(a == NULL);
    if (!strstr(err, message_part)) fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, message_part);
    CHECK(strstr(err, message_part) != NULL);
}

static void test_offer_errors(d13_test_state *t)
{
    char *s;
    s = without_lines(chromium_offer, "a=fingerprint");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "no a=fingerprint");
    free(s);
    s = replaced(chromium_offer, "a=fingerprint:sha-256", "a=fingerprint:md5");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "supported hash");
    free(s);
    s = without_lines(chromium_offer, "a=ice-ufrag");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "ICE credentials");
    free(s);
    s = without_lines(chromium_offer, "a=ice-pwd");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "ICE credentials");
    free(s);
    s = replaced(chromium_offer, "a=setup:actpass", "a=setup:holdconn");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "holdconn");
    free(s);
    s = without_lines(chromium_offer, "a=rtcp-mux");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "rtcp-mux");
    free(s);
    /* No codec we accept: opus and VP8 renamed. */
    char *s1 = replaced(chromium_offer, "opus/", "iLBC/");
    s = replaced(s1, "VP8/", "MPV/");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "no usable m-line");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "opus, VP8");
    free(s1);
    free(s);
    /* Plain RTP/AVP (no SRTP) is not usable. */
    s = replaced(chromium_offer, "UDP/TLS/RTP/SAVPF", "RTP/AVP");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "no usable m-line");
    free(s);
    /* Only a data channel. */
    s = (char *)"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\na=ice-ufrag:abcd\r\n"
                "a=ice-pwd:0123456789012345678901\r\na=setup:actpass\r\n";
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "no usable m-line");
    /* No m-line at all. */
    expect_answer_error(t, "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", DTLS13_ERR_UNSUPPORTED, "no m= line");
    /* A BUNDLE group naming no m-line of ours. */
    s = replaced(chromium_offer, "a=group:BUNDLE 0 1", "a=group:BUNDLE 7");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "no usable m-line");
    free(s);
    s = replaced(chromium_offer, "a=group:BUNDLE 0 1", "a=group:BUNDLE");
    expect_answer_error(t, s, DTLS13_ERR_UNSUPPORTED, "names no mid");
    free(s);
}

static void expect_parse_error(d13_test_state *t, const char *text, const char *message_part)
{
    dtls13_sdp_offer *o = (dtls13_sdp_offer *)1;
    char err[256] = "";
    int rc = dtls13_sdp_parse_offer(text, strlen(text), &o, err, sizeof(err));
    CHECK_EQ(rc, DTLS13_ERR_DECODE);
    CHECK(o == NULL);
    if (!strstr(err, message_part)) fprintf(stderr, "parse error \"%s\" lacks \"%s\"\n", err, message_part);
    CHECK(strstr(err, message_part) != NULL);
}

static void test_parse_errors(d13_test_state *t)
{
    expect_parse_error(t, "", "empty SDP");
    expect_parse_error(t, "\r\n\r\n", "empty SDP");
    expect_parse_error(t, "hello world", "SDP line 1: not a <type>=<value> line");
    expect_parse_error(t, "o=- 1 1 IN IP4 0.0.0.0\r\nv=0\r\n", "SDP line 1: an SDP starts with v=0");
    expect_parse_error(t, "v=1\r\n", "unsupported SDP version");
    expect_parse_error(t, "v=0\r\nv=0\r\n", "SDP line 2: a second v= line");
    expect_parse_error(t, "v=0\r\nX=1\r\n", "SDP line 2");
    expect_parse_error(t, "v=0\r\nm=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n", "port is not 0-65535");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 200\r\n", "payload type is not 0-127");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF\r\n", "without formats");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 111\r\n", "payload type 111 twice");
    expect_parse_error(t, "v=0\r\nm=audio\r\n", "port missing");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n", "clock rate");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:x opus/48000\r\n", "payload type");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:sometimes\r\n", "unknown a=setup");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp\r\n", "a=candidate");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 1 h 1 type host\r\n",
                       "a=candidate");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ssrc:x cname:a\r\n", "a=ssrc");
    expect_parse_error(t, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:\r\n", "empty a=mid");
    expect_parse_error(t, "v=0\r\na=fingerprint:sha-256\r\n", "a=fingerprint");
    expect_parse_error(t, "v=0\r\na=group:BUNDLE 0\r\na=group:BUNDLE 1\r\n", "second a=group:BUNDLE");
    expect_parse_error(t, "v=0\r\na=\r\n", "attribute name");
    expect_parse_error(t, "v=0\r\na=ice-ufrag:ab\001c\r\n", "a=ice-ufrag");
    /* A NUL byte inside a value. */
    static const char with_nul[] = "v=0\r\na=ice-pwd:abc\0def\r\n";
    dtls13_sdp_offer *o = NULL;
    char err[256];
    CHECK_EQ(dtls13_sdp_parse_offer(with_nul, sizeof(with_nul) - 1, &o, err, sizeof(err)), DTLS13_ERR_DECODE);
    CHECK(o == NULL);

    /* Limits: line length, m-lines, payload types, total size. */
    size_t big = DTLS13_SDP_MAX_LINE + 16;
    char *longline = malloc(big + 32);
    strcpy(longline, "v=0\r\ns=");
    memset(longline + 7, 'x', big);
    strcpy(longline + 7 + big, "\r\n");
    expect_parse_error(t, longline, "longer than");
    free(longline);
    char many[4096] = "v=0\r\n";
    for (unsigned i = 0; i <= DTLS13_SDP_MAX_MEDIA; i++) strcat(many, "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
    expect_parse_error(t, many, "more than 16 m= lines");
    char pts[1024] = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF";
    for (unsigned i = 0; i <= DTLS13_SDP_MAX_FORMATS; i++) {
        char n[8];
        snprintf(n, sizeof(n), " %u", i);
        strcat(pts, n);
    }
    strcat(pts, "\r\n");
    expect_parse_error(t, pts, "payload types (at most 64)");
    char *huge = calloc(1, DTLS13_SDP_MAX_TEXT + 2);
    memset(huge, '\n', DTLS13_SDP_MAX_TEXT + 1);
    CHECK_EQ(dtls13_sdp_parse_offer(huge, DTLS13_SDP_MAX_TEXT + 1, &o, err, sizeof(err)), DTLS13_ERR_DECODE);
    CHECK(strstr(err, "larger than") != NULL);
    free(huge);

    CHECK_EQ(dtls13_sdp_parse_offer(NULL, 0, &o, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_sdp_parse_offer("v=0", 3, NULL, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_sdp_parse_offer("v=0", 3, &o, NULL, 0), 0); /* no error buffer is fine */
    dtls13_sdp_offer_free(o);
}

/* Many candidates: the first 32 are kept and the rest counted. */
static void test_candidate_limit(d13_test_state *t)
{
    size_t cap = 64 * 1024;
    char *text = malloc(cap);
    snprintf(text, cap, "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
    for (unsigned i = 0; i < DTLS13_SDP_MAX_CANDIDATES + 8; i++) {
        size_t n = strlen(text);
        snprintf(text + n, cap - n, "a=candidate:%u 1 udp 2122260223 10.0.0.%u %u typ host\r\n", i, i, 40000 + i);
    }
    dtls13_sdp_offer *o = parse_ok(t, text);
    if (o) {
        CHECK_EQ(o->media[0]->candidate_count, DTLS13_SDP_MAX_CANDIDATES);
        CHECK_EQ(o->media[0]->candidates_dropped, 8);
        CHECK(strcmp(o->media[0]->candidates[31].address, "10.0.0.31") == 0);
        dtls13_sdp_offer_free(o);
    }
    free(text);
}

static void test_bundle_variants(d13_test_state *t)
{
    dtls13_sdp_answer_options opts;
    our_options(&opts);
    char err[256];
    /* No BUNDLE: only the first usable m-line is answered. */
    char *s = without_lines(chromium_offer, "a=group:BUNDLE");
    dtls13_sdp_offer *o = parse_ok(t, s);
    dtls13_sdp_answer *a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        CHECK(a->media[0].accepted && !a->media[1].accepted);
        CHECK(strstr(a->text, "a=group:BUNDLE") == NULL);
        CHECK(strstr(a->text, "\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n") != NULL);
    }
    dtls13_sdp_answer_free(a);
    dtls13_sdp_offer_free(o);
    free(s);
    /* max-bundle: the second m-line has port 0 and a=bundle-only, and
     * neither ICE nor DTLS attributes: it shares the first one's transport. */
    char *s1 = replaced(chromium_offer, "m=video 9 ", "m=video 0 ");
    s = replaced(s1, "a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
    o = parse_ok(t, s);
    a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        CHECK(a->media[0].accepted && a->media[1].accepted);
        CHECK(strstr(a->text, "a=group:BUNDLE 0 1\r\n") != NULL);
    }
    dtls13_sdp_answer_free(a);
    dtls13_sdp_offer_free(o);
    free(s1);
    free(s);
    /* The offerer rejected audio (port 0, no bundle-only): video carries the transport. */
    s = replaced(chromium_offer, "m=audio 9 ", "m=audio 0 ");
    o = parse_ok(t, s);
    a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        CHECK(!a->media[0].accepted && a->media[1].accepted);
        CHECK_EQ(a->transport_media, 1);
        CHECK(strstr(a->text, "a=group:BUNDLE 1\r\n") != NULL);
        CHECK(strstr(a->text, "\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\n") != NULL);
    }
    dtls13_sdp_answer_free(a);
    dtls13_sdp_offer_free(o);
    free(s);
}

static void test_directions_and_codecs(d13_test_state *t)
{
    dtls13_sdp_answer_options opts;
    our_options(&opts);
    char err[256];
    /* A WHIP publisher (sendonly) gets recvonly and no SSRC of ours. */
    char *s = replaced(chromium_offer, "a=sendrecv", "a=sendonly");
    dtls13_sdp_offer *o = parse_ok(t, s);
    dtls13_sdp_answer *a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        CHECK_EQ(a->media[0].direction, DTLS13_SDP_RECVONLY);
        CHECK_EQ(a->media[0].ssrc, 0);
        CHECK(strstr(a->text, "\r\na=recvonly\r\n") != NULL);
        CHECK(strstr(a->text, "a=ssrc:") == NULL && strstr(a->text, "a=msid:") == NULL);
    }
    dtls13_sdp_answer_free(a);
    dtls13_sdp_offer_free(o);
    free(s);
    s = replaced(chromium_offer, "a=sendrecv", "a=recvonly");
    o = parse_ok(t, s);
    a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        CHECK_EQ(a->media[1].direction, DTLS13_SDP_SENDONLY);
        CHECK(a->media[1].ssrc != 0);
    }
    dtls13_sdp_answer_free(a);
    dtls13_sdp_offer_free(o);
    free(s);
    /* Our preference order picks among what the offer has; every payload
     * type of an accepted name is kept (several H264 profiles). */
    static const char *const video[] = {"H264", "VP9"};
    opts.video_codecs = video;
    opts.video_codec_count = 2;
    o = parse_ok(t, chromium_offer);
    a = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) {
        static const uint8_t expected[] = {103, 107, 109, 115, 117, 39, 98, 100};
        CHECK_EQ(a->media[1].payload_type_count, sizeof(expected));
        CHECK_MEM(a->media[1].payload_types, expected, sizeof(expected));
        CHECK(strstr(a->text, "\r\nm=video 9 UDP/TLS/RTP/SAVPF 103 107 109 115 117 39 98 100\r\n") != NULL);
        CHECK(strstr(a->text, "\r\na=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"));
    }
    dtls13_sdp_answer_free(a);
    dtls13_sdp_offer_free(o);
}

static void test_bad_options(d13_test_state *t)
{
    dtls13_sdp_offer *o = parse_ok(t, chromium_offer);
    dtls13_sdp_answer *a = NULL;
    char err[256];
    dtls13_sdp_answer_options opts;
    our_options(&opts);
    opts.fingerprint = NULL;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    our_options(&opts);
    opts.ice_ufrag = "bad\r\na=inject";
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    our_options(&opts);
    opts.setup = DTLS13_SDP_SETUP_ACTPASS;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    our_options(&opts);
    CHECK_EQ(dtls13_sdp_answer_offer(NULL, &opts, &a, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_sdp_answer_offer(o, NULL, &a, err, sizeof(err)), DTLS13_ERR_INVALID_ARG);
    /* A candidate line with a line break is left out, not injected. */
    static const char *const evil[] = {"candidate:1 1 UDP 1 127.0.0.1 1 typ host\r\na=setup:passive"};
    opts.candidates = evil;
    opts.candidate_count = 1;
    CHECK_EQ(dtls13_sdp_answer_offer(o, &opts, &a, err, sizeof(err)), 0);
    if (a) CHECK(strstr(a->text, "a=setup:passive") == NULL);
    dtls13_sdp_answer_free(a);
    CHECK_EQ(dtls13_sdp_answer_media_for_payload_type(NULL, 96), -1);
    CHECK(strcmp(dtls13_sdp_direction_name(DTLS13_SDP_INACTIVE), "inactive") == 0);
    CHECK(strcmp(dtls13_sdp_setup_name(DTLS13_SDP_SETUP_NONE), "") == 0);
    dtls13_sdp_offer_free(o);
    dtls13_sdp_answer_free(NULL);
    dtls13_sdp_offer_free(NULL);
}

/* Every prefix of both offers: parsing fails cleanly with a message or
 * succeeds, and answering what parsed never crashes. Prefixes ending at a
 * line end parse. */
static void test_every_truncation(d13_test_state *t)
{
    const char *offers[] = {chromium_offer, firefox_offer};
    size_t parsed = 0, answered = 0, failed_without_message = 0, line_prefix_failures = 0;
    for (size_t k = 0; k < 2; k++) {
        size_t len = strlen(offers[k]);
        for (size_t n = 0; n <= len; n++) {
            char *copy = malloc(n ? n : 1); /* exact size, so ASan sees any overread */
            memcpy(copy, offers[k], n);
            dtls13_sdp_offer *o = NULL;
            char err[256] = "";
            int rc = dtls13_sdp_parse_offer(copy, n, &o, err, sizeof(err));
            bool at_line_end = n > 0 && offers[k][n - 1] == '\n';
            if (rc < 0) {
                if (err[0] == '\0') failed_without_message++;
                if (at_line_end) line_prefix_failures++;
            } else {
                parsed++;
                dtls13_sdp_answer_options opts;
                our_options(&opts);
                dtls13_sdp_answer *a = NULL;
                char aerr[256] = "";
                if (dtls13_sdp_answer_offer(o, &opts, &a, aerr, sizeof(aerr)) == 0)
                    answered++;
                else if (aerr[0] == '\0')
                    failed_without_message++;
                dtls13_sdp_answer_free(a);
                dtls13_sdp_offer_free(o);
            }
            free(copy);
        }
    }
    CHECK_EQ(failed_without_message, 0);
    CHECK_EQ(line_prefix_failures, 0);
    CHECK(parsed > 1000);
    CHECK(answered > 100);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_chromium_offer_parses);
    RUN_TEST(&st, test_chromium_answer);
    RUN_TEST(&st, test_firefox_offer);
    RUN_TEST(&st, test_setup_rules);
    RUN_TEST(&st, test_offer_errors);
    RUN_TEST(&st, test_parse_errors);
    RUN_TEST(&st, test_candidate_limit);
    RUN_TEST(&st, test_bundle_variants);
    RUN_TEST(&st, test_directions_and_codecs);
    RUN_TEST(&st, test_bad_options);
    RUN_TEST(&st, test_every_truncation);
    TEST_MAIN_END(&st);
}
