/* Encoding of extension blocks in a fixed order (see messages.h; the DTLS 1.2
 * ones come last). */
#include "wire/messages.h"
#include "wire/u16_list.h"

/* Opens one extension; returns the mark of its body vector. */
static size_t ext_begin(d13_writer *w, uint16_t type)
{
    d13_write_u16(w, type);
    return d13_write_vec_begin(w, 2);
}

static void ext_end(d13_writer *w, size_t mark)
{
    d13_write_vec_end(w, mark, 2);
}

static bool has(const d13_extensions *ext, uint32_t bit, uint16_t type, d13_ext_context ctx)
{
    return (ext->present & bit) && d13_extension_allowed(type, ctx);
}

static void write_opaque(d13_writer *w, unsigned prefix_bytes, d13_bytes b)
{
    size_t mark = d13_write_vec_begin(w, prefix_bytes);
    d13_write_bytes(w, b.p, b.len);
    d13_write_vec_end(w, mark, prefix_bytes);
}

static void write_key_share_entry(d13_writer *w, const d13_key_share_entry *e)
{
    d13_write_u16(w, e->group);
    write_opaque(w, 2, e->key_exchange);
}

static void write_key_share(d13_writer *w, d13_ext_context ctx, const d13_extensions *ext)
{
    size_t mark = ext_begin(w, D13_EXT_KEY_SHARE);
    if (ctx == D13_EXTCTX_CLIENT_HELLO) {
        if (ext->num_shares > D13_MAX_SHARES) w->failed = true;
        size_t list = d13_write_vec_begin(w, 2);
        for (size_t i = 0; i < ext->num_shares && i < D13_MAX_SHARES; i++)
            write_key_share_entry(w, &ext->shares[i]);
        d13_write_vec_end(w, list, 2);
    } else if (ctx == D13_EXTCTX_SERVER_HELLO) {
        write_key_share_entry(w, &ext->server_share);
    } else {
        d13_write_u16(w, ext->hrr_selected_group);
    }
    ext_end(w, mark);
}

static void write_u16_list_ext(d13_writer *w, uint16_t type, const uint16_t *values, size_t num)
{
    size_t mark = ext_begin(w, type);
    d13_u16_list_write(w, 2, values, num, D13_MAX_LIST);
    ext_end(w, mark);
}

/* The DTLS 1.2 extensions (ClientHello and D13_EXTCTX_SERVER_HELLO12), after
 * all others: extended_master_secret (empty), renegotiation_info, and
 * ec_point_formats, written as {uncompressed} when the struct holds none
 * (the list may not be empty, RFC 8422 5.1.2). */
static void write_tls12_extensions(d13_writer *w, d13_ext_context ctx, const d13_extensions *ext)
{
    static const uint8_t uncompressed[1] = {0};
    if (has(ext, D13_HAS_EXTENDED_MASTER_SECRET, D13_EXT_EXTENDED_MASTER_SECRET, ctx))
        ext_end(w, ext_begin(w, D13_EXT_EXTENDED_MASTER_SECRET));
    if (has(ext, D13_HAS_RENEGOTIATION_INFO, D13_EXT_RENEGOTIATION_INFO, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_RENEGOTIATION_INFO);
        write_opaque(w, 1, ext->renegotiation_info);
        ext_end(w, mark);
    }
    if (has(ext, D13_HAS_EC_POINT_FORMATS, D13_EXT_EC_POINT_FORMATS, ctx)) {
        d13_bytes formats = ext->ec_point_formats;
        if (formats.len == 0) {
            formats.p = uncompressed;
            formats.len = sizeof uncompressed;
        }
        size_t mark = ext_begin(w, D13_EXT_EC_POINT_FORMATS);
        write_opaque(w, 1, formats);
        ext_end(w, mark);
    }
}

bool d13_extensions_encode(d13_writer *w, d13_ext_context ctx, const d13_extensions *ext)
{
    size_t block = d13_write_vec_begin(w, 2);
    if (has(ext, D13_HAS_SUPPORTED_VERSIONS, D13_EXT_SUPPORTED_VERSIONS, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_SUPPORTED_VERSIONS);
        if (ctx == D13_EXTCTX_CLIENT_HELLO)
            d13_u16_list_write(w, 1, ext->versions, ext->num_versions, D13_MAX_LIST);
        else
            d13_write_u16(w, ext->selected_version);
        ext_end(w, mark);
    }
    if (has(ext, D13_HAS_SUPPORTED_GROUPS, D13_EXT_SUPPORTED_GROUPS, ctx))
        write_u16_list_ext(w, D13_EXT_SUPPORTED_GROUPS, ext->groups, ext->num_groups);
    if (has(ext, D13_HAS_KEY_SHARE, D13_EXT_KEY_SHARE, ctx)) write_key_share(w, ctx, ext);
    if (has(ext, D13_HAS_SIGNATURE_ALGORITHMS, D13_EXT_SIGNATURE_ALGORITHMS, ctx))
        write_u16_list_ext(w, D13_EXT_SIGNATURE_ALGORITHMS, ext->sig_algs, ext->num_sig_algs);
    if (has(ext, D13_HAS_SIGNATURE_ALGORITHMS_CERT, D13_EXT_SIGNATURE_ALGORITHMS_CERT, ctx))
        write_u16_list_ext(w, D13_EXT_SIGNATURE_ALGORITHMS_CERT, ext->sig_algs_cert,
                           ext->num_sig_algs_cert);
    if (has(ext, D13_HAS_USE_SRTP, D13_EXT_USE_SRTP, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_USE_SRTP);
        d13_u16_list_write(w, 2, ext->srtp_profiles, ext->num_srtp_profiles, D13_MAX_LIST);
        write_opaque(w, 1, ext->srtp_mki);
        ext_end(w, mark);
    }
    if (has(ext, D13_HAS_COOKIE, D13_EXT_COOKIE, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_COOKIE);
        write_opaque(w, 2, ext->cookie);
        ext_end(w, mark);
    }
    if (has(ext, D13_HAS_RECORD_SIZE_LIMIT, D13_EXT_RECORD_SIZE_LIMIT, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_RECORD_SIZE_LIMIT);
        d13_write_u16(w, ext->record_size_limit);
        ext_end(w, mark);
    }
    if (has(ext, D13_HAS_PSK_KEY_EXCHANGE_MODES, D13_EXT_PSK_KEY_EXCHANGE_MODES, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_PSK_KEY_EXCHANGE_MODES);
        write_opaque(w, 1, ext->psk_modes);
        ext_end(w, mark);
    }
    if (has(ext, D13_HAS_CONNECTION_ID, D13_EXT_CONNECTION_ID, ctx)) {
        size_t mark = ext_begin(w, D13_EXT_CONNECTION_ID);
        write_opaque(w, 1, ext->connection_id);
        ext_end(w, mark);
    }
    /* Extensions whose content this struct does not hold are written only
     * where their body is empty. */
    if (ctx == D13_EXTCTX_ENCRYPTED_EXTENSIONS &&
        has(ext, D13_HAS_SERVER_NAME, D13_EXT_SERVER_NAME, ctx))
        ext_end(w, ext_begin(w, D13_EXT_SERVER_NAME));
    if (ctx != D13_EXTCTX_NEW_SESSION_TICKET && has(ext, D13_HAS_EARLY_DATA, D13_EXT_EARLY_DATA, ctx))
        ext_end(w, ext_begin(w, D13_EXT_EARLY_DATA));
    write_tls12_extensions(w, ctx, ext);
    d13_write_vec_end(w, block, 2);
    return !d13_writer_failed(w);
}
