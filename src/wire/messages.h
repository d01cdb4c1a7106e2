/* Codecs for DTLS 1.3 handshake messages, extensions, alerts and ACKs.
 *
 * Decoders are pure functions over a byte slice: they never allocate, they
 * point into the input (which must outlive the decoded struct), and they
 * return 0 on success or a positive TLS alert description
 * (DTLS13_ALERT_DECODE_ERROR, DTLS13_ALERT_ILLEGAL_PARAMETER, ...) saying
 * why the input is unacceptable. Encoders write the message body (without
 * the DTLS handshake header) from the same structs and return false when
 * the writer overflows. Lists longer than the fixed capacities below are
 * validated in full but only the first entries are kept (and *_truncated
 * is set). */
#ifndef D13_WIRE_MESSAGES_H
#define D13_WIRE_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/reader.h"
#include "wire/writer.h"

/* Content types (RFC 9147 4). */
#define D13_CT_CHANGE_CIPHER_SPEC 20
#define D13_CT_ALERT 21
#define D13_CT_HANDSHAKE 22
#define D13_CT_APPLICATION_DATA 23
#define D13_CT_HEARTBEAT 24
#define D13_CT_TLS12_CID 25
#define D13_CT_ACK 26

/* Handshake types (RFC 8446 4, RFC 9147 5.2). */
#define D13_HS_CLIENT_HELLO 1
#define D13_HS_SERVER_HELLO 2
#define D13_HS_NEW_SESSION_TICKET 4
#define D13_HS_END_OF_EARLY_DATA 5
#define D13_HS_ENCRYPTED_EXTENSIONS 8
#define D13_HS_REQUEST_CONNECTION_ID 9
#define D13_HS_NEW_CONNECTION_ID 10
#define D13_HS_CERTIFICATE 11
#define D13_HS_CERTIFICATE_REQUEST 13
#define D13_HS_CERTIFICATE_VERIFY 15
#define D13_HS_FINISHED 20
#define D13_HS_KEY_UPDATE 24
#define D13_HS_MESSAGE_HASH 254

/* Extension types. */
#define D13_EXT_SERVER_NAME 0
#define D13_EXT_SUPPORTED_GROUPS 10
#define D13_EXT_EC_POINT_FORMATS 11
#define D13_EXT_SIGNATURE_ALGORITHMS 13
#define D13_EXT_USE_SRTP 14
#define D13_EXT_ALPN 16
#define D13_EXT_PADDING 21
#define D13_EXT_EXTENDED_MASTER_SECRET 23
#define D13_EXT_RECORD_SIZE_LIMIT 28
#define D13_EXT_PRE_SHARED_KEY 41
#define D13_EXT_EARLY_DATA 42
#define D13_EXT_SUPPORTED_VERSIONS 43
#define D13_EXT_COOKIE 44
#define D13_EXT_PSK_KEY_EXCHANGE_MODES 45
#define D13_EXT_CERTIFICATE_AUTHORITIES 47
#define D13_EXT_OID_FILTERS 48
#define D13_EXT_POST_HANDSHAKE_AUTH 49
#define D13_EXT_SIGNATURE_ALGORITHMS_CERT 50
#define D13_EXT_KEY_SHARE 51
#define D13_EXT_CONNECTION_ID 54
#define D13_EXT_RENEGOTIATION_INFO 0xff01

/** The DTLS handshake header is 12 bytes (RFC 9147 5.2). */
#define D13_HS_HEADER_LEN 12
/** The TLS-style header used in the transcript is 4 bytes. */
#define D13_HS_TRANSCRIPT_HEADER_LEN 4

#define D13_MAX_LIST 32      /* kept entries of u16 lists */
#define D13_MAX_SHARES 8     /* kept key_share entries */
#define D13_MAX_SUITES 64    /* kept cipher suites */
#define D13_SCSV_EMPTY_RENEGOTIATION_INFO 0x00ffu /* RFC 5746 3.3 */
#define D13_SCSV_FALLBACK 0x5600u                 /* RFC 7507 */

