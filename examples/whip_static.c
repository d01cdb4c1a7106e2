/* The page directory of the WHIP server. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "whip_static.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

static bool name_char(char c)
{
    return g_ascii_isalnum(c) || c == '.' || c == '-' || c == '_';
}

int whip_static_path_ok(const char *path)
{
    if (!path || path[0] != '/') return 0;
    size_t n = strlen(path);
    if (n > 512) return 0;
    bool component_start = true;
    for (size_t i = 1; i < n; i++) {
        char c = path[i];
        if (c == '/') {
            if (component_start) return 0; /* "//" or a trailing "/" after "/" */
            component_start = true;
            continue;
        }
        if (!name_char(c)) return 0;
        if (component_start && c == '.') return 0; /* ".", "..", hidden files */
        component_start = false;
    }
    return 1;
}

static const char *content_type_for(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},          {".svg", "image/svg+xml"},
        {".png", "image/png"},                  {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (g_str_has_suffix(name, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

int whip_static_load(const char *root, const char *path, whip_static_file *out)
{
    memset(out, 0, sizeof(*out));
    if (!root || !whip_static_path_ok(path)) return 404;
    const char *rel = path[1] ? path + 1 : "index.html";
    if (g_str_has_suffix(path, "/") && path[1]) return 404;
    char *joined = g_build_filename(root, rel, NULL);
    char *real = realpath(joined, NULL);
    g_free(joined);
    if (!real) return 404;
    size_t root_len = strlen(root);
    bool inside = strncmp(real, root, root_len) == 0 && real[root_len] == '/';
    struct stat st;
    int status = 404;
    if (inside && stat(real, &st) == 0 && S_ISREG(st.st_mode)) {
        status = 500;
        gchar *data = NULL;
        gsize len = 0;
        if ((size_t)st.st_size <= WHIP_STATIC_MAX_FILE && g_file_get_contents(real, &data, &len, NULL)) {
            out->data = data;
            out->len = len;
            out->content_type = content_type_for(real);
            status = 200;
        }
    }
    free(real);
    return status;
}

void whip_static_file_free(whip_static_file *file)
{
    g_free(file->data);
    file->data = NULL;
    file->len = 0;
}
