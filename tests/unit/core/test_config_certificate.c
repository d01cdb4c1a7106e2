/* dtls13_config_certificate_der(): the local certificate's DER, as loaded,
 * generated or copied, and as the peer receives it in the handshake. */
#include <stdio.h>
#include <string.h>

#include "conn_pair.h"
#include "dtls13/dtls13.h"
#include "test.h"

/* Reads a whole file into buf; returns its length, or 0 on failure. */
static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, cap, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    return more ? 0 : n;
}

/* No certificate yet: NULL and a zero length; NULL arguments are refused. */
static void test_no_certificate(d13_test_state *t)
{
    dtls13_config *cfg = dtls13_config_new();
    size_t len = 99;
    CHECK(dtls13_config_certificate_der(cfg, &len) == NULL);
    CHECK_EQ(len, 0);
    len = 99;
    CHECK(dtls13_config_certificate_der(NULL, &len) == NULL);
    CHECK_EQ(len, 0);
    CHECK_EQ(dtls13_config_generate_certificate(cfg, NULL), DTLS13_OK);
    CHECK(dtls13_config_certificate_der(cfg, NULL) == NULL);
    dtls13_config_free(cfg);
}

/* A PEM file's certificate comes back as the same certificate's DER file
 * (known answer: openssl x509 -outform DER of the same PEM). */
static void test_loaded_matches_der_file(d13_test_state *t)
{
    static uint8_t expected[4096];
    size_t expected_len = read_file(TEST_DATA_DIR "/ecdsa_cert.der", expected, sizeof(expected));
    CHECK(expected_len > 0);
    dtls13_config *cfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_load_pem(cfg, TEST_DATA_DIR "/ecdsa_cert.pem", TEST_DATA_DIR "/ecdsa_key.pem"),
             DTLS13_OK);
    size_t len = 0;
    const uint8_t *der = dtls13_config_certificate_der(cfg, &len);
    CHECK(der != NULL);
    CHECK_EQ(len, expected_len);
    CHECK(len == expected_len && memcmp(der, expected, len) == 0);
    dtls13_config_free(cfg);
}

/* A generated certificate: a DER SEQUENCE, a new one for each generation,
 * the same bytes in a copy, and exactly what the peer receives. */
static void test_generated_is_presented(d13_test_state *t)
{
    dtls13_config *server_cfg = conn_pair_config_new();
    dtls13_config *client_cfg = conn_pair_config_new();
    dtls13_config *copy = dtls13_config_new();
    CHECK(server_cfg != NULL && client_cfg != NULL && copy != NULL);
    size_t len = 0, client_len = 0, copy_len = 0;
    const uint8_t *der = dtls13_config_certificate_der(server_cfg, &len);
    const uint8_t *client_der = dtls13_config_certificate_der(client_cfg, &client_len);
    CHECK(der != NULL && len > 100);
    CHECK_EQ(der[0], 0x30); /* SEQUENCE */
    CHECK(client_der != NULL);
    CHECK(len != client_len || memcmp(der, client_der, len) != 0);
    CHECK_EQ(dtls13_config_copy_certificate(copy, server_cfg), DTLS13_OK);
    const uint8_t *copy_der = dtls13_config_certificate_der(copy, &copy_len);
    CHECK(copy_der != NULL && copy_len == len && memcmp(copy_der, der, len) == 0);

    conn_pair *p = conn_pair_new(client_cfg, server_cfg);
    CHECK(p != NULL);
    CHECK(conn_pair_handshake(p, 10000));
    size_t seen_len = 0;
    const uint8_t *seen = dtls13_conn_peer_certificate(p->client, &seen_len);
    CHECK(seen != NULL && seen_len == len && memcmp(seen, der, len) == 0);
    seen = dtls13_conn_peer_certificate(p->server, &seen_len);
    CHECK(seen != NULL && seen_len == client_len && memcmp(seen, client_der, client_len) == 0);
    /* Still readable while connections use the config. */
    CHECK(dtls13_config_certificate_der(server_cfg, &len) == der);
    conn_pair_free(p);
    dtls13_config_free(server_cfg);
    dtls13_config_free(client_cfg);
    dtls13_config_free(copy);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_no_certificate);
    RUN_TEST(&st, test_loaded_matches_der_file);
    RUN_TEST(&st, test_generated_is_presented);
    TEST_MAIN_END(&st);
}