/** A slice into the decoded input (or into caller data when encoding). */
typedef struct d13_bytes {
    const uint8_t *p;
    size_t len;
} d13_bytes;

/** DTLS handshake fragment header. */
typedef struct d13_hs_header {
    uint8_t msg_type;
    uint32_t length;          /* total message body length */
    uint16_t message_seq;
    uint32_t fragment_offset;
    uint32_t fragment_length;
} d13_hs_header;

/** Reads a 12-byte handshake header and the fragment it announces from a
 *  record's plaintext. Requires fragment_offset + fragment_length <= length
 *  and length < 2^24. Returns 0 or an alert (decode_error); on error the
 *  reader is left failed, so a loop over several messages stops. */
int d13_hs_header_read(d13_reader *r, d13_hs_header *h, d13_bytes *fragment);
/** Writes a 12-byte handshake header. */
bool d13_hs_header_write(d13_writer *w, const d13_hs_header *h);

/** Where an extension block appears (RFC 8446 4.2 table). */
typedef enum d13_ext_context {
    D13_EXTCTX_CLIENT_HELLO = 0,
    D13_EXTCTX_SERVER_HELLO = 1,
    D13_EXTCTX_HELLO_RETRY_REQUEST = 2,
    D13_EXTCTX_ENCRYPTED_EXTENSIONS = 3,
    D13_EXTCTX_CERTIFICATE_REQUEST = 4,
    D13_EXTCTX_CERTIFICATE = 5,
    D13_EXTCTX_NEW_SESSION_TICKET = 6,
    /** A DTLS 1.2 ServerHello (no supported_versions): use_srtp,
     *  extended_master_secret, renegotiation_info, ec_point_formats; any
     *  other extension is unsupported_extension (RFC 5246 7.4.1.4). */
    D13_EXTCTX_SERVER_HELLO12 = 7,
} d13_ext_context;

/** Bits of d13_extensions.present. */
enum {
    D13_HAS_SUPPORTED_VERSIONS = 1u << 0,
    D13_HAS_SUPPORTED_GROUPS = 1u << 1,
    D13_HAS_KEY_SHARE = 1u << 2,
    D13_HAS_SIGNATURE_ALGORITHMS = 1u << 3,
    D13_HAS_SIGNATURE_ALGORITHMS_CERT = 1u << 4,
    D13_HAS_USE_SRTP = 1u << 5,
    D13_HAS_COOKIE = 1u << 6,
    D13_HAS_PRE_SHARED_KEY = 1u << 7,
    D13_HAS_EARLY_DATA = 1u << 8,
    D13_HAS_PSK_KEY_EXCHANGE_MODES = 1u << 9,
    D13_HAS_RECORD_SIZE_LIMIT = 1u << 10,
    D13_HAS_SERVER_NAME = 1u << 11,
    D13_HAS_ALPN = 1u << 12,
    D13_HAS_CONNECTION_ID = 1u << 13,
    /* DTLS 1.2 (ClientHello and D13_EXTCTX_SERVER_HELLO12) */
    D13_HAS_EXTENDED_MASTER_SECRET = 1u << 14, /* RFC 7627, empty body */
    D13_HAS_RENEGOTIATION_INFO = 1u << 15,     /* RFC 5746 */
    D13_HAS_EC_POINT_FORMATS = 1u << 16,       /* RFC 8422 5.1.2 */
};

typedef struct d13_key_share_entry {
    uint16_t group;
    d13_bytes key_exchange;
} d13_key_share_entry;

/** Decoded (or to-be-encoded) extension block. Which fields apply depends
 *  on the context: in a ClientHello supported_versions is a list
 *  (versions), in a ServerHello/HRR it is selected_version; key_share is a
 *  list of shares in a ClientHello, server_share in a ServerHello and
 *  hrr_selected_group in a HelloRetryRequest. */
