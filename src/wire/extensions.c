/* Decoding of extension blocks (RFC 8446 4.2, RFC 5764 4.1.1, RFC 8449,
 * RFC 9147 9; for DTLS 1.2 RFC 7627, RFC 5746, RFC 8422 5.1.2). Each body
 * decoder must consume its body exactly. */
#include <string.h>

#include "dtls13/constants.h"
#include "wire/messages.h"
#include "wire/u16_list.h"

#define DECODE_ERROR DTLS13_ALERT_DECODE_ERROR
#define ILLEGAL_PARAMETER DTLS13_ALERT_ILLEGAL_PARAMETER

/** A set of uint16 values to find duplicates in linear time: the first
 *  values are kept in a small array (the common case, cheap to start);
 *  past that a bitmap over all 65536 values takes over. */
#define U16_SET_SMALL 64
typedef struct u16_set {
    uint16_t small[U16_SET_SMALL];
    size_t count;
    bool use_bits;
    uint8_t bits[65536 / 8];
} u16_set;

static void u16_set_init(u16_set *s)
{
    s->count = 0;
    s->use_bits = false;
}

/* Adds v; returns false when it was already there. */
static bool u16_set_add(u16_set *s, uint16_t v)
{
    if (!s->use_bits) {
        for (size_t i = 0; i < s->count; i++)
            if (s->small[i] == v) return false;
        if (s->count < U16_SET_SMALL) {
            s->small[s->count++] = v;
            return true;
        }
        memset(s->bits, 0, sizeof s->bits);
        for (size_t i = 0; i < s->count; i++)
            s->bits[s->small[i] >> 3] |= (uint8_t)(1u << (s->small[i] & 7));
        s->use_bits = true;
    }
    uint8_t mask = (uint8_t)(1u << (v & 7));
    if (s->bits[v >> 3] & mask) return false;
    s->bits[v >> 3] |= mask;
    return true;
}

/* 0 when body was read exactly to its end, else decode_error. */
static int body_end(const d13_reader *body)
{
    return d13_reader_done(body) ? 0 : DECODE_ERROR;
}

/* Reads a vector with prefix_bytes of length that fills the rest of body. */
static bool read_whole_vec(d13_reader *body, unsigned prefix_bytes, d13_reader *vec)
{
    bool ok = prefix_bytes == 1 ? d13_read_vec8(body, vec) : d13_read_vec16(body, vec);
    return ok && d13_reader_done(body);
}

/* A u16 list in a vector of prefix_bytes that fills body. */
static int decode_u16_list(d13_reader *body, unsigned prefix_bytes, uint16_t *out, size_t *num,
                           bool *truncated)
{
    d13_reader list;
    if (!read_whole_vec(body, prefix_bytes, &list)) return DECODE_ERROR;
    return d13_u16_list_read(&list, out, D13_MAX_LIST, num, truncated);
}

/* Bytes of a vector of prefix_bytes that fills body; min is the least length. */
static int decode_opaque(d13_reader *body, unsigned prefix_bytes, size_t min, d13_bytes *out)
{
    d13_reader vec;
    if (!read_whole_vec(body, prefix_bytes, &vec)) return DECODE_ERROR;
    if (d13_reader_remaining(&vec) < min) return DECODE_ERROR;
    d13_read_rest(&vec, &out->p, &out->len);
    return 0;
}

static int decode_supported_versions(d13_reader *body, d13_ext_context ctx, d13_extensions *out)
{
    if (ctx == D13_EXTCTX_CLIENT_HELLO)
        return decode_u16_list(body, 1, out->versions, &out->num_versions, &out->lists_truncated);
    if (!d13_read_u16(body, &out->selected_version)) return DECODE_ERROR;
    return body_end(body);
}

/* KeyShareEntry: group, key_exchange<1..2^16-1>. */
static bool read_key_share_entry(d13_reader *r, d13_key_share_entry *e)
{
    d13_reader ke;
    if (!d13_read_u16(r, &e->group) || !d13_read_vec16(r, &ke)) return false;
    if (d13_reader_remaining(&ke) == 0) return false;
    d13_read_rest(&ke, &e->key_exchange.p, &e->key_exchange.len);
    return true;
}

