/* dtls13_config setters: argument validation and the version range. */
#include <string.h>

#include "dtls13/dtls13.h"
#include "test.h"

static void test_version_range(d13_test_state *t)
{
    dtls13_config *cfg = dtls13_config_new();
    CHECK(cfg != NULL);
    uint16_t lo = 0, hi = 0;
    /* The default is what a WebRTC endpoint needs: 1.3 preferred, 1.2 accepted. */
    dtls13_config_get_version_range(cfg, &lo, &hi);
    CHECK_EQ(lo, DTLS13_VERSION_DTLS12);
    CHECK_EQ(hi, DTLS13_VERSION_DTLS13);
    CHECK_EQ(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS12), DTLS13_OK);
    dtls13_config_get_version_range(cfg, &lo, &hi);
    CHECK_EQ(lo, DTLS13_VERSION_DTLS12);
    CHECK_EQ(hi, DTLS13_VERSION_DTLS12);
    CHECK_EQ(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, DTLS13_VERSION_DTLS13), DTLS13_OK);
    CHECK_EQ(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS13, DTLS13_VERSION_DTLS13), DTLS13_OK);
    /* Empty range (min newer than max) and unknown code points. */
    CHECK_EQ(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS13, DTLS13_VERSION_DTLS12),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_set_version_range(cfg, 0x0303, 0x0304), DTLS13_ERR_INVALID_ARG);
    /* DTLS 1.0 (0xfeff) is not offered (RFC 8996). */
    CHECK_EQ(dtls13_config_set_version_range(cfg, 0xfeff, DTLS13_VERSION_DTLS13), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS13_DRAFT43, DTLS13_VERSION_DTLS13),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_set_version_range(NULL, DTLS13_VERSION_DTLS13, DTLS13_VERSION_DTLS13),
             DTLS13_ERR_INVALID_ARG);
    /* A refused range leaves the last accepted one in place. */
    dtls13_config_get_version_range(cfg, &lo, &hi);
    CHECK_EQ(lo, DTLS13_VERSION_DTLS13);
    CHECK_EQ(hi, DTLS13_VERSION_DTLS13);
    dtls13_config_free(cfg);
}

/* Send callback that drops what the connection sends. */
static int discard_datagram(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return 0;
}

static void test_frozen_config(d13_test_state *t)
{
    dtls13_config *cfg = dtls13_config_new();
    CHECK_EQ(dtls13_config_generate_certificate(cfg, "frozen"), DTLS13_OK);
    dtls13_conn *conn = dtls13_conn_new(cfg, DTLS13_ROLE_CLIENT, discard_datagram, NULL);
    CHECK(conn != NULL);
    /* A config in use by a connection no longer changes. */
    CHECK_EQ(dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS13, DTLS13_VERSION_DTLS13),
             DTLS13_ERR_BAD_STATE);
    CHECK_EQ(dtls13_config_set_mtu(cfg, 1000), DTLS13_ERR_BAD_STATE);
    dtls13_conn_free(conn);
    dtls13_config_free(cfg);
}

/* A certificate copied to another config presents the same fingerprint,
 * survives the source being freed, and completes handshakes. */
static void test_copy_certificate(d13_test_state *t)
{
    dtls13_config *src = dtls13_config_new(), *dst = dtls13_config_new(), *empty = dtls13_config_new();
    CHECK_EQ(dtls13_config_generate_certificate(src, "copied"), DTLS13_OK);
    CHECK_EQ(dtls13_config_copy_certificate(dst, empty), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_copy_certificate(dst, NULL), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_config_copy_certificate(dst, src), DTLS13_OK);
    char a[128], b[128];
    CHECK_EQ(dtls13_config_fingerprint(src, DTLS13_HASH_SHA256, a, sizeof(a)), DTLS13_OK);
    CHECK_EQ(dtls13_config_fingerprint(dst, DTLS13_HASH_SHA256, b, sizeof(b)), DTLS13_OK);
    CHECK(strcmp(a, b) == 0);
    dtls13_config_free(src);
    CHECK_EQ(dtls13_config_fingerprint(dst, DTLS13_HASH_SHA256, b, sizeof(b)), DTLS13_OK);
    CHECK(strcmp(a, b) == 0);
    /* The copy signs: a connection on it starts (its ClientHello needs the
     * config complete) and the config is then frozen. */
    dtls13_conn *conn = dtls13_conn_new(dst, DTLS13_ROLE_SERVER, discard_datagram, NULL);
    CHECK(conn != NULL);
    CHECK_EQ(dtls13_config_copy_certificate(dst, dst), DTLS13_ERR_BAD_STATE);
    dtls13_conn_free(conn);
    dtls13_config_free(dst);
    dtls13_config_free(empty);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_version_range);
    RUN_TEST(&st, test_frozen_config);
    RUN_TEST(&st, test_copy_certificate);
    TEST_MAIN_END(&st);
}
