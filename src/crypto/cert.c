/* Local certificates: WebRTC-style self-signed ECDSA P-256 certificates and
 * PEM certificate + key, from files or from memory. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "crypto/crypto_internal.h"

#define DAY_SECONDS (24L * 60 * 60)

struct d13_cert {
    uint8_t *der;
    size_t der_len;
    d13_pkey key; /* owns the private key */
};

/* Wraps an X509 and its key (taking ownership of pkey) into a d13_cert. */
static d13_cert *cert_from_x509(X509 *x509, EVP_PKEY *pkey)
{
    unsigned char *der = NULL;
    int der_len = i2d_X509(x509, &der);
    if (der_len <= 0) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    d13_cert *cert = calloc(1, sizeof(*cert));
    uint8_t *copy = malloc((size_t)der_len);
    if (cert == NULL || copy == NULL) {
        free(cert);
        free(copy);
        OPENSSL_free(der);
        EVP_PKEY_free(pkey);
        return NULL;
    }
    memcpy(copy, der, (size_t)der_len);
    OPENSSL_free(der);
    cert->der = copy;
    cert->der_len = (size_t)der_len;
    if (d13_pkey_init(&cert->key, pkey, true) != 0) { /* frees pkey */
        free(cert->der);
        free(cert);
        return NULL;
    }
    return cert;
}

/* Sets a random positive 64-bit serial number. */
static bool set_random_serial(X509 *x509)
{
    uint8_t bytes[8];
    if (d13_random(bytes, sizeof(bytes)) != 0) return false;
    bytes[0] &= 0x7f; /* at most 63 significant bits: positive and 8 bytes in DER */
    bytes[0] |= 0x40; /* never zero, always 8 bytes long */
    BIGNUM *bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
    bool ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != NULL;
    BN_free(bn);
    return ok;
}

d13_cert *d13_cert_generate_self_signed(const char *common_name)
{
    if (common_name == NULL || common_name[0] == '\0' || strlen(common_name) > 64) return NULL;
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x509 = X509_new();
    X509_NAME *name = X509_NAME_new();
    bool ok = pkey != NULL && x509 != NULL && name != NULL &&
              X509_set_version(x509, X509_VERSION_3) == 1 && set_random_serial(x509) &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                         (const unsigned char *)common_name, -1, -1, 0) == 1 &&
              X509_set_subject_name(x509, name) == 1 && X509_set_issuer_name(x509, name) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(x509), -DAY_SECONDS) != NULL &&
              X509_gmtime_adj(X509_getm_notAfter(x509), 30 * DAY_SECONDS) != NULL &&
              X509_set_pubkey(x509, pkey) == 1 && X509_sign(x509, pkey, EVP_sha256()) > 0;
    X509_NAME_free(name);
    d13_cert *cert = NULL;
    if (ok) {
        cert = cert_from_x509(x509, pkey);
    } else {
        EVP_PKEY_free(pkey);
        ERR_clear_error();
    }
    X509_free(x509);
    return cert;
}

/* Refuses to prompt for a passphrase: encrypted keys are not supported. */
static int no_password(char *buf, int size, int rwflag, void *user)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)user;
    return 0;
}

/* Reads the first certificate from cert_bio and the first private key
 * from key_bio (each skips PEM blocks of other kinds, so one text may hold
 * both) and checks that the key is one d13_sign can use and matches the
 * certificate. Shared by the file and the memory loaders. */
static d13_cert *cert_from_pem_bios(BIO *cert_bio, BIO *key_bio, int *err)
{
    X509 *x509 = PEM_read_bio_X509(cert_bio, NULL, no_password, NULL);
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(key_bio, NULL, no_password, NULL);
    d13_cert *cert = NULL;
    if (x509 == NULL || pkey == NULL || !d13_evp_key_usable(pkey) ||
        X509_check_private_key(x509, pkey) != 1) {
        *err = DTLS13_ERR_CERTIFICATE;
    } else {
        cert = cert_from_x509(x509, pkey);
        pkey = NULL; /* owned by cert now, or freed */
        *err = cert != NULL ? 0 : DTLS13_ERR_NO_MEMORY;
    }
    EVP_PKEY_free(pkey);
    X509_free(x509);
    ERR_clear_error();
    return cert;
}