typedef struct d13_extensions {
    uint32_t present;
    /* supported_versions */
    uint16_t versions[D13_MAX_LIST];
    size_t num_versions;
    uint16_t selected_version;
    /* supported_groups */
    uint16_t groups[D13_MAX_LIST];
    size_t num_groups;
    /* key_share */
    d13_key_share_entry shares[D13_MAX_SHARES];
    size_t num_shares;
    d13_key_share_entry server_share;
    uint16_t hrr_selected_group;
    /* signature_algorithms / signature_algorithms_cert */
    uint16_t sig_algs[D13_MAX_LIST];
    size_t num_sig_algs;
    uint16_t sig_algs_cert[D13_MAX_LIST];
    size_t num_sig_algs_cert;
    /* use_srtp (RFC 5764 4.1.1): SRTPProtectionProfiles profiles<2..2^16-1>
     * then opaque srtp_mki<0..255>. A list in a ClientHello; exactly one
     * profile in EncryptedExtensions (else illegal_parameter). */
    uint16_t srtp_profiles[D13_MAX_LIST];
    size_t num_srtp_profiles;
    d13_bytes srtp_mki;
    /* cookie */
    d13_bytes cookie;
    /* record_size_limit (RFC 8449; values below 64 are illegal_parameter) */
    uint16_t record_size_limit;
    /* psk_key_exchange_modes (raw list) */
    d13_bytes psk_modes;
    /* connection_id (RFC 9147 9: ClientHello and ServerHello) */
    d13_bytes connection_id;
    /* renegotiation_info: renegotiated_connection<0..255> (empty in an
     * initial handshake) */
    d13_bytes renegotiation_info;
    /* ec_point_formats: ECPointFormat list<1..255> (0 = uncompressed) */
    d13_bytes ec_point_formats;
    bool lists_truncated; /* some list held more than the kept entries */
} d13_extensions;

/** Decodes an extension block (the content of the extensions<..> vector,
 *  without its 2-byte length) found in message context ctx. Zeroes *out
 *  first; on error its content is unspecified. Rejects:
 *  duplicates (illegal_parameter), known extensions not allowed in ctx
 *  (illegal_parameter), malformed bodies (decode_error), pre_shared_key not
 *  last in a ClientHello (illegal_parameter), duplicate key_share groups
 *  (illegal_parameter), empty required lists (decode_error). Unknown
 *  extensions are ignored in a ClientHello, CertificateRequest, Certificate
 *  and NewSessionTicket, and rejected with unsupported_extension in
 *  ServerHello, HelloRetryRequest and EncryptedExtensions. */
int d13_extensions_decode(const uint8_t *p, size_t len, d13_ext_context ctx, d13_extensions *out);
/** Encodes the present extensions for ctx, including the 2-byte block length.
 *  Present extensions not allowed in ctx are skipped. Fixed order:
 *  supported_versions, supported_groups, key_share, signature_algorithms,
 *  signature_algorithms_cert, use_srtp, cookie, record_size_limit,
 *  psk_key_exchange_modes, connection_id, server_name (EncryptedExtensions
 *  only, empty), early_data (empty; not in NewSessionTicket). So a
 *  ServerHello gets supported_versions, key_share (server_share) and
 *  connection_id; a HelloRetryRequest supported_versions, key_share
 *  (hrr_selected_group) and cookie. pre_shared_key and alpn, and server_name
 *  in a ClientHello, are never written (the struct does not hold their
 *  content). Lists longer than their capacity make the writer fail. */
bool d13_extensions_encode(d13_writer *w, d13_ext_context ctx, const d13_extensions *ext);

/** Reads an extensions<..> vector (2-byte length, then the block) from r
 *  and decodes it as d13_extensions_decode does. Returns 0 or an alert
 *  (decode_error when the vector is truncated). */
int d13_extensions_read(d13_reader *r, d13_ext_context ctx, d13_extensions *out);

/** True when type is one of the extensions this layer knows (the D13_EXT_*
 *  above); any other type is "unknown" to d13_extensions_decode. */
