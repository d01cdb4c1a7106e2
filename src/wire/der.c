/* Minimal DER walk to find the SubjectPublicKeyInfo of an X.509
 * certificate (RFC 5280 4.1), through the bounds-checked reader. */
#include "dtls13/constants.h"
#include "wire/messages.h"

#define DER_SEQUENCE 0x30
#define DER_INTEGER 0x02
#define DER_CONTEXT_0 0xa0 /* [0] EXPLICIT, constructed */

/* Reads one TLV's identifier and length, then its contents as *content.
 * Only single-byte tags; definite lengths (short or long form up to 4
 * bytes); indefinite lengths and lengths beyond the input are rejected. */
static bool der_read_tlv(d13_reader *r, uint8_t *tag, d13_reader *content)
{
    uint8_t first;
    size_t len = 0;
    if (!d13_read_u8(r, tag) || (*tag & 0x1f) == 0x1f) return false;
    if (!d13_read_u8(r, &first)) return false;
    if (first < 0x80) {
        len = first;
    } else {
        unsigned n = first & 0x7f;
        if (n == 0 || n > 4) return false; /* indefinite, or absurdly long */
        for (unsigned i = 0; i < n; i++) {
            uint8_t b;
            if (!d13_read_u8(r, &b)) return false;
            len = len << 8 | b;
        }
    }
    return d13_read_sub(r, len, content);
}

/* Reads one TLV that must carry the given tag. */
static bool der_expect(d13_reader *r, uint8_t want, d13_reader *content)
{
    uint8_t tag;
    return der_read_tlv(r, &tag, content) && tag == want;
}

/* Reads the next TLV and points *whole at all its bytes (header included). */
static bool der_expect_whole(d13_reader *r, uint8_t want, d13_bytes *whole)
{
    d13_reader start = *r, content;
    if (!der_expect(r, want, &content)) return false;
    size_t n = d13_reader_offset(r) - d13_reader_offset(&start);
    if (!d13_read_bytes(&start, n, &whole->p)) return false;
    whole->len = n;
    return true;
}

int d13_der_certificate_spki(const uint8_t *der, size_t len, d13_bytes *spki)
{
    d13_reader r, cert, tbs, field;
    uint8_t tag;
    spki->p = NULL;
    spki->len = 0;
    d13_reader_init(&r, der, len);
    if (!der_expect(&r, DER_SEQUENCE, &cert) || !d13_reader_done(&r) ||
        !der_expect(&cert, DER_SEQUENCE, &tbs))
        return DTLS13_ALERT_BAD_CERTIFICATE;
    /* [0] version (optional), then serialNumber. */
    if (!der_read_tlv(&tbs, &tag, &field)) return DTLS13_ALERT_BAD_CERTIFICATE;
    if (tag == DER_CONTEXT_0 && !der_read_tlv(&tbs, &tag, &field))
        return DTLS13_ALERT_BAD_CERTIFICATE;
    if (tag != DER_INTEGER) return DTLS13_ALERT_BAD_CERTIFICATE;
    /* signature, issuer, validity, subject */
    for (int i = 0; i < 4; i++)
        if (!der_expect(&tbs, DER_SEQUENCE, &field)) return DTLS13_ALERT_BAD_CERTIFICATE;
    if (!der_expect_whole(&tbs, DER_SEQUENCE, spki)) {
        spki->p = NULL;
        spki->len = 0;
        return DTLS13_ALERT_BAD_CERTIFICATE;
    }
    return 0;
}
