/* Stateless listener (include/dtls13/listen.h): the cookie exchange of
 * RFC 9147 5.1 in front of the connection engine. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/errors.h"
#include "dtls13/listen.h"
#include "handshake/config_internal.h"
#include "handshake/cookie.h"
#include "handshake/engine.h"
#include "handshake/engine12.h"
#include "handshake/hello_cache.h"
#include "handshake/stateless_hello.h"
#include "record/record.h"
#include "wire/messages.h"
#include "wire/messages12.h"
#include "wire/reader.h"
#include "wire/writer.h"

#define MIN_LIFETIME_MS 1000u
#define MAX_LIFETIME_MS 600000u
/** Largest ClientHello the listener judges (the cache's message size). */
#define MAX_HELLO D13_HELLO_CACHE_MAX_MSG
/** Room for a HelloRetryRequest body (about 150 bytes). */
#define HRR_BODY_CAP 384
/** Anti-amplification factor before the address is validated (RFC 9147 5.1). */
#define AMPLIFICATION_FACTOR 3u

struct dtls13_listener {
    dtls13_config *cfg;
    dtls13_cookie_mode mode;
    bool under_load;
    d13_cookie_secrets secrets;
    d13_hello_cache cache;
    dtls13_listener_stats stats;
    uint8_t scratch[D13_HS_TRANSCRIPT_HEADER_LEN + MAX_HELLO]; /* transcript form for hashing */
};

/* A complete ClientHello found in a datagram or in the reassembly cache. */
typedef struct located_hello {
    const uint8_t *body;
    size_t len;
    uint16_t message_seq;
    uint64_t record_seq; /* highest record sequence number that carried it */
    uint64_t bytes_in;   /* datagram bytes it took */
    bool from_cache;
} located_hello;

typedef enum locate_result {
    LOCATE_FOUND = 0,
    LOCATE_PENDING = 1, /* a fragment was stored; the message is incomplete */
    LOCATE_INVALID = 2,
} locate_result;

/* What the listener decided for one ClientHello. */
typedef struct decision {
    dtls13_listen_result result;
    d13_stateless_choice choice;
    bool dtls12;              /* a DTLS 1.2 ClientHello: HelloVerifyRequest, legacy_cookie */
    uint8_t client_random[32]; /* when dtls12: what its cookie is bound to */
    bool has_cookie;          /* carries a cookie that verified */
    d13_cookie_params cookie; /* when has_cookie */
    const uint8_t *cookie_bytes;
    size_t cookie_len;
} decision;

dtls13_listener *dtls13_listener_new(dtls13_config *cfg, dtls13_cookie_mode mode)
{
    if (!cfg || !cfg->cert ||
        (mode != DTLS13_COOKIE_ALWAYS && mode != DTLS13_COOKIE_NEVER && mode != DTLS13_COOKIE_UNDER_LOAD))
        return NULL;
    dtls13_listener *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    if (d13_cookie_secrets_init(&l->secrets, DTLS13_DEFAULT_COOKIE_LIFETIME_MS) || d13_hello_cache_init(&l->cache)) {
        d13_cookie_secrets_clear(&l->secrets);
        free(l);
        return NULL;
    }
    d13_config_retain(cfg);
    l->cfg = cfg;
    l->mode = mode;
    return l;
}

void dtls13_listener_free(dtls13_listener *l)
{
    if (!l) return;
    d13_hello_cache_free(&l->cache);
    d13_config_release(l->cfg);
    d13_cleanse(l, sizeof(*l));
    free(l);
}

int dtls13_listener_set_cookie_lifetime_ms(dtls13_listener *l, uint32_t lifetime_ms)
{
    if (!l || lifetime_ms < MIN_LIFETIME_MS || lifetime_ms > MAX_LIFETIME_MS) return DTLS13_ERR_INVALID_ARG;
    /* New periods: fresh secrets; cookies issued before are no longer valid. */
    return d13_cookie_secrets_init(&l->secrets, lifetime_ms);
}

void dtls13_listener_set_under_load(dtls13_listener *l, bool under_load)
{
    if (l) l->under_load = under_load;
}

void dtls13_listener_get_stats(const dtls13_listener *l, dtls13_listener_stats *out)
{
    if (!out) return;
    memset(out, 0, sizeof(*out));
    if (!l) return;
    *out = l->stats;
    out->fragments_evicted = l->cache.evictions;
}

/* One handshake fragment of a ClientHello: the whole message, or a piece
 * for the cache (when store is set; otherwise the cache is only looked up). */
