/* Record layer: DTLSPlaintext (epoch 0) and DTLSCiphertext with the unified
 * header (RFC 9147 4), record number encryption (4.2.3), sequence number
 * reconstruction (4.2.2) and the replay window (4.5.1).
 *
 * No allocation happens per record: seal and open work in caller buffers. */
#ifndef D13_RECORD_H
#define D13_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "wire/reader.h"
#include "wire/writer.h"

/** DTLSPlaintext header length. */
#define D13_PLAINTEXT_HEADER_LEN 13
/** Unified header we write: first byte, 16-bit sequence, 16-bit length. */
#define D13_CIPHERTEXT_HEADER_LEN 5
/** Bytes a protected record adds to its payload: header, content type, tag. */
#define D13_RECORD_OVERHEAD (D13_CIPHERTEXT_HEADER_LEN + 1 + D13_AEAD_TAG_LEN)
/** Largest TLSInnerPlaintext (2^14 + 1) plus tag and padding limit (RFC 8446 5.2). */
#define D13_MAX_CIPHERTEXT (16384 + 256)

/** Why a record was dropped (RFC 9147 4.5.2: silently, and counted). */
typedef enum d13_drop_reason {
    D13_DROP_NONE = 0,
    D13_DROP_BAD_HEADER = 1,    /* malformed header, bad length, CID we did not negotiate */
    D13_DROP_BAD_TAG = 2,       /* AEAD failure or no non-zero content type */
    D13_DROP_UNKNOWN_EPOCH = 3, /* no keys for this epoch */
    D13_DROP_REPLAY = 4,        /* duplicate or left of the window */
} d13_drop_reason;

/** One record located inside a datagram (pointers into the datagram). */
typedef struct d13_record_view {
    bool is_ciphertext;
    /* DTLSPlaintext */
    uint8_t content_type;
    uint16_t legacy_version;
    uint16_t epoch16;
    uint64_t seq48;
    /* unified header */
    uint8_t first_byte;    /* 0b001CSLEE */
    uint8_t epoch_bits;    /* low 2 bits of the epoch */
    bool seq16;            /* S bit: 16-bit sequence number */
    bool has_length;       /* L bit */
    const uint8_t *header; /* the header bytes as received (sequence still masked) */
    size_t header_len;
    /* both */
    const uint8_t *payload; /* fragment (plaintext) or encrypted_record */
    size_t payload_len;
} d13_record_view;

/** Takes the next record from a datagram. A unified header without a
 *  length field consumes the rest of the datagram. Records with the C bit
 *  (connection ID, not negotiated) or a first byte that is neither a known
 *  plaintext content type nor 0b001xxxxx are D13_DROP_BAD_HEADER; as the
 *  record boundary is then unknown, the caller drops the rest of the
 *  datagram. Returns D13_DROP_NONE or the reason.
 *
 *  Details: the DTLSPlaintext-format first bytes are 20..24 and 26
 *  (tls12_cid, 25, carries a connection ID and is dropped); which of them
 *  are acceptable in the current state (for DTLS 1.3: alert, handshake,
 *  ack) is the caller's decision. A DTLSPlaintext fragment may be at most
 *  2^14 bytes in epoch 0 and 2^14 + 2048 otherwise (DTLS 1.2 records); a
 *  unified-header record at most D13_MAX_CIPHERTEXT bytes; longer records
 *  or ones that overrun the datagram are D13_DROP_BAD_HEADER. The
 *  16-byte minimum ciphertext of record number encryption is enforced by
 *  d13_record_open, not here, so that the following records survive. */
d13_drop_reason d13_record_next(d13_reader *datagram, d13_record_view *out);

/** Writes a DTLSPlaintext record (epoch 0, record version 0xfefd or the
 *  given legacy_version; 0 selects 0xfefd). Returns false when len exceeds
 *  2^14, seq exceeds 2^48 - 1 or w overflows. */
bool d13_plaintext_write(d13_writer *w, uint8_t content_type, uint16_t legacy_version,
                         uint64_t seq, const uint8_t *data, size_t len);

/** 64-record (or wider) sliding replay window (RFC 9147 4.5.1). */
typedef struct d13_replay_window {
    uint64_t highest; /* highest authenticated sequence number */
    uint64_t bitmap;  /* bit i set: highest - i seen */
    bool any;         /* at least one record accepted */
} d13_replay_window;

/** True when seq would be a duplicate or is left of the window. */
bool d13_replay_check(const d13_replay_window *w, uint64_t seq);
/** Marks seq as received (call only after the record authenticated). */
void d13_replay_update(d13_replay_window *w, uint64_t seq);

/** Reconstructs the full sequence number from its low bits (8 or 16) as
 *  the value closest to expected (RFC 9147 4.2.2), never negative. */
