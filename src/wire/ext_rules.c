/* Which extensions may appear in which message (RFC 8446 4.2 table, RFC 5764,
 * RFC 8449, RFC 9147 9), and the TLS 1.2 extensions a ClientHello may carry
 * and a DTLS 1.2 ServerHello may answer (RFC 5764 4.1.1, RFC 7627 5.1,
 * RFC 5746 3.6, RFC 8422 5.2). */
#include "wire/messages.h"

#define CTX(c) (1u << (c))
#define CH CTX(D13_EXTCTX_CLIENT_HELLO)
#define SH CTX(D13_EXTCTX_SERVER_HELLO)
#define HRR CTX(D13_EXTCTX_HELLO_RETRY_REQUEST)
#define EE CTX(D13_EXTCTX_ENCRYPTED_EXTENSIONS)
#define CR CTX(D13_EXTCTX_CERTIFICATE_REQUEST)
#define CT CTX(D13_EXTCTX_CERTIFICATE)
#define NST CTX(D13_EXTCTX_NEW_SESSION_TICKET)
#define SH12 CTX(D13_EXTCTX_SERVER_HELLO12)

typedef struct ext_rule {
    uint16_t type;
    uint8_t contexts;
} ext_rule;

static const ext_rule ext_rules[] = {
    {D13_EXT_SERVER_NAME, CH | EE},
    {D13_EXT_SUPPORTED_GROUPS, CH | EE},
    {D13_EXT_EC_POINT_FORMATS, CH | SH12},
    {D13_EXT_SIGNATURE_ALGORITHMS, CH | CR},
    {D13_EXT_USE_SRTP, CH | EE | SH12},
    {D13_EXT_ALPN, CH | EE},
    {D13_EXT_PADDING, CH},
    {D13_EXT_EXTENDED_MASTER_SECRET, CH | SH12},
    {D13_EXT_RECORD_SIZE_LIMIT, CH | EE},
    {D13_EXT_PRE_SHARED_KEY, CH | SH},
    {D13_EXT_EARLY_DATA, CH | EE | NST},
    {D13_EXT_SUPPORTED_VERSIONS, CH | SH | HRR},
    {D13_EXT_COOKIE, CH | HRR},
    {D13_EXT_PSK_KEY_EXCHANGE_MODES, CH},
    {D13_EXT_CERTIFICATE_AUTHORITIES, CH | CR},
    {D13_EXT_OID_FILTERS, CR},
    {D13_EXT_POST_HANDSHAKE_AUTH, CH},
    {D13_EXT_SIGNATURE_ALGORITHMS_CERT, CH | CR},
    {D13_EXT_KEY_SHARE, CH | SH | HRR},
    {D13_EXT_CONNECTION_ID, CH | SH},
    {D13_EXT_RENEGOTIATION_INFO, CH | SH12},
};

bool d13_extension_known(uint16_t type)
{
    for (size_t i = 0; i < sizeof ext_rules / sizeof ext_rules[0]; i++)
        if (ext_rules[i].type == type) return true;
    return false;
}

bool d13_extension_allowed(uint16_t type, d13_ext_context ctx)
{
    if ((unsigned)ctx > D13_EXTCTX_SERVER_HELLO12) return false;
    for (size_t i = 0; i < sizeof ext_rules / sizeof ext_rules[0]; i++)
        if (ext_rules[i].type == type) return (ext_rules[i].contexts & CTX(ctx)) != 0;
    return false;
}