static int decode_client_shares(d13_reader *body, d13_extensions *out)
{
    d13_reader list;
    u16_set groups;
    if (!read_whole_vec(body, 2, &list)) return DECODE_ERROR;
    u16_set_init(&groups);
    while (d13_reader_remaining(&list) > 0) {
        d13_key_share_entry e;
        if (!read_key_share_entry(&list, &e)) return DECODE_ERROR;
        if (!u16_set_add(&groups, e.group)) return ILLEGAL_PARAMETER;
        if (out->num_shares < D13_MAX_SHARES)
            out->shares[out->num_shares++] = e;
        else
            out->lists_truncated = true;
    }
    return 0;
}

static int decode_key_share(d13_reader *body, d13_ext_context ctx, d13_extensions *out)
{
    switch (ctx) {
    case D13_EXTCTX_CLIENT_HELLO:
        return decode_client_shares(body, out);
    case D13_EXTCTX_SERVER_HELLO:
        if (!read_key_share_entry(body, &out->server_share)) return DECODE_ERROR;
        return body_end(body);
    default:
        if (!d13_read_u16(body, &out->hrr_selected_group)) return DECODE_ERROR;
        return body_end(body);
    }
}

static int decode_use_srtp(d13_reader *body, d13_ext_context ctx, d13_extensions *out)
{
    d13_reader profiles, mki;
    if (!d13_read_vec16(body, &profiles) || !d13_read_vec8(body, &mki) || !d13_reader_done(body))
        return DECODE_ERROR;
    int rc = d13_u16_list_read(&profiles, out->srtp_profiles, D13_MAX_LIST, &out->num_srtp_profiles,
                               &out->lists_truncated);
    if (rc != 0) return rc;
    if (ctx == D13_EXTCTX_ENCRYPTED_EXTENSIONS && out->num_srtp_profiles != 1)
        return ILLEGAL_PARAMETER;
    d13_read_rest(&mki, &out->srtp_mki.p, &out->srtp_mki.len);
    return 0;
}

static int decode_record_size_limit(d13_reader *body, d13_extensions *out)
{
    if (!d13_read_u16(body, &out->record_size_limit) || !d13_reader_done(body))
        return DECODE_ERROR;
    return out->record_size_limit < 64 ? ILLEGAL_PARAMETER : 0; /* RFC 8449 4 */
}

/* ServerNameList server_name_list<1..2^16-1> of {u8 type, opaque name<1..>}
 * in a ClientHello; empty in EncryptedExtensions. */
static int decode_server_name(d13_reader *body, d13_ext_context ctx)
{
    d13_reader list;
    if (ctx != D13_EXTCTX_CLIENT_HELLO) return body_end(body);
    if (!read_whole_vec(body, 2, &list) || d13_reader_remaining(&list) == 0) return DECODE_ERROR;
    while (d13_reader_remaining(&list) > 0) {
        uint8_t name_type;
        d13_reader name;
        if (!d13_read_u8(&list, &name_type) || !d13_read_vec16(&list, &name) ||
            d13_reader_remaining(&name) == 0)
            return DECODE_ERROR;
    }
    return 0;
}

/* ProtocolNameList protocol_name_list<2..2^16-1> of opaque<1..2^8-1>; exactly
 * one name in EncryptedExtensions (RFC 7301 3.1). */
static int decode_alpn(d13_reader *body, d13_ext_context ctx)
{
    d13_reader list;
    size_t count = 0;
    if (!read_whole_vec(body, 2, &list) || d13_reader_remaining(&list) == 0) return DECODE_ERROR;
    while (d13_reader_remaining(&list) > 0) {
        d13_reader name;
        if (!d13_read_vec8(&list, &name) || d13_reader_remaining(&name) == 0) return DECODE_ERROR;
        count++;
    }
    if (ctx == D13_EXTCTX_ENCRYPTED_EXTENSIONS && count != 1) return ILLEGAL_PARAMETER;
    return 0;
}

/* OfferedPsks in a ClientHello (identities and binders, as many of each);
 * selected_identity in a ServerHello. */
