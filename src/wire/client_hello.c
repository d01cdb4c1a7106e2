/* ClientHello codec (RFC 8446 4.1.2 as adapted by RFC 9147 5.3). */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"
#include "wire/u16_list.h"

#define DECODE_ERROR DTLS13_ALERT_DECODE_ERROR

static bool offers_dtls13(const d13_extensions *ext)
{
    if (!(ext->present & D13_HAS_SUPPORTED_VERSIONS)) return false;
    for (size_t i = 0; i < ext->num_versions; i++)
        if (ext->versions[i] == DTLS13_VERSION_DTLS13 ||
            ext->versions[i] == DTLS13_VERSION_DTLS13_DRAFT43)
            return true;
    return false;
}

/* Reads a vector with prefix_bytes of length into *out; max bounds its length. */
static bool read_opaque(d13_reader *r, unsigned prefix_bytes, size_t min, size_t max, d13_bytes *out)
{
    d13_reader vec;
    bool ok = prefix_bytes == 1 ? d13_read_vec8(r, &vec) : d13_read_vec16(r, &vec);
    size_t n = d13_reader_remaining(&vec);
    if (!ok || n < min || n > max) return false;
    d13_read_rest(&vec, &out->p, &out->len);
    return true;
}

int d13_client_hello_decode(const uint8_t *body, size_t len, d13_client_hello *out)
{
    d13_reader r, suites;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_u16(&r, &out->legacy_version) || !d13_read_copy(&r, out->random, 32) ||
        !read_opaque(&r, 1, 0, 32, &out->legacy_session_id) ||
        !read_opaque(&r, 1, 0, 255, &out->legacy_cookie) || !d13_read_vec16(&r, &suites))
        return DECODE_ERROR;
    /* The signalling suites are looked for in the whole list: a peer with a
     * long list (OpenSSL's default has more than D13_MAX_SUITES entries
     * with DTLS 1.2) puts TLS_EMPTY_RENEGOTIATION_INFO_SCSV last. */
    d13_reader all_suites = suites;
    uint16_t suite;
    while (d13_read_u16(&all_suites, &suite)) {
        if (suite == D13_SCSV_EMPTY_RENEGOTIATION_INFO) out->scsv_renegotiation = true;
        if (suite == D13_SCSV_FALLBACK) out->scsv_fallback = true;
    }
    int rc = d13_u16_list_read(&suites, out->cipher_suites, D13_MAX_SUITES, &out->num_cipher_suites,
                               &out->suites_truncated);
    if (rc != 0) return rc;
    if (!read_opaque(&r, 1, 1, 255, &out->compression_methods)) return DECODE_ERROR;
    out->extensions_offset = d13_reader_offset(&r);
    rc = d13_extensions_read(&r, D13_EXTCTX_CLIENT_HELLO, &out->ext);
    if (rc != 0) return rc;
    if (!d13_reader_done(&r)) return DECODE_ERROR;
    /* A non-empty legacy_cookie is refused where 1.3 is chosen (RFC 9147
     * 5.3, handshake/server.c): a client offering 1.2 and 1.3 echoes a
     * 1.2-only server's HelloVerifyRequest cookie there (Chromium does). */
    if (offers_dtls13(&out->ext)) {
        if (out->compression_methods.len != 1 || out->compression_methods.p[0] != 0)
            return DTLS13_ALERT_ILLEGAL_PARAMETER;
    }
    return 0;
}

bool d13_client_hello_encode(d13_writer *w, const d13_client_hello *m)
{
    static const uint8_t null_compression[1] = {0};
    d13_write_u16(w, m->legacy_version);
    d13_write_bytes(w, m->random, 32);
    size_t mark = d13_write_vec_begin(w, 1);
    d13_write_bytes(w, m->legacy_session_id.p, m->legacy_session_id.len);
    if (m->legacy_session_id.len > 32) w->failed = true;
    d13_write_vec_end(w, mark, 1);
    mark = d13_write_vec_begin(w, 1);
    d13_write_bytes(w, m->legacy_cookie.p, m->legacy_cookie.len);
    d13_write_vec_end(w, mark, 1);
    d13_u16_list_write(w, 2, m->cipher_suites, m->num_cipher_suites, D13_MAX_SUITES);
    mark = d13_write_vec_begin(w, 1);
    if (m->compression_methods.len == 0)
        d13_write_bytes(w, null_compression, 1);
    else
        d13_write_bytes(w, m->compression_methods.p, m->compression_methods.len);
    d13_write_vec_end(w, mark, 1);
    return d13_extensions_encode(w, D13_EXTCTX_CLIENT_HELLO, &m->ext);
}
