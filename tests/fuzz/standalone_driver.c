/* Runs a fuzz target without libFuzzer, deterministically, so it can be a
 * plain test under ASan/UBSan:
 *
 *   fuzz_NAME [CORPUS_DIR [ITERATIONS [SEED]]]
 *
 * Every file in CORPUS_DIR (if given) is a seed, plus a few built-in ones
 * (empty input, single bytes). Each seed is run once, then ITERATIONS
 * (default 20000) mutated inputs: bit flips, byte overwrites, truncations,
 * insertions, deletions, duplicated chunks, "interesting" values and splices
 * of two seeds, drawn from a xorshift64 generator seeded with SEED. Every
 * input is passed in a heap buffer of exactly its size so ASan sees any
 * overread. A crash or failed invariant aborts the process; success prints
 * a summary and exits 0. */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_target.h"

#define MAX_SEEDS 512
#define MAX_INPUT 65536
#define DEFAULT_ITERATIONS 20000

typedef struct seed {
    uint8_t *data;
    size_t len;
} seed;

typedef struct seed_set {
    seed items[MAX_SEEDS];
    size_t count;
} seed_set;

static uint64_t xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

static size_t rand_below(uint64_t *state, size_t n)
{
    return n == 0 ? 0 : (size_t)(xorshift64(state) % n);
}

static void add_seed(seed_set *set, const uint8_t *data, size_t len)
{
    if (set->count >= MAX_SEEDS || len > MAX_INPUT) return;
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) abort();
    if (len > 0) memcpy(copy, data, len);
    set->items[set->count].data = copy;
    set->items[set->count].len = len;
    set->count++;
}

static void load_file(seed_set *set, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return;
    uint8_t *buf = malloc(MAX_INPUT);
    if (buf == NULL) abort();
    size_t n = fread(buf, 1, MAX_INPUT, f);
    fclose(f);
    add_seed(set, buf, n);
    free(buf);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads the files of dir in name order (so runs are reproducible). */
static void load_dir(seed_set *set, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "note: no corpus directory %s\n", dir);
        return;
    }
    char *names[MAX_SEEDS];
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < MAX_SEEDS) {
        if (e->d_name[0] == '.') continue;
        names[count] = strdup(e->d_name);
        if (names[count] == NULL) abort();
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof names[0], compare_names);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        if (path == NULL) abort();
        snprintf(path, len, "%s/%s", dir, names[i]);
        load_file(set, path);
        free(path);
        free(names[i]);
    }
}

/* Runs the target on buf[0..len) from an exact-size heap copy. */
static void run_one(const uint8_t *buf, size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL) abort();
    if (len > 0) memcpy(copy, buf, len);
    LLVMFuzzerTestOneInput(len > 0 ? copy : NULL, len);
    free(copy);
}

/* Applies one random mutation to buf (holding *len bytes, capacity MAX_INPUT). */
static void mutate_once(uint64_t *rng, uint8_t *buf, size_t *len, const seed_set *set)
{
    static const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff, 0x10, 0x20, 0x40};
    size_t n = *len;
    switch (rand_below(rng, 9)) {
    case 0: /* flip a bit */
        if (n > 0) buf[rand_below(rng, n)] ^= (uint8_t)(1u << rand_below(rng, 8));
        break;
    case 1: /* overwrite a byte with a random value */
        if (n > 0) buf[rand_below(rng, n)] = (uint8_t)xorshift64(rng);
        break;
    case 2: /* overwrite a byte with an interesting value (lengths, types) */
        if (n > 0) buf[rand_below(rng, n)] = interesting[rand_below(rng, sizeof interesting)];
        break;
    case 3: /* truncate */
        *len = rand_below(rng, n + 1);
        break;
    case 4: { /* insert random bytes */
        size_t k = 1 + rand_below(rng, 8);
        if (n + k > MAX_INPUT) break;
        size_t at = rand_below(rng, n + 1);
        memmove(buf + at + k, buf + at, n - at);
        for (size_t i = 0; i < k; i++) buf[at + i] = (uint8_t)xorshift64(rng);
        *len = n + k;
        break;
    }
    case 5: { /* delete a range */
        if (n == 0) break;
        size_t at = rand_below(rng, n);
        size_t k = 1 + rand_below(rng, n - at);
        memmove(buf + at, buf + at + k, n - at - k);
        *len = n - k;
        break;
    }
    case 6: { /* duplicate a chunk (repeats an extension, an entry...) */
        if (n == 0) break;
        size_t from = rand_below(rng, n);
        size_t k = 1 + rand_below(rng, n - from < 64 ? n - from : 64);
        if (n + k > MAX_INPUT) break;
        size_t at = rand_below(rng, n + 1);
        uint8_t chunk[64];
        memcpy(chunk, buf + from, k);
        memmove(buf + at + k, buf + at, n - at);
        memcpy(buf + at, chunk, k);
        *len = n + k;
        break;
    }
    case 7: { /* splice: keep a prefix, append the tail of another seed */
        const seed *other = &set->items[rand_below(rng, set->count)];
        size_t keep = rand_below(rng, n + 1);
        size_t from = rand_below(rng, other->len + 1);
        size_t k = other->len - from;
        if (keep + k > MAX_INPUT) k = MAX_INPUT - keep;
        if (k > 0) memcpy(buf + keep, other->data + from, k);
        *len = keep + k;
        break;
    }
    default: /* write a 16-bit big-endian length-ish value */
        if (n >= 2) {
            size_t at = rand_below(rng, n - 1);
            uint16_t v = (uint16_t)rand_below(rng, n + 4);
            buf[at] = (uint8_t)(v >> 8);
            buf[at + 1] = (uint8_t)v;
        }
        break;
    }
}

int main(int argc, char **argv)
{
    static seed_set set;
    const char *dir = argc > 1 ? argv[1] : NULL;
    long iterations = argc > 2 ? strtol(argv[2], NULL, 10) : DEFAULT_ITERATIONS;
    uint64_t rng = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x9e3779b97f4a7c15ull;
    if (rng == 0) rng = 1;

    static const uint8_t builtin[][4] = {{0}, {1}, {2}, {0xff, 0xff, 0xff, 0xff}};
    add_seed(&set, builtin[0], 0);
    for (size_t i = 0; i < 3; i++) add_seed(&set, builtin[i], 1);
    add_seed(&set, builtin[3], 4);
    if (dir != NULL) load_dir(&set, dir);

    for (size_t i = 0; i < set.count; i++) run_one(set.items[i].data, set.items[i].len);

    uint8_t *buf = malloc(MAX_INPUT);
    if (buf == NULL) abort();
    for (long it = 0; it < iterations; it++) {
        const seed *s = &set.items[rand_below(&rng, set.count)];
        size_t len = s->len;
        if (len > 0) memcpy(buf, s->data, len);
        size_t rounds = 1 + rand_below(&rng, 4);
        for (size_t k = 0; k < rounds; k++) mutate_once(&rng, buf, &len, &set);
        run_one(buf, len);
    }
    free(buf);
    printf("%zu seeds, %ld mutated inputs: no crash\n", set.count, iterations);
    for (size_t i = 0; i < set.count; i++) free(set.items[i].data);
    return 0;
}
