/* DTLS 1.2: the handshake log (RFC 5246 7.4.9 handshake_messages, with
 * the DTLS header of RFC 6347 4.2.6). */
#include "handshake/engine12.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/constants.h"
#include "handshake/key_schedule12.h"
#include "record/record12.h"
#include "wire/messages12.h"

const uint8_t d12_downgrade_sentinel[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};

int d12_hslog_add(dtls13_conn *c, uint8_t msg_type, uint16_t message_seq, const uint8_t *body, size_t len)
{
    d12_hslog *log = &c->v12.log;
    size_t need = D13_HS_HEADER_LEN + len;
    if (len > 0xffffffu || log->len + need > D12_HSLOG_MAX) return DTLS13_ERR_BUFFER_TOO_SMALL;
    if (log->len + need > log->cap) {
        size_t cap = log->cap ? log->cap : 4096;
        while (cap < log->len + need) cap *= 2;
        if (cap > D12_HSLOG_MAX) cap = D12_HSLOG_MAX;
        uint8_t *nb = realloc(log->buf, cap);
        if (nb == NULL) return DTLS13_ERR_NO_MEMORY;
        log->buf = nb;
        log->cap = cap;
    }
    uint8_t *p = log->buf + log->len;
    p[0] = msg_type;
    p[1] = (uint8_t)(len >> 16);
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    p[4] = (uint8_t)(message_seq >> 8);
    p[5] = (uint8_t)message_seq;
    p[6] = p[7] = p[8] = 0; /* fragment_offset */
    p[9] = p[1];
    p[10] = p[2];
    p[11] = p[3];
    if (len) memcpy(p + D13_HS_HEADER_LEN, body, len);
    log->len += need;
    return DTLS13_OK;
}

int d12_hslog_hash(dtls13_conn *c, uint8_t *out, size_t *out_len)
{
    d12_hslog *log = &c->v12.log;
    d13_hash_alg alg = c->v12.prf_hash;
    if (log->hash == NULL) {
        log->hash = d13_hash_new(c->cfg->algs, alg);
        if (log->hash == NULL) return DTLS13_ERR_NO_MEMORY;
        log->hashed = 0;
    }
    if (d13_hash_ctx_alg(log->hash) != alg) return DTLS13_ERR_CRYPTO; /* the suite cannot change */
    int rc = d13_hash_update(log->hash, log->buf + log->hashed, log->len - log->hashed);
    if (rc == 0) {
        log->hashed = log->len;
        rc = d13_hash_peek(log->hash, out);
    }
    if (rc) return rc;
    *out_len = d13_hash_len(alg);
    return DTLS13_OK;
}

void d12_hslog_free(dtls13_conn *c)
{
    d13_hash_free(c->v12.log.hash);
    c->v12.log.hash = NULL;
    c->v12.log.hashed = 0;
    free(c->v12.log.buf);
    c->v12.log.buf = NULL;
    c->v12.log.len = c->v12.log.cap = 0;
}

size_t d12_sig_schemes(const dtls13_conn *c, uint16_t *out, size_t cap)
{
    const dtls13_config *cfg = c->cfg;
    size_t n = 0;
    bool rsa = false;
    for (size_t i = 0; i < cfg->num_sig_schemes && n < cap; i++) {
        out[n++] = cfg->sig_schemes[i];
        if (cfg->sig_schemes[i] == DTLS13_SIG_RSA_PSS_RSAE_SHA256) rsa = true;
    }
    if (rsa && n < cap && !d13_list_contains(out, n, DTLS13_SIG_RSA_PKCS1_SHA256)) out[n++] = DTLS13_SIG_RSA_PKCS1_SHA256;
    return n;
}

bool d12_suite_uses_rsa(uint16_t suite)
{
    return suite == DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 || suite == DTLS13_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ||
           suite == DTLS13_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256;
}

static bool scheme_is_rsa(uint16_t scheme)
{
    return scheme == DTLS13_SIG_RSA_PSS_RSAE_SHA256 || scheme == DTLS13_SIG_RSA_PKCS1_SHA256;
}