static locate_result take_fragment(dtls13_listener *l, const d13_hs_header *h, const d13_bytes *frag,
                                   uint64_t record_seq, size_t dgram_len, const void *addr, size_t addr_len,
                                   bool store, located_hello *out)
{
    if (h->msg_type != D13_HS_CLIENT_HELLO || h->message_seq > 1 || h->length > MAX_HELLO) return LOCATE_INVALID;
    if (h->fragment_offset == 0 && h->fragment_length == h->length) {
        out->body = frag->p;
        out->len = frag->len;
        out->message_seq = h->message_seq;
        out->record_seq = record_seq;
        out->bytes_in = dgram_len;
        out->from_cache = false;
        return LOCATE_FOUND;
    }
    const d13_hello_slot *slot = NULL;
    if (store) {
        d13_hello_add_result res = d13_hello_cache_add(&l->cache, addr, addr_len, h, frag, record_seq, dgram_len, &slot);
        if (res == D13_HELLO_REJECTED) return LOCATE_INVALID;
        l->stats.fragments_buffered++;
        if (res == D13_HELLO_STORED) return LOCATE_PENDING;
    } else {
        slot = d13_hello_cache_find_complete(&l->cache, addr, addr_len);
        if (!slot || slot->message_seq != h->message_seq || slot->length != h->length) return LOCATE_PENDING;
    }
    out->body = slot->body;
    out->len = slot->length;
    out->message_seq = slot->message_seq;
    out->record_seq = slot->max_record_seq;
    out->bytes_in = slot->bytes_in;
    out->from_cache = true;
    return LOCATE_FOUND;
}

/* Finds the ClientHello in a datagram: every record must be an epoch 0
 * DTLSPlaintext handshake record and every message in it a ClientHello. */
static locate_result locate_hello(dtls13_listener *l, const uint8_t *datagram, size_t len, const void *addr,
                                  size_t addr_len, bool store, located_hello *out)
{
    d13_reader r;
    d13_reader_init(&r, datagram, len);
    locate_result result = LOCATE_INVALID;
    while (d13_reader_remaining(&r) > 0) {
        d13_record_view rec;
        if (d13_record_next(&r, &rec) != D13_DROP_NONE || rec.is_ciphertext ||
            rec.content_type != D13_CT_HANDSHAKE || rec.epoch16 != 0)
            return LOCATE_INVALID;
        d13_reader body;
        d13_reader_init(&body, rec.payload, rec.payload_len);
        if (d13_reader_remaining(&body) == 0) return LOCATE_INVALID;
        while (d13_reader_remaining(&body) > 0) {
            d13_hs_header h;
            d13_bytes frag;
            if (d13_hs_header_read(&body, &h, &frag)) return LOCATE_INVALID;
            locate_result res = take_fragment(l, &h, &frag, rec.seq48, len, addr, addr_len, store, out);
            if (res != LOCATE_PENDING) return res; /* the first complete ClientHello decides */
            result = LOCATE_PENDING;
        }
    }
    return result;
}

/* A DTLS 1.2 ClientHello (RFC 6347 4.2.1, as DTLSv1_listen does): the
 * cookie travels in legacy_cookie, the HelloVerifyRequest answers a first
 * ClientHello (message_seq 0), the one echoing the cookie has message_seq 1. */
static void decide12(dtls13_listener *l, const located_hello *h, const d13_client_hello *ch, const void *addr,
                     size_t addr_len, uint64_t now_ms, bool need_cookie, decision *d)
{
    d->dtls12 = true;
    memcpy(d->client_random, ch->random, sizeof(d->client_random));
    if (ch->legacy_cookie.len == 0) {
        if (h->message_seq != 0) {
            l->stats.dropped_malformed++;
            return;
        }
        d->result = need_cookie ? DTLS13_LISTEN_SEND_HRR : DTLS13_LISTEN_ACCEPT;
        return;
    }
    if (h->message_seq != 1) {
        l->stats.dropped_malformed++;
        return;
    }
    d13_cookie_status st = d13_cookie12_verify(&l->secrets, ch->legacy_cookie.p, ch->legacy_cookie.len, ch->random,
                                               addr, addr_len, now_ms);
    if (st != D13_COOKIE_OK) {
        l->stats.cookies_invalid++;
        d->result = DTLS13_LISTEN_SEND_HRR; /* a fresh HelloVerifyRequest, never state */
        return;
    }
    d->has_cookie = true;
    d->result = DTLS13_LISTEN_ACCEPT;
}

/* The listener's judgement of a complete ClientHello. need_cookie: whether
 * a ClientHello without a valid cookie gets a HelloRetryRequest. */
