/* libsrtp2 cipher types (AES-ICM-128/256, AES-GCM-128/256) and auth type
 * (HMAC-SHA1) over the libcrypto primitives of src/crypto/srtp_prims.h,
 * with the known-answer tests libsrtp2 runs before it accepts them. See
 * srtp_crypto.h for why; the semantics each function must have are those
 * of libsrtp2's srtp_cipher_type_t / srtp_auth_type_t (cipher.h, auth.h). */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/srtp_prims.h"
#include "srtp/srtp_crypto.h"
#include "srtp/srtp_crypto_kat.h"

/* Our types, defined at the end of the file (alloc needs their address). */
static const srtp_cipher_type_t icm_128_type;
static const srtp_cipher_type_t icm_256_type;
static const srtp_cipher_type_t gcm_128_type;
static const srtp_cipher_type_t gcm_256_type;
static const srtp_auth_type_t hmac_sha1_type;

/* ---- AES-ICM (RFC 3711 4.1.1): AES-CTR from salt XOR iv ---- */

/* RFC 3711 allows 2^16 keystream blocks per packet (libsrtp2's own
 * implementation refuses more with srtp_err_status_terminus). */
#define ICM_MAX_BLOCKS 0x10000u

typedef struct icm_state {
    d13_srtp_cipher *cipher;
    size_t key_size;                    /* 16 or 32 */
    uint8_t offset[D13_SRTP_CTR_IV_LEN]; /* master salt, last two bytes zero */
    size_t bytes_left;                  /* keystream left for this packet */
} icm_state;

/* Frees a cipher object and its state (also half-built ones). */
static void free_cipher_object(srtp_cipher_t *c, void (*free_state)(void *))
{
    if (c == NULL) return;
    if (c->state) free_state(c->state);
    free(c);
}

static void icm_state_free(void *p)
{
    icm_state *st = p;
    d13_srtp_cipher_free(st->cipher);
    d13_cleanse(st, sizeof(*st));
    free(st);
}

/* key_len is libsrtp2's "key with salt" length: 30 (AES-128) or 46. */
static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
    (void)tag_len;
    const srtp_cipher_type_t *type;
    d13_srtp_cipher_alg alg;
    int algorithm;
    if (cp == NULL) return srtp_err_status_bad_param;
    *cp = NULL;
    if (key_len == SRTP_AES_ICM_128_KEY_LEN_WSALT) {
        type = &icm_128_type;
        alg = D13_SRTP_AES_128_CTR;
        algorithm = SRTP_AES_ICM_128;
    } else if (key_len == SRTP_AES_ICM_256_KEY_LEN_WSALT) {
        type = &icm_256_type;
        alg = D13_SRTP_AES_256_CTR;
        algorithm = SRTP_AES_ICM_256;
    } else {
        return srtp_err_status_bad_param;
    }
    srtp_cipher_t *c = calloc(1, sizeof(*c));
    icm_state *st = calloc(1, sizeof(*st));
    if (c == NULL || st == NULL) {
        free(c);
        free(st);
        return srtp_err_status_alloc_fail;
    }
    c->state = st;
    st->key_size = d13_srtp_cipher_key_len(alg);
    st->cipher = d13_srtp_cipher_new(alg);
    if (st->cipher == NULL) {
        free_cipher_object(c, icm_state_free);
        return srtp_err_status_alloc_fail;
    }
    c->type = type;
    c->key_len = key_len;
    c->algorithm = algorithm;
    *cp = c;
    return srtp_err_status_ok;
}

static srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t c)
{
    free_cipher_object(c, icm_state_free);
    return srtp_err_status_ok;
}

/* key: the AES key followed by the 14-byte master salt. */
static srtp_err_status_t icm_init(void *state, const uint8_t *key)
{
    icm_state *st = state;
    if (st == NULL || key == NULL) return srtp_err_status_bad_param;
    memset(st->offset, 0, sizeof(st->offset));
    memcpy(st->offset, key + st->key_size, SRTP_SALT_LEN);
    st->bytes_left = 0;
    return d13_srtp_cipher_set_key(st->cipher, key, st->key_size) == 0 ? srtp_err_status_ok
                                                                      : srtp_err_status_init_fail;
}

/* iv: the 16-byte block libsrtp2 builds (SSRC, index, KDF label); the
 * first counter block is iv XOR offset. */
