/* Stateless HelloRetryRequest cookies: encoding, verification, rotation. */
#include "handshake/cookie.h"

#include <string.h>

#include "dtls13/constants.h"
#include "wire/reader.h"
#include "wire/writer.h"

/** Longest peer address the MAC input holds (a sockaddr_storage is 128). */
#define COOKIE_MAX_ADDR 256

int d13_cookie_secrets_init(d13_cookie_secrets *s, uint32_t lifetime_ms)
{
    if (!s || lifetime_ms == 0) return DTLS13_ERR_INVALID_ARG;
    memset(s, 0, sizeof(*s));
    s->lifetime_ms = lifetime_ms;
    if (d13_random(s->current, sizeof(s->current)) || d13_random(s->previous, sizeof(s->previous))) {
        d13_cookie_secrets_clear(s);
        return DTLS13_ERR_CRYPTO;
    }
    return DTLS13_OK;
}

int d13_cookie_secrets_update(d13_cookie_secrets *s, uint64_t now_ms)
{
    uint64_t period = now_ms / s->lifetime_ms;
    if (!s->anchored) {
        s->anchored = true;
        s->period = period;
        return DTLS13_OK;
    }
    if (period <= s->period) return DTLS13_OK;
    if (period == s->period + 1) {
        memcpy(s->previous, s->current, sizeof(s->previous));
    } else if (d13_random(s->previous, sizeof(s->previous))) {
        return DTLS13_ERR_CRYPTO;
    }
    if (d13_random(s->current, sizeof(s->current))) return DTLS13_ERR_CRYPTO;
    s->period = period;
    return DTLS13_OK;
}

void d13_cookie_secrets_clear(d13_cookie_secrets *s)
{
    if (s) d13_cleanse(s, sizeof(*s));
}

int d13_cookie_hash_message(d13_hash_alg alg, uint8_t msg_type, const uint8_t *body, size_t len,
                            uint8_t *scratch, size_t scratch_cap, uint8_t *out)
{
    if (len >= (1u << 24)) return DTLS13_ERR_INVALID_ARG;
    d13_writer w;
    d13_writer_init(&w, scratch, scratch_cap);
    d13_write_u8(&w, msg_type);
    d13_write_u24(&w, (uint32_t)len);
    d13_write_bytes(&w, body, len);
    if (d13_writer_failed(&w)) return DTLS13_ERR_BUFFER_TOO_SMALL;
    return d13_hash(NULL, alg, scratch, d13_writer_len(&w), out);
}

/* The secret for a timestamp: the current period's or the previous one's. */
static const uint8_t *secret_for(const d13_cookie_secrets *s, uint64_t timestamp_ms)
{
    if (!s->anchored) return NULL;
    uint64_t period = timestamp_ms / s->lifetime_ms;
    if (period == s->period) return s->current;
    if (s->period > 0 && period == s->period - 1) return s->previous;
    return NULL;
}

/* Whether an authenticated timestamp is still fresh at now_ms. */
static d13_cookie_status freshness(const d13_cookie_secrets *s, uint64_t timestamp_ms, uint64_t now_ms)
{
    if (timestamp_ms > now_ms) {
        if (timestamp_ms - now_ms > D13_COOKIE_CLOCK_SKEW_MS) return D13_COOKIE_FUTURE;
    } else if (now_ms - timestamp_ms > s->lifetime_ms) {
        return D13_COOKIE_EXPIRED;
    }
    return D13_COOKIE_OK;
}

/* A DTLS 1.3 suite. */
static bool suite_known(uint16_t suite)
{
    return suite == DTLS13_TLS_AES_128_GCM_SHA256 || suite == DTLS13_TLS_AES_256_GCM_SHA384 ||
           suite == DTLS13_TLS_CHACHA20_POLY1305_SHA256;
}

/* mac = HMAC-SHA256(secret, fields || addr) where fields is the cookie
 * without its MAC. */