d13_cert *d13_cert_load_pem(const char *cert_path, const char *key_path, int *err)
{
    int dummy;
    if (err == NULL) err = &dummy;
    *err = DTLS13_ERR_INVALID_ARG;
    if (cert_path == NULL || key_path == NULL) return NULL;

    FILE *cert_file = fopen(cert_path, "rb");
    if (cert_file == NULL) {
        *err = DTLS13_ERR_IO;
        return NULL;
    }
    FILE *key_file = fopen(key_path, "rb");
    if (key_file == NULL) {
        fclose(cert_file);
        *err = DTLS13_ERR_IO;
        return NULL;
    }
    BIO *cert_bio = BIO_new_fp(cert_file, BIO_NOCLOSE);
    BIO *key_bio = BIO_new_fp(key_file, BIO_NOCLOSE);
    d13_cert *cert = NULL;
    if (cert_bio == NULL || key_bio == NULL) {
        *err = DTLS13_ERR_NO_MEMORY;
    } else {
        cert = cert_from_pem_bios(cert_bio, key_bio, err);
        if (ferror(cert_file) || ferror(key_file)) { /* e.g. a directory */
            d13_cert_free(cert);
            cert = NULL;
            *err = DTLS13_ERR_IO;
        }
    }
    BIO_free(cert_bio);
    BIO_free(key_bio);
    fclose(cert_file);
    fclose(key_file);
    ERR_clear_error();
    return cert;
}

/* A read-only BIO over len bytes of PEM text; NULL (with *err set) when the
 * text is too long for OpenSSL or holds a NUL byte, which PEM never does
 * (OpenSSL's line reader would stop there and parse a different text). */
static BIO *pem_text_bio(const char *pem, size_t len, int *err)
{
    if (len > INT_MAX) {
        *err = DTLS13_ERR_INVALID_ARG;
        return NULL;
    }
    if (memchr(pem, '\0', len) != NULL) {
        *err = DTLS13_ERR_CERTIFICATE;
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) *err = DTLS13_ERR_NO_MEMORY;
    return bio;
}

d13_cert *d13_cert_load_pem_mem(const char *cert_pem, size_t cert_len, const char *key_pem,
                                size_t key_len, int *err)
{
    int dummy;
    if (err == NULL) err = &dummy;
    *err = DTLS13_ERR_INVALID_ARG;
    if (cert_pem == NULL || key_pem == NULL) return NULL;
    BIO *cert_bio = pem_text_bio(cert_pem, cert_len, err);
    BIO *key_bio = cert_bio != NULL ? pem_text_bio(key_pem, key_len, err) : NULL;
    d13_cert *cert = key_bio != NULL ? cert_from_pem_bios(cert_bio, key_bio, err) : NULL;
    BIO_free(cert_bio);
    BIO_free(key_bio);
    ERR_clear_error();
    return cert;
}

d13_cert *d13_cert_dup(const d13_cert *cert)
{
    if (cert == NULL || cert->der == NULL || cert->key.pkey == NULL) return NULL;
    d13_cert *copy = calloc(1, sizeof(*copy));
    if (copy == NULL) return NULL;
    copy->der = malloc(cert->der_len);
    if (copy->der == NULL || EVP_PKEY_up_ref(cert->key.pkey) != 1) {
        free(copy->der);
        free(copy);
        return NULL;
    }
    memcpy(copy->der, cert->der, cert->der_len);
    copy->der_len = cert->der_len;
    /* The key is shared (keys are immutable once made); the signing
     * context is the copy's own. */
    if (d13_pkey_init(&copy->key, cert->key.pkey, true) != 0) {
        free(copy->der);
        free(copy);
        return NULL;
    }
    return copy;
}

void d13_cert_free(d13_cert *cert)
{
    if (cert == NULL) return;
    d13_pkey_clear(&cert->key);
    free(cert->der);
    free(cert);
}

const uint8_t *d13_cert_der(const d13_cert *cert, size_t *len)
{
    if (cert == NULL) {
        if (len != NULL) *len = 0;
        return NULL;
    }
    if (len != NULL) *len = cert->der_len;
    return cert->der;
}

const d13_pkey *d13_cert_key(const d13_cert *cert)
{
    return cert != NULL ? &cert->key : NULL;
}