static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t direction)
{
    (void)direction;
    icm_state *st = state;
    if (st == NULL || iv == NULL) return srtp_err_status_bad_param;
    uint8_t counter[D13_SRTP_CTR_IV_LEN];
    for (size_t i = 0; i < sizeof(counter); i++) counter[i] = (uint8_t)(iv[i] ^ st->offset[i]);
    unsigned low16 = ((unsigned)counter[14] << 8) | counter[15];
    st->bytes_left = (size_t)(ICM_MAX_BLOCKS - low16) * 16u;
    return d13_srtp_cipher_start(st->cipher, counter, true) == 0 ? srtp_err_status_ok : srtp_err_status_cipher_fail;
}

/* Encryption and decryption are the same keystream XOR, in place. */
static srtp_err_status_t icm_crypt(void *state, uint8_t *buffer, unsigned int *len)
{
    icm_state *st = state;
    if (st == NULL || len == NULL || (buffer == NULL && *len > 0)) return srtp_err_status_bad_param;
    if (*len > st->bytes_left) return srtp_err_status_terminus;
    if (d13_srtp_cipher_update(st->cipher, buffer, *len) != 0) return srtp_err_status_cipher_fail;
    st->bytes_left -= *len;
    return srtp_err_status_ok;
}

/* ---- AES-GCM (RFC 7714): the 12-byte IV comes from libsrtp2 ---- */

typedef struct gcm_state {
    d13_srtp_cipher *cipher;
    size_t key_size;
    unsigned tag_len;              /* 8 or 16 */
    srtp_cipher_direction_t dir;  /* of the packet under way */
} gcm_state;

static void gcm_state_free(void *p)
{
    gcm_state *st = p;
    d13_srtp_cipher_free(st->cipher);
    d13_cleanse(st, sizeof(*st));
    free(st);
}

/* key_len: 28 (AES-128 key + 12-byte salt) or 44; tag_len 8 or 16. */
static srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t *cp, int key_len, int tag_len)
{
    const srtp_cipher_type_t *type;
    d13_srtp_cipher_alg alg;
    int algorithm;
    if (cp == NULL) return srtp_err_status_bad_param;
    *cp = NULL;
    if (key_len == SRTP_AES_GCM_128_KEY_LEN_WSALT) {
        type = &gcm_128_type;
        alg = D13_SRTP_AES_128_GCM;
        algorithm = SRTP_AES_GCM_128;
    } else if (key_len == SRTP_AES_GCM_256_KEY_LEN_WSALT) {
        type = &gcm_256_type;
        alg = D13_SRTP_AES_256_GCM;
        algorithm = SRTP_AES_GCM_256;
    } else {
        return srtp_err_status_bad_param;
    }
    if (tag_len != 8 && tag_len != 16) return srtp_err_status_bad_param;
    srtp_cipher_t *c = calloc(1, sizeof(*c));
    gcm_state *st = calloc(1, sizeof(*st));
    if (c == NULL || st == NULL) {
        free(c);
        free(st);
        return srtp_err_status_alloc_fail;
    }
    c->state = st;
    st->key_size = d13_srtp_cipher_key_len(alg);
    st->tag_len = (unsigned)tag_len;
    st->dir = srtp_direction_any;
    st->cipher = d13_srtp_cipher_new(alg);
    if (st->cipher == NULL) {
        free_cipher_object(c, gcm_state_free);
        return srtp_err_status_alloc_fail;
    }
    c->type = type;
    c->key_len = key_len;
    c->algorithm = algorithm;
    *cp = c;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_dealloc(srtp_cipher_pointer_t c)
{
    free_cipher_object(c, gcm_state_free);
    return srtp_err_status_ok;
}

/* key: the AES key (libsrtp2 handles the salt itself for GCM). */
static srtp_err_status_t gcm_init(void *state, const uint8_t *key)
{
    gcm_state *st = state;
    if (st == NULL || key == NULL) return srtp_err_status_bad_param;
    st->dir = srtp_direction_any;
    return d13_srtp_cipher_set_key(st->cipher, key, st->key_size) == 0 ? srtp_err_status_ok
                                                                      : srtp_err_status_init_fail;
}

static srtp_err_status_t gcm_set_iv(void *state, uint8_t *iv, srtp_cipher_direction_t direction)
{
    gcm_state *st = state;
    if (st == NULL || iv == NULL) return srtp_err_status_bad_param;
    if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt)
        return srtp_err_status_bad_param;
    st->dir = srtp_direction_any;
    if (d13_srtp_cipher_start(st->cipher, iv, direction == srtp_direction_encrypt) != 0)
        return srtp_err_status_init_fail;
    st->dir = direction;
    return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *state, const uint8_t *aad, uint32_t aad_len)
{
    gcm_state *st = state;
    if (st == NULL || st->dir == srtp_direction_any) return srtp_err_status_bad_param;
    return d13_srtp_cipher_aad(st->cipher, aad, aad_len) == 0 ? srtp_err_status_ok : srtp_err_status_algo_fail;
}

