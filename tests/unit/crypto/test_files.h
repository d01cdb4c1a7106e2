/* Reading the committed test data files (TEST_DATA_DIR) for crypto tests. */
#ifndef D13_TEST_CRYPTO_FILES_H
#define D13_TEST_CRYPTO_FILES_H

#include <stdio.h>
#include <string.h>

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must be defined by the build"
#endif

/** Writes TEST_DATA_DIR "/" name into path. */
static inline const char *test_data_path(const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", TEST_DATA_DIR, name);
    return path;
}

/** Reads a whole data file into buf; returns its length, or 0 when it
 *  cannot be read or does not fit. */
static inline size_t test_read_data(const char *name, unsigned char *buf, size_t cap)
{
    char path[512];
    FILE *f = fopen(test_data_path(name, path, sizeof(path)), "rb");
    if (f == NULL) return 0;
    size_t n = fread(buf, 1, cap, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    return more ? 0 : n;
}

#endif