static int decode_pre_shared_key(d13_reader *body, d13_ext_context ctx)
{
    uint16_t selected;
    if (ctx == D13_EXTCTX_SERVER_HELLO) {
        if (!d13_read_u16(body, &selected)) return DECODE_ERROR;
        return body_end(body);
    }
    d13_reader ids, binders;
    size_t num_ids = 0, num_binders = 0;
    if (!d13_read_vec16(body, &ids) || !d13_read_vec16(body, &binders) || !d13_reader_done(body))
        return DECODE_ERROR;
    while (d13_reader_remaining(&ids) > 0) {
        d13_reader identity;
        uint32_t age;
        if (!d13_read_vec16(&ids, &identity) || d13_reader_remaining(&identity) == 0 ||
            !d13_read_u32(&ids, &age))
            return DECODE_ERROR;
        num_ids++;
    }
    while (d13_reader_remaining(&binders) > 0) {
        d13_reader binder;
        if (!d13_read_vec8(&binders, &binder) || d13_reader_remaining(&binder) < 32)
            return DECODE_ERROR;
        num_binders++;
    }
    if (num_ids == 0 || num_binders == 0) return DECODE_ERROR;
    return num_ids == num_binders ? 0 : ILLEGAL_PARAMETER;
}

/* DistinguishedName authorities<3..2^16-1> of opaque<1..2^16-1>. */
static int decode_certificate_authorities(d13_reader *body)
{
    d13_reader list;
    if (!read_whole_vec(body, 2, &list) || d13_reader_remaining(&list) == 0) return DECODE_ERROR;
    while (d13_reader_remaining(&list) > 0) {
        d13_reader dn;
        if (!d13_read_vec16(&list, &dn) || d13_reader_remaining(&dn) == 0) return DECODE_ERROR;
    }
    return 0;
}

/* OIDFilter filters<0..2^16-1> of {opaque oid<1..2^8-1>, opaque values<0..2^16-1>}. */
static int decode_oid_filters(d13_reader *body)
{
    d13_reader list;
    if (!read_whole_vec(body, 2, &list)) return DECODE_ERROR;
    while (d13_reader_remaining(&list) > 0) {
        d13_reader oid, values;
        if (!d13_read_vec8(&list, &oid) || d13_reader_remaining(&oid) == 0 ||
            !d13_read_vec16(&list, &values))
            return DECODE_ERROR;
    }
    return 0;
}

/* Empty in ClientHello/EncryptedExtensions, max_early_data_size in NST. */
static int decode_early_data(d13_reader *body, d13_ext_context ctx)
{
    uint32_t max_size;
    if (ctx == D13_EXTCTX_NEW_SESSION_TICKET && !d13_read_u32(body, &max_size))
        return DECODE_ERROR;
    return body_end(body);
}

