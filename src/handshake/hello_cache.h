/* A fixed-size reassembly cache for ClientHellos that arrive in several
 * fragments (browsers with large key shares send ~1400-byte ClientHellos
 * in two datagrams), for the stateless listener.
 *
 * All memory is allocated once by d13_hello_cache_new: D13_HELLO_CACHE_SLOTS
 * slots, each holding one message of at most D13_HELLO_CACHE_MAX_MSG
 * bytes from one peer address. A fragment from an address without a slot
 * takes a free slot or evicts the least recently used one, so a flood of
 * fragments costs no memory, only the eviction of other half-received
 * ClientHellos (whose clients retransmit). */
#ifndef D13_HELLO_CACHE_H
#define D13_HELLO_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/messages.h"

#define D13_HELLO_CACHE_SLOTS 16
#define D13_HELLO_CACHE_MAX_MSG 8192
#define D13_HELLO_CACHE_MAX_ADDR 128

/** One message being reassembled. */
typedef struct d13_hello_slot {
    bool used;
    bool complete;
    uint8_t addr[D13_HELLO_CACHE_MAX_ADDR];
    size_t addr_len;
    uint8_t msg_type;
    uint16_t message_seq;
    uint32_t length;
    uint32_t received;       /* body bytes covered */
    uint64_t max_record_seq; /* highest epoch 0 record sequence number seen */
    uint64_t bytes_in;       /* datagram bytes received for this message */
    uint64_t last_used;      /* LRU stamp */
    uint8_t body[D13_HELLO_CACHE_MAX_MSG];
    uint8_t bitmap[D13_HELLO_CACHE_MAX_MSG / 8];
} d13_hello_slot;

typedef struct d13_hello_cache {
    d13_hello_slot *slots; /* D13_HELLO_CACHE_SLOTS */
    uint64_t clock;        /* LRU counter */
    uint64_t evictions;
} d13_hello_cache;

/** What adding a fragment did. */
typedef enum d13_hello_add_result {
    D13_HELLO_STORED = 0,   /* stored; the message is not complete yet */
    D13_HELLO_COMPLETE = 1, /* the message is now complete (*slot_out) */
    D13_HELLO_REJECTED = 2, /* too long, address too long, or mismatched */
} d13_hello_add_result;

/** Allocates the slots. Returns 0 or DTLS13_ERR_NO_MEMORY. */
int d13_hello_cache_init(d13_hello_cache *c);
/** Zeroizes and frees the slots. */
void d13_hello_cache_free(d13_hello_cache *c);

/** Adds one fragment (header h, its bytes frag) received from addr in
 *  record number record_seq of a datagram of dgram_len bytes. A fragment
 *  whose type, message_seq or length differ from the address's slot
 *  restarts that slot. On D13_HELLO_COMPLETE *slot_out points at the
 *  complete message, which stays until released or evicted. */
d13_hello_add_result d13_hello_cache_add(d13_hello_cache *c, const void *addr, size_t addr_len,
                                         const d13_hs_header *h, const d13_bytes *frag, uint64_t record_seq,
                                         size_t dgram_len, const d13_hello_slot **slot_out);

/** The complete message of addr, or NULL. */
const d13_hello_slot *d13_hello_cache_find_complete(const d13_hello_cache *c, const void *addr, size_t addr_len);

/** Frees the slot of addr (if any). */
void d13_hello_cache_release(d13_hello_cache *c, const void *addr, size_t addr_len);

#endif
