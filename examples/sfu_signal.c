/* See sfu_signal.h. */
#include "sfu_signal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "http_util.h"

struct sfu_signal {
    SoupServer *http;
    sfu_room *room;
    sfu_signal_hooks hooks;
    char *page_root;
    char *shared_root; /* of SHARED_SCRIPT */
};

/* The script the SFU page shares with the WHIP page, which keeps it. */
#define SHARED_SCRIPT "/webrtc_page.js"

/* Every response lets a page of any origin read it, and its Location. */
#define SFU_EXPOSED_HEADERS "Location"

static void handle_post(sfu_signal *sig, SoupServerMessage *msg)
{
    SoupMessageHeaders *req = soup_server_message_get_request_headers(msg);
    const char *type = soup_message_headers_get_content_type(req, NULL);
    if (!type || g_ascii_strcasecmp(type, "application/sdp") != 0) {
        http_respond_text(msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "an offer needs Content-Type: application/sdp");
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
        http_respond_text(msg, server_fault ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_BAD_REQUEST, error);
        return;
    }
    char *location = g_strdup_printf("/sfu/%s", sfu_peer_id(peer));
    soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Location", location);
    g_free(location);
    const dtls13_sdp_answer *answer = sfu_peer_answer(peer);
    http_respond(msg, SOUP_STATUS_CREATED, "application/sdp", answer->text, answer->text_len);
}

static void handle_sfu(sfu_signal *sig, SoupServerMessage *msg, const char *method, const char *rest)
{
    if (strcmp(rest, "stats") == 0) {
        if (strcmp(method, "GET") != 0) {
            http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the statistics take GET");
            return;
        }
        char *json = sig->hooks.stats_json(sig->hooks.user);
        http_respond(msg, SOUP_STATUS_OK, "application/json", json, strlen(json));
        g_free(json);
        return;
    }
    sfu_peer *peer = strchr(rest, '/') ? NULL : sfu_room_find(sig->room, rest);
    if (!peer) {
        http_respond_text(msg, SOUP_STATUS_NOT_FOUND, "no such peer");
        return;
    }
    if (strcmp(method, "DELETE") != 0) {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "DELETE, OPTIONS");
        http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "a peer resource takes DELETE");
        return;
    }
    sig->hooks.remove_peer(sig->hooks.user, peer);
    http_respond(msg, SOUP_STATUS_OK, "text/plain", "", 0);
}

static void handle_request(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                           gpointer user)
{
    (void)server;
    (void)query;
    sfu_signal *sig = user;
    const char *method = soup_server_message_get_method(msg);
    http_add_cors(msg, SFU_EXPOSED_HEADERS);
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
            http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the SFU endpoint takes POST with an SDP offer");
        }
    } else if (g_str_has_prefix(path, "/sfu/")) {
        handle_sfu(sig, msg, method, path + strlen("/sfu/"));
    } else {
        http_serve_static(msg, method, strcmp(path, SHARED_SCRIPT) == 0 ? sig->shared_root : sig->page_root, path);
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
    if (strcmp(soup_server_message_get_method(msg), "POST") == 0)
        http_refuse_offer_body(msg, SFU_SIGNAL_MAX_OFFER, SFU_EXPOSED_HEADERS);
}

sfu_signal *sfu_signal_new(const char *listen, const char *page_root, const char *shared_root, sfu_room *room,
                           const sfu_signal_hooks *hooks, char *url, size_t url_cap, char *error, size_t error_cap)
{
    sfu_signal *sig = g_new0(sfu_signal, 1);
    sig->room = room;
    sig->hooks = *hooks;
    sig->page_root = g_strdup(page_root);
    sig->shared_root = g_strdup(shared_root);
    sig->http = soup_server_new("server-header", "sfu_echo (libdtls13) ", NULL);
    soup_server_add_early_handler(sig->http, NULL, handle_early, sig, NULL);
    soup_server_add_handler(sig->http, NULL, handle_request, sig, NULL);
    char *text = http_listen(sig->http, listen, "--http", error, error_cap);
    if (!text) {
        sfu_signal_free(sig);
        return NULL;
    }
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
    g_free(sig->shared_root);
    g_free(sig);
}