uint64_t d13_seq_reconstruct(uint64_t expected, uint32_t low_bits, unsigned nbits);

/** Traffic keys for one epoch in one direction. */
typedef struct d13_epoch_keys {
    bool installed;
    bool dtls12;     /* DTLS 1.2 record format (record/record12.h), no sn_mask */
    bool explicit_nonce; /* DTLS 1.2 AES-GCM: 8-byte explicit nonce in each record */
    uint64_t epoch;
    uint16_t suite;
    d13_aead *aead;
    d13_sn_mask *sn_mask;
    uint64_t next_seq;          /* write side: next sequence number */
    d13_replay_window window;   /* read side */
    uint64_t records_protected; /* for AEAD usage limits */
    uint64_t auth_failures;
} d13_epoch_keys;

/** Derives key, iv and sn_key from traffic_secret with HKDF-Expand-Label
 *  ("dtls13" prefix; labels "key", "iv", "sn") and installs them as epoch.
 *  key and sn_key have the suite's key length, iv 12 bytes; secret_len
 *  must be the suite's hash length. k must be zero-initialized, cleared or
 *  previously initialized (keys already installed are freed first); on
 *  failure k is left cleared. Returns 0, DTLS13_ERR_UNSUPPORTED for an
 *  unknown suite, DTLS13_ERR_INVALID_ARG or a crypto error. */
int d13_epoch_keys_init(d13_epoch_keys *k, const d13_algs *algs, uint16_t suite,
                        const uint8_t *traffic_secret, size_t secret_len, uint64_t epoch);
/** Frees and zeroizes; the struct may be reused. */
void d13_epoch_keys_clear(d13_epoch_keys *k);

/** Protects one record: unified header 0b00101100 | (epoch & 3) (S=1, L=1),
 *  16-bit sequence number, 16-bit length, then AEAD(TLSInnerPlaintext =
 *  data || content_type || pad zeros) with AAD = the unmasked header, then
 *  masks the sequence number. Uses and increments k->next_seq.
 *  Appends D13_RECORD_OVERHEAD + len + pad bytes to out. data must not
 *  overlap out. content_type must be non-zero and len + 1 + pad at most
 *  2^14 + 1 (DTLS13_ERR_INVALID_ARG); DTLS13_ERR_BAD_STATE when no keys
 *  are installed or next_seq reached 2^48; DTLS13_ERR_BUFFER_TOO_SMALL
 *  when out lacks room. On failure out and k are unchanged. */
int d13_record_seal(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                    size_t pad, d13_writer *out);

/** Header form for d13_record_seal_ex. All-false (zero-initialized) is the
 *  form d13_record_seal writes. */
typedef struct d13_seal_options {
    bool seq8;        /* S=0: 8-bit sequence number instead of 16-bit */
    bool omit_length; /* L=0: no length field; the record must end the datagram */
} d13_seal_options;

/** d13_record_seal with a chosen header form (opts NULL = default form).
 *  The header is 1 + (seq8 ? 1 : 2) + (omit_length ? 0 : 2) bytes and is
 *  the AAD with the unmasked sequence number, as on the receive side. */
int d13_record_seal_ex(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                       size_t pad, const d13_seal_options *opts, d13_writer *out);

/** Opens a unified-header record with keys k (whose epoch low bits match):
 *  unmasks and reconstructs the sequence number against k->window, checks
 *  the replay window, decrypts into out (cap >= payload_len), strips the
 *  padding, and on success updates the window. On success returns
 *  D13_DROP_NONE and sets *content_type, *out_len and *seq.
 *
 *  Choosing k is the caller's job: it passes the keys of the (current or
 *  most recent past) epoch whose low two bits equal rec->epoch_bits (RFC
 *  9147 4.2.2). When k has no keys or its epoch bits differ from the
 *  record's, the result is D13_DROP_UNKNOWN_EPOCH. Other reasons:
 *  D13_DROP_BAD_HEADER for a plaintext view, an inconsistent header, a
 *  ciphertext shorter than 16 bytes (RFC 9147 4.2.3), one whose
 *  TLSInnerPlaintext would exceed 2^14 + 1 bytes, or cap < payload_len - 16;
 *  D13_DROP_REPLAY for a duplicate or a record left of the window
 *  (checked before decryption); D13_DROP_BAD_TAG when authentication
 *  fails (k->auth_failures is incremented) or the plaintext holds no
 *  non-zero content type. The window changes only on success; out holds
 *  nothing useful (it is zeroized) on failure. */
d13_drop_reason d13_record_open(d13_epoch_keys *k, const d13_record_view *rec, uint8_t *out,
                                size_t cap, size_t *out_len, uint8_t *content_type, uint64_t *seq);

#endif
