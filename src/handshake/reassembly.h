/* Reassembly of incoming handshake messages from fragments (RFC 9147 5.5).
 *
 * A few slots hold the next expected message_seq and the ones right after
 * it; fragments may arrive out of order, overlap or repeat. Buffers are
 * allocated per message, bounded by D13_REASM_BUDGET bytes in total, and
 * freed as soon as the message has been processed. */
#ifndef D13_REASSEMBLY_H
#define D13_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/messages.h"

#define D13_REASM_SLOTS 4
#define D13_REASM_BUDGET (64u * 1024u)
/** Largest handshake message accepted (a certificate chain fits easily). */
#define D13_MAX_HANDSHAKE_MESSAGE (32u * 1024u)

typedef struct d13_reasm_slot {
    bool used;
    uint8_t msg_type;
    uint16_t message_seq;
    uint64_t epoch;
    uint32_t length;
    uint32_t received; /* bytes covered so far */
    uint8_t *body;
    uint8_t *bitmap; /* one bit per body byte */
} d13_reasm_slot;

typedef struct d13_reasm {
    d13_reasm_slot slots[D13_REASM_SLOTS];
    size_t buffered; /* bytes allocated for bodies */
} d13_reasm;

/** What happened to a fragment. */
typedef enum d13_reasm_result {
    D13_REASM_STORED = 0,     /* new bytes stored (message may now be complete) */
    D13_REASM_DUPLICATE = 1,  /* nothing new: every byte was already there */
    D13_REASM_OLD = 2,        /* message_seq below the next expected: a retransmission */
    D13_REASM_TOO_FAR = 3,    /* too far in the future or over budget: dropped */
    D13_REASM_MISMATCH = 4,   /* type/length/epoch disagree with earlier fragments: dropped */
    D13_REASM_TOO_BIG = 5,    /* message longer than D13_MAX_HANDSHAKE_MESSAGE */
    D13_REASM_NO_MEMORY = 6,
} d13_reasm_result;

/** Adds a fragment received in epoch, given the next expected message_seq. */
d13_reasm_result d13_reasm_add(d13_reasm *ra, uint16_t next_seq, const d13_hs_header *h,
                               const uint8_t *fragment, uint64_t epoch);
/** Returns the slot holding the complete message next_seq, or NULL. */
const d13_reasm_slot *d13_reasm_complete(const d13_reasm *ra, uint16_t next_seq);
/** Frees the slot of message_seq (after processing). */
void d13_reasm_release(d13_reasm *ra, uint16_t message_seq);
/** Frees every slot. */
void d13_reasm_clear(d13_reasm *ra);

#endif
