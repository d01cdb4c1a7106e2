/* dtls13_config_load_pem_mem(): the local certificate from PEM text in
 * memory, separate or combined (as gst-plugins-bad's `pem` property holds
 * it), the same certificate dtls13_config_load_pem() reads from the files,
 * presented in the handshake; errors leave the config as it was. */
#include <stdio.h>
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "test.h"

#define TEXT_CAP 8192

/* Appends the file TEST_DATA_DIR/name to buf (holding *len bytes); false
 * when it cannot be read or does not fit. */
static bool append_file(const char *name, char *buf, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t n = fread(buf + *len, 1, TEXT_CAP - *len, f);
    bool whole = fgetc(f) == EOF && n > 0;
    fclose(f);
    *len += n;
    return whole;
}

/* The fingerprint of cfg's certificate, or "" when it has none. */
static void fingerprint(const dtls13_config *cfg, char *out, size_t cap)
{
    if (dtls13_config_fingerprint(cfg, DTLS13_HASH_SHA256, out, cap) != DTLS13_OK) out[0] = '\0';
}

/* Combined and separate texts (ECDSA and RSA) give the file loader's certificate. */
static void test_same_as_files(d13_test_state *t)
{
    const char *pairs[][2] = {{"ecdsa_cert.pem", "ecdsa_key.pem"}, {"rsa_cert.pem", "rsa_key.pem"}};
    for (size_t i = 0; i < 2; i++) {
        static char cert[TEXT_CAP], key[TEXT_CAP], both[TEXT_CAP];
        size_t cert_len = 0, key_len = 0, both_len = 0;
        CHECK(append_file(pairs[i][0], cert, &cert_len));
        CHECK(append_file(pairs[i][1], key, &key_len));
        CHECK(append_file(pairs[i][1], both, &both_len)); /* key first */
        CHECK(append_file(pairs[i][0], both, &both_len));
        char cert_path[512], key_path[512];
        snprintf(cert_path, sizeof(cert_path), "%s/%s", TEST_DATA_DIR, pairs[i][0]);
        snprintf(key_path, sizeof(key_path), "%s/%s", TEST_DATA_DIR, pairs[i][1]);
        dtls13_config *from_file = dtls13_config_new();
        dtls13_config *separate = dtls13_config_new();
        dtls13_config *combined = dtls13_config_new();
        CHECK_EQ(dtls13_config_load_pem(from_file, cert_path, key_path), DTLS13_OK);
        CHECK_EQ(dtls13_config_load_pem_mem(separate, cert, cert_len, key, key_len), DTLS13_OK);
        CHECK_EQ(dtls13_config_load_pem_mem(combined, both, both_len, both, both_len), DTLS13_OK);
        char fp_file[128], fp_separate[128], fp_combined[128];
        fingerprint(from_file, fp_file, sizeof(fp_file));
        fingerprint(separate, fp_separate, sizeof(fp_separate));
        fingerprint(combined, fp_combined, sizeof(fp_combined));
        CHECK(fp_file[0] != '\0');
        CHECK(strcmp(fp_file, fp_separate) == 0);
        CHECK(strcmp(fp_file, fp_combined) == 0);
        dtls13_config_free(from_file);
        dtls13_config_free(separate);
        dtls13_config_free(combined);
    }
}

/* Bad input: the error code, and the certificate the config had stays. */
static void test_errors_keep_certificate(d13_test_state *t)
{
    static char cert[TEXT_CAP], other_key[TEXT_CAP];
    size_t cert_len = 0, other_len = 0;
    CHECK(append_file("ecdsa_cert.pem", cert, &cert_len));
    CHECK(append_file("other_ecdsa_key.pem", other_key, &other_len));
    dtls13_config *cfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_generate_certificate(cfg, NULL), DTLS13_OK);
    char before[128], after[128];
    fingerprint(cfg, before, sizeof(before));
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, cert, cert_len, other_key, other_len),
             DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, "not pem", 7, "not pem", 7), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, "", 0, "", 0), DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, cert, cert_len / 2, cert, cert_len / 2),
             DTLS13_ERR_CERTIFICATE);
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, cert, cert_len + 1, other_key, other_len),
             DTLS13_ERR_CERTIFICATE); /* the NUL after the text */
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, NULL, 0, other_key, other_len), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_load_pem_mem(cfg, cert, cert_len, NULL, 0), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_load_pem_mem(NULL, cert, cert_len, cert, cert_len), DTLS13_ERR_INVALID_ARG);
    fingerprint(cfg, after, sizeof(after));
    CHECK(before[0] != '\0' && strcmp(before, after) == 0);
    /* A config with no certificate gains none. */
    dtls13_config *empty = dtls13_config_new();
    size_t der_len = 1;
    CHECK_EQ(dtls13_config_load_pem_mem(empty, cert, cert_len, other_key, other_len),
             DTLS13_ERR_CERTIFICATE);
    CHECK(dtls13_config_certificate_der(empty, &der_len) == NULL);
    CHECK_EQ(der_len, 0);
    dtls13_config_free(empty);
    dtls13_config_free(cfg);
}

/* A certificate loaded from memory is the one the peer receives; once a
 * connection uses the config, loading is refused. */
static void test_presented_then_immutable(d13_test_state *t)
{
    static char both[TEXT_CAP];
    size_t both_len = 0;
    CHECK(append_file("ecdsa_cert.pem", both, &both_len));
    CHECK(append_file("ecdsa_key.pem", both, &both_len));
    dtls13_config *server_cfg = conn_pair_config_new();
    dtls13_config *client_cfg = conn_pair_config_new();
    CHECK(server_cfg != NULL && client_cfg != NULL);
    CHECK_EQ(dtls13_config_load_pem_mem(server_cfg, both, both_len, both, both_len), DTLS13_OK);
    size_t len = 0, seen_len = 0;
    const uint8_t *der = dtls13_config_certificate_der(server_cfg, &len);
    CHECK(der != NULL);
    conn_pair *p = conn_pair_new(client_cfg, server_cfg);
    CHECK(p != NULL);
    CHECK(conn_pair_handshake(p, 10000));
    const uint8_t *seen = dtls13_conn_peer_certificate(p->client, &seen_len);
    CHECK(seen != NULL && der != NULL && seen_len == len && memcmp(seen, der, len) == 0);
    CHECK_EQ(dtls13_config_load_pem_mem(server_cfg, both, both_len, both, both_len),
             DTLS13_ERR_BAD_STATE);
    conn_pair_free(p);
    dtls13_config_free(server_cfg);
    dtls13_config_free(client_cfg);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_same_as_files);
    RUN_TEST(&st, test_errors_keep_certificate);
    RUN_TEST(&st, test_presented_then_immutable);
    TEST_MAIN_END(&st);
}
