/* Timer heap of the endpoint: a binary min-heap of associations keyed by
 * their next deadline. The earliest is read in O(1); pushing, removing and
 * re-keying one association is O(log n), and each association carries its
 * own index so it can be found without a search. */
#include <stdlib.h>

#include "dtls13/errors.h"
#include "endpoint/endpoint_internal.h"

void d13_timer_heap_free(d13_timer_heap *h)
{
    free(h->items);
    h->items = NULL;
    h->count = h->cap = 0;
}

static void place(d13_timer_heap *h, size_t i, dtls13_assoc *a)
{
    h->items[i] = a;
    a->heap_index = i;
}

static void sift_up(d13_timer_heap *h, size_t i)
{
    dtls13_assoc *a = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->items[parent]->deadline <= a->deadline) break;
        place(h, i, h->items[parent]);
        i = parent;
    }
    place(h, i, a);
}

static void sift_down(d13_timer_heap *h, size_t i)
{
    dtls13_assoc *a = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->count) break;
        if (child + 1 < h->count && h->items[child + 1]->deadline < h->items[child]->deadline) child++;
        if (h->items[child]->deadline >= a->deadline) break;
        place(h, i, h->items[child]);
        i = child;
    }
    place(h, i, a);
}

int d13_timer_heap_push(d13_timer_heap *h, dtls13_assoc *a)
{
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        dtls13_assoc **items = realloc(h->items, cap * sizeof(*items));
        if (!items) return DTLS13_ERR_NO_MEMORY;
        h->items = items;
        h->cap = cap;
    }
    place(h, h->count++, a);
    sift_up(h, a->heap_index);
    return DTLS13_OK;
}

void d13_timer_heap_remove(d13_timer_heap *h, dtls13_assoc *a)
{
    size_t i = a->heap_index;
    if (i >= h->count || h->items[i] != a) return;
    dtls13_assoc *last = h->items[--h->count];
    if (last == a) return;
    place(h, i, last);
    sift_up(h, i);
    sift_down(h, last->heap_index);
}

void d13_timer_heap_update(d13_timer_heap *h, dtls13_assoc *a, uint64_t deadline)
{
    if (a->deadline == deadline) return;
    bool earlier = deadline < a->deadline;
    a->deadline = deadline;
    if (earlier) sift_up(h, a->heap_index);
    else sift_down(h, a->heap_index);
}

dtls13_assoc *d13_timer_heap_top(const d13_timer_heap *h)
{
    return h->count ? h->items[0] : NULL;
}

size_t d13_timer_heap_bytes(const d13_timer_heap *h)
{
    return h->cap * sizeof(*h->items);
}
