/* libdtls13 - SDP offers from WebRTC browsers and our answers (RFC 8866
 * syntax, RFC 8829 JSEP offer/answer, RFC 8843 BUNDLE, RFC 8839 ICE,
 * RFC 8842 DTLS a=setup/a=fingerprint).
 *
 * dtls13_sdp_parse_offer() reads an offer (e.g. the body of a WHIP POST)
 * into a dtls13_sdp_offer: session and media sections, every attribute a
 * DTLS-SRTP endpoint needs (BUNDLE group, mid, rtcp-mux, ICE credentials
 * and options, candidates including mDNS ".local" hosts, fingerprints,
 * setup, codecs with rtpmap/fmtp/rtcp-fb, direction, msid, ssrc). Every
 * byte is read through the bounds-checked reader; sizes are capped by the
 * DTLS13_SDP_MAX_* limits below, so memory is bounded by the input.
 *
 * dtls13_sdp_answer_offer() negotiates an answer against our options (ICE
 * credentials and candidates, certificate fingerprint, our a=setup
 * preference, accepted codecs) and writes its text. The result also says
 * what the application must configure: the peer's ICE credentials,
 * candidates and fingerprint of the bundled transport, our DTLS role, and
 * per m-line the accepted payload types and the SSRC we send with.
 *
 * One transport is answered: the BUNDLE group's (its first mid, the
 * offerer's tagged m-line, RFC 8843 7.2) or, without a BUNDLE group, the
 * first usable m-line's. Other m-lines are rejected with port 0, as are
 * non-RTP m-lines (data channels) and m-lines without an acceptable codec.
 *
 * Errors come back as a negative dtls13_err and an English message in the
 * caller's buffer ("no a=fingerprint for the bundled transport", ...). */
#ifndef DTLS13_SDP_H
#define DTLS13_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dtls13/conn.h"
#include "dtls13/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest offer accepted, in bytes. */
#define DTLS13_SDP_MAX_TEXT 65536u
/** Longest line accepted (without its line end). */
#define DTLS13_SDP_MAX_LINE 4096u
/** Most m-lines in an offer. */
#define DTLS13_SDP_MAX_MEDIA 16u
/** Most payload types on one m-line. */
#define DTLS13_SDP_MAX_FORMATS 64u
/** Candidates kept per m-line (further ones are counted, not kept). */
#define DTLS13_SDP_MAX_CANDIDATES 32u
/** Fingerprints kept per level (further ones are ignored). */
#define DTLS13_SDP_MAX_FINGERPRINTS 4u
/** a=ssrc identifiers kept per m-line. */
#define DTLS13_SDP_MAX_SSRCS 16u
/** a=rtcp-fb values kept per payload type. */
#define DTLS13_SDP_MAX_FEEDBACK 12u
/** Size of the buffer for one fingerprint ("sha-512 " and 64 hex pairs). */
#define DTLS13_SDP_FINGERPRINT_LEN 208u
/** Size of the buffer for one candidate attribute value. */
#define DTLS13_SDP_CANDIDATE_LEN 320u
/** Size of the buffers for ICE credentials (RFC 8839: at most 256 chars). */
#define DTLS13_SDP_ICE_CRED_LEN 257u

/** a=setup values (RFC 4145, RFC 8842). NONE: the attribute is absent. */
typedef enum dtls13_sdp_setup {
    DTLS13_SDP_SETUP_NONE = 0,
    DTLS13_SDP_SETUP_ACTPASS = 1,
    DTLS13_SDP_SETUP_ACTIVE = 2,
    DTLS13_SDP_SETUP_PASSIVE = 3,
    DTLS13_SDP_SETUP_HOLDCONN = 4,
} dtls13_sdp_setup;

/** Media direction attributes (RFC 8866 6.7); SENDRECV when absent. */
typedef enum dtls13_sdp_direction {
    DTLS13_SDP_SENDRECV = 0,
    DTLS13_SDP_SENDONLY = 1,
    DTLS13_SDP_RECVONLY = 2,
    DTLS13_SDP_INACTIVE = 3,
} dtls13_sdp_direction;

/** One payload type of an m-line, with its a=rtpmap, a=fmtp and a=rtcp-fb
 *  (per payload type; "*" feedback is in dtls13_sdp_media). */
typedef struct dtls13_sdp_codec {
    uint8_t payload_type;
    bool has_rtpmap;        /**< false: no a=rtpmap (static payload type) */
    char name[32];          /**< encoding name as written ("VP8", "opus"), "" without rtpmap */
    uint32_t clock_rate;    /**< from rtpmap, 0 without */
    uint8_t channels;       /**< from rtpmap, 0 when not given */
    char fmtp[512];         /**< a=fmtp parameters, "" when none */
    size_t feedback_count;
    char feedback[DTLS13_SDP_MAX_FEEDBACK][64]; /**< a=rtcp-fb values ("nack pli") */
} dtls13_sdp_codec;

