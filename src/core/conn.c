/* Public connection API (include/dtls13/conn.h) over the engine. */
#include <stdlib.h>
#include <string.h>

#include "dtls13/conn.h"
#include "dtls13/errors.h"
#include "handshake/engine.h"
#include "handshake/engine12.h"
#include "record/record12.h"
#include "handshake/receive.h"

dtls13_conn *dtls13_conn_new(dtls13_config *cfg, dtls13_role role, dtls13_send_fn send, void *send_user)
{
    if (!cfg || !send || !cfg->cert || (role != DTLS13_ROLE_CLIENT && role != DTLS13_ROLE_SERVER)) return NULL;
    dtls13_conn *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->dgram = malloc(2 * cfg->mtu); /* datagram + fragment scratch */
    if (!c->dgram || d13_transcript_init(&c->transcript, cfg->algs)) {
        free(c->dgram);
        free(c);
        return NULL;
    }
    d13_config_retain(cfg);
    c->cfg = cfg;
    c->role = role;
    c->send = send;
    c->send_user = send_user;
    c->alert = -1;
    c->hs = role == DTLS13_ROLE_CLIENT ? D13_HS_IDLE : D13_HS_S_WAIT_CH;
    c->state = DTLS13_STATE_HANDSHAKING;
    c->timeout_ms = cfg->initial_timeout_ms;
    c->base_timeout_ms = cfg->initial_timeout_ms;
    return c;
}

void dtls13_conn_free(dtls13_conn *c)
{
    if (!c) return;
    d13_flight_clear(&c->flight);
    d13_flight_clear(&c->ku_flight);
    d13_reasm_clear(&c->reasm);
    d13_transcript_free(&c->transcript);
    d13_kex_free(c->kex);
    d13_ks_clear(&c->ks);
    d13_epoch_keys_clear(&c->write_hs);
    d13_epoch_keys_clear(&c->write_app);
    d13_epoch_keys_clear(&c->read_hs);
    d13_epoch_keys_clear(&c->read_app);
    d13_epoch_keys_clear(&c->read_prev);
    d13_read_queue_free(c);
    d12_hslog_free(c);
    d13_pkey_free(c->peer_key);
    free(c->peer_cert);
    free(c->hrr_cookie);
    if (c->dgram_borrowed) c->shared_dgram->busy = false; /* freed inside its own call */
    else free(c->dgram);
    d13_config_release(c->cfg);
    d13_cleanse(c, sizeof(*c));
    free(c);
}

void dtls13_conn_set_event_callback(dtls13_conn *c, dtls13_event_fn fn, void *user)
{
    if (!c) return;
    c->event = fn;
    c->event_user = user;
}

static int conn_set_peer_fingerprint(dtls13_conn *c, const char *fingerprint)
{
    if (!c || !fingerprint) return DTLS13_ERR_INVALID_ARG;
    int alg = 0;
    size_t len = 0;
    uint8_t digest[D13_MAX_HASH_LEN];
    int rc = d13_fingerprint_parse(fingerprint, &alg, digest, sizeof(digest), &len);
    if (rc) return DTLS13_ERR_INVALID_ARG;
    if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
    if (c->peer_cert && !d13_fingerprint_matches(alg, digest, len, c->peer_cert, c->peer_cert_len)) {
        /* Late pinning: the certificate came first and is not the one the
         * signalling names. */
        d13_fail(c, DTLS13_ALERT_BAD_CERTIFICATE,
                 "peer certificate does not match the fingerprint set after it arrived");
        return DTLS13_ERR_CERTIFICATE;
    }
    memcpy(c->expected_fp, digest, len);
    c->expected_fp_len = len;
    c->expected_fp_alg = alg;
    c->has_expected_fp = true;
    return DTLS13_OK;
}

static void mark_started(dtls13_conn *c, uint64_t now_ms)
{
    if (c->started) return;
    c->started = true;
    c->start_ms = now_ms;
}