bool d12_scheme_fits_suite(uint16_t suite, uint16_t scheme)
{
    return d12_suite_uses_rsa(suite) == scheme_is_rsa(scheme);
}

uint16_t d12_choose_scheme(const dtls13_conn *c, const uint16_t *peer, size_t n, uint16_t suite)
{
    uint16_t ours[D13_MAX_ALGS + 1];
    size_t count = d12_sig_schemes(c, ours, D13_MAX_ALGS + 1);
    const d13_pkey *key = d13_cert_key(c->cfg->cert);
    for (size_t i = 0; i < count; i++) {
        uint16_t s = ours[i];
        if (suite && !d12_scheme_fits_suite(suite, s)) continue;
        if (d13_list_contains(peer, n, s) && d13_pkey_supports_scheme(key, s)) return s;
    }
    return 0;
}

int d12_derive_keys(dtls13_conn *c, const uint8_t *pms, size_t pms_len)
{
    d12_state *v = &c->v12;
    const d13_algs *algs = c->cfg->algs;
    uint8_t session_hash[D13_MAX_HASH_LEN];
    size_t hash_len = 0;
    if (v->ems && d12_hslog_hash(c, session_hash, &hash_len)) return DTLS13_ERR_CRYPTO;
    int rc = d12_master_secret(algs, v->prf_hash, pms, pms_len, v->ems, session_hash, c->client_random,
                               c->server_random, v->master);
    d12_traffic_keys tk;
    memset(&tk, 0, sizeof(tk));
    if (rc == 0) rc = d12_derive_traffic_keys(algs, c->suite, v->master, c->client_random, c->server_random, &tk);
    if (rc == 0) {
        bool client = c->role == DTLS13_ROLE_CLIENT;
        rc = d12_epoch_keys_init(&c->write_app, algs, c->suite, client ? tk.client_key : tk.server_key, tk.key_len,
                                 client ? tk.client_iv : tk.server_iv, tk.iv_len, 1);
        if (rc == 0)
            rc = d12_epoch_keys_init(&c->read_app, algs, c->suite, client ? tk.server_key : tk.client_key, tk.key_len,
                                     client ? tk.server_iv : tk.client_iv, tk.iv_len, 1);
    }
    d13_cleanse(&tk, sizeof(tk));
    if (rc) return rc;
    /* NSS key log format for DTLS 1.2: CLIENT_RANDOM <client random> <master secret>. */
    d13_keylog(c, "CLIENT_RANDOM", v->master, sizeof(v->master));
    return DTLS13_OK;
}

int d12_send_certificate(dtls13_conn *c)
{
    d12_certificate m;
    memset(&m, 0, sizeof(m));
    if (c->cfg->cert) {
        m.certs[0].p = d13_cert_der(c->cfg->cert, &m.certs[0].len);
        m.num_certs = 1;
    }
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d12_certificate_encode(&w, &m)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "certificate too large");
    int rc = d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE, d13_writer_len(&w), 0, true);
    return rc ? d13_fail_internal(c, rc, "flight full") : DTLS13_OK;
}

int d12_send_certificate_verify(dtls13_conn *c)
{
    uint8_t sig[1024];
    size_t sig_len = 0;
    if (d13_sign(d13_cert_key(c->cfg->cert), c->own_sig_scheme, c->v12.log.buf, c->v12.log.len, sig, sizeof(sig),
                 &sig_len))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "signing CertificateVerify failed");
    d13_certificate_verify m = {c->own_sig_scheme, {sig, sig_len}};
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d13_certificate_verify_encode(&w, &m)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    int rc = d13_flight_add(c, &c->flight, D13_HS_CERTIFICATE_VERIFY, d13_writer_len(&w), 0, true);
    return rc ? d13_fail_internal(c, rc, "flight full") : DTLS13_OK;
}