static int cookie_mac(const uint8_t *secret, const uint8_t *fields, size_t fields_len, const void *addr,
                      size_t addr_len, uint8_t *mac)
{
    uint8_t input[D13_COOKIE_FIXED_LEN + D13_MAX_HASH_LEN + COOKIE_MAX_ADDR];
    d13_writer w;
    d13_writer_init(&w, input, sizeof(input));
    d13_write_bytes(&w, fields, fields_len);
    if (addr_len) d13_write_bytes(&w, addr, addr_len);
    if (d13_writer_failed(&w)) return DTLS13_ERR_INVALID_ARG;
    int rc = d13_hmac(NULL, D13_HASH_SHA256, secret, D13_COOKIE_SECRET_LEN, input, d13_writer_len(&w), mac);
    d13_cleanse(input, sizeof(input));
    return rc;
}

int d13_cookie_encode(const d13_cookie_secrets *s, const d13_cookie_params *p, const void *addr,
                      size_t addr_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!s || !p || !out || !out_len || (!addr && addr_len) || addr_len > COOKIE_MAX_ADDR ||
        !suite_known(p->suite) || p->hash_len != d13_hash_len(d13_suite_hash(p->suite)))
        return DTLS13_ERR_INVALID_ARG;
    const uint8_t *secret = secret_for(s, p->timestamp_ms);
    if (!secret || secret != s->current) return DTLS13_ERR_INVALID_ARG;
    d13_writer w;
    d13_writer_init(&w, out, cap);
    d13_write_u8(&w, D13_COOKIE_FORMAT);
    d13_write_u8(&w, p->flags);
    d13_write_u64(&w, p->timestamp_ms);
    d13_write_u16(&w, p->suite);
    d13_write_u16(&w, p->group);
    d13_write_bytes(&w, p->ch1_hash, p->hash_len);
    uint8_t *mac = d13_write_reserve(&w, D13_COOKIE_MAC_LEN);
    if (d13_writer_failed(&w) || !mac) return DTLS13_ERR_BUFFER_TOO_SMALL;
    int rc = cookie_mac(secret, out, D13_COOKIE_FIXED_LEN + p->hash_len, addr, addr_len, mac);
    if (rc) return rc;
    *out_len = d13_writer_len(&w);
    return DTLS13_OK;
}

d13_cookie_status d13_cookie_verify(const d13_cookie_secrets *s, const uint8_t *cookie, size_t len,
                                    const void *addr, size_t addr_len, uint64_t now_ms, d13_cookie_params *p)
{
    if (!s || !p || (!cookie && len) || (!addr && addr_len) || addr_len > COOKIE_MAX_ADDR)
        return D13_COOKIE_MALFORMED;
    memset(p, 0, sizeof(*p));
    d13_reader r;
    d13_reader_init(&r, cookie, len);
    uint8_t format = 0;
    d13_read_u8(&r, &format);
    d13_read_u8(&r, &p->flags);
    d13_read_u64(&r, &p->timestamp_ms);
    d13_read_u16(&r, &p->suite);
    d13_read_u16(&r, &p->group);
    if (d13_reader_failed(&r) || format != D13_COOKIE_FORMAT || !suite_known(p->suite) ||
        (p->flags & ~(D13_COOKIE_FLAG_KEY_SHARE | D13_COOKIE_FLAG_DRAFT43)))
        return D13_COOKIE_MALFORMED;
    p->hash_len = d13_hash_len(d13_suite_hash(p->suite));
    if (len != D13_COOKIE_FIXED_LEN + p->hash_len + D13_COOKIE_MAC_LEN) return D13_COOKIE_MALFORMED;
    d13_read_copy(&r, p->ch1_hash, p->hash_len);
    uint8_t mac[D13_COOKIE_MAC_LEN];
    d13_read_copy(&r, mac, sizeof(mac));
    if (d13_reader_failed(&r) || !d13_reader_done(&r)) return D13_COOKIE_MALFORMED;

    /* Authenticate before trusting the timestamp; a timestamp outside the
     * two kept periods has no secret any more. */
    const uint8_t *secret = secret_for(s, p->timestamp_ms);
    if (!secret) return p->timestamp_ms > now_ms ? D13_COOKIE_FUTURE : D13_COOKIE_EXPIRED;
    uint8_t fields[D13_COOKIE_FIXED_LEN + D13_MAX_HASH_LEN];
    d13_reader_init(&r, cookie, len);
    d13_read_copy(&r, fields, D13_COOKIE_FIXED_LEN + p->hash_len);
    uint8_t expected[D13_COOKIE_MAC_LEN];
    if (cookie_mac(secret, fields, D13_COOKIE_FIXED_LEN + p->hash_len, addr, addr_len, expected))
        return D13_COOKIE_MALFORMED;
    bool mac_ok = d13_ct_equal(mac, expected, sizeof(mac));
    d13_cleanse(expected, sizeof(expected));
    if (!mac_ok) return D13_COOKIE_BAD_MAC;
    return freshness(s, p->timestamp_ms, now_ms);
}

