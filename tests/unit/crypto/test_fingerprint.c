/* SDP fingerprints: format against `openssl x509 -fingerprint`, parse, match. */
#include "crypto/crypto.h"
#include "test.h"
#include "test_files.h"

/* Reads a one-line text file without its line end. */
static size_t read_line(const char *name, char *out, size_t cap)
{
    size_t n = test_read_data(name, (unsigned char *)out, cap - 1);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r')) n--;
    out[n] = '\0';
    return n;
}

static void test_format_known(d13_test_state *t)
{
    uint8_t der[1000];
    char want[256], got[256];
    size_t der_len = test_read_data("ecdsa_cert.der", der, sizeof(der));
    size_t want_len = read_line("ecdsa_cert.sha256.txt", want, sizeof(want));
    CHECK(der_len > 0);
    CHECK_EQ(want_len, 7 + 1 + 32 * 3 - 1);
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA256, der, der_len, got, sizeof(got)), 0);
    CHECK(strcmp(got, want) == 0);
    /* Exactly 104 bytes (with the NUL) are needed for sha-256. */
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA256, der, der_len, got, 104), 0);
    CHECK(strcmp(got, want) == 0);
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA256, der, der_len, got, 103),
             DTLS13_ERR_BUFFER_TOO_SMALL);
    /* sha-512 fits in 200 bytes, as the public header promises. */
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA512, der, der_len, got, 200), 0);
    CHECK_EQ(strlen(got), 199);
    CHECK(strncmp(got, "sha-512 ", 8) == 0);
    CHECK_EQ(d13_fingerprint_format(D13_HASH_SHA384, der, der_len, got, sizeof(got)), 0);
    CHECK(strncmp(got, "sha-384 ", 8) == 0);
}

static void test_parse_and_match(d13_test_state *t)
{
    uint8_t der[1000], digest[64];
    char text[256];
    size_t der_len = test_read_data("ecdsa_cert.der", der, sizeof(der));
    read_line("ecdsa_cert.sha256.txt", text, sizeof(text));
    int alg = -1;
    size_t len = 0;
    CHECK_EQ(d13_fingerprint_parse(text, &alg, digest, sizeof(digest), &len), 0);
    CHECK_EQ(alg, 0);
    CHECK_EQ(len, 32);
    CHECK(d13_fingerprint_matches(alg, digest, len, der, der_len));
    /* Lower case (and an upper-case hash name) parse the same. */
    char lower[256];
    for (size_t i = 0; i <= strlen(text); i++)
        lower[i] = (char)(text[i] >= 'A' && text[i] <= 'F' ? text[i] + 32 : text[i]);
    uint8_t digest2[64];
    CHECK_EQ(d13_fingerprint_parse(lower, &alg, digest2, sizeof(digest2), &len), 0);
    CHECK_MEM(digest2, digest, 32);
    lower[0] = 'S', lower[1] = 'H', lower[2] = 'A';
    CHECK_EQ(d13_fingerprint_parse(lower, &alg, digest2, sizeof(digest2), &len), 0);
    CHECK_MEM(digest2, digest, 32);
    /* Another certificate does not match; nor a wrong length or algorithm. */
    der[der_len - 1] ^= 1;
    CHECK(!d13_fingerprint_matches(0, digest, 32, der, der_len));
    der[der_len - 1] ^= 1;
    CHECK(!d13_fingerprint_matches(0, digest, 31, der, der_len));
    CHECK(!d13_fingerprint_matches(1, digest, 32, der, der_len));
    CHECK(!d13_fingerprint_matches(7, digest, 32, der, der_len));
    /* sha-1 from the openssl tool. */
    read_line("ecdsa_cert.sha1.txt", text, sizeof(text));
    CHECK_EQ(d13_fingerprint_parse(text, &alg, digest, sizeof(digest), &len), 0);
    CHECK_EQ(alg, 3);
    CHECK_EQ(len, 20);
    CHECK(d13_fingerprint_matches(alg, digest, len, der, der_len));
    /* Our sha-384 and sha-512 fingerprints round trip. */
    for (int a = 1; a <= 2; a++) {
        CHECK_EQ(d13_fingerprint_format((d13_hash_alg)a, der, der_len, text, sizeof(text)), 0);
        CHECK_EQ(d13_fingerprint_parse(text, &alg, digest, sizeof(digest), &len), 0);
        CHECK_EQ(alg, a);
        CHECK_EQ(len, a == 1 ? 48 : 64);
        CHECK(d13_fingerprint_matches(alg, digest, len, der, der_len));
    }
}

static void test_parse_malformed(d13_test_state *t)
{
    const char *good = "sha-256 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:"
                       "A0:AD:18:B0:82:E5:86:68:45:E8";
    const char *bad[] = {
        "",
        "sha-256",
        "sha-256 ",
        "md5 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD",
        "sha-256E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8",
        /* 31 bytes */
        "sha-256 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45",
        /* 33 bytes */
        "sha-256 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8:00",
        /* trailing colon */
        "sha-256 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8:",
        /* a dash instead of a colon */
        "sha-256 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45-E8",
        /* no separators */
        "sha-256 E60C08ABBCCB35C184E83852063D98BD027872C45B8AA0AD18B082E5866845E8",
        /* non-hex digit */
        "sha-256 G6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8",
        /* one-digit group */
        "sha-256 6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8",
        /* trailing garbage */
        "sha-256 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8 x",
        /* sha-1 with 32 bytes */
        "sha-1 E6:0C:08:AB:BC:CB:35:C1:84:E8:38:52:06:3D:98:BD:02:78:72:C4:5B:8A:A0:AD:18:B0:82:"
        "E5:86:68:45:E8",
    };
    uint8_t digest[64];
    int alg;
    size_t len;
    CHECK_EQ(d13_fingerprint_parse(good, &alg, digest, sizeof(digest), &len), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = d13_fingerprint_parse(bad[i], &alg, digest, sizeof(digest), &len);
        if (rc != DTLS13_ERR_INVALID_ARG) fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
        CHECK_EQ(rc, DTLS13_ERR_INVALID_ARG);
    }
    CHECK(d13_fingerprint_parse(NULL, &alg, digest, sizeof(digest), &len) < 0);
    CHECK(d13_fingerprint_parse(good, &alg, digest, 16, &len) < 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_format_known);
    RUN_TEST(&st, test_parse_and_match);
    RUN_TEST(&st, test_parse_malformed);
    TEST_MAIN_END(&st);
}
