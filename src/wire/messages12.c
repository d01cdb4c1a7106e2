/* Codecs for the DTLS 1.2 handshake messages that DTLS 1.3 does not have
 * (RFC 6347 4.2.1, RFC 5246 7.4, RFC 8422 5.4 and 5.7); see messages12.h. */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages12.h"
#include "wire/u16_list.h"

#define DECODE_ERROR DTLS13_ALERT_DECODE_ERROR

/* Reads a vector of prefix_bytes (1 or 2) holding at least min bytes into *out. */
static bool read_opaque(d13_reader *r, unsigned prefix_bytes, size_t min, d13_bytes *out)
{
    d13_reader vec;
    bool ok = prefix_bytes == 1 ? d13_read_vec8(r, &vec) : d13_read_vec16(r, &vec);
    if (!ok || d13_reader_remaining(&vec) < min) return false;
    d13_read_rest(&vec, &out->p, &out->len);
    return true;
}

static void write_opaque(d13_writer *w, unsigned prefix_bytes, const uint8_t *p, size_t len)
{
    size_t mark = d13_write_vec_begin(w, prefix_bytes);
    d13_write_bytes(w, p, len);
    d13_write_vec_end(w, mark, prefix_bytes);
}

int d12_hello_verify_request_decode(const uint8_t *body, size_t len, d12_hello_verify_request *out)
{
    d13_reader r;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_u16(&r, &out->server_version) || !read_opaque(&r, 1, 0, &out->cookie) ||
        !d13_reader_done(&r))
        return DECODE_ERROR;
    return 0;
}

bool d12_hello_verify_request_encode(d13_writer *w, const d12_hello_verify_request *m)
{
    d13_write_u16(w, m->server_version);
    write_opaque(w, 1, m->cookie.p, m->cookie.len);
    return !d13_writer_failed(w);
}

int d12_server_key_exchange_decode(const uint8_t *body, size_t len, d12_server_key_exchange *out)
{
    d13_reader r, start;
    uint8_t curve_type;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    start = r;
    if (!d13_read_u8(&r, &curve_type)) return DECODE_ERROR;
    if (curve_type != D12_EC_CURVE_TYPE_NAMED) return DTLS13_ALERT_ILLEGAL_PARAMETER;
    if (!d13_read_u16(&r, &out->group) || !read_opaque(&r, 1, 1, &out->public_key))
        return DECODE_ERROR;
    /* The signed ServerECDHParams are the bytes read so far. */
    if (!d13_read_bytes(&start, d13_reader_offset(&r), &out->params.p)) return DECODE_ERROR;
    out->params.len = d13_reader_offset(&r);
    if (!d13_read_u16(&r, &out->sig_scheme) || !read_opaque(&r, 2, 1, &out->signature) ||
        !d13_reader_done(&r))
        return DECODE_ERROR;
    return 0;
}

bool d12_ecdh_params_encode(d13_writer *w, uint16_t group, const uint8_t *public_key, size_t len)
{
    d13_write_u8(w, D12_EC_CURVE_TYPE_NAMED);
    d13_write_u16(w, group);
    write_opaque(w, 1, public_key, len);
    return !d13_writer_failed(w);
}

bool d12_signed_params_encode(d13_writer *w, uint16_t sig_scheme, const uint8_t *sig,
                              size_t sig_len)
{
    d13_write_u16(w, sig_scheme);
    write_opaque(w, 2, sig, sig_len);
    return !d13_writer_failed(w);
}

int d12_client_key_exchange_decode(const uint8_t *body, size_t len, d12_client_key_exchange *out)
{
    d13_reader r;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!read_opaque(&r, 1, 1, &out->public_key) || !d13_reader_done(&r)) return DECODE_ERROR;
    return 0;
}

bool d12_client_key_exchange_encode(d13_writer *w, const d12_client_key_exchange *m)
{
    write_opaque(w, 1, m->public_key.p, m->public_key.len);
    return !d13_writer_failed(w);
}

/* DistinguishedName certificate_authorities<0..2^16-1>, each DN<1..2^16-1>. */
static bool valid_authorities(d13_reader list)
{
    while (d13_reader_remaining(&list) > 0) {
        d13_reader dn;
        if (!d13_read_vec16(&list, &dn) || d13_reader_remaining(&dn) == 0) return false;
    }
    return true;
}

int d12_certificate_request_decode(const uint8_t *body, size_t len, d12_certificate_request *out)
{
    d13_reader r, sig_algs, authorities;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!read_opaque(&r, 1, 1, &out->certificate_types) || !d13_read_vec16(&r, &sig_algs))
        return DECODE_ERROR;
    int rc = d13_u16_list_read(&sig_algs, out->sig_algs, D13_MAX_LIST, &out->num_sig_algs,
                               &out->sig_algs_truncated);
    if (rc != 0) return rc;
    if (!d13_read_vec16(&r, &authorities) || !d13_reader_done(&r) ||
        !valid_authorities(authorities))
        return DECODE_ERROR;
    d13_read_rest(&authorities, &out->certificate_authorities.p,
                  &out->certificate_authorities.len);
    return 0;
}

bool d12_certificate_request_encode(d13_writer *w, const d12_certificate_request *m)
{
    write_opaque(w, 1, m->certificate_types.p, m->certificate_types.len);
    d13_u16_list_write(w, 2, m->sig_algs, m->num_sig_algs, D13_MAX_LIST);
    write_opaque(w, 2, m->certificate_authorities.p, m->certificate_authorities.len);
    return !d13_writer_failed(w);
}

int d12_certificate_decode(const uint8_t *body, size_t len, d12_certificate *out)
{
    d13_reader r, list;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_vec24(&r, &list) || !d13_reader_done(&r)) return DECODE_ERROR;
    while (d13_reader_remaining(&list) > 0) {
        d13_reader cert;
        if (!d13_read_vec24(&list, &cert) || d13_reader_remaining(&cert) == 0) return DECODE_ERROR;
        if (out->num_certs < D13_MAX_CERTS) {
            d13_bytes *slot = &out->certs[out->num_certs++];
            d13_read_rest(&cert, &slot->p, &slot->len);
        } else {
            out->certs_truncated = true;
        }
    }
    return 0;
}

bool d12_certificate_encode(d13_writer *w, const d12_certificate *m)
{
    if (m->num_certs > D13_MAX_CERTS) w->failed = true;
    size_t list = d13_write_vec_begin(w, 3);
    for (size_t i = 0; i < m->num_certs && i < D13_MAX_CERTS; i++) {
        size_t cert = d13_write_vec_begin(w, 3);
        d13_write_bytes(w, m->certs[i].p, m->certs[i].len);
        d13_write_vec_end(w, cert, 3);
    }
    d13_write_vec_end(w, list, 3);
    return !d13_writer_failed(w);
}

int d12_empty_message_decode(const uint8_t *body, size_t len)
{
    (void)body;
    return len == 0 ? 0 : DECODE_ERROR;
}