/* Decodes the body of one known extension allowed in ctx and sets its bit. */
static int decode_known(uint16_t type, d13_reader *body, d13_ext_context ctx, d13_extensions *out)
{
    switch (type) {
    case D13_EXT_SUPPORTED_VERSIONS:
        out->present |= D13_HAS_SUPPORTED_VERSIONS;
        return decode_supported_versions(body, ctx, out);
    case D13_EXT_SUPPORTED_GROUPS:
        out->present |= D13_HAS_SUPPORTED_GROUPS;
        return decode_u16_list(body, 2, out->groups, &out->num_groups, &out->lists_truncated);
    case D13_EXT_KEY_SHARE:
        out->present |= D13_HAS_KEY_SHARE;
        return decode_key_share(body, ctx, out);
    case D13_EXT_SIGNATURE_ALGORITHMS:
        out->present |= D13_HAS_SIGNATURE_ALGORITHMS;
        return decode_u16_list(body, 2, out->sig_algs, &out->num_sig_algs, &out->lists_truncated);
    case D13_EXT_SIGNATURE_ALGORITHMS_CERT:
        out->present |= D13_HAS_SIGNATURE_ALGORITHMS_CERT;
        return decode_u16_list(body, 2, out->sig_algs_cert, &out->num_sig_algs_cert,
                               &out->lists_truncated);
    case D13_EXT_USE_SRTP:
        out->present |= D13_HAS_USE_SRTP;
        return decode_use_srtp(body, ctx, out);
    case D13_EXT_COOKIE:
        out->present |= D13_HAS_COOKIE;
        return decode_opaque(body, 2, 1, &out->cookie);
    case D13_EXT_PRE_SHARED_KEY:
        out->present |= D13_HAS_PRE_SHARED_KEY;
        return decode_pre_shared_key(body, ctx);
    case D13_EXT_EARLY_DATA:
        out->present |= D13_HAS_EARLY_DATA;
        return decode_early_data(body, ctx);
    case D13_EXT_PSK_KEY_EXCHANGE_MODES:
        out->present |= D13_HAS_PSK_KEY_EXCHANGE_MODES;
        return decode_opaque(body, 1, 1, &out->psk_modes);
    case D13_EXT_RECORD_SIZE_LIMIT:
        out->present |= D13_HAS_RECORD_SIZE_LIMIT;
        return decode_record_size_limit(body, out);
    case D13_EXT_SERVER_NAME:
        out->present |= D13_HAS_SERVER_NAME;
        return decode_server_name(body, ctx);
    case D13_EXT_ALPN:
        out->present |= D13_HAS_ALPN;
        return decode_alpn(body, ctx);
    case D13_EXT_CONNECTION_ID:
        out->present |= D13_HAS_CONNECTION_ID;
        return decode_opaque(body, 1, 0, &out->connection_id);
    case D13_EXT_CERTIFICATE_AUTHORITIES:
        return decode_certificate_authorities(body);
    case D13_EXT_OID_FILTERS:
        return decode_oid_filters(body);
    case D13_EXT_EC_POINT_FORMATS: /* ECPointFormat list<1..2^8-1> */
        out->present |= D13_HAS_EC_POINT_FORMATS;
        return decode_opaque(body, 1, 1, &out->ec_point_formats);
    case D13_EXT_RENEGOTIATION_INFO: /* renegotiated_connection<0..255> */
        out->present |= D13_HAS_RENEGOTIATION_INFO;
        return decode_opaque(body, 1, 0, &out->renegotiation_info);
    case D13_EXT_EXTENDED_MASTER_SECRET:
        out->present |= D13_HAS_EXTENDED_MASTER_SECRET;
        return body_end(body);
    case D13_EXT_POST_HANDSHAKE_AUTH:
        return body_end(body);
    default: /* padding: any content */
        return 0;
    }
}

/* Unknown extensions are ignored where the peer may send ones we did not
 * offer, and are unsolicited (so rejected) in a server's answers. */
static bool unknown_is_ignored(d13_ext_context ctx)
{
    return ctx != D13_EXTCTX_SERVER_HELLO && ctx != D13_EXTCTX_HELLO_RETRY_REQUEST &&
           ctx != D13_EXTCTX_ENCRYPTED_EXTENSIONS && ctx != D13_EXTCTX_SERVER_HELLO12;
}

/* The alert for a known extension that ctx does not allow: in a DTLS 1.2
 * ServerHello any extension but the four it may answer was not offered for
 * 1.2 (RFC 5246 7.4.1.4); elsewhere it is misplaced. */
static int misplaced_alert(d13_ext_context ctx)
{
    if (ctx == D13_EXTCTX_SERVER_HELLO12) return DTLS13_ALERT_UNSUPPORTED_EXTENSION;
    return ILLEGAL_PARAMETER;
}

int d13_extensions_decode(const uint8_t *p, size_t len, d13_ext_context ctx, d13_extensions *out)
{
    d13_reader r;
    u16_set seen;
    memset(out, 0, sizeof *out);
    if ((unsigned)ctx > D13_EXTCTX_SERVER_HELLO12) return DTLS13_ALERT_INTERNAL_ERROR;
    u16_set_init(&seen);
    d13_reader_init(&r, p, len);
    while (d13_reader_remaining(&r) > 0) {
        uint16_t type;
        d13_reader body;
        if (!d13_read_u16(&r, &type) || !d13_read_vec16(&r, &body)) return DECODE_ERROR;
        if (!u16_set_add(&seen, type)) return ILLEGAL_PARAMETER;
        /* RFC 8446 4.2.11: pre_shared_key MUST be the last extension. */
        if (ctx == D13_EXTCTX_CLIENT_HELLO && (out->present & D13_HAS_PRE_SHARED_KEY))
            return ILLEGAL_PARAMETER;
        if (!d13_extension_known(type)) {
            if (!unknown_is_ignored(ctx)) return DTLS13_ALERT_UNSUPPORTED_EXTENSION;
            continue;
        }
        if (!d13_extension_allowed(type, ctx)) return misplaced_alert(ctx);
        int rc = decode_known(type, &body, ctx, out);
        if (rc != 0) return rc;
    }
    return 0;
}
