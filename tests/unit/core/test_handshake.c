/* In-process handshakes between two engines over an in-memory link: every
 * cipher suite x group x signature scheme, exporter agreement, application
 * data both ways, close_notify, HelloRetryRequest, SRTP negotiation,
 * fingerprint checks and negotiation failures. */
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "test.h"

static dtls13_config *make_config(uint16_t suite, uint16_t group, uint16_t sig)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc;
    if (sig == DTLS13_SIG_RSA_PSS_RSAE_SHA256)
        rc = dtls13_config_load_pem(cfg, TEST_DATA_DIR "/rsa_cert.pem", TEST_DATA_DIR "/rsa_key.pem");
    else if (sig == DTLS13_SIG_ED25519)
        rc = dtls13_config_load_pem(cfg, TEST_DATA_DIR "/ed25519_cert.pem", TEST_DATA_DIR "/ed25519_key.pem");
    else
        rc = dtls13_config_generate_certificate(cfg, NULL);
    if (rc == 0 && suite) rc = dtls13_config_set_cipher_suites(cfg, &suite, 1);
    if (rc == 0 && group) rc = dtls13_config_set_groups(cfg, &group, 1);
    if (rc == 0 && sig) rc = dtls13_config_set_signature_schemes(cfg, &sig, 1);
    if (rc != 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static void exchange_data(d13_test_state *t, conn_pair *p)
{
    const uint8_t ping[] = "ping from client";
    const uint8_t pong[] = "pong from server";
    uint8_t buf[256];
    CHECK_EQ(dtls13_conn_write(p->client, ping, sizeof(ping), p->now_ms), (int)sizeof(ping));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->server, buf, sizeof(buf)), (int)sizeof(ping));
    CHECK_MEM(buf, ping, sizeof(ping));
    CHECK_EQ(dtls13_conn_write(p->server, pong, sizeof(pong), p->now_ms), (int)sizeof(pong));
    conn_pair_pump(p);
    CHECK_EQ(dtls13_conn_read(p->client, buf, sizeof(buf)), (int)sizeof(pong));
    CHECK_MEM(buf, pong, sizeof(pong));
    CHECK_EQ(dtls13_conn_read(p->client, buf, sizeof(buf)), DTLS13_ERR_WOULD_BLOCK);
}

static void check_exporters_equal(d13_test_state *t, conn_pair *p)
{
    uint8_t a[60], b[60];
    CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, a, sizeof(a)), 0);
    CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, b, sizeof(b)), 0);
    CHECK_MEM(a, b, sizeof(a));
    const uint8_t ctx[] = {1, 2, 3};
    uint8_t c2[32], d2[32];
    CHECK_EQ(dtls13_conn_export_keying_material(p->client, "other label", ctx, sizeof(ctx), c2, sizeof(c2)), 0);
    CHECK_EQ(dtls13_conn_export_keying_material(p->server, "other label", ctx, sizeof(ctx), d2, sizeof(d2)), 0);
    CHECK_MEM(c2, d2, sizeof(c2));
    CHECK(memcmp(a, c2, sizeof(c2)) != 0);
}