/* Encrypts in place; the tag comes from gcm_get_tag. */
static srtp_err_status_t gcm_encrypt(void *state, uint8_t *buffer, unsigned int *len)
{
    gcm_state *st = state;
    if (st == NULL || len == NULL || st->dir != srtp_direction_encrypt) return srtp_err_status_bad_param;
    return d13_srtp_cipher_update(st->cipher, buffer, *len) == 0 ? srtp_err_status_ok : srtp_err_status_cipher_fail;
}

/* Writes the tag of the packet just encrypted; *len receives its length. */
static srtp_err_status_t gcm_get_tag(void *state, uint8_t *tag, uint32_t *len)
{
    gcm_state *st = state;
    if (st == NULL || tag == NULL || len == NULL || st->dir != srtp_direction_encrypt)
        return srtp_err_status_bad_param;
    st->dir = srtp_direction_any;
    if (d13_srtp_cipher_get_tag(st->cipher, tag, st->tag_len) != 0) return srtp_err_status_algo_fail;
    *len = st->tag_len;
    return srtp_err_status_ok;
}

/* buffer holds the ciphertext followed by the tag (*len covers both);
 * decrypts in place, checks the tag and leaves *len without it. */
static srtp_err_status_t gcm_decrypt(void *state, uint8_t *buffer, unsigned int *len)
{
    gcm_state *st = state;
    if (st == NULL || len == NULL || buffer == NULL || st->dir != srtp_direction_decrypt)
        return srtp_err_status_bad_param;
    if (*len < st->tag_len) return srtp_err_status_bad_param;
    unsigned int body = *len - st->tag_len;
    st->dir = srtp_direction_any;
    if (d13_srtp_cipher_update(st->cipher, buffer, body) != 0) return srtp_err_status_cipher_fail;
    if (d13_srtp_cipher_check_tag(st->cipher, buffer + body, st->tag_len) != 0) return srtp_err_status_auth_fail;
    *len = body;
    return srtp_err_status_ok;
}