/* verify_data of the Finished sent by the client (by_client) or the server over the log so far. */
static int finished_data(dtls13_conn *c, bool by_client, uint8_t out[D12_VERIFY_DATA_LEN])
{
    uint8_t hash[D13_MAX_HASH_LEN];
    size_t hash_len = 0;
    if (d12_hslog_hash(c, hash, &hash_len)) return DTLS13_ERR_CRYPTO;
    return d12_finished_verify_data(c->cfg->algs, c->v12.prf_hash, c->v12.master, by_client, hash, out);
}

int d12_send_ccs_finished(dtls13_conn *c)
{
    int rc = d13_flight_add_ccs(c, &c->flight, 0);
    if (rc) return d13_fail_internal(c, rc, "flight full");
    c->v12.write_epoch1 = true;
    uint8_t vd[D12_VERIFY_DATA_LEN];
    if (finished_data(c, c->role == DTLS13_ROLE_CLIENT, vd))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "computing Finished failed");
    d13_finished m = {{vd, sizeof(vd)}};
    d13_writer w = d13_flight_body_writer(&c->flight);
    if (!d13_finished_encode(&w, &m)) return d13_fail_internal(c, DTLS13_ERR_BUFFER_TOO_SMALL, "flight full");
    d13_cleanse(vd, sizeof(vd));
    rc = d13_flight_add(c, &c->flight, D13_HS_FINISHED, d13_writer_len(&w), 1, true);
    return rc ? d13_fail_internal(c, rc, "flight full") : DTLS13_OK;
}

int d12_recv_certificate(dtls13_conn *c, const uint8_t *body, size_t len, bool *empty)
{
    d12_certificate m;
    int alert = d12_certificate_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed Certificate");
    *empty = m.num_certs == 0;
    if (!*empty) {
        int rc = d13_auth_accept_peer_certificate(c, m.certs[0].p, m.certs[0].len);
        if (rc) return rc;
    }
    int rc = d12_hslog_add(c, D13_HS_CERTIFICATE, (uint16_t)(c->next_recv_seq - 1), body, len);
    return rc ? d13_fail_internal(c, rc, "handshake log full") : DTLS13_OK;
}

int d12_recv_certificate_verify(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_certificate_verify m;
    int alert = d13_certificate_verify_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed CertificateVerify");
    uint16_t ours[D13_MAX_ALGS + 1];
    size_t n = d12_sig_schemes(c, ours, D13_MAX_ALGS + 1);
    if (!d13_list_contains(ours, n, m.scheme) || !d13_pkey_supports_scheme(c->peer_key, m.scheme))
        return d13_fail(c, DTLS13_ALERT_ILLEGAL_PARAMETER, "CertificateVerify uses a signature scheme we did not offer");
    if (d13_verify(c->peer_key, m.scheme, c->v12.log.buf, c->v12.log.len, m.signature.p, m.signature.len))
        return d13_fail(c, DTLS13_ALERT_DECRYPT_ERROR, "CertificateVerify signature is invalid");
    c->peer_sig_scheme = m.scheme;
    int rc = d13_auth_run_verify_callback(c);
    if (rc) return rc;
    rc = d12_hslog_add(c, D13_HS_CERTIFICATE_VERIFY, (uint16_t)(c->next_recv_seq - 1), body, len);
    return rc ? d13_fail_internal(c, rc, "handshake log full") : DTLS13_OK;
}

int d12_recv_finished(dtls13_conn *c, const uint8_t *body, size_t len)
{
    d13_finished m;
    int alert = d13_finished_decode(body, len, &m);
    if (alert) return d13_fail(c, (uint8_t)alert, "malformed Finished");
    if (m.verify_data.len != D12_VERIFY_DATA_LEN) return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "Finished has the wrong length");
    uint8_t expected[D12_VERIFY_DATA_LEN];
    if (finished_data(c, c->role != DTLS13_ROLE_CLIENT, expected))
        return d13_fail_internal(c, DTLS13_ERR_CRYPTO, "computing Finished failed");
    bool ok = d13_ct_equal(expected, m.verify_data.p, sizeof(expected));
    d13_cleanse(expected, sizeof(expected));
    if (!ok) return d13_fail(c, DTLS13_ALERT_DECRYPT_ERROR, "peer Finished does not verify");
    c->v12.read_epoch1 = true; /* a verified Finished in epoch 1 implies the peer's ChangeCipherSpec */
    int rc = d12_hslog_add(c, D13_HS_FINISHED, (uint16_t)(c->next_recv_seq - 1), body, len);
    return rc ? d13_fail_internal(c, rc, "handshake log full") : DTLS13_OK;
}

