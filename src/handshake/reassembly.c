/* Handshake message reassembly. */
#include "handshake/reassembly.h"

#include <stdlib.h>
#include <string.h>

static d13_reasm_slot *find_slot(d13_reasm *ra, uint16_t seq)
{
    for (size_t i = 0; i < D13_REASM_SLOTS; i++) {
        if (ra->slots[i].used && ra->slots[i].message_seq == seq) return &ra->slots[i];
    }
    return NULL;
}

static void free_slot(d13_reasm *ra, d13_reasm_slot *s)
{
    if (!s->used) return;
    ra->buffered -= s->length;
    free(s->body);
    free(s->bitmap);
    memset(s, 0, sizeof(*s));
}

/* Marks [off, off+len) received; returns how many bytes were new. */
static uint32_t mark_range(d13_reasm_slot *s, uint32_t off, uint32_t len, const uint8_t *src)
{
    uint32_t fresh = 0, end = off + len;
    for (uint32_t i = off; i < end; i++) {
        /* Whole bitmap bytes at once where eight bytes are all new or all
         * seen (the common case: a fragment lands on unseen bytes). */
        if ((i & 7) == 0 && end - i >= 8 && (s->bitmap[i >> 3] == 0 || s->bitmap[i >> 3] == 0xff)) {
            if (s->bitmap[i >> 3] == 0) {
                s->bitmap[i >> 3] = 0xff;
                memcpy(s->body + i, src + (i - off), 8);
                fresh += 8;
            }
            i += 7;
            continue;
        }
        uint8_t bit = (uint8_t)(1u << (i & 7));
        if (!(s->bitmap[i >> 3] & bit)) {
            s->bitmap[i >> 3] |= bit;
            s->body[i] = src[i - off];
            fresh++;
        }
    }
    return fresh;
}

d13_reasm_result d13_reasm_add(d13_reasm *ra, uint16_t next_seq, const d13_hs_header *h,
                               const uint8_t *fragment, uint64_t epoch)
{
    if (h->message_seq < next_seq) return D13_REASM_OLD;
    if (h->message_seq - next_seq >= D13_REASM_SLOTS) return D13_REASM_TOO_FAR;
    if (h->length > D13_MAX_HANDSHAKE_MESSAGE) return D13_REASM_TOO_BIG;
    d13_reasm_slot *s = find_slot(ra, h->message_seq);
    if (s) {
        if (s->msg_type != h->msg_type || s->length != h->length || s->epoch != epoch)
            return D13_REASM_MISMATCH;
    } else {
        if (ra->buffered + h->length > D13_REASM_BUDGET) return D13_REASM_TOO_FAR;
        for (size_t i = 0; i < D13_REASM_SLOTS && !s; i++) {
            if (!ra->slots[i].used) s = &ra->slots[i];
        }
        if (!s) return D13_REASM_TOO_FAR;
        size_t body_cap = h->length ? h->length : 1;
        s->body = malloc(body_cap);
        s->bitmap = calloc(1, (body_cap + 7) / 8);
        if (!s->body || !s->bitmap) {
            free(s->body);
            free(s->bitmap);
            s->body = s->bitmap = NULL;
            return D13_REASM_NO_MEMORY;
        }
        s->used = true;
        s->msg_type = h->msg_type;
        s->message_seq = h->message_seq;
        s->epoch = epoch;
        s->length = h->length;
        s->received = 0;
        ra->buffered += h->length;
        if (h->length == 0) return D13_REASM_STORED;
    }
    uint32_t fresh = mark_range(s, h->fragment_offset, h->fragment_length, fragment);
    s->received += fresh;
    return fresh ? D13_REASM_STORED : D13_REASM_DUPLICATE;
}

const d13_reasm_slot *d13_reasm_complete(const d13_reasm *ra, uint16_t next_seq)
{
    for (size_t i = 0; i < D13_REASM_SLOTS; i++) {
        const d13_reasm_slot *s = &ra->slots[i];
        if (s->used && s->message_seq == next_seq && s->received == s->length) return s;
    }
    return NULL;
}

void d13_reasm_release(d13_reasm *ra, uint16_t message_seq)
{
    d13_reasm_slot *s = find_slot(ra, message_seq);
    if (s) free_slot(ra, s);
}

void d13_reasm_clear(d13_reasm *ra)
{
    for (size_t i = 0; i < D13_REASM_SLOTS; i++) free_slot(ra, &ra->slots[i]);
}