static void test_matrix(d13_test_state *t)
{
    const uint16_t suites[] = {DTLS13_TLS_AES_128_GCM_SHA256, DTLS13_TLS_AES_256_GCM_SHA384,
                               DTLS13_TLS_CHACHA20_POLY1305_SHA256};
    const uint16_t groups[] = {DTLS13_GROUP_X25519, DTLS13_GROUP_SECP256R1};
    const uint16_t sigs[] = {DTLS13_SIG_ECDSA_SECP256R1_SHA256, DTLS13_SIG_RSA_PSS_RSAE_SHA256, DTLS13_SIG_ED25519};
    for (size_t s = 0; s < 3; s++) {
        for (size_t g = 0; g < 2; g++) {
            for (size_t k = 0; k < 3; k++) {
                dtls13_config *cc = make_config(suites[s], groups[g], sigs[k]);
                dtls13_config *sc = make_config(suites[s], groups[g], sigs[k]);
                CHECK(cc && sc);
                if (!cc || !sc) continue;
                conn_pair *p = conn_pair_new(cc, sc);
                CHECK(p != NULL);
                if (!p) continue;
                bool ok = conn_pair_handshake(p, 10000);
                CHECK(ok);
                if (!ok) {
                    fprintf(stderr, "  failed: suite %04x group %04x sig %04x: client %s / server %s\n", suites[s],
                            groups[g], sigs[k], dtls13_conn_failure_reason(p->client) ? dtls13_conn_failure_reason(p->client) : "-",
                            dtls13_conn_failure_reason(p->server) ? dtls13_conn_failure_reason(p->server) : "-");
                }
                CHECK_EQ(dtls13_conn_cipher_suite(p->client), suites[s]);
                CHECK_EQ(dtls13_conn_cipher_suite(p->server), suites[s]);
                CHECK_EQ(dtls13_conn_group(p->client), groups[g]);
                CHECK_EQ(dtls13_conn_peer_signature_scheme(p->client), sigs[k]);
                CHECK_EQ(dtls13_conn_peer_signature_scheme(p->server), sigs[k]);
                CHECK_EQ(dtls13_conn_version(p->server), DTLS13_VERSION_DTLS13);
                CHECK(!dtls13_conn_used_hello_retry(p->client));
                CHECK_EQ(p->client_events[DTLS13_EVENT_HANDSHAKE_DONE], 1);
                CHECK_EQ(p->server_events[DTLS13_EVENT_HANDSHAKE_DONE], 1);
                check_exporters_equal(t, p);
                exchange_data(t, p);
                /* The server's ACK ended the client's final flight. */
                CHECK_EQ(dtls13_conn_next_timeout(p->client), UINT64_MAX);
                CHECK_EQ(dtls13_conn_close(p->client, p->now_ms), 0);
                conn_pair_pump(p);
                CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CLOSED);
                CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CLOSED);
                CHECK_EQ(p->server_events[DTLS13_EVENT_CLOSED], 1);
                conn_pair_free(p);
                dtls13_config_free(cc);
                dtls13_config_free(sc);
            }
        }
    }
}