static int conn_start(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    if (c->started) return c->role == DTLS13_ROLE_SERVER ? DTLS13_OK : DTLS13_ERR_BAD_STATE;
    c->now_ms = now_ms;
    mark_started(c, now_ms);
    if (c->role == DTLS13_ROLE_SERVER) return DTLS13_OK;
    return d13_client_start(c);
}

static int conn_handle_datagram(dtls13_conn *c, const uint8_t *datagram, size_t len, uint64_t now_ms)
{
    if (!c || (!datagram && len)) return DTLS13_ERR_INVALID_ARG;
    c->now_ms = now_ms;
    if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
    if (c->state == DTLS13_STATE_CLOSED) return DTLS13_ERR_CLOSED;
    if (c->role == DTLS13_ROLE_SERVER) mark_started(c, now_ms);
    else if (!c->started) return DTLS13_ERR_BAD_STATE;
    return d13_engine_handle_datagram(c, datagram, len);
}

static int conn_handle_timeout(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->now_ms = now_ms;
    if (c->state == DTLS13_STATE_FAILED || c->state == DTLS13_STATE_CLOSED) return DTLS13_OK;
    return d13_engine_handle_timeout(c);
}

uint64_t dtls13_conn_next_timeout(const dtls13_conn *c)
{
    return c ? d13_engine_next_timeout(c) : UINT64_MAX;
}

size_t dtls13_conn_max_write(const dtls13_conn *c)
{
    if (!c) return 0;
    size_t overhead = D13_RECORD_OVERHEAD;
    if (c->dtls12) overhead = c->write_app.installed ? d12_record_overhead(&c->write_app)
                                                     : D12_RECORD_HEADER_LEN + D12_EXPLICIT_NONCE_LEN + D13_AEAD_TAG_LEN;
    size_t room = c->cfg->mtu - overhead;
    return room > 16384 ? 16384 : room;
}

/* Records per write epoch before an automatic KeyUpdate. */
static uint64_t key_update_limit(const dtls13_conn *c)
{
    if (c->cfg->key_update_interval) return c->cfg->key_update_interval;
    return c->suite == DTLS13_TLS_CHACHA20_POLY1305_SHA256 ? (1ull << 40) : (1ull << 24);
}

static int conn_write(dtls13_conn *c, const uint8_t *data, size_t len, uint64_t now_ms)
{
    if (!c || (!data && len)) return DTLS13_ERR_INVALID_ARG;
    c->now_ms = now_ms;
    if (c->state == DTLS13_STATE_CLOSED) return DTLS13_ERR_CLOSED;
    if (c->state == DTLS13_STATE_FAILED) return DTLS13_ERR_HANDSHAKE_FAILED;
    if (c->hs != D13_HS_DONE) return DTLS13_ERR_WOULD_BLOCK;
    if (len > dtls13_conn_max_write(c)) return DTLS13_ERR_INVALID_ARG;
    int rc = d13_append_record(c, c->write_app.epoch, D13_CT_APPLICATION_DATA, data, len, NULL);
    if (rc) return rc;
    d13_flush_datagram(c);
    /* Change keys before the AEAD usage limit (RFC 9147 4.5.3). */
    if (!c->dtls12 && c->write_app.records_protected >= key_update_limit(c) && !c->ku_flight.active) {
        rc = d13_send_key_update(c, false);
        if (rc) return rc;
    }
    return (int)len;
}

int dtls13_conn_read(dtls13_conn *c, uint8_t *buf, size_t cap)
{
    if (!c || (!buf && cap)) return DTLS13_ERR_INVALID_ARG;
    return d13_read_queue_pop(c, buf, cap);
}