bool d13_extension_known(uint16_t type);
/** True when the known extension type may appear in a message of context
 *  ctx (RFC 8446 4.2 table; RFC 5764, RFC 7301, RFC 8449, RFC 9147 9; the
 *  TLS 1.2 extensions ec_point_formats, extended_master_secret,
 *  renegotiation_info and padding only in a ClientHello). False for unknown
 *  types. */
bool d13_extension_allowed(uint16_t type, d13_ext_context ctx);

typedef struct d13_client_hello {
    uint16_t legacy_version;
    uint8_t random[32];
    d13_bytes legacy_session_id;  /* <= 32 bytes */
    d13_bytes legacy_cookie;      /* <= 255 bytes; must be empty for DTLS 1.3 */
    uint16_t cipher_suites[D13_MAX_SUITES];
    size_t num_cipher_suites;
    bool suites_truncated;
    /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3) / TLS_FALLBACK_SCSV
     *  (RFC 7507) anywhere in the list, also past the kept part. */
    bool scsv_renegotiation;
    bool scsv_fallback;
    d13_bytes compression_methods; /* 1..255 bytes */
    d13_extensions ext;
    /** Offset of the extensions block (its 2-byte length) within the body:
     *  the part a stateless cookie check or PSK binder needs. */
    size_t extensions_offset;
} d13_client_hello;

/** Decodes a ClientHello body (RFC 9147 5.3). The extensions block is
 *  required (decode_error when missing, as in RFC 8446). When
 *  supported_versions offers DTLS 1.3 (0xfefc or draft 0x7f2b), a non-empty
 *  legacy_cookie or compression methods other than exactly {0} are
 *  illegal_parameter (RFC 9147 5.3, RFC 8446 4.1.2). Trailing bytes are a
 *  decode_error. */
int d13_client_hello_decode(const uint8_t *body, size_t len, d13_client_hello *out);
/** Encodes a ClientHello body; an empty compression_methods is written as
 *  the single null method {0}. */
bool d13_client_hello_encode(d13_writer *w, const d13_client_hello *m);

/** ServerHello; is_hrr is set when random is the HelloRetryRequest value
 *  (RFC 8446 4.1.3) and the extensions were decoded in the HRR context. */
typedef struct d13_server_hello {
    uint16_t legacy_version;
    uint8_t random[32];
    d13_bytes legacy_session_id_echo;
    uint16_t cipher_suite;
    uint8_t legacy_compression_method;
    bool is_hrr;
    d13_extensions ext;
} d13_server_hello;

/** The special ServerHello.random of a HelloRetryRequest. */
extern const uint8_t d13_hrr_random[32];

/** Decodes a ServerHello or HelloRetryRequest body. legacy_session_id_echo
 *  longer than 32 bytes is a decode_error, a non-zero compression method
 *  illegal_parameter. A ServerHello whose extensions hold no
 *  supported_versions is a DTLS 1.2 one: its extensions are decoded in
 *  D13_EXTCTX_SERVER_HELLO12, and its extensions block may be absent
 *  altogether (RFC 5246 7.4.1.3; then ext.present is 0). A HelloRetryRequest
 *  (is_hrr) must carry an extensions block (decode_error). */
int d13_server_hello_decode(const uint8_t *body, size_t len, d13_server_hello *out);
/** Encodes a ServerHello, or a HelloRetryRequest when m->is_hrr (then the
 *  random written is d13_hrr_random regardless of m->random). A ServerHello
 *  without D13_HAS_SUPPORTED_VERSIONS is encoded as a DTLS 1.2 one, its
 *  extensions in D13_EXTCTX_SERVER_HELLO12 (the block is written even when
 *  empty). */
bool d13_server_hello_encode(d13_writer *w, const d13_server_hello *m);

typedef struct d13_encrypted_extensions {
    d13_extensions ext;
} d13_encrypted_extensions;
int d13_encrypted_extensions_decode(const uint8_t *body, size_t len, d13_encrypted_extensions *out);
bool d13_encrypted_extensions_encode(d13_writer *w, const d13_encrypted_extensions *m);

