/* The DTLS 1.2 machine (RFC 6347, RFC 5246 7 with RFC 8422 ECDHE,
 * RFC 7627 extended master secret, RFC 5764 use_srtp): a sibling of the
 * DTLS 1.3 client and server inside the handshake layer. It shares the
 * connection, flights, reassembly, the certificate checks and the record
 * layer's epoch keys; what differs lives here (common12.c, client12.c,
 * server12.c). */
#ifndef D13_ENGINE12_H
#define D13_ENGINE12_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handshake/engine.h"

/** Longest handshake log kept (the whole 1.2 handshake with certificate
 *  chains both ways fits well below it); beyond it the handshake fails. */
#define D12_HSLOG_MAX (64u * 1024u)

/** "DOWNGRD\x01": the last 8 bytes of ServerHello.random of a server that
 *  negotiates DTLS 1.2 while it supports DTLS 1.3 (RFC 8446 4.1.3). */
extern const uint8_t d12_downgrade_sentinel[8];

/** Appends one handshake message (type, message_seq, body) to the
 *  handshake log with its 12-byte header as one unfragmented message. */
int d12_hslog_add(dtls13_conn *c, uint8_t msg_type, uint16_t message_seq, const uint8_t *body, size_t len);
/** Hash (the suite's PRF hash) of the log so far into out (hash_len bytes). */
int d12_hslog_hash(dtls13_conn *c, uint8_t *out, size_t *out_len);
/** Frees the log (the handshake is over or failed). */
void d12_hslog_free(dtls13_conn *c);

/* ---- common12.c: what both roles share ---- */

/** Signature schemes we accept and offer in DTLS 1.2: the configured ones
 *  plus rsa_pkcs1_sha256 when RSA (rsa_pss_rsae_sha256) is configured,
 *  because DTLS 1.2 peers with RSA keys sign with it. Returns the count. */
size_t d12_sig_schemes(const dtls13_conn *c, uint16_t *out, size_t cap);
/** Whether a DTLS 1.2 suite authenticates with RSA (ECDHE_RSA_*). */
bool d12_suite_uses_rsa(uint16_t suite);
/** Whether scheme fits the suite's authentication (RSA schemes for
 *  ECDHE_RSA, ECDSA/EdDSA for ECDHE_ECDSA). */
bool d12_scheme_fits_suite(uint16_t suite, uint16_t scheme);
/** Our scheme for the peer's list (ours first), fitting our key and, when
 *  suite is non-zero, the suite; 0 when none. */
uint16_t d12_choose_scheme(const dtls13_conn *c, const uint16_t *peer, size_t n, uint16_t suite);
/** After the pre-master secret and ClientKeyExchange are known (the log
 *  holds everything through ClientKeyExchange): master secret (extended
 *  when negotiated), epoch 1 keys in both directions, key log line. The
 *  read keys are used once the peer's ChangeCipherSpec arrives. */
int d12_derive_keys(dtls13_conn *c, const uint8_t *pms, size_t pms_len);
/** Appends our Certificate (1.2 format) in epoch 0 to the flight. */
int d12_send_certificate(dtls13_conn *c);
/** Appends CertificateVerify: our signature over the log so far. */
int d12_send_certificate_verify(dtls13_conn *c);
/** Appends ChangeCipherSpec (epoch 0) and Finished (epoch 1). */
int d12_send_ccs_finished(dtls13_conn *c);
/** Processes the peer's Certificate: *empty when it holds no certificate. */
int d12_recv_certificate(dtls13_conn *c, const uint8_t *body, size_t len, bool *empty);
/** Processes the peer's CertificateVerify (client authentication). */
int d12_recv_certificate_verify(dtls13_conn *c, const uint8_t *body, size_t len);
/** Checks the peer's Finished against the log so far, then logs it. */
int d12_recv_finished(dtls13_conn *c, const uint8_t *body, size_t len);
/** A ChangeCipherSpec record (content type 20) arrived in epoch. */
int d12_handle_ccs(dtls13_conn *c, const uint8_t *p, size_t len, uint64_t epoch);
/** The peer repeated a message already processed: resend our flight
 *  (rate limited), as RFC 6347 4.2.4 asks. */
void d12_on_old_message(dtls13_conn *c);
/** Whether a handshake message of this type from the peer would start a
 *  renegotiation: a ClientHello to a server, a HelloRequest to a client. */
bool d12_is_renegotiation_request(const dtls13_conn *c, uint8_t type);
/** A new handshake message after the handshake: a renegotiation attempt
 *  (ClientHello, HelloRequest) gets a warning no_renegotiation (RFC 5746
 *  4.5); anything else is unexpected_message. */
int d12_handle_post_handshake(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch);
/** The handshake succeeded: frees the log, raises HANDSHAKE_DONE. */
void d12_handshake_complete(dtls13_conn *c);
/** RFC 5705 exporter over the 1.2 master secret (no context when context is NULL). */
int d12_conn_export(const dtls13_conn *c, const char *label, const uint8_t *context, size_t context_len,
                    uint8_t *out, size_t out_len);

/* ---- client12.c ---- */

/** The server answered with a HelloVerifyRequest (RFC 6347 4.2.1): the
 *  ClientHello goes again with its cookie. */
int d12_client_on_hello_verify_request(dtls13_conn *c, const uint8_t *body, size_t len);
/** A ServerHello without supported_versions: the server chose DTLS 1.2. */
int d12_client_on_server_hello(dtls13_conn *c, const d13_server_hello *sh, const uint8_t *body, size_t len);
/** Client: one complete handshake message in a DTLS 1.2 state. */
int d12_client_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch);

/* ---- server12.c ---- */

/** Whether this ClientHello is answered with DTLS 1.2: the client does not
 *  offer a DTLS 1.3 we allow, and we allow DTLS 1.2. */
bool d12_server_takes(const dtls13_conn *c, const d13_client_hello *ch);
/** Server: negotiates DTLS 1.2 from the ClientHello and sends ServerHello
 *  .. ServerHelloDone. */
int d12_server_on_client_hello(dtls13_conn *c, const d13_client_hello *ch, const uint8_t *body, size_t len);
/** Server: one complete handshake message in a DTLS 1.2 state. */
int d12_server_handle(dtls13_conn *c, uint8_t type, const uint8_t *body, size_t len, uint64_t epoch);
/** Server: primes a fresh connection created by the stateless listener
 *  after its HelloVerifyRequest: the ClientHello that echoes the cookie is
 *  expected with message_seq 1, our ServerHello gets message_seq 1, epoch 0
 *  records continue at epoch0_seq, and the client's address is validated. */
int d12_server_prime_after_hvr(dtls13_conn *c, uint64_t epoch0_seq);

#endif