/* ---- HMAC-SHA1 (RFC 2104), tag truncated to out_len ---- */

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len, int out_len)
{
    if (ap == NULL) return srtp_err_status_bad_param;
    *ap = NULL;
    if (key_len < 0 || out_len < 0 || out_len > D13_SRTP_SHA1_LEN) return srtp_err_status_bad_param;
    srtp_auth_t *a = calloc(1, sizeof(*a));
    d13_srtp_hmac *h = d13_srtp_hmac_new();
    if (a == NULL || h == NULL) {
        free(a);
        d13_srtp_hmac_free(h);
        return srtp_err_status_alloc_fail;
    }
    a->type = &hmac_sha1_type;
    a->state = h;
    a->out_len = out_len;
    a->key_len = key_len;
    a->prefix_len = 0;
    *ap = a;
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t a)
{
    if (a == NULL) return srtp_err_status_ok;
    d13_srtp_hmac_free(a->state);
    free(a);
    return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key, int key_len)
{
    if (state == NULL || key_len < 0) return srtp_err_status_bad_param;
    return d13_srtp_hmac_set_key(state, key, (size_t)key_len) == 0 ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

static srtp_err_status_t hmac_start(void *state)
{
    if (state == NULL) return srtp_err_status_bad_param;
    return d13_srtp_hmac_start(state) == 0 ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *data, int len)
{
    if (state == NULL || len < 0) return srtp_err_status_bad_param;
    return d13_srtp_hmac_update(state, data, (size_t)len) == 0 ? srtp_err_status_ok : srtp_err_status_auth_fail;
}

/* Adds the last len bytes, finishes and writes tag_len bytes of the MAC. */
static srtp_err_status_t hmac_compute(void *state, const uint8_t *data, int len, int tag_len, uint8_t *result)
{
    if (state == NULL || result == NULL || len < 0 || tag_len < 0 || tag_len > D13_SRTP_SHA1_LEN)
        return srtp_err_status_bad_param;
    uint8_t mac[D13_SRTP_SHA1_LEN];
    if (d13_srtp_hmac_update(state, data, (size_t)len) != 0 || d13_srtp_hmac_final(state, mac) != 0)
        return srtp_err_status_auth_fail;
    memcpy(result, mac, (size_t)tag_len);
    d13_cleanse(mac, sizeof(mac));
    return srtp_err_status_ok;
}

/* ---- the types; libsrtp2 runs their test_data in srtp_replace_*_type ---- */

static const srtp_cipher_type_t icm_128_type = {
    icm_alloc, icm_dealloc, icm_init, NULL, icm_crypt, icm_crypt, icm_set_iv, NULL,
    "AES-128 counter mode (libdtls13, libcrypto)", &d13_kat_icm_128, SRTP_AES_ICM_128,
};

static const srtp_cipher_type_t icm_256_type = {
    icm_alloc, icm_dealloc, icm_init, NULL, icm_crypt, icm_crypt, icm_set_iv, NULL,
    "AES-256 counter mode (libdtls13, libcrypto)", &d13_kat_icm_256, SRTP_AES_ICM_256,
};

static const srtp_cipher_type_t gcm_128_type = {
    gcm_alloc, gcm_dealloc, gcm_init, gcm_set_aad, gcm_encrypt, gcm_decrypt, gcm_set_iv, gcm_get_tag,
    "AES-128 GCM (libdtls13, libcrypto)", &d13_kat_gcm_128, SRTP_AES_GCM_128,
};

static const srtp_cipher_type_t gcm_256_type = {
    gcm_alloc, gcm_dealloc, gcm_init, gcm_set_aad, gcm_encrypt, gcm_decrypt, gcm_set_iv, gcm_get_tag,
    "AES-256 GCM (libdtls13, libcrypto)", &d13_kat_gcm_256, SRTP_AES_GCM_256,
};

static const srtp_auth_type_t hmac_sha1_type = {
    hmac_alloc, hmac_dealloc, hmac_init, hmac_compute, hmac_update, hmac_start,
    "HMAC-SHA1 (libdtls13, libcrypto)", &d13_kat_hmac_sha1, SRTP_HMAC_SHA1,
};

const srtp_cipher_type_t *d13_srtp_cipher_type(srtp_cipher_type_id_t id)
{
    switch (id) {
    case SRTP_AES_ICM_128: return &icm_128_type;
    case SRTP_AES_ICM_256: return &icm_256_type;
    case SRTP_AES_GCM_128: return &gcm_128_type;
    case SRTP_AES_GCM_256: return &gcm_256_type;
    default: return NULL;
    }
}

const srtp_auth_type_t *d13_srtp_auth_type(void)
{
    return &hmac_sha1_type;
}

unsigned d13_srtp_crypto_install(void)
{
    static const struct {
        srtp_cipher_type_id_t id;
        unsigned bit;
    } ciphers[] = {
        {SRTP_AES_ICM_128, D13_SRTP_CRYPTO_AES_ICM_128},
        {SRTP_AES_ICM_256, D13_SRTP_CRYPTO_AES_ICM_256},
        {SRTP_AES_GCM_128, D13_SRTP_CRYPTO_AES_GCM_128},
        {SRTP_AES_GCM_256, D13_SRTP_CRYPTO_AES_GCM_256},
    };
    unsigned installed = 0;
    for (size_t i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
        if (srtp_replace_cipher_type(d13_srtp_cipher_type(ciphers[i].id), ciphers[i].id) == srtp_err_status_ok)
            installed |= ciphers[i].bit;
    if (srtp_replace_auth_type(&hmac_sha1_type, SRTP_HMAC_SHA1) == srtp_err_status_ok)
        installed |= D13_SRTP_CRYPTO_HMAC_SHA1;
    return installed;
}
