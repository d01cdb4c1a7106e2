/* DTLS 1.2 record protection (RFC 6347 4.1 with the AEAD suites of
 * RFC 5288/5289 and RFC 7905).
 *
 * A protected DTLS 1.2 record has the same 13-byte header as DTLSPlaintext
 * (type, version 0xfefd, 16-bit epoch, 48-bit sequence number, length),
 * parsed by d13_record_next (is_ciphertext false, epoch16 != 0). Its
 * fragment is
 *   AES-GCM:  explicit_nonce (8 bytes) || ciphertext || tag (16)
 *             nonce = salt (4 bytes from the key block) || explicit_nonce;
 *             we send explicit_nonce = epoch << 48 | seq (as OpenSSL does).
 *   ChaCha20-Poly1305: ciphertext || tag (16)
 *             nonce = iv (12 bytes) XOR (epoch << 48 | seq), left-padded.
 * additional_data = epoch (2) || seq (6) || type || version (2) ||
 *                   plaintext length (2)             (RFC 5246 6.2.3.3)
 *
 * The d13_epoch_keys struct is shared with DTLS 1.3 (dtls12 = true,
 * sn_mask NULL, window over the 48-bit sequence numbers of this epoch).
 * No allocation happens per record. */
#ifndef D13_RECORD12_H
#define D13_RECORD12_H

#include <stddef.h>
#include <stdint.h>

#include "record/record.h"

#define D12_RECORD_HEADER_LEN 13
#define D12_EXPLICIT_NONCE_LEN 8
/** Largest DTLS 1.2 plaintext fragment (2^14). */
#define D12_MAX_PLAINTEXT 16384

/** Installs DTLS 1.2 keys for one direction of epoch (1..65535): key has
 *  the suite's key length (16 or 32), fixed_iv is the key block's IV:
 *  iv_len 4 (the salt) for AES-GCM suites, 12 for ChaCha20-Poly1305.
 *  DTLS13_ERR_INVALID_ARG for another key or IV length, epoch 0 or above
 *  65535, or a NULL pointer. Sets dtls12, explicit_nonce (GCM),
 *  next_seq 0 and an empty window. k must be zero-initialized, cleared
 *  or previously initialized (keys already installed are freed first);
 *  on failure k is left cleared. DTLS13_ERR_UNSUPPORTED for a suite that
 *  is not a DTLS 1.2 AEAD suite (the TLS 1.3 suites included). The key
 *  bytes are not kept: the caller zeroizes its copy. */
int d12_epoch_keys_init(d13_epoch_keys *k, const d13_algs *algs, uint16_t suite, const uint8_t *key,
                        size_t key_len, const uint8_t *fixed_iv, size_t iv_len, uint64_t epoch);

/** Bytes a protected record adds to its plaintext: 13 + 8 + 16 for
 *  AES-GCM, 13 + 16 for ChaCha20-Poly1305; 0 when k is not installed
 *  DTLS 1.2 keys. */
size_t d12_record_overhead(const d13_epoch_keys *k);

/** Protects data (len <= 2^14) as one record of content_type with
 *  sequence number k->next_seq (then incremented), record version
 *  0xfefd, and appends it to out (d12_record_overhead(k) + len bytes).
 *  content_type is written as given (d13_record_next accepts 20..24 and
 *  26 only). data must not overlap out. DTLS13_ERR_INVALID_ARG for len > 2^14,
 *  DTLS13_ERR_BAD_STATE when k is not installed 1.2 keys or next_seq
 *  reached 2^48, DTLS13_ERR_BUFFER_TOO_SMALL when out lacks room; on
 *  failure out and k are unchanged. Counts k->records_protected. */
int d12_record_seal(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                    d13_writer *out);

/** Opens a protected DTLS 1.2 record located by d13_record_next (a
 *  plaintext-format view with rec->epoch16 == k->epoch): checks the replay
 *  window on rec->seq48 (before decrypting), decrypts into out (cap bytes)
 *  and on success updates the window and returns D13_DROP_NONE with
 *  *out_len (the content type is rec->content_type). A GCM record's
 *  explicit nonce is used as received, whatever its value.
 *  D13_DROP_UNKNOWN_EPOCH when k is not installed 1.2 keys of that epoch;
 *  D13_DROP_BAD_HEADER for a unified-header view, a record version other
 *  than 0xfefd, a fragment too short for the nonce and tag, a plaintext
 *  over 2^14 bytes, or cap below the plaintext length (out may be NULL
 *  for an empty one); D13_DROP_REPLAY for a duplicate or a record left of
 *  the window; D13_DROP_BAD_TAG when authentication fails
 *  (k->auth_failures incremented). Checked in the order: unified-header
 *  view, epoch, version and lengths, replay, tag; the window changes only
 *  on success. out holds nothing useful on failure: after a failed
 *  authentication its plaintext-length bytes are zeroized, before that
 *  nothing was written. */
d13_drop_reason d12_record_open(d13_epoch_keys *k, const d13_record_view *rec, uint8_t *out,
                                size_t cap, size_t *out_len);

#endif