static void test_hello_retry_request(d13_test_state *t)
{
    dtls13_config *cc = make_config(0, 0, 0); /* x25519 first, secp256r1 second */
    dtls13_config *sc = make_config(0, DTLS13_GROUP_SECP256R1, 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK(dtls13_conn_used_hello_retry(p->client));
    CHECK(dtls13_conn_used_hello_retry(p->server));
    CHECK_EQ(dtls13_conn_group(p->client), DTLS13_GROUP_SECP256R1);
    check_exporters_equal(t, p);
    exchange_data(t, p);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_srtp_negotiation(d13_test_state *t)
{
    dtls13_config *cc = make_config(0, 0, 0);
    dtls13_config *sc = make_config(0, 0, 0);
    const uint16_t client_profiles[] = {DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_SRTP_AEAD_AES_256_GCM};
    const uint16_t server_profiles[] = {DTLS13_SRTP_AEAD_AES_256_GCM, DTLS13_SRTP_AES128_CM_SHA1_80};
    const uint8_t mki[] = {0xab, 0xcd};
    CHECK_EQ(dtls13_config_set_srtp_profiles(cc, client_profiles, 2, mki, sizeof(mki)), 0);
    CHECK_EQ(dtls13_config_set_srtp_profiles(sc, server_profiles, 2, NULL, 0), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    /* The server's preference wins; the client's MKI is echoed. */
    CHECK_EQ(dtls13_conn_srtp_profile(p->client), DTLS13_SRTP_AEAD_AES_256_GCM);
    CHECK_EQ(dtls13_conn_srtp_profile(p->server), DTLS13_SRTP_AEAD_AES_256_GCM);
    size_t mki_len = 0;
    const uint8_t *got = dtls13_conn_srtp_mki(p->client, &mki_len);
    CHECK_EQ(mki_len, sizeof(mki));
    CHECK_MEM(got, mki, sizeof(mki));
    CHECK_EQ(dtls13_config_set_mtu(cc, 1000), DTLS13_ERR_BAD_STATE); /* frozen once used */
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);

    /* No SRTP offered: none negotiated. */
    cc = make_config(0, 0, 0);
    sc = make_config(0, 0, 0);
    CHECK_EQ(dtls13_config_set_srtp_profiles(cc, NULL, 0, NULL, 0), 0);
    p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK_EQ(dtls13_conn_srtp_profile(p->server), 0);
    CHECK_EQ(dtls13_conn_srtp_profile(p->client), 0);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_fingerprints(d13_test_state *t)
{
    dtls13_config *cc = make_config(0, 0, 0);
    dtls13_config *sc = make_config(0, 0, 0);
    char cfp[128], sfp[128];
    CHECK_EQ(dtls13_config_fingerprint(cc, DTLS13_HASH_SHA256, cfp, sizeof(cfp)), 0);
    CHECK_EQ(dtls13_config_fingerprint(sc, DTLS13_HASH_SHA256, sfp, sizeof(sfp)), 0);
    CHECK(strncmp(cfp, "sha-256 ", 8) == 0);

    /* Matching fingerprints on both sides. */
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->client, sfp), 0);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->server, cfp), 0);
    CHECK(conn_pair_handshake(p, 10000));
    char got[128];
    CHECK_EQ(dtls13_conn_peer_fingerprint(p->client, DTLS13_HASH_SHA256, got, sizeof(got)), 0);
    CHECK(strcmp(got, sfp) == 0);
    CHECK_EQ(dtls13_conn_peer_fingerprint(p->server, DTLS13_HASH_SHA256, got, sizeof(got)), 0);
    CHECK(strcmp(got, cfp) == 0);
    conn_pair_free(p);

    /* The client expects another certificate: bad_certificate, nothing exported. */
    p = conn_pair_new(cc, sc);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->client, cfp), 0);
    CHECK(!conn_pair_handshake(p, 10000));
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_FAILED);
    CHECK_EQ(dtls13_conn_alert(p->client), DTLS13_ALERT_BAD_CERTIFICATE);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_FAILED);
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_BAD_CERTIFICATE);
    CHECK_EQ(p->server_events[DTLS13_EVENT_ALERT_RECEIVED], 1);
    uint8_t key[60];
    CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, key, sizeof(key)),
             DTLS13_ERR_WOULD_BLOCK);
    CHECK(dtls13_conn_failure_reason(p->client) != NULL);
    CHECK_EQ(dtls13_conn_write(p->client, key, 1, p->now_ms), DTLS13_ERR_HANDSHAKE_FAILED);
    conn_pair_free(p);

    /* The server expects another client certificate. */
    p = conn_pair_new(cc, sc);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->server, sfp), 0);
    CHECK(!conn_pair_handshake(p, 10000));
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_BAD_CERTIFICATE);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_FAILED);
    CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, key, sizeof(key)),
             DTLS13_ERR_WOULD_BLOCK);
    conn_pair_free(p);

    /* Late pinning (the SDP answer after the handshake): the right
     * fingerprint keeps the association, a wrong one ends it at once. */
    p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->client, sfp), 0);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->server, cfp), 0);
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, key, sizeof(key)), 0);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->server, "sha-256 zz"), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_CONNECTED);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->server, sfp), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(dtls13_conn_state(p->server), DTLS13_STATE_FAILED);
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_BAD_CERTIFICATE);
    CHECK_EQ(p->server_events[DTLS13_EVENT_ALERT_SENT], 1);
    CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, key, sizeof(key)),
             DTLS13_ERR_WOULD_BLOCK);
    CHECK(dtls13_conn_write(p->server, key, 1, p->now_ms) < 0);
    CHECK_EQ(dtls13_conn_set_peer_fingerprint(p->server, cfp), DTLS13_ERR_HANDSHAKE_FAILED);
    conn_pair_pump(p); /* the client gets the alert */
    CHECK_EQ(dtls13_conn_state(p->client), DTLS13_STATE_FAILED);
    CHECK_EQ(p->client_events[DTLS13_EVENT_ALERT_RECEIVED], 1);
    conn_pair_free(p);

    CHECK_EQ(dtls13_conn_set_peer_fingerprint(NULL, sfp), DTLS13_ERR_INVALID_ARG);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static int reject_all(void *user, const uint8_t *der, size_t len)
{
    (void)der;
    (void)len;
    (*(int *)user)++;
    return -1;
}