typedef struct d13_certificate_request {
    d13_bytes context; /* <= 255 bytes */
    d13_extensions ext; /* signature_algorithms is required (missing_extension) */
} d13_certificate_request;
int d13_certificate_request_decode(const uint8_t *body, size_t len, d13_certificate_request *out);
bool d13_certificate_request_encode(d13_writer *w, const d13_certificate_request *m);

#define D13_MAX_CERTS 8
/** Certificate (RFC 8446 4.4.2, X.509 entries). Each entry's extensions are
 *  validated and ignored. An empty list is legal (no client certificate). */
typedef struct d13_certificate {
    d13_bytes context;
    d13_bytes certs[D13_MAX_CERTS]; /* DER, certs[0] is the end-entity */
    size_t num_certs;
    bool certs_truncated;
} d13_certificate;
int d13_certificate_decode(const uint8_t *body, size_t len, d13_certificate *out);
/** Encodes; every entry gets an empty extensions block. */
bool d13_certificate_encode(d13_writer *w, const d13_certificate *m);

typedef struct d13_certificate_verify {
    uint16_t scheme;
    d13_bytes signature; /* non-empty */
} d13_certificate_verify;
int d13_certificate_verify_decode(const uint8_t *body, size_t len, d13_certificate_verify *out);
bool d13_certificate_verify_encode(d13_writer *w, const d13_certificate_verify *m);

/** Finished: the body is verify_data; the caller checks its length. */
typedef struct d13_finished {
    d13_bytes verify_data;
} d13_finished;
int d13_finished_decode(const uint8_t *body, size_t len, d13_finished *out);
bool d13_finished_encode(d13_writer *w, const d13_finished *m);

typedef struct d13_key_update {
    uint8_t request_update; /* 0 update_not_requested, 1 update_requested */
} d13_key_update;
/** Rejects values other than 0 and 1 with illegal_parameter. */
int d13_key_update_decode(const uint8_t *body, size_t len, d13_key_update *out);
bool d13_key_update_encode(d13_writer *w, const d13_key_update *m);

typedef struct d13_new_session_ticket {
    uint32_t lifetime;
    uint32_t age_add;
    d13_bytes nonce;
    d13_bytes ticket; /* non-empty */
    d13_extensions ext;
} d13_new_session_ticket;
int d13_new_session_ticket_decode(const uint8_t *body, size_t len, d13_new_session_ticket *out);
bool d13_new_session_ticket_encode(d13_writer *w, const d13_new_session_ticket *m);

/** Alert record body. */
typedef struct d13_alert {
    uint8_t level;       /* 1 warning, 2 fatal */
    uint8_t description;
} d13_alert;
int d13_alert_decode(const uint8_t *body, size_t len, d13_alert *out);
bool d13_alert_encode(d13_writer *w, const d13_alert *m);

/** One record number in an ACK (RFC 9147 7). */
typedef struct d13_record_number {
    uint64_t epoch;
    uint64_t seq;
} d13_record_number;
#define D13_MAX_ACK_ENTRIES 64
typedef struct d13_ack {
    d13_record_number records[D13_MAX_ACK_ENTRIES];
    size_t num_records;
    bool truncated;
} d13_ack;
/** The record_numbers vector length must be a multiple of 16 (decode_error). */
int d13_ack_decode(const uint8_t *body, size_t len, d13_ack *out);
bool d13_ack_encode(d13_writer *w, const d13_ack *m);

/** Extracts the SubjectPublicKeyInfo (DER, including its SEQUENCE header)
 *  from a DER X.509 certificate by walking
 *  Certificate -> tbsCertificate -> [version] serial sigAlg issuer validity
 *  subject subjectPublicKeyInfo. Returns 0 or DTLS13_ALERT_BAD_CERTIFICATE. */
int d13_der_certificate_spki(const uint8_t *der, size_t len, d13_bytes *spki);

#endif
