/* ServerHello and HelloRetryRequest codec (RFC 8446 4.1.3, RFC 9147 5.4). */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"

#define DECODE_ERROR DTLS13_ALERT_DECODE_ERROR

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
const uint8_t d13_hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

int d13_server_hello_decode(const uint8_t *body, size_t len, d13_server_hello *out)
{
    d13_reader r, sid;
    memset(out, 0, sizeof *out);
    d13_reader_init(&r, body, len);
    if (!d13_read_u16(&r, &out->legacy_version) || !d13_read_copy(&r, out->random, 32) ||
        !d13_read_vec8(&r, &sid) || d13_reader_remaining(&sid) > 32 ||
        !d13_read_u16(&r, &out->cipher_suite) || !d13_read_u8(&r, &out->legacy_compression_method))
        return DECODE_ERROR;
    d13_read_rest(&sid, &out->legacy_session_id_echo.p, &out->legacy_session_id_echo.len);
    /* The random is public, so an ordinary comparison is fine. */
    out->is_hrr = memcmp(out->random, d13_hrr_random, 32) == 0;
    int rc = d13_extensions_read(
        &r, out->is_hrr ? D13_EXTCTX_HELLO_RETRY_REQUEST : D13_EXTCTX_SERVER_HELLO, &out->ext);
    if (rc != 0) return rc;
    if (!d13_reader_done(&r)) return DECODE_ERROR;
    if (out->legacy_compression_method != 0) return DTLS13_ALERT_ILLEGAL_PARAMETER;
    return 0;
}

bool d13_server_hello_encode(d13_writer *w, const d13_server_hello *m)
{
    d13_write_u16(w, m->legacy_version);
    d13_write_bytes(w, m->is_hrr ? d13_hrr_random : m->random, 32);
    if (m->legacy_session_id_echo.len > 32) w->failed = true;
    size_t mark = d13_write_vec_begin(w, 1);
    d13_write_bytes(w, m->legacy_session_id_echo.p, m->legacy_session_id_echo.len);
    d13_write_vec_end(w, mark, 1);
    d13_write_u16(w, m->cipher_suite);
    d13_write_u8(w, m->legacy_compression_method);
    return d13_extensions_encode(
        w, m->is_hrr ? D13_EXTCTX_HELLO_RETRY_REQUEST : D13_EXTCTX_SERVER_HELLO, &m->ext);
}