static void decide(dtls13_listener *l, const located_hello *h, d13_client_hello *ch, const void *addr,
                   size_t addr_len, uint64_t now_ms, bool need_cookie, decision *d)
{
    memset(d, 0, sizeof(*d));
    d->result = DTLS13_LISTEN_DROP;
    if (d13_client_hello_decode(h->body, h->len, ch) || !d13_stateless_negotiate(l->cfg, ch, &d->choice)) {
        l->stats.dropped_unacceptable++;
        return;
    }
    if (d->choice.version == DTLS13_VERSION_DTLS12) {
        decide12(l, h, ch, addr, addr_len, now_ms, need_cookie, d);
        return;
    }
    if (!(ch->ext.present & D13_HAS_COOKIE)) {
        if (h->message_seq != 0) {
            l->stats.dropped_malformed++;
            return;
        }
        d->result = need_cookie ? DTLS13_LISTEN_SEND_HRR : DTLS13_LISTEN_ACCEPT;
        return;
    }
    if (h->message_seq != 1) {
        l->stats.dropped_malformed++;
        return;
    }
    d13_cookie_status st = d13_cookie_verify(&l->secrets, ch->ext.cookie.p, ch->ext.cookie.len, addr, addr_len,
                                             now_ms, &d->cookie);
    if (st != D13_COOKIE_OK) {
        l->stats.cookies_invalid++;
        d->result = DTLS13_LISTEN_SEND_HRR; /* a fresh one, never state */
        return;
    }
    /* The second ClientHello must be what the HelloRetryRequest asked for;
     * the engine would refuse it otherwise. */
    bool draft43 = d->choice.version == DTLS13_VERSION_DTLS13_DRAFT43;
    if (d->cookie.suite != d->choice.suite || d->cookie.group != d->choice.group || !d->choice.has_share ||
        draft43 != ((d->cookie.flags & D13_COOKIE_FLAG_DRAFT43) != 0)) {
        l->stats.dropped_unacceptable++;
        return;
    }
    d->has_cookie = true;
    d->cookie_bytes = ch->ext.cookie.p;
    d->cookie_len = ch->ext.cookie.len;
    d->result = DTLS13_LISTEN_ACCEPT;
}

/* The cookie of a HelloRetryRequest: what the server needs to rebuild the
 * transcript (cookie.h). */
static int make_cookie13(dtls13_listener *l, const located_hello *h, const decision *d, const void *addr,
                         size_t addr_len, uint64_t now_ms, uint8_t cookie[D13_COOKIE_MAX_LEN], size_t *cookie_len)
{
    d13_cookie_params p;
    memset(&p, 0, sizeof(p));
    p.flags = (uint8_t)((d->choice.has_share ? 0 : D13_COOKIE_FLAG_KEY_SHARE) |
                        (d->choice.version == DTLS13_VERSION_DTLS13_DRAFT43 ? D13_COOKIE_FLAG_DRAFT43 : 0));
    p.timestamp_ms = now_ms;
    p.suite = d->choice.suite;
    p.group = d->choice.group;
    d13_hash_alg alg = d13_suite_hash(p.suite);
    p.hash_len = d13_hash_len(alg);
    if (d13_cookie_hash_message(alg, D13_HS_CLIENT_HELLO, h->body, h->len, l->scratch, sizeof(l->scratch),
                                p.ch1_hash))
        return DTLS13_ERR_CRYPTO;
    return d13_cookie_encode(&l->secrets, &p, addr, addr_len, cookie, D13_COOKIE_MAX_LEN, cookie_len);
}

/* The cookie of a HelloVerifyRequest: 32 bytes (cookie.h). */
static int make_cookie12(dtls13_listener *l, const decision *d, const void *addr, size_t addr_len, uint64_t now_ms,
                         uint8_t cookie[D13_COOKIE_MAX_LEN], size_t *cookie_len)
{
    *cookie_len = D13_COOKIE12_LEN;
    return d13_cookie12_encode(&l->secrets, now_ms, d->client_random, addr, addr_len, cookie);
}