/** One a=candidate attribute, kept as written and split into its fields
 *  (RFC 8839 5.1). */
typedef struct dtls13_sdp_candidate {
    char line[DTLS13_SDP_CANDIDATE_LEN]; /**< "candidate:..." (no "a=", no line end) */
    uint8_t component;       /**< 1 RTP, 2 RTCP */
    char transport[8];       /**< "udp", "tcp" as written */
    uint32_t priority;
    char address[256];       /**< IP literal or FQDN */
    uint16_t port;
    char type[8];            /**< "host", "srflx", "prflx", "relay" */
    bool mdns;               /**< address is an mDNS name ending in ".local" */
} dtls13_sdp_candidate;

/** One a=ssrc identifier with its cname when given. */
typedef struct dtls13_sdp_ssrc {
    uint32_t ssrc;
    char cname[64];
} dtls13_sdp_ssrc;

/** One m-line with its attributes. ICE, fingerprint and setup fields are
 *  empty / NONE when the m-line does not carry them (the session level
 *  may); dtls13_sdp_answer_offer() resolves that. */
typedef struct dtls13_sdp_media {
    char kind[16];           /**< "audio", "video", "application", ... */
    uint16_t port;           /**< 0: rejected by the offerer, or bundle-only */
    char proto[48];          /**< "UDP/TLS/RTP/SAVPF" */
    char first_format[32];   /**< first fmt token as written (non-RTP m-lines have no payload types) */
    size_t codec_count;      /**< payload types of an RTP m-line, in m-line order */
    dtls13_sdp_codec *codecs;
    size_t wildcard_feedback_count;
    char wildcard_feedback[DTLS13_SDP_MAX_FEEDBACK][64]; /**< a=rtcp-fb:* values */
    char mid[64];            /**< a=mid, "" when absent */
    dtls13_sdp_direction direction;
    bool rtcp_mux, rtcp_mux_only, rtcp_rsize, bundle_only;
    char ice_ufrag[DTLS13_SDP_ICE_CRED_LEN];
    char ice_pwd[DTLS13_SDP_ICE_CRED_LEN];
    char ice_options[128];
    size_t fingerprint_count;
    char fingerprints[DTLS13_SDP_MAX_FINGERPRINTS][DTLS13_SDP_FINGERPRINT_LEN]; /**< "sha-256 AB:..." */
    dtls13_sdp_setup setup;
    size_t candidate_count;  /**< kept, at most DTLS13_SDP_MAX_CANDIDATES */
    size_t candidates_dropped; /**< beyond that limit */
    dtls13_sdp_candidate candidates[DTLS13_SDP_MAX_CANDIDATES];
    bool end_of_candidates;
    char msid[160];          /**< a=msid value, "" when absent */
    size_t ssrc_count;
    dtls13_sdp_ssrc ssrcs[DTLS13_SDP_MAX_SSRCS];
} dtls13_sdp_media;

/** A parsed offer. Session-level attributes apply to every m-line that
 *  does not override them. */
typedef struct dtls13_sdp_offer {
    char origin_session_id[32]; /**< o= sess-id */
    char ice_ufrag[DTLS13_SDP_ICE_CRED_LEN];
    char ice_pwd[DTLS13_SDP_ICE_CRED_LEN];
    char ice_options[128];
    bool ice_lite;
    size_t fingerprint_count;
    char fingerprints[DTLS13_SDP_MAX_FINGERPRINTS][DTLS13_SDP_FINGERPRINT_LEN];
    dtls13_sdp_setup setup;
    bool has_bundle;            /**< an a=group:BUNDLE line was present */
    size_t bundle_count;
    char bundle[DTLS13_SDP_MAX_MEDIA][64]; /**< mids of the BUNDLE group, in order */
    size_t media_count;
    dtls13_sdp_media *media[DTLS13_SDP_MAX_MEDIA];
} dtls13_sdp_offer;

/** Parses the offer text[0..len) (CRLF or LF line ends). On success *out
 *  receives the offer (free with dtls13_sdp_offer_free()) and 0 is
 *  returned. Otherwise *out is NULL, error (when error_cap > 0) receives
 *  a message naming the line, and the result is DTLS13_ERR_DECODE
 *  (malformed or over a limit), DTLS13_ERR_INVALID_ARG (NULL arguments)
 *  or DTLS13_ERR_NO_MEMORY. Semantic checks (fingerprint present, ...)
 *  are dtls13_sdp_answer_offer()'s. */
int dtls13_sdp_parse_offer(const char *text, size_t len, dtls13_sdp_offer **out, char *error, size_t error_cap);

/** Frees an offer. NULL is ignored. */
void dtls13_sdp_offer_free(dtls13_sdp_offer *offer);

