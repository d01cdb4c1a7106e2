/* See http_util.h. */
#include "http_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whip_static.h"

void http_add_cors(SoupServerMessage *msg, const char *expose)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_replace(h, "Access-Control-Allow-Origin", "*");
    soup_message_headers_replace(h, "Access-Control-Expose-Headers", expose);
}

void http_respond(SoupServerMessage *msg, guint status, const char *content_type, const char *body, size_t len)
{
    soup_server_message_set_status(msg, status, NULL);
    if (body) soup_server_message_set_response(msg, content_type, SOUP_MEMORY_COPY, body, len);
}

void http_respond_text(SoupServerMessage *msg, guint status, const char *text)
{
    char *line = g_strdup_printf("%s\n", text);
    http_respond(msg, status, "text/plain; charset=utf-8", line, strlen(line));
    g_free(line);
}

void http_serve_static(SoupServerMessage *msg, const char *method, const char *page_root, const char *path)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        soup_message_headers_replace(h, "Allow", "GET, HEAD, OPTIONS");
        http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method not allowed");
        return;
    }
    whip_static_file file;
    int status = whip_static_load(page_root, path, &file);
    if (status != 200) {
        http_respond_text(msg, (guint)status, status == 404 ? "not found" : "cannot read the file");
        return;
    }
    soup_message_headers_replace(h, "Cache-Control", "no-store");
    http_respond(msg, SOUP_STATUS_OK, file.content_type, file.data, file.len);
    whip_static_file_free(&file);
}

void http_refuse_offer_body(SoupServerMessage *msg, size_t max_bytes, const char *expose)
{
    SoupMessageHeaders *req = soup_server_message_get_request_headers(msg);
    http_add_cors(msg, expose);
    if (soup_message_headers_get_encoding(req) != SOUP_ENCODING_CONTENT_LENGTH) {
        http_respond_text(msg, SOUP_STATUS_LENGTH_REQUIRED, "send the offer with a Content-Length");
    } else if (soup_message_headers_get_content_length(req) > (goffset)max_bytes) {
        char text[64];
        snprintf(text, sizeof(text), "the offer is larger than %zu KiB", max_bytes / 1024u);
        http_respond_text(msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, text);
    }
}

char *http_listen(SoupServer *server, const char *listen, const char *option, char *error, size_t error_cap)
{
    const char *colon = strrchr(listen, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == listen || !end || end == colon + 1 || *end != '\0' || port < 0 || port > 65535) {
        snprintf(error, error_cap, "%s takes HOST:PORT, not %s", option, listen);
        return NULL;
    }
    char *host = g_strndup(listen, (gsize)(colon - listen));
    GSocketAddress *addr = g_inet_socket_address_new_from_string(host, (guint)port);
    g_free(host);
    if (!addr) {
        snprintf(error, error_cap, "%s is not an IP address and port", listen);
        return NULL;
    }
    GError *err = NULL;
    gboolean ok = soup_server_listen(server, addr, 0, &err);
    g_object_unref(addr);
    if (!ok) {
        snprintf(error, error_cap, "cannot listen on %s: %s", listen, err->message);
        g_error_free(err);
        return NULL;
    }
    GSList *uris = soup_server_get_uris(server);
    char *url = uris ? g_uri_to_string(uris->data) : g_strdup("?");
    g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
    return url;
}