/* Writes the HelloRetryRequest datagram for h into out. */
static int write_hrr(dtls13_listener *l, const located_hello *h, const decision *d, const void *addr,
                     size_t addr_len, uint64_t now_ms, uint8_t *out, size_t out_cap, size_t *out_len)
{
    uint8_t cookie[D13_COOKIE_MAX_LEN];
    size_t cookie_len = 0;
    int rc = d->dtls12 ? make_cookie12(l, d, addr, addr_len, now_ms, cookie, &cookie_len)
                       : make_cookie13(l, h, d, addr, addr_len, now_ms, cookie, &cookie_len);
    if (rc) return rc;

    uint8_t body[HRR_BODY_CAP];
    d13_writer bw;
    d13_writer_init(&bw, body, sizeof(body));
    bool ok = d->dtls12 ? d13_stateless_hvr_encode(&bw, cookie, cookie_len)
                        : d13_stateless_hrr_encode(&bw, d->choice.version, d->choice.suite,
                                                   d->choice.has_share ? 0 : d->choice.group, cookie, cookie_len);
    if (!ok) return DTLS13_ERR_BUFFER_TOO_SMALL;
    size_t body_len = d13_writer_len(&bw);
    /* message_seq mirrors the ClientHello's: 0 for a first one; for one with
     * an invalid cookie the client then sees a second HRR and aborts. */
    uint8_t type = d->dtls12 ? D12_HS_HELLO_VERIFY_REQUEST : D13_HS_SERVER_HELLO;
    d13_hs_header hh = {type, (uint32_t)body_len, h->message_seq, 0, (uint32_t)body_len};
    uint8_t msg[D13_HS_HEADER_LEN + HRR_BODY_CAP];
    d13_writer mw;
    d13_writer_init(&mw, msg, sizeof(msg));
    d13_hs_header_write(&mw, &hh);
    d13_write_bytes(&mw, body, body_len);
    if (d13_writer_failed(&mw)) return DTLS13_ERR_BUFFER_TOO_SMALL;
    d13_writer ow;
    d13_writer_init(&ow, out, out_cap);
    if (!d13_plaintext_write(&ow, D13_CT_HANDSHAKE, 0, h->record_seq, msg, d13_writer_len(&mw)))
        return DTLS13_ERR_BUFFER_TOO_SMALL;
    *out_len = d13_writer_len(&ow);
    return DTLS13_OK;
}

static bool bad_args(const void *peer_addr, size_t peer_addr_len)
{
    return !peer_addr || peer_addr_len == 0 || peer_addr_len > DTLS13_LISTEN_MAX_ADDR;
}

int dtls13_listen(dtls13_listener *l, const uint8_t *datagram, size_t len, const void *peer_addr,
                  size_t peer_addr_len, uint64_t now_ms, uint8_t *out, size_t out_cap, size_t *out_len)
{
    if (!l || (!datagram && len) || bad_args(peer_addr, peer_addr_len) || !out || !out_len)
        return DTLS13_ERR_INVALID_ARG;
    *out_len = 0;
    l->stats.datagrams++;
    if (d13_cookie_secrets_update(&l->secrets, now_ms)) return DTLS13_ERR_CRYPTO;
    located_hello h;
    locate_result where = locate_hello(l, datagram, len, peer_addr, peer_addr_len, true, &h);
    if (where == LOCATE_PENDING) return DTLS13_LISTEN_DROP; /* a fragment, stored */
    if (where == LOCATE_INVALID) {
        l->stats.dropped_malformed++;
        return DTLS13_LISTEN_DROP;
    }
    d13_client_hello ch;
    decision d;
    bool need_cookie = l->mode == DTLS13_COOKIE_ALWAYS || (l->mode == DTLS13_COOKIE_UNDER_LOAD && l->under_load);
    decide(l, &h, &ch, peer_addr, peer_addr_len, now_ms, need_cookie, &d);
    if (d.result == DTLS13_LISTEN_ACCEPT) {
        l->stats.accepted++;
        return DTLS13_LISTEN_ACCEPT; /* a cached message stays for dtls13_listener_accept() */
    }
    if (h.from_cache) d13_hello_cache_release(&l->cache, peer_addr, peer_addr_len);
    if (d.result == DTLS13_LISTEN_DROP) return DTLS13_LISTEN_DROP;
    int rc = write_hrr(l, &h, &d, peer_addr, peer_addr_len, now_ms, out, out_cap, out_len);
    if (rc) return rc;
    if (*out_len > AMPLIFICATION_FACTOR * h.bytes_in) {
        *out_len = 0;
        l->stats.dropped_amplification++;
        return DTLS13_LISTEN_DROP;
    }
    l->stats.hrr_sent++;
    if (d.dtls12) l->stats.hvr_sent++;
    return DTLS13_LISTEN_SEND_HRR;
}

