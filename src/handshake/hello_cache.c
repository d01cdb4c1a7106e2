/* Fixed-size reassembly cache for fragmented ClientHellos. */
#include "handshake/hello_cache.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"

int d13_hello_cache_init(d13_hello_cache *c)
{
    memset(c, 0, sizeof(*c));
    c->slots = calloc(D13_HELLO_CACHE_SLOTS, sizeof(*c->slots));
    return c->slots ? DTLS13_OK : DTLS13_ERR_NO_MEMORY;
}

void d13_hello_cache_free(d13_hello_cache *c)
{
    if (!c || !c->slots) return;
    d13_cleanse(c->slots, D13_HELLO_CACHE_SLOTS * sizeof(*c->slots));
    free(c->slots);
    c->slots = NULL;
}

static bool same_addr(const d13_hello_slot *s, const void *addr, size_t addr_len)
{
    return s->used && s->addr_len == addr_len && (addr_len == 0 || memcmp(s->addr, addr, addr_len) == 0);
}

static d13_hello_slot *find(const d13_hello_cache *c, const void *addr, size_t addr_len)
{
    for (size_t i = 0; i < D13_HELLO_CACHE_SLOTS; i++) {
        if (same_addr(&c->slots[i], addr, addr_len)) return &c->slots[i];
    }
    return NULL;
}

/* A free slot, else the least recently used one. */
static d13_hello_slot *take_slot(d13_hello_cache *c)
{
    d13_hello_slot *victim = &c->slots[0];
    for (size_t i = 0; i < D13_HELLO_CACHE_SLOTS; i++) {
        d13_hello_slot *s = &c->slots[i];
        if (!s->used) return s;
        if (s->last_used < victim->last_used) victim = s;
    }
    c->evictions++;
    return victim;
}

static void reset_slot(d13_hello_slot *s, const void *addr, size_t addr_len, const d13_hs_header *h)
{
    s->used = true;
    s->complete = false;
    if (addr_len) memcpy(s->addr, addr, addr_len);
    s->addr_len = addr_len;
    s->msg_type = h->msg_type;
    s->message_seq = h->message_seq;
    s->length = h->length;
    s->received = 0;
    s->max_record_seq = 0;
    s->bytes_in = 0;
    memset(s->bitmap, 0, sizeof(s->bitmap));
}

d13_hello_add_result d13_hello_cache_add(d13_hello_cache *c, const void *addr, size_t addr_len,
                                         const d13_hs_header *h, const d13_bytes *frag, uint64_t record_seq,
                                         size_t dgram_len, const d13_hello_slot **slot_out)
{
    *slot_out = NULL;
    if (!c->slots || addr_len > D13_HELLO_CACHE_MAX_ADDR || h->length > D13_HELLO_CACHE_MAX_MSG ||
        h->length == 0 || frag->len != h->fragment_length ||
        (size_t)h->fragment_offset + h->fragment_length > h->length)
        return D13_HELLO_REJECTED;
    d13_hello_slot *s = find(c, addr, addr_len);
    if (!s) {
        s = take_slot(c);
        reset_slot(s, addr, addr_len, h);
    } else if (s->msg_type != h->msg_type || s->message_seq != h->message_seq || s->length != h->length) {
        reset_slot(s, addr, addr_len, h); /* a new attempt from this address */
    }
    s->last_used = ++c->clock;
    s->bytes_in += dgram_len;
    if (record_seq > s->max_record_seq) s->max_record_seq = record_seq;
    if (s->complete) {
        *slot_out = s;
        return D13_HELLO_COMPLETE;
    }
    if (frag->len) memcpy(s->body + h->fragment_offset, frag->p, frag->len);
    for (uint32_t i = h->fragment_offset; i < h->fragment_offset + h->fragment_length; i++) {
        uint8_t bit = (uint8_t)(1u << (i & 7));
        if (!(s->bitmap[i >> 3] & bit)) {
            s->bitmap[i >> 3] |= bit;
            s->received++;
        }
    }
    if (s->received < s->length) return D13_HELLO_STORED;
    s->complete = true;
    *slot_out = s;
    return D13_HELLO_COMPLETE;
}

const d13_hello_slot *d13_hello_cache_find_complete(const d13_hello_cache *c, const void *addr, size_t addr_len)
{
    if (!c->slots || addr_len > D13_HELLO_CACHE_MAX_ADDR) return NULL;
    const d13_hello_slot *s = find(c, addr, addr_len);
    return s && s->complete ? s : NULL;
}

void d13_hello_cache_release(d13_hello_cache *c, const void *addr, size_t addr_len)
{
    if (!c->slots || addr_len > D13_HELLO_CACHE_MAX_ADDR) return;
    d13_hello_slot *s = find(c, addr, addr_len);
    if (s) s->used = s->complete = false;
}
