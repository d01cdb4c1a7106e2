/* See sfu_signal.h. */
#include "sfu_signal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "whip_static.h"

struct sfu_signal {
    SoupServer *http;
    sfu_room *room;
    sfu_signal_hooks hooks;
    char *page_root;
};

static void add_cors(SoupServerMessage *msg)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_replace(h, "Access-Control-Allow-Origin", "*");
    soup_message_headers_replace(h, "Access-Control-Expose-Headers", "Location");
}

static void respond(SoupServerMessage *msg, guint status, const char *content_type, const char *body, size_t len)
{
    soup_server_message_set_status(msg, status, NULL);
    if (body) soup_server_message_set_response(msg, content_type, SOUP_MEMORY_COPY, body, len);
}

static void respond_text(SoupServerMessage *msg, guint status, const char *text)
{
    char *line = g_strdup_printf("%s\n", text);
    respond(msg, status, "text/plain; charset=utf-8", line, strlen(line));
    g_free(line);
}

static void handle_post(sfu_signal *sig, SoupServerMessage *msg)
{
    SoupMessageHeaders *req = soup_server_message_get_request_headers(msg);
    const char *type = soup_message_headers_get_content_type(req, NULL);
    if (!type || g_ascii_strcasecmp(type, "application/sdp") != 0) {
        respond_text(msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "an offer needs Content-Type: application/sdp");
        return;
    }
    GBytes *body = soup_message_body_flatten(soup_server_message_get_request_body(msg));
    gsize len = 0;
    const char *text = g_bytes_get_data(body, &len);
    char error[512];
    bool server_fault = false;
    sfu_peer *peer = sig->hooks.add_peer(sig->hooks.user, text ? text : "", text ? len : 0, error, sizeof(error),
                                         &server_fault);
    g_bytes_unref(body);
    if (!peer) {
        respond_text(msg, server_fault ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_BAD_REQUEST, error);
        return;
    }
    char *location = g_strdup_printf("/sfu/%s", sfu_peer_id(peer));
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Location", location);
    g_free(location);
    const dtls13_sdp_answer *answer = sfu_peer_answer(peer);
    respond(msg, SOUP_STATUS_CREATED, "application/sdp", answer->text, answer->text_len);
}

static void handle_sfu(sfu_signal *sig, SoupServerMessage *msg, const char *method, const char *rest)
{
    if (strcmp(rest, "stats") == 0) {
        if (strcmp(method, "GET") != 0) {
            respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the statistics take GET");
            return;
        }
        char *json = sig->hooks.stats_json(sig->hooks.user);
        respond(msg, SOUP_STATUS_OK, "application/json", json, strlen(json));
        g_free(json);
        return;
    }
    sfu_peer *peer = strchr(rest, '/') ? NULL : sfu_room_find(sig->room, rest);
    if (!peer) {
        respond_text(msg, SOUP_STATUS_NOT_FOUND, "no such peer");
        return;
    }
    if (strcmp(method, "DELETE") != 0) {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "DELETE, OPTIONS");
        respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "a peer resource takes DELETE");
        return;
    }
    sig->hooks.remove_peer(sig->hooks.user, peer);
    respond(msg, SOUP_STATUS_OK, "text/plain", "", 0);
}

static void handle_static(sfu_signal *sig, SoupServerMessage *msg, const char *method, const char *path)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "GET, HEAD, OPTIONS");
        respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method not allowed");
        return;
    }
    whip_static_file file;
    int status = whip_static_load(sig->page_root, path, &file);
    if (status != 200) {
        respond_text(msg, (guint)status, status == 404 ? "not found" : "cannot read the file");
        return;
    }
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Cache-Control", "no-store");
    respond(msg, SOUP_STATUS_OK, file.content_type, file.data, file.len);
    whip_static_file_free(&file);
}

static void handle_request(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                           gpointer user)
{
    (void)server;
    (void)query;
    sfu_signal *sig = user;
    const char *method = soup_server_message_get_method(msg);
    add_cors(msg);
    if (strcmp(method, "OPTIONS") == 0) {
        SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
        soup_message_headers_replace(h, "Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        soup_message_headers_replace(h, "Access-Control-Allow-Headers", "Content-Type");
        soup_message_headers_replace(h, "Allow", "GET, POST, DELETE, OPTIONS");
        soup_server_message_set_status(msg, SOUP_STATUS_NO_CONTENT, NULL);
    } else if (strcmp(path, "/sfu") == 0) {
        if (strcmp(method, "POST") == 0) {
            handle_post(sig, msg);
        } else {
            soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "POST, OPTIONS");
            respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the SFU endpoint takes POST with an SDP offer");
        }
    } else if (g_str_has_prefix(path, "/sfu/")) {
        handle_sfu(sig, msg, method, path + strlen("/sfu/"));
    } else {
        handle_static(sig, msg, method, path);
    }
}

/* Refuses bodies we would not read whole, before libsoup reads them. */
static void handle_early(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                         gpointer user)
{
    (void)server;
    (void)path;
    (void)query;
    (void)user;
    SoupMessageHeaders *req = soup_server_message_get_request_headers(msg);
    if (strcmp(soup_server_message_get_method(msg), "POST") != 0) return;
    add_cors(msg);
    if (soup_message_headers_get_encoding(req) != SOUP_ENCODING_CONTENT_LENGTH)
        respond_text(msg, SOUP_STATUS_LENGTH_REQUIRED, "send the offer with a Content-Length");
    else if (soup_message_headers_get_content_length(req) > SFU_SIGNAL_MAX_OFFER)
        respond_text(msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "the offer is larger than 64 KiB");
}

sfu_signal *sfu_signal_new(const char *listen, const char *page_root, sfu_room *room, const sfu_signal_hooks *hooks,
                           char *url, size_t url_cap, char *error, size_t error_cap)
{
    const char *colon = strrchr(listen, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == listen || !end || end == colon + 1 || *end != '\0' || port < 0 || port > 65535) {
        snprintf(error, error_cap, "--http takes HOST:PORT, not %s", listen);
        return NULL;
    }
    char *host = g_strndup(listen, (gsize)(colon - listen));
    GSocketAddress *addr = g_inet_socket_address_new_from_string(host, (guint)port);
    g_free(host);
    if (!addr) {
        snprintf(error, error_cap, "%s is not an IP address and port", listen);
        return NULL;
    }
    sfu_signal *sig = g_new0(sfu_signal, 1);
    sig->room = room;
    sig->hooks = *hooks;
    sig->page_root = page_root ? g_strdup(page_root) : NULL;
    sig->http = soup_server_new("server-header", "sfu_echo (libdtls13) ", NULL);
    soup_server_add_early_handler(sig->http, NULL, handle_early, sig, NULL);
    soup_server_add_handler(sig->http, NULL, handle_request, sig, NULL);
    GError *err = NULL;
    gboolean ok = soup_server_listen(sig->http, addr, 0, &err);
    g_object_unref(addr);
    if (!ok) {
        snprintf(error, error_cap, "cannot listen for HTTP on %s: %s", listen, err->message);
        g_error_free(err);
        sfu_signal_free(sig);
        return NULL;
    }
    GSList *uris = soup_server_get_uris(sig->http);
    char *text = uris ? g_uri_to_string(uris->data) : g_strdup("?");
    g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
    snprintf(url, url_cap, "%s", text);
    g_free(text);
    return sig;
}

void sfu_signal_free(sfu_signal *sig)
{
    if (!sig) return;
    if (sig->http) {
        soup_server_disconnect(sig->http);
        g_object_unref(sig->http);
    }
    g_free(sig->page_root);
    g_free(sig);
}
