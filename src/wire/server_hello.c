/* ServerHello and HelloRetryRequest codec (RFC 8446 4.1.3, RFC 9147 5.4), and
 * the DTLS 1.2 ServerHello (RFC 6347 4.2, RFC 5246 7.4.1.3). */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"

#define DECODE_ERROR DTLS13_ALERT_DECODE_ERROR

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
const uint8_t d13_hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* True when the extensions<..> vector at r (not advanced: r is a copy)
 * holds an extension of the given type among its well-formed leading
 * entries. Only chooses the context; the real decode validates. */
static bool block_has_extension(d13_reader r, uint16_t type)
{
    d13_reader block;
    if (!d13_read_vec16(&r, &block)) return false;
    while (d13_reader_remaining(&block) > 0) {
        uint16_t t;
        d13_reader body;
        if (!d13_read_u16(&block, &t) || !d13_read_vec16(&block, &body)) return false;
        if (t == type) return true;
    }
    return false;
}

/* Extension context of a ServerHello: the HelloRetryRequest one, else DTLS
 * 1.3 when it carries supported_versions, else DTLS 1.2. */
static d13_ext_context server_hello_context(bool is_hrr, bool has_supported_versions)
{
    if (is_hrr) return D13_EXTCTX_HELLO_RETRY_REQUEST;
    return has_supported_versions ? D13_EXTCTX_SERVER_HELLO : D13_EXTCTX_SERVER_HELLO12;
}

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
    /* RFC 5246 7.4.1.3: a (DTLS 1.2) ServerHello may end before the block. */
    if (!out->is_hrr && d13_reader_remaining(&r) == 0)
        return out->legacy_compression_method != 0 ? DTLS13_ALERT_ILLEGAL_PARAMETER : 0;
    d13_ext_context ctx =
        server_hello_context(out->is_hrr, block_has_extension(r, D13_EXT_SUPPORTED_VERSIONS));
    int rc = d13_extensions_read(&r, ctx, &out->ext);
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
        w, server_hello_context(m->is_hrr, (m->ext.present & D13_HAS_SUPPORTED_VERSIONS) != 0),
        &m->ext);
}
