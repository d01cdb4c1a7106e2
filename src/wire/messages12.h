/* Codecs for the DTLS 1.2 handshake messages that DTLS 1.3 does not have
 * (RFC 6347 4.2, RFC 5246 7.4, RFC 8422 5 for ECDHE), with the same rules
 * as wire/messages.h: pure decoders over a byte slice that point into the
 * input and return 0 or a positive alert description; encoders write the
 * body without the handshake header and return false when the writer
 * overflows.
 *
 * Messages shared with 1.3 keep their codecs in messages.h: ClientHello
 * (its legacy_cookie carries the HelloVerifyRequest cookie), ServerHello
 * (a ServerHello without supported_versions is a DTLS 1.2 one; its
 * extensions are decoded in D13_EXTCTX_SERVER_HELLO12), CertificateVerify
 * (scheme + signature, the same layout in 1.2), Finished (verify_data). */
#ifndef D13_WIRE_MESSAGES12_H
#define D13_WIRE_MESSAGES12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/messages.h"

/* Handshake types that only DTLS 1.2 uses. */
#define D12_HS_HELLO_REQUEST 0
#define D12_HS_HELLO_VERIFY_REQUEST 3
#define D12_HS_SERVER_KEY_EXCHANGE 12
#define D12_HS_SERVER_HELLO_DONE 14
#define D12_HS_CLIENT_KEY_EXCHANGE 16

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 3.3). */
#define D12_SCSV_EMPTY_RENEGOTIATION_INFO 0x00ffu
/** ECCurveType named_curve (RFC 8422 5.4). */
#define D12_EC_CURVE_TYPE_NAMED 3
/** ClientCertificateType values (RFC 5246 7.4.4, RFC 8422 5.5). */
#define D12_CERT_TYPE_RSA_SIGN 1
#define D12_CERT_TYPE_ECDSA_SIGN 64
/** Longest HelloVerifyRequest cookie (RFC 6347 4.2.1: opaque cookie<0..2^8-1>). */
#define D12_MAX_COOKIE 255
/** verify_data length of every DTLS 1.2 suite we implement. */
#define D12_VERIFY_DATA_LEN 12

/** HelloVerifyRequest: server_version, cookie<0..2^8-1>. */
typedef struct d12_hello_verify_request {
    uint16_t server_version;
    d13_bytes cookie;
} d12_hello_verify_request;
/** Trailing bytes are a decode_error. */
int d12_hello_verify_request_decode(const uint8_t *body, size_t len, d12_hello_verify_request *out);
bool d12_hello_verify_request_encode(d13_writer *w, const d12_hello_verify_request *m);

/** ServerKeyExchange for ECDHE (RFC 8422 5.4):
 *    ServerECDHParams params = { ECParameters { curve_type = named_curve (3),
 *                                               NamedCurve namedcurve (2) },
 *                                ECPoint public <1..2^8-1> };
 *    DigitallySigned signed_params = { SignatureScheme (2), opaque signature<0..2^16-1> };
 *  params points at the ServerECDHParams bytes as they appear in the body:
 *  the signature covers client_random || server_random || params. */
typedef struct d12_server_key_exchange {
    uint16_t group;
    d13_bytes public_key; /* 1..255 bytes */
    d13_bytes params;     /* decode: the encoded ServerECDHParams */
    uint16_t sig_scheme;
    d13_bytes signature;  /* non-empty */
} d12_server_key_exchange;
/** A curve_type other than named_curve is illegal_parameter (explicit
 *  curves are not supported, RFC 8422 5.4); an empty point, an empty
 *  signature, truncation or trailing bytes are decode_error. */
int d12_server_key_exchange_decode(const uint8_t *body, size_t len, d12_server_key_exchange *out);
/** Writes ServerECDHParams (curve_type, group, public key) only: what the
 *  server signs. The caller then appends the signature with
 *  d12_signed_params_encode. */
bool d12_ecdh_params_encode(d13_writer *w, uint16_t group, const uint8_t *public_key, size_t len);
/** Writes SignatureScheme (2) || signature<0..2^16-1>. */
bool d12_signed_params_encode(d13_writer *w, uint16_t sig_scheme, const uint8_t *sig, size_t sig_len);

/** ClientKeyExchange for ECDHE: ECPoint ecdh_Yc<1..2^8-1> (RFC 8422 5.7). */
typedef struct d12_client_key_exchange {
    d13_bytes public_key;
} d12_client_key_exchange;
int d12_client_key_exchange_decode(const uint8_t *body, size_t len, d12_client_key_exchange *out);
bool d12_client_key_exchange_encode(d13_writer *w, const d12_client_key_exchange *m);

/** CertificateRequest (RFC 5246 7.4.4):
 *    ClientCertificateType certificate_types<1..2^8-1>;
 *    SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *    DistinguishedName certificate_authorities<0..2^16-1>; */
typedef struct d12_certificate_request {
    d13_bytes certificate_types;
    uint16_t sig_algs[D13_MAX_LIST];
    size_t num_sig_algs;
    bool sig_algs_truncated;
    d13_bytes certificate_authorities; /* the raw vector content, validated as
                                          a list of DistinguishedName<1..2^16-1> */
} d12_certificate_request;
/** Empty certificate_types or signature list, an odd signature list
 *  length, truncation or trailing bytes are decode_error. */
int d12_certificate_request_decode(const uint8_t *body, size_t len, d12_certificate_request *out);
/** Encodes; certificate_authorities is written as given (empty when len 0). */
bool d12_certificate_request_encode(d13_writer *w, const d12_certificate_request *m);

/** Certificate (RFC 5246 7.4.2): ASN.1Cert certificate_list<0..2^24-1>,
 *  each ASN.1Cert<1..2^24-1>; no context, no per-entry extensions. */
typedef struct d12_certificate {
    d13_bytes certs[D13_MAX_CERTS]; /* certs[0] is the end-entity */
    size_t num_certs;
    bool certs_truncated;
} d12_certificate;
/** An empty list is legal (a client without a certificate); an empty
 *  entry, truncation or trailing bytes are decode_error. */
int d12_certificate_decode(const uint8_t *body, size_t len, d12_certificate *out);
bool d12_certificate_encode(d13_writer *w, const d12_certificate *m);

/** ServerHelloDone and HelloRequest: an empty body (else decode_error). */
int d12_empty_message_decode(const uint8_t *body, size_t len);

#endif