/** Name of an a=setup value ("actpass", ...; "" for NONE). */
const char *dtls13_sdp_setup_name(dtls13_sdp_setup setup);

/** Name of a direction ("sendrecv", "sendonly", "recvonly", "inactive"). */
const char *dtls13_sdp_direction_name(dtls13_sdp_direction direction);

/** What we answer with. Start from dtls13_sdp_answer_options_init(). */
typedef struct dtls13_sdp_answer_options {
    const char *ice_ufrag;           /**< ours (required) */
    const char *ice_pwd;             /**< ours (required) */
    const char *const *candidates;   /**< our candidates, "a=candidate:..." or "candidate:..." */
    size_t candidate_count;
    const char *fingerprint;         /**< our certificate, "sha-256 AB:..." (required) */
    dtls13_sdp_setup setup;          /**< ACTIVE or PASSIVE: our answer to an actpass offer (default ACTIVE) */
    const char *const *audio_codecs; /**< accepted audio encoding names, preferred first (default "opus") */
    size_t audio_codec_count;
    const char *const *video_codecs; /**< accepted video encoding names, preferred first (default "VP8") */
    size_t video_codec_count;
    uint32_t ssrc_base;              /**< m-line i sends with SSRC ssrc_base + i (default 0x0d713000) */
    const char *cname;               /**< a=ssrc cname (default "dtls13") */
    const char *stream_id;           /**< a=msid stream id (default "dtls13-echo") */
    uint64_t session_id;             /**< o= sess-id (default 1) */
    bool ice_lite;                   /**< session-level a=ice-lite (RFC 8839 5.3): we only answer checks,
                                          the offerer is the controlling agent (default false) */
} dtls13_sdp_answer_options;

/** What was negotiated for one m-line of the offer (same index). */
typedef struct dtls13_sdp_answer_media {
    bool accepted;               /**< false: answered with port 0 */
    char kind[16];
    char mid[64];
    dtls13_sdp_direction direction; /**< ours */
    size_t payload_type_count;   /**< accepted payload types, in answer order */
    uint8_t payload_types[DTLS13_SDP_MAX_FORMATS];
    uint32_t ssrc;               /**< the SSRC we announced for sending, 0 when we do not send */
} dtls13_sdp_answer_media;

/** A negotiated answer. Pointers into the offer stay valid while it lives. */
typedef struct dtls13_sdp_answer {
    char *text;                  /**< the answer SDP, NUL-terminated, CRLF line ends */
    size_t text_len;
    dtls13_sdp_setup setup;      /**< ours: ACTIVE or PASSIVE */
    dtls13_role dtls_role;       /**< ACTIVE: DTLS client, PASSIVE: server */
    size_t transport_media;      /**< index of the m-line whose transport is used */
    const char *remote_ice_ufrag;
    const char *remote_ice_pwd;
    const char *remote_fingerprint; /**< the peer's fingerprint we expect ("sha-256 AB:...") */
    size_t remote_candidate_count;
    const dtls13_sdp_candidate *remote_candidates[DTLS13_SDP_MAX_CANDIDATES];
    size_t media_count;          /**< = the offer's */
    dtls13_sdp_answer_media media[DTLS13_SDP_MAX_MEDIA];
} dtls13_sdp_answer;

/** Fills opts with the defaults named above and no credentials,
 *  candidates or fingerprint. */
void dtls13_sdp_answer_options_init(dtls13_sdp_answer_options *opts);

/** Negotiates and writes the answer to offer. On success *out receives it
 *  (free with dtls13_sdp_answer_free()) and 0 is returned. Otherwise *out
 *  is NULL, error receives the reason and the result is
 *  DTLS13_ERR_INVALID_ARG (NULL or missing options: our credentials or
 *  fingerprint, a setup other than ACTIVE/PASSIVE),
 *  DTLS13_ERR_UNSUPPORTED (the offer cannot be answered: no usable m-line,
 *  no ICE credentials, no fingerprint of a supported hash, an a=setup we
 *  cannot answer such as holdconn, a bundled m-line without rtcp-mux) or
 *  DTLS13_ERR_NO_MEMORY. An absent a=setup counts as "active" (the RFC
 *  4145 default), which we answer with "passive". */
int dtls13_sdp_answer_offer(const dtls13_sdp_offer *offer, const dtls13_sdp_answer_options *opts,
                            dtls13_sdp_answer **out, char *error, size_t error_cap);

/** Frees an answer. NULL is ignored. */
void dtls13_sdp_answer_free(dtls13_sdp_answer *answer);

/** Index of the accepted m-line whose payload types include pt, or -1. */
int dtls13_sdp_answer_media_for_payload_type(const dtls13_sdp_answer *answer, uint8_t pt);

#ifdef __cplusplus
}
#endif
#endif