/* Feeds a ClientHello reassembled in the cache as one unfragmented record. */
static int feed_reassembled(dtls13_conn *c, const located_hello *h, uint64_t now_ms)
{
    size_t cap = D13_PLAINTEXT_HEADER_LEN + D13_HS_HEADER_LEN + h->len;
    uint8_t *msg = malloc(D13_HS_HEADER_LEN + h->len);
    uint8_t *dgram = malloc(cap);
    int rc = DTLS13_ERR_NO_MEMORY;
    if (msg && dgram) {
        d13_hs_header hh = {D13_HS_CLIENT_HELLO, (uint32_t)h->len, h->message_seq, 0, (uint32_t)h->len};
        d13_writer mw, dw;
        d13_writer_init(&mw, msg, D13_HS_HEADER_LEN + h->len);
        d13_hs_header_write(&mw, &hh);
        d13_write_bytes(&mw, h->body, h->len);
        d13_writer_init(&dw, dgram, cap);
        if (d13_writer_failed(&mw) ||
            !d13_plaintext_write(&dw, D13_CT_HANDSHAKE, 0, h->record_seq, msg, d13_writer_len(&mw)))
            rc = DTLS13_ERR_BUFFER_TOO_SMALL;
        else
            rc = dtls13_conn_handle_datagram(c, dgram, d13_writer_len(&dw), now_ms);
    }
    free(msg);
    free(dgram);
    return rc;
}

/* Puts the HelloRetryRequest the client answered into a fresh connection's
 * transcript, rebuilt byte for byte from the verified cookie. */
static int prime_after_cookie(dtls13_conn *c, const located_hello *h, const decision *d)
{
    uint16_t version = (d->cookie.flags & D13_COOKIE_FLAG_DRAFT43) ? DTLS13_VERSION_DTLS13_DRAFT43
                                                                   : DTLS13_VERSION_DTLS13;
    uint16_t selected_group = (d->cookie.flags & D13_COOKIE_FLAG_KEY_SHARE) ? d->cookie.group : 0;
    uint8_t body[HRR_BODY_CAP];
    d13_writer w;
    d13_writer_init(&w, body, sizeof(body));
    if (!d13_stateless_hrr_encode(&w, version, d->cookie.suite, selected_group, d->cookie_bytes, d->cookie_len))
        return DTLS13_ERR_BUFFER_TOO_SMALL;
    return d13_server_prime_after_hrr(c, d->cookie.suite, d->cookie.group, d->cookie.ch1_hash, d->cookie.hash_len,
                                      body, d13_writer_len(&w), h->record_seq + 1);
}

dtls13_conn *dtls13_listener_accept(dtls13_listener *l, const uint8_t *datagram, size_t len,
                                    const void *peer_addr, size_t peer_addr_len, dtls13_send_fn send,
                                    void *send_user, uint64_t now_ms)
{
    return dtls13_listener_accept_ex(l, datagram, len, peer_addr, peer_addr_len, send, send_user, now_ms, NULL);
}

dtls13_conn *dtls13_listener_accept_ex(dtls13_listener *l, const uint8_t *datagram, size_t len,
                                       const void *peer_addr, size_t peer_addr_len, dtls13_send_fn send,
                                       void *send_user, uint64_t now_ms, const dtls13_accept_options *opts)
{
    if (!l || !datagram || !len || bad_args(peer_addr, peer_addr_len) || !send) return NULL;
    if (d13_cookie_secrets_update(&l->secrets, now_ms)) return NULL;
    located_hello h;
    if (locate_hello(l, datagram, len, peer_addr, peer_addr_len, false, &h) != LOCATE_FOUND) return NULL;
    d13_client_hello ch;
    decision d;
    decide(l, &h, &ch, peer_addr, peer_addr_len, now_ms, l->mode == DTLS13_COOKIE_ALWAYS, &d);
    if (d.result != DTLS13_LISTEN_ACCEPT) return NULL;
    dtls13_conn *c = dtls13_conn_new(l->cfg, DTLS13_ROLE_SERVER, send, send_user);
    if (!c) return NULL;
    if (opts && opts->event_fn) dtls13_conn_set_event_callback(c, opts->event_fn, opts->event_user);
    int rc = DTLS13_OK;
    if (opts && opts->peer_address_validated) rc = dtls13_conn_set_peer_address_validated(c);
    if (rc >= 0 && d.has_cookie)
        rc = d.dtls12 ? d12_server_prime_after_hvr(c, h.record_seq + 1) : prime_after_cookie(c, &h, &d);
    if (rc == 0) {
        if (h.from_cache) rc = feed_reassembled(c, &h, now_ms);
        else rc = dtls13_conn_handle_datagram(c, datagram, len, now_ms);
    }
    if (h.from_cache) d13_hello_cache_release(&l->cache, peer_addr, peer_addr_len);
    if (rc != 0 || dtls13_conn_state(c) == DTLS13_STATE_FAILED) {
        dtls13_conn_free(c);
        return NULL;
    }
    if (d.has_cookie) l->stats.cookies_verified++;
    return c;
}
