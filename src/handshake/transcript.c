/* Handshake transcript hash. */
#include "handshake/transcript.h"

#include "wire/messages.h"

int d13_transcript_init(d13_transcript *t, const d13_algs *algs)
{
    t->algs = algs;
    t->chosen = false;
    t->alg = D13_HASH_SHA256;
    t->sha256 = d13_hash_new(algs, D13_HASH_SHA256);
    t->sha384 = d13_hash_new(algs, D13_HASH_SHA384);
    if (!t->sha256 || !t->sha384) {
        d13_transcript_free(t);
        return DTLS13_ERR_NO_MEMORY;
    }
    return DTLS13_OK;
}

static int add_raw(d13_transcript *t, const uint8_t *p, size_t len)
{
    if (t->sha256 && d13_hash_update(t->sha256, p, len)) return DTLS13_ERR_CRYPTO;
    if (t->sha384 && d13_hash_update(t->sha384, p, len)) return DTLS13_ERR_CRYPTO;
    return DTLS13_OK;
}

int d13_transcript_add(d13_transcript *t, uint8_t msg_type, const uint8_t *body, size_t len)
{
    if (len >= (1u << 24)) return DTLS13_ERR_INVALID_ARG;
    uint8_t hdr[D13_HS_TRANSCRIPT_HEADER_LEN] = {msg_type, (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                                                 (uint8_t)len};
    int rc = add_raw(t, hdr, sizeof(hdr));
    if (rc == 0 && len) rc = add_raw(t, body, len);
    return rc;
}

int d13_transcript_choose(d13_transcript *t, d13_hash_alg alg)
{
    if (t->chosen) return t->alg == alg ? DTLS13_OK : DTLS13_ERR_BAD_STATE;
    if (alg == D13_HASH_SHA256) {
        d13_hash_free(t->sha384);
        t->sha384 = NULL;
    } else if (alg == D13_HASH_SHA384) {
        d13_hash_free(t->sha256);
        t->sha256 = NULL;
    } else {
        return DTLS13_ERR_INVALID_ARG;
    }
    t->chosen = true;
    t->alg = alg;
    return DTLS13_OK;
}

static d13_hash_ctx *chosen_ctx(const d13_transcript *t)
{
    if (!t->chosen) return NULL;
    return t->alg == D13_HASH_SHA256 ? t->sha256 : t->sha384;
}

int d13_transcript_hash(const d13_transcript *t, uint8_t *out)
{
    d13_hash_ctx *ctx = chosen_ctx(t);
    if (!ctx) return DTLS13_ERR_BAD_STATE;
    return d13_hash_peek(ctx, out) ? DTLS13_ERR_CRYPTO : DTLS13_OK;
}

int d13_transcript_hrr_rewrite(d13_transcript *t)
{
    d13_hash_ctx *ctx = chosen_ctx(t);
    if (!ctx) return DTLS13_ERR_BAD_STATE;
    uint8_t ch1_hash[D13_MAX_HASH_LEN];
    size_t hlen = d13_hash_len(t->alg);
    if (d13_hash_peek(ctx, ch1_hash)) return DTLS13_ERR_CRYPTO;
    d13_hash_ctx *fresh = d13_hash_new(t->algs, t->alg);
    if (!fresh) return DTLS13_ERR_NO_MEMORY;
    d13_hash_free(ctx);
    if (t->alg == D13_HASH_SHA256) t->sha256 = fresh;
    else t->sha384 = fresh;
    return d13_transcript_add(t, D13_HS_MESSAGE_HASH, ch1_hash, hlen);
}

void d13_transcript_free(d13_transcript *t)
{
    d13_hash_free(t->sha256);
    d13_hash_free(t->sha384);
    t->sha256 = NULL;
    t->sha384 = NULL;
}
