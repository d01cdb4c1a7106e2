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
 *  datagram. Returns D13_DROP_NONE or the reason. */
d13_drop_reason d13_record_next(d13_reader *datagram, d13_record_view *out);

/** Writes a DTLSPlaintext record (epoch 0, record version 0xfefd or the
 *  given legacy_version). */
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
 *  ("dtls13" prefix; labels "key", "iv", "sn") and installs them as epoch. */
int d13_epoch_keys_init(d13_epoch_keys *k, uint16_t suite, const uint8_t *traffic_secret,
                        size_t secret_len, uint64_t epoch);
/** Frees and zeroizes; the struct may be reused. */
void d13_epoch_keys_clear(d13_epoch_keys *k);

/** Protects one record: unified header 0b00101100 | (epoch & 3) (S=1, L=1),
 *  16-bit sequence number, 16-bit length, then AEAD(TLSInnerPlaintext =
 *  data || content_type || pad zeros) with AAD = the unmasked header, then
 *  masks the sequence number. Uses and increments k->next_seq. */
int d13_record_seal(d13_epoch_keys *k, uint8_t content_type, const uint8_t *data, size_t len,
                    size_t pad, d13_writer *out);

/** Opens a unified-header record with keys k (whose epoch low bits match):
 *  unmasks and reconstructs the sequence number against k->window, checks
 *  the replay window, decrypts into out (cap >= payload_len), strips the
 *  padding, and on success updates the window. On success returns
 *  D13_DROP_NONE and sets *content_type, *out_len and *seq. */
d13_drop_reason d13_record_open(d13_epoch_keys *k, const d13_record_view *rec, uint8_t *out,
                                size_t cap, size_t *out_len, uint8_t *content_type, uint64_t *seq);

#endif