static int conn_close(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->now_ms = now_ms;
    if (c->state == DTLS13_STATE_CLOSED || c->state == DTLS13_STATE_FAILED) return DTLS13_OK;
    d13_send_alert(c, 1, DTLS13_ALERT_CLOSE_NOTIFY);
    c->state = DTLS13_STATE_CLOSED;
    c->alert = DTLS13_ALERT_CLOSE_NOTIFY;
    d13_flight_clear(&c->flight);
    d13_flight_clear(&c->ku_flight);
    d13_emit(c, DTLS13_EVENT_ALERT_SENT, DTLS13_ALERT_CLOSE_NOTIFY, false, NULL);
    d13_emit(c, DTLS13_EVENT_CLOSED, DTLS13_ALERT_CLOSE_NOTIFY, false, NULL);
    return DTLS13_OK;
}

dtls13_state dtls13_conn_state(const dtls13_conn *c)
{
    return c ? c->state : DTLS13_STATE_FAILED;
}

dtls13_role dtls13_conn_role(const dtls13_conn *c)
{
    return c ? c->role : DTLS13_ROLE_CLIENT;
}

int dtls13_conn_alert(const dtls13_conn *c)
{
    return c ? c->alert : -1;
}

const char *dtls13_conn_failure_reason(const dtls13_conn *c)
{
    if (!c || c->state != DTLS13_STATE_FAILED) return NULL;
    return c->failure_reason ? c->failure_reason : "handshake failed";
}

int dtls13_conn_export_keying_material(const dtls13_conn *c, const char *label, const uint8_t *context,
                                       size_t context_len, uint8_t *out, size_t out_len)
{
    if (!c || !label || !out || (!context && context_len) || out_len == 0 || out_len > 255 * 48)
        return DTLS13_ERR_INVALID_ARG;
    if (c->hs != D13_HS_DONE) return DTLS13_ERR_WOULD_BLOCK;
    if (c->dtls12) return d12_conn_export(c, label, context, context_len, out, out_len);
    return d13_ks_export(&c->ks, label, context, context_len, out, out_len) ? DTLS13_ERR_CRYPTO : DTLS13_OK;
}

uint16_t dtls13_conn_version(const dtls13_conn *c)
{
    if (!c || !c->version) return 0;
    return c->dtls12 ? DTLS13_VERSION_DTLS12 : DTLS13_VERSION_DTLS13;
}

uint16_t dtls13_conn_cipher_suite(const dtls13_conn *c)
{
    return c && c->version ? c->suite : 0;
}

uint16_t dtls13_conn_group(const dtls13_conn *c)
{
    return c && c->version ? c->group : 0;
}

uint16_t dtls13_conn_peer_signature_scheme(const dtls13_conn *c)
{
    return c ? c->peer_sig_scheme : 0;
}

uint16_t dtls13_conn_srtp_profile(const dtls13_conn *c)
{
    return c ? c->srtp_profile : 0;
}

const uint8_t *dtls13_conn_srtp_mki(const dtls13_conn *c, size_t *len)
{
    if (len) *len = c ? c->srtp_mki_len : 0;
    return c ? c->srtp_mki : NULL;
}

bool dtls13_conn_used_hello_retry(const dtls13_conn *c)
{
    return c && (c->hello_retry || c->v12.hvr_count > 0);
}

const uint8_t *dtls13_conn_peer_certificate(const dtls13_conn *c, size_t *len)
{
    if (len) *len = c ? c->peer_cert_len : 0;
    return c ? c->peer_cert : NULL;
}

int dtls13_conn_peer_fingerprint(const dtls13_conn *c, dtls13_hash hash, char *out, size_t out_len)
{
    if (!c || !out || hash > DTLS13_HASH_SHA512) return DTLS13_ERR_INVALID_ARG;
    if (!c->peer_cert) return DTLS13_ERR_BAD_STATE;
    return d13_fingerprint_format((d13_hash_alg)hash, c->peer_cert, c->peer_cert_len, out, out_len);
}