static void test_verify_callback(d13_test_state *t)
{
    int calls = 0;
    dtls13_config *cc = make_config(0, 0, 0);
    dtls13_config *sc = make_config(0, 0, 0);
    CHECK_EQ(dtls13_config_set_verify_callback(cc, reject_all, &calls), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(!conn_pair_handshake(p, 10000));
    CHECK_EQ(calls, 1);
    CHECK_EQ(dtls13_conn_alert(p->client), DTLS13_ALERT_BAD_CERTIFICATE);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

static void test_no_common_algorithms(d13_test_state *t)
{
    dtls13_config *cc = make_config(DTLS13_TLS_AES_128_GCM_SHA256, 0, 0);
    dtls13_config *sc = make_config(DTLS13_TLS_AES_256_GCM_SHA384, 0, 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(!conn_pair_handshake(p, 10000));
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_HANDSHAKE_FAILURE);
    CHECK_EQ(dtls13_conn_alert(p->client), DTLS13_ALERT_HANDSHAKE_FAILURE);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);

    /* Signature schemes: an Ed25519-only client cannot verify an ECDSA server. */
    cc = make_config(0, 0, DTLS13_SIG_ED25519);
    sc = make_config(0, 0, 0);
    p = conn_pair_new(cc, sc);
    CHECK(!conn_pair_handshake(p, 10000));
    CHECK_EQ(dtls13_conn_alert(p->server), DTLS13_ALERT_HANDSHAKE_FAILURE);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

typedef struct keylog_lines {
    int count;
    int labels_seen;
} keylog_lines;

static void collect_keylog(void *user, const char *line)
{
    keylog_lines *k = user;
    static const char *const labels[] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET ", "SERVER_HANDSHAKE_TRAFFIC_SECRET ",
                                         "CLIENT_TRAFFIC_SECRET_0 ", "SERVER_TRAFFIC_SECRET_0 ", "EXPORTER_SECRET "};
    k->count++;
    for (int i = 0; i < 5; i++) {
        if (strncmp(line, labels[i], strlen(labels[i])) == 0) k->labels_seen |= 1 << i;
    }
}

static void test_keylog(d13_test_state *t)
{
    keylog_lines lines = {0, 0};
    dtls13_config *cc = make_config(0, 0, 0);
    dtls13_config *sc = make_config(0, 0, 0);
    CHECK_EQ(dtls13_config_set_keylog_callback(cc, collect_keylog, &lines), 0);
    conn_pair *p = conn_pair_new(cc, sc);
    CHECK(conn_pair_handshake(p, 10000));
    CHECK_EQ(lines.count, 5);
    CHECK_EQ(lines.labels_seen, 0x1f);
    conn_pair_free(p);
    dtls13_config_free(cc);
    dtls13_config_free(sc);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_matrix);
    RUN_TEST(&st, test_hello_retry_request);
    RUN_TEST(&st, test_srtp_negotiation);
    RUN_TEST(&st, test_fingerprints);
    RUN_TEST(&st, test_verify_callback);
    RUN_TEST(&st, test_no_common_algorithms);
    RUN_TEST(&st, test_keylog);
    TEST_MAIN_END(&st);
}