int d12_handle_ccs(dtls13_conn *c, const uint8_t *p, size_t len, uint64_t epoch)
{
    /* ChangeCipherSpec is the byte 1 in epoch 0 (RFC 5246 7.1). */
    if (len != 1 || p[0] != 1) return d13_fail(c, DTLS13_ALERT_DECODE_ERROR, "malformed ChangeCipherSpec");
    bool expected = (c->hs == D12_HS_C_WAIT_CCS || c->hs == D12_HS_S_WAIT_CCS) && epoch == 0;
    if (!expected) {
        /* A repeated or early one (reordering, a retransmitted flight): dropped. */
        c->stats.dropped_unexpected++;
        return DTLS13_OK;
    }
    c->v12.read_epoch1 = true;
    c->hs = c->hs == D12_HS_C_WAIT_CCS ? D12_HS_C_WAIT_FINISHED : D12_HS_S_WAIT_FINISHED;
    return DTLS13_OK;
}

void d12_on_old_message(dtls13_conn *c)
{
    if (!c->flight.active) return;
    if (c->last_old_retransmit_ms && c->now_ms - c->last_old_retransmit_ms < c->timeout_ms / 4 + 1) return;
    c->last_old_retransmit_ms = c->now_ms;
    d13_flight_answer_retransmission(c, &c->flight);
}

bool d12_is_renegotiation_request(const dtls13_conn *c, uint8_t type)
{
    return (type == D13_HS_CLIENT_HELLO && c->role == DTLS13_ROLE_SERVER) ||
           (type == D12_HS_HELLO_REQUEST && c->role == DTLS13_ROLE_CLIENT);
}

int d12_handle_post_handshake(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch)
{
    (void)body;
    (void)len;
    if (!d12_is_renegotiation_request(c, type) || epoch != 1) return d13_fail(c, DTLS13_ALERT_UNEXPECTED_MESSAGE, "unexpected post-handshake message");
    /* No renegotiation (RFC 9325 4, RFC 5746 4.5): refuse, keep the association. */
    d13_logf(c, DTLS13_LOG_INFO, "refused a renegotiation (%s): sent warning no_renegotiation",
             type == D13_HS_CLIENT_HELLO ? "ClientHello" : "HelloRequest");
    d13_send_alert(c, 1, DTLS13_ALERT_NO_RENEGOTIATION);
    d13_emit(c, DTLS13_EVENT_ALERT_SENT, DTLS13_ALERT_NO_RENEGOTIATION, false, "renegotiation refused");
    return DTLS13_OK;
}

void d12_handshake_complete(dtls13_conn *c)
{
    d12_hslog_free(c);
    d13_cleanse(c->v12.pms, sizeof(c->v12.pms));
    /* The server keeps its final flight for the client's retransmissions
     * (RFC 6347 4.2.4) until application data proves it arrived; in
     * DTLS-SRTP that may never come, so only its bytes are kept. */
    if (c->flight.active) d13_flight_shrink(&c->flight);
    d13_handshake_complete(c);
}

int d12_conn_export(const dtls13_conn *c, const char *label, const uint8_t *context, size_t context_len,
                    uint8_t *out, size_t out_len)
{
    return d12_export(c->cfg->algs, c->v12.prf_hash, c->v12.master, c->client_random, c->server_random, label,
                      context, context_len, context != NULL, out, out_len);
}
