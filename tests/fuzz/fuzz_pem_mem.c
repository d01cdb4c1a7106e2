/* Fuzz target: the PEM certificate + key loader from memory
 * (d13_cert_load_pem_mem).
 *
 * An input starting with byte 0x01 is split: two bytes (big-endian) give
 * the length of the certificate text, which follows; the rest is the key
 * text. Any other input is one text holding both, passed as certificate
 * and as key, as gst-plugins-bad's `pem` property does. Seeds in
 * corpus/pem_mem/: the unit tests' certificate and key files
 * (tests/unit/crypto/data) concatenated in both orders, split, mismatched,
 * truncated and garbage. */
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"
#include "fuzz/fuzz_target.h"

/* Loads once and checks what any answer must look like. */
static void load_and_check(const char *cert, size_t cert_len, const char *key, size_t key_len)
{
    int err = 12345;
    d13_cert *c = d13_cert_load_pem_mem(cert, cert_len, key, key_len, &err);
    if (c == NULL) {
        FUZZ_CHECK(err == DTLS13_ERR_CERTIFICATE || err == DTLS13_ERR_NO_MEMORY ||
                   (err == DTLS13_ERR_INVALID_ARG && (cert == NULL || key == NULL)));
        return;
    }
    FUZZ_CHECK(err == 0);
    size_t der_len = 0;
    const uint8_t *der = d13_cert_der(c, &der_len);
    FUZZ_CHECK(der != NULL && der_len >= 2 && der[0] == 0x30);
    FUZZ_CHECK(d13_cert_key(c) != NULL);
    char fp[128];
    FUZZ_CHECK(d13_fingerprint_format(D13_HASH_SHA256, der, der_len, fp, sizeof(fp)) == 0);
    d13_cert_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 3 && data[0] == 0x01) {
        size_t cert_len = ((size_t)data[1] << 8) | data[2];
        if (cert_len > size - 3) return 0;
        const char *cert = (const char *)data + 3;
        load_and_check(cert, cert_len, cert + cert_len, size - 3 - cert_len);
    } else {
        load_and_check((const char *)data, size, (const char *)data, size);
    }
    return 0;
}