void dtls13_conn_stats(const dtls13_conn *c, dtls13_stats *out)
{
    if (!c || !out) return;
    *out = c->stats;
    out->retransmit_timeout_ms = c->timeout_ms;
}

static int conn_request_key_update(dtls13_conn *c, bool ask_peer, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->now_ms = now_ms;
    if (c->state != DTLS13_STATE_CONNECTED) return DTLS13_ERR_BAD_STATE;
    if (c->dtls12) return DTLS13_ERR_UNSUPPORTED; /* DTLS 1.2 has no KeyUpdate (and no renegotiation) */
    return d13_send_key_update(c, ask_peer);
}

int dtls13_conn_set_rtt_estimate(dtls13_conn *c, uint32_t rtt_ms)
{
    if (!c || rtt_ms == 0 || rtt_ms > 60000) return DTLS13_ERR_INVALID_ARG;
    d13_set_timeout_from_rtt(c, rtt_ms);
    return DTLS13_OK;
}

int dtls13_conn_set_peer_address_validated(dtls13_conn *c)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->address_validated = true;
    return DTLS13_OK;
}

/* ---- The API's sending entry points: each runs as one call, after which
 * a connection on a shared datagram buffer gives it back. ---- */

static int conn_leave(dtls13_conn *c, int rc)
{
    if (--c->api_depth == 0 && c->shared_dgram) {
        d13_flush_datagram(c);
        d13_dgram_release(c);
    }
    return rc;
}

int dtls13_conn_start(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_start(c, now_ms));
}

int dtls13_conn_handle_datagram(dtls13_conn *c, const uint8_t *datagram, size_t len, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_handle_datagram(c, datagram, len, now_ms));
}

int dtls13_conn_handle_timeout(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_handle_timeout(c, now_ms));
}

int dtls13_conn_path_ready(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    c->now_ms = now_ms;
    int rc = c->state == DTLS13_STATE_FAILED || c->state == DTLS13_STATE_CLOSED ? DTLS13_OK : d13_engine_path_ready(c);
    return conn_leave(c, rc);
}

int dtls13_conn_write(dtls13_conn *c, const uint8_t *data, size_t len, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_write(c, data, len, now_ms));
}

int dtls13_conn_close(dtls13_conn *c, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_close(c, now_ms));
}

int dtls13_conn_set_peer_fingerprint(dtls13_conn *c, const char *fingerprint)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_set_peer_fingerprint(c, fingerprint));
}

int dtls13_conn_request_key_update(dtls13_conn *c, bool ask_peer, uint64_t now_ms)
{
    if (!c) return DTLS13_ERR_INVALID_ARG;
    c->api_depth++;
    return conn_leave(c, conn_request_key_update(c, ask_peer, now_ms));
}

dtls13_datagram_buffer *dtls13_datagram_buffer_new(const dtls13_config *cfg)
{
    if (!cfg) return NULL;
    dtls13_datagram_buffer *b = calloc(1, sizeof(*b));
    if (!b) return NULL;
    b->cap = 2 * (size_t)cfg->mtu;
    b->buf = malloc(b->cap);
    if (!b->buf) {
        free(b);
        return NULL;
    }
    return b;
}

void dtls13_datagram_buffer_free(dtls13_datagram_buffer *b)
{
    if (!b) return;
    d13_cleanse(b->buf, b->cap);
    free(b->buf);
    free(b);
}

int dtls13_conn_share_datagram_buffer(dtls13_conn *c, dtls13_datagram_buffer *b)
{
    if (!c || !b || b->cap < 2 * (size_t)c->cfg->mtu) return DTLS13_ERR_INVALID_ARG;
    if (c->api_depth || c->shared_dgram) return DTLS13_ERR_BAD_STATE;
    free(c->dgram); /* the connection's own, between calls always empty */
    c->dgram = NULL;
    c->dgram_len = 0;
    c->shared_dgram = b;
    return DTLS13_OK;
}
