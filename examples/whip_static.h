/* Serving the page directory of the WHIP server safely: request paths of
 * plain names only, resolved inside the directory. */
#ifndef D13_EXAMPLES_WHIP_STATIC_H
#define D13_EXAMPLES_WHIP_STATIC_H

#include <stddef.h>

/** Largest file served. */
#define WHIP_STATIC_MAX_FILE (8u * 1024u * 1024u)

/** A loaded file. */
typedef struct whip_static_file {
    char *data;               /**< contents (g_free) */
    size_t len;
    const char *content_type; /**< static string from the extension */
} whip_static_file;

/** Loads the file for the URL path (e.g. "/", "/index.html",
 *  "/js/app.js") from root (an absolute, resolved directory; NULL gives
 *  404). "/" means "/index.html". Every path component must be made of
 *  letters, digits, '.', '-' and '_' and not start with '.'; the resolved
 *  file must be a regular file inside root of at most WHIP_STATIC_MAX_FILE
 *  bytes. Returns 200 (out filled), 404 or 500. */
int whip_static_load(const char *root, const char *path, whip_static_file *out);

/** Frees what whip_static_load() loaded. */
void whip_static_file_free(whip_static_file *file);

/** Whether path (as for whip_static_load()) is an acceptable request
 *  path, before any file system access. */
int whip_static_path_ok(const char *path);

#endif