/* format || timestamp || client_random: the authenticated fields of a
 * HelloVerifyRequest cookie (only the first two travel in it). */
#define COOKIE12_FIELDS_LEN (1 + 8 + 32)

static int cookie12_mac(const uint8_t *secret, uint64_t timestamp_ms, const uint8_t client_random[32],
                        const void *addr, size_t addr_len, uint8_t mac[D13_COOKIE_MAC_LEN])
{
    uint8_t fields[COOKIE12_FIELDS_LEN];
    d13_writer w;
    d13_writer_init(&w, fields, sizeof(fields));
    d13_write_u8(&w, D13_COOKIE12_FORMAT);
    d13_write_u64(&w, timestamp_ms);
    d13_write_bytes(&w, client_random, 32);
    if (d13_writer_failed(&w)) return DTLS13_ERR_INVALID_ARG;
    return cookie_mac(secret, fields, sizeof(fields), addr, addr_len, mac);
}

int d13_cookie12_encode(const d13_cookie_secrets *s, uint64_t now_ms, const uint8_t client_random[32],
                        const void *addr, size_t addr_len, uint8_t out[D13_COOKIE12_LEN])
{
    if (!s || !client_random || !out || (!addr && addr_len) || addr_len > COOKIE_MAX_ADDR)
        return DTLS13_ERR_INVALID_ARG;
    const uint8_t *secret = secret_for(s, now_ms);
    if (!secret || secret != s->current) return DTLS13_ERR_INVALID_ARG;
    uint8_t mac[D13_COOKIE_MAC_LEN];
    int rc = cookie12_mac(secret, now_ms, client_random, addr, addr_len, mac);
    if (rc) return rc;
    d13_writer w;
    d13_writer_init(&w, out, D13_COOKIE12_LEN);
    d13_write_u8(&w, D13_COOKIE12_FORMAT);
    d13_write_u64(&w, now_ms);
    d13_write_bytes(&w, mac, D13_COOKIE12_MAC_LEN);
    d13_cleanse(mac, sizeof(mac));
    return d13_writer_failed(&w) ? DTLS13_ERR_INVALID_ARG : DTLS13_OK;
}

d13_cookie_status d13_cookie12_verify(const d13_cookie_secrets *s, const uint8_t *cookie, size_t len,
                                      const uint8_t client_random[32], const void *addr, size_t addr_len,
                                      uint64_t now_ms)
{
    if (!s || !client_random || (!cookie && len) || (!addr && addr_len) || addr_len > COOKIE_MAX_ADDR)
        return D13_COOKIE_MALFORMED;
    d13_reader r;
    d13_reader_init(&r, cookie, len);
    uint8_t format = 0;
    uint64_t timestamp_ms = 0;
    d13_read_u8(&r, &format);
    d13_read_u64(&r, &timestamp_ms);
    if (d13_reader_failed(&r) || format != D13_COOKIE12_FORMAT || len != D13_COOKIE12_LEN) return D13_COOKIE_MALFORMED;
    const uint8_t *secret = secret_for(s, timestamp_ms);
    if (!secret) return timestamp_ms > now_ms ? D13_COOKIE_FUTURE : D13_COOKIE_EXPIRED;
    uint8_t expected[D13_COOKIE_MAC_LEN];
    if (cookie12_mac(secret, timestamp_ms, client_random, addr, addr_len, expected)) return D13_COOKIE_MALFORMED;
    bool mac_ok = d13_ct_equal(cookie + 9, expected, D13_COOKIE12_MAC_LEN);
    d13_cleanse(expected, sizeof(expected));
    if (!mac_ok) return D13_COOKIE_BAD_MAC;
    return freshness(s, timestamp_ms, now_ms);
}
