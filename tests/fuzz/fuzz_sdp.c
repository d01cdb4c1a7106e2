/* Fuzz target for the SDP offer parser and the answer writer.
 *
 * Input: an offer as text. Invariants: parsing either fails with a
 * message or gives an offer within the DTLS13_SDP_MAX_* limits; answering
 * a parsed offer either fails with a message or gives an answer that our
 * own parser reads back with the same number of m-lines, and whose
 * accepted payload types all appear in the offer. Nothing crashes or leaks.
 *
 * Seeds in corpus/sdp/: the Chromium and Firefox offers of the unit tests. */
#include <stdint.h>
#include <string.h>

#include "dtls13/sdp.h"
#include "fuzz/fuzz_target.h"

static const char *const fuzz_candidates[] = {"a=candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host"};

static bool offer_has_pt(const dtls13_sdp_media *m, uint8_t pt)
{
    for (size_t i = 0; i < m->codec_count; i++)
        if (m->codecs[i].payload_type == pt) return true;
    return false;
}

static void check_answer(const dtls13_sdp_offer *offer, const dtls13_sdp_answer *a)
{
    FUZZ_CHECK(a->text != NULL && strlen(a->text) == a->text_len);
    FUZZ_CHECK(a->media_count == offer->media_count);
    FUZZ_CHECK(a->remote_ice_ufrag && a->remote_ice_ufrag[0] && a->remote_fingerprint);
    FUZZ_CHECK(a->dtls_role == (a->setup == DTLS13_SDP_SETUP_ACTIVE ? DTLS13_ROLE_CLIENT : DTLS13_ROLE_SERVER));
    for (size_t i = 0; i < a->media_count; i++)
        for (size_t j = 0; j < a->media[i].payload_type_count; j++)
            FUZZ_CHECK(offer_has_pt(offer->media[i], a->media[i].payload_types[j]));
    dtls13_sdp_offer *back = NULL;
    char err[256];
    int rc = dtls13_sdp_parse_offer(a->text, a->text_len, &back, err, sizeof(err));
    if (rc != 0) fprintf(stderr, "answer does not parse: %s\n%s\n", err, a->text);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(back->media_count == a->media_count);
    dtls13_sdp_offer_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dtls13_sdp_offer *offer = NULL;
    char err[256] = "";
    int rc = dtls13_sdp_parse_offer((const char *)data, size, &offer, err, sizeof(err));
    if (rc < 0) {
        FUZZ_CHECK(offer == NULL && err[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(offer->media_count <= DTLS13_SDP_MAX_MEDIA && offer->bundle_count <= DTLS13_SDP_MAX_MEDIA);
    for (size_t i = 0; i < offer->media_count; i++) {
        FUZZ_CHECK(offer->media[i]->codec_count <= DTLS13_SDP_MAX_FORMATS);
        FUZZ_CHECK(offer->media[i]->candidate_count <= DTLS13_SDP_MAX_CANDIDATES);
    }
    dtls13_sdp_answer_options opts;
    dtls13_sdp_answer_options_init(&opts);
    opts.ice_ufrag = "FuzU";
    opts.ice_pwd = "FuzzPasswordOf22Chars0";
    opts.fingerprint = "sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
    opts.candidates = fuzz_candidates;
    opts.candidate_count = 1;
    opts.setup = (size & 1) ? DTLS13_SDP_SETUP_PASSIVE : DTLS13_SDP_SETUP_ACTIVE;
    dtls13_sdp_answer *answer = NULL;
    err[0] = '\0';
    rc = dtls13_sdp_answer_offer(offer, &opts, &answer, err, sizeof(err));
    if (rc < 0)
        FUZZ_CHECK(answer == NULL && err[0] != '\0');
    else
        check_answer(offer, answer);
    dtls13_sdp_answer_free(answer);
    dtls13_sdp_offer_free(offer);
    return 0;
}
