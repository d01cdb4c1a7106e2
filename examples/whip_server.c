/* whip_server: a WHIP (RFC 9725) endpoint that echoes a browser's media
 * back over our DTLS 1.3 / SRTP / ICE stack.
 *
 *   whip_server [--listen HOST:PORT] [--setup active|passive] [--srtp PROFILES]
 *               [--page-dir DIR] [--ice-address IP]... [--json]
 *               [--min-version 1.2|1.3] [--max-version 1.2|1.3]
 *
 * HTTP (libsoup 3), all responses with Access-Control-Allow-Origin: * and
 * Access-Control-Expose-Headers: Location:
 *   POST    /whip              Content-Type application/sdp, body an SDP offer
 *                              -> 201 Created, Content-Type application/sdp,
 *                                 Location: /whip/<id>, body the SDP answer
 *                              -> 400 text/plain "<why>" for an offer we cannot
 *                                 answer (no fingerprint, no ICE credentials,
 *                                 a=setup:holdconn, no opus/VP8 m-line, ...)
 *                              -> 415 wrong content type, 413 body over 64 KiB,
 *                                 411 no Content-Length, 503 too many calls
 *   DELETE  /whip/<id>         hang up -> 200; unknown id -> 404
 *   GET     /whip/<id>/stats   the call's state as JSON (below) -> 200 / 404
 *   GET     /whip              {"calls": ["<id>", ...]}
 *   PATCH   /whip/<id>         405 (no trickle ICE, no ICE restart)
 *   OPTIONS any                204 with the CORS preflight headers
 *   GET     /, /<file>         files of --page-dir (index.html for /); names
 *                              of letters, digits, '.', '-', '_' and '/',
 *                              no component starting with '.', nothing
 *                              outside the directory (symlinks resolved)
 *
 * Each offer gets its own ICE transport (libnice, ICE controlled: the
 * browser offers and controls), our DTLS role from --setup for an actpass
 * offer (active: we are the DTLS client), the browser's certificate
 * fingerprint checked in the handshake, and an echo: every RTP packet
 * received is unprotected, given the SSRC our answer announced for its
 * m-line (a=ssrc) and protected and sent back; a PLI or FIR from the
 * browser about one of our SSRCs becomes a PLI to the browser's own
 * stream so that the echoed video gets keyframes. Other RTCP is not
 * forwarded.
 *
 * Stats JSON (GET /whip/<id>/stats), one object:
 *   id, state ("checking", "handshake", "secure", "failed", "closed", ...),
 *   secure (bool), ended (bool), failure ("" or why),
 *   setup ("active"/"passive": our a=setup), dtls_role ("client"/"server"),
 *   ice_role ("controlled"),
 *   dtls_version ("DTLS1.3"), tls_version ("FEFC", as the browser's
 *   RTCTransportStats.tlsVersion), cipher_suite ("TLS_AES_128_GCM_SHA256"),
 *   group ("x25519"), peer_signature_scheme, srtp_profile
 *   ("SRTP_AES128_CM_SHA1_80", "SRTP_AEAD_AES_128_GCM", ...), srtp_cipher
 *   (as the browser's srtpCipher: "AES_CM_128_HMAC_SHA1_80",
 *   "AEAD_AES_128_GCM", ...), hello_retry, dtls_retransmissions,
 *   dtls_handshake_ms (all "" / 0 / false until secure),
 *   selected_local, selected_remote ("ip:port"), local_candidates,
 *   remote_candidates_added, remote_mdns_skipped, setup_ms, gathering_ms,
 *   ice_ms, dtls_ms,
 *   packets_in, packets_out (RTP + RTCP), rtp_in, rtcp_in (authenticated
 *   and decrypted), rtp_out, rtcp_out (protected and sent), srtp_datagrams_in, srtp_auth_failures,
 *   srtp_replays, srtp_bad_packets, media_before_keys, send_failures,
 *   rtp_echoed, rtp_unknown_payload_type, rtp_not_echoed, echo_failures,
 *   keyframe_requests, pli_sent, rtcp_ignored,
 *   media: [{mid, kind, accepted, direction, payload_types: [..], ssrc (ours),
 *            browser_ssrc, rtp_in, rtp_echoed}, ...]
 *
 * Progress lines go to stderr; with --json, events also go to stdout as
 * one JSON object per line: {"event": "listening", "url": ...} first, then
 * {"event": ..., "id": ..., "message": ...} per call event and
 * {"event": "stats", "id": ..., "stats": {...}} when a call ends. Calls
 * that failed or were closed by the browser stay readable for 60 s. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <libsoup/soup.h>

#include "dtls13/dtls13.h"
#include "http_util.h"
#include "whip_call.h"
#include "whip_static.h"

#ifndef WHIP_PAGE_DIR
#define WHIP_PAGE_DIR "examples/whip"
#endif

/** Largest offer body accepted. */
#define MAX_OFFER_BYTES (64 * 1024)
/** Most calls at once. */
#define MAX_CALLS 32
/** Ended calls stay readable this long. */
#define ENDED_LINGER_US (60 * G_USEC_PER_SEC)
/** Most --ice-address options. */
#define MAX_ICE_ADDRESSES 8

typedef struct server_options {
    const char *listen;
    dtls13_sdp_setup setup;
    const char *srtp;
    const char *page_dir;
    const char *ice_addresses[MAX_ICE_ADDRESSES];
    size_t ice_address_count;
    bool json;
    uint16_t min_version, max_version; /* 0: the library's default range */
} server_options;

typedef struct whip_server {
    server_options o;
    GMainLoop *loop;
    SoupServer *http;
    dtls13_config *cfg;
    char *page_root;          /* realpath of the page directory, or NULL */
    GHashTable *calls;        /* id -> whip_call* */
    GHashTable *pending;      /* whip_call* -> SoupServerMessage* waiting for the answer */
    whip_call_options call_opts;
    guint sweep;
    guint64 calls_started;
} whip_server;

/* ---- logging ---------------------------------------------------------- */

static void print_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void server_log(whip_server *srv, const char *id, const char *event, const char *line)
{
    if (id)
        fprintf(stderr, "whip_server: call %s: %s\n", id, line);
    else
        fprintf(stderr, "whip_server: %s\n", line);
    if (srv->o.json) {
        printf("{\"event\": ");
        print_json_string(stdout, event);
        if (id) {
            printf(", \"id\": ");
            print_json_string(stdout, id);
        }
        printf(", \"message\": ");
        print_json_string(stdout, line);
        printf("}\n");
        fflush(stdout);
    }
}

static void print_stats_event(whip_server *srv, whip_call *call)
{
    if (!srv->o.json) return;
    char *stats = whip_call_stats_json(call);
    printf("{\"event\": \"stats\", \"id\": ");
    print_json_string(stdout, whip_call_id(call));
    printf(", \"stats\": %s}\n", stats);
    fflush(stdout);
    g_free(stats);
}

static void on_call_log(void *user, whip_call *call, const char *event, const char *line)
{
    whip_server *srv = user;
    server_log(srv, whip_call_id(call), event, line);
    if (strcmp(event, "secure") == 0) print_stats_event(srv, call);
}

/* ---- responses -------------------------------------------------------- */

/* Headers a page of another origin may read (RFC 9725 4.1, 4.4). */
#define WHIP_EXPOSED_HEADERS "Location, Accept-Post, Link, ETag"

/* ---- calls ------------------------------------------------------------ */

static void remove_call(whip_server *srv, whip_call *call, const char *why)
{
    print_stats_event(srv, call);
    server_log(srv, whip_call_id(call), "removed", why);
    SoupServerMessage *msg = g_hash_table_lookup(srv->pending, call);
    if (msg) {
        g_hash_table_remove(srv->pending, call);
        http_respond_text(msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the call ended before its answer was ready");
        soup_server_message_unpause(msg);
        g_object_unref(msg);
    }
    g_hash_table_remove(srv->calls, whip_call_id(call)); /* frees the call */
}

typedef struct removal {
    whip_server *srv;
    char *id;
} removal;

/* Removing a call from inside its own callback is not allowed: defer. */
static gboolean remove_call_idle(gpointer user)
{
    removal *r = user;
    whip_call *call = g_hash_table_lookup(r->srv->calls, r->id);
    if (call) remove_call(r->srv, call, "set-up failed");
    g_free(r->id);
    g_free(r);
    return G_SOURCE_REMOVE;
}

static void on_call_ready(void *user, whip_call *call, const char *answer, const char *error)
{
    whip_server *srv = user;
    SoupServerMessage *msg = g_hash_table_lookup(srv->pending, call);
    if (msg) {
        g_hash_table_remove(srv->pending, call);
        if (answer) {
            char *location = g_strdup_printf("/whip/%s", whip_call_id(call));
            soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Location", location);
            g_free(location);
            http_respond(msg, SOUP_STATUS_CREATED, "application/sdp", answer, strlen(answer));
        } else {
            char *text = g_strdup_printf("could not set up the call: %s", error ? error : "unknown error");
            http_respond_text(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, text);
            g_free(text);
        }
        soup_server_message_unpause(msg);
        g_object_unref(msg);
    }
    if (!answer) {
        removal *r = g_new0(removal, 1);
        r->srv = srv;
        r->id = g_strdup(whip_call_id(call));
        g_idle_add(remove_call_idle, r);
    }
}

/* The browser went away while its answer was being prepared. */
static void on_pending_disconnected(SoupServerMessage *msg, gpointer user)
{
    whip_server *srv = user;
    GHashTableIter it;
    gpointer call, pending;
    g_hash_table_iter_init(&it, srv->pending);
    while (g_hash_table_iter_next(&it, &call, &pending)) {
        if (pending != msg) continue;
        g_hash_table_iter_remove(&it);
        g_object_unref(msg);
        removal *r = g_new0(removal, 1);
        r->srv = srv;
        r->id = g_strdup(whip_call_id(call));
        g_idle_add(remove_call_idle, r);
        break;
    }
}

static gboolean sweep_ended_calls(gpointer user)
{
    whip_server *srv = user;
    int64_t now = g_get_monotonic_time();
    GPtrArray *old = g_ptr_array_new();
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, srv->calls);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        int64_t since;
        if (whip_call_ended(value, &since) && now - since > ENDED_LINGER_US) g_ptr_array_add(old, value);
    }
    for (guint i = 0; i < old->len; i++) remove_call(srv, old->pdata[i], "ended a minute ago");
    g_ptr_array_free(old, TRUE);
    return G_SOURCE_CONTINUE;
}

/* ---- WHIP endpoint ------------------------------------------------------ */

static void new_call_id(whip_server *srv, char *out, size_t cap)
{
    srv->calls_started++;
    snprintf(out, cap, "%08x%08x", g_random_int(), g_random_int());
}

static void handle_post(whip_server *srv, SoupServerMessage *msg)
{
    SoupMessageHeaders *req = soup_server_message_get_request_headers(msg);
    const char *type = soup_message_headers_get_content_type(req, NULL);
    if (!type || g_ascii_strcasecmp(type, "application/sdp") != 0) {
        http_respond_text(msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "a WHIP offer needs Content-Type: application/sdp");
        return;
    }
    if (g_hash_table_size(srv->calls) >= MAX_CALLS) {
        http_respond_text(msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "too many calls; hang one up first");
        return;
    }
    GBytes *body = soup_message_body_flatten(soup_server_message_get_request_body(msg));
    gsize len = 0;
    const char *text = g_bytes_get_data(body, &len);
    char id[32], error[512];
    new_call_id(srv, id, sizeof(id));
    bool server_fault = false;
    whip_call *call = whip_call_new(&srv->call_opts, id, text ? text : "", text ? len : 0, error, sizeof(error),
                                    &server_fault);
    g_bytes_unref(body);
    if (!call) {
        char line[600];
        snprintf(line, sizeof(line), "offer refused (%s): %s", server_fault ? "500" : "400", error);
        server_log(srv, NULL, "refused", line);
        http_respond_text(msg, server_fault ? SOUP_STATUS_INTERNAL_SERVER_ERROR : SOUP_STATUS_BAD_REQUEST, error);
        return;
    }
    g_hash_table_insert(srv->calls, g_strdup(id), call);
    g_hash_table_insert(srv->pending, call, g_object_ref(msg));
    g_signal_connect(msg, "disconnected", G_CALLBACK(on_pending_disconnected), srv);
    char line[128];
    snprintf(line, sizeof(line), "offer accepted from %s, gathering",
             soup_server_message_get_remote_host(msg) ? soup_server_message_get_remote_host(msg) : "?");
    server_log(srv, id, "offer", line);
    soup_server_message_pause(msg);
}

static void handle_call_list(whip_server *srv, SoupServerMessage *msg)
{
    GString *s = g_string_new("{\"calls\": [");
    GHashTableIter it;
    gpointer key, value;
    bool first = true;
    g_hash_table_iter_init(&it, srv->calls);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        g_string_append_printf(s, "%s\"%s\"", first ? "" : ", ", (const char *)key);
        first = false;
    }
    g_string_append(s, "]}\n");
    http_respond(msg, SOUP_STATUS_OK, "application/json", s->str, s->len);
    g_string_free(s, TRUE);
}

static void handle_whip(whip_server *srv, SoupServerMessage *msg, const char *method)
{
    if (strcmp(method, "POST") == 0) {
        handle_post(srv, msg);
    } else if (strcmp(method, "GET") == 0) {
        handle_call_list(srv, msg);
    } else {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "POST, GET, OPTIONS");
        http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "the WHIP endpoint takes POST");
    }
}

/* /whip/<id>, /whip/<id>/stats */
static void handle_resource(whip_server *srv, SoupServerMessage *msg, const char *method, const char *rest)
{
    char id[64];
    const char *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    const char *sub = slash ? slash + 1 : "";
    whip_call *call = NULL;
    if (n < sizeof(id)) {
        memcpy(id, rest, n);
        id[n] = '\0';
        call = g_hash_table_lookup(srv->calls, id);
    }
    if (!call) {
        http_respond_text(msg, SOUP_STATUS_NOT_FOUND, "no such call");
        return;
    }
    if (strcmp(sub, "stats") == 0 && strcmp(method, "GET") == 0) {
        char *json = whip_call_stats_json(call);
        http_respond(msg, SOUP_STATUS_OK, "application/json", json, strlen(json));
        g_free(json);
    } else if (sub[0] == '\0' && strcmp(method, "DELETE") == 0) {
        remove_call(srv, call, "hung up (DELETE)");
        http_respond(msg, SOUP_STATUS_OK, "text/plain", "", 0);
    } else if (sub[0] == '\0' && strcmp(method, "PATCH") == 0) {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "DELETE, OPTIONS");
        http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "trickle ICE and ICE restarts are not supported");
    } else if (sub[0] == '\0') {
        soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow", "DELETE, PATCH, OPTIONS");
        http_respond_text(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "a WHIP resource takes DELETE");
    } else {
        http_respond_text(msg, SOUP_STATUS_NOT_FOUND, "no such resource");
    }
}

static void handle_options(SoupServerMessage *msg, const char *path)
{
    SoupMessageHeaders *h = soup_server_message_get_response_headers(msg);
    soup_message_headers_replace(h, "Access-Control-Allow-Methods", "GET, POST, DELETE, PATCH, OPTIONS");
    soup_message_headers_replace(h, "Access-Control-Allow-Headers", "Content-Type, Authorization, If-Match");
    soup_message_headers_replace(h, "Access-Control-Max-Age", "600");
    soup_message_headers_replace(h, "Allow", "GET, POST, DELETE, PATCH, OPTIONS");
    if (strcmp(path, "/whip") == 0) soup_message_headers_replace(h, "Accept-Post", "application/sdp");
    soup_server_message_set_status(msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void handle_request(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                           gpointer user)
{
    (void)server;
    (void)query;
    whip_server *srv = user;
    const char *method = soup_server_message_get_method(msg);
    http_add_cors(msg, WHIP_EXPOSED_HEADERS);
    if (strcmp(method, "OPTIONS") == 0)
        handle_options(msg, path);
    else if (strcmp(path, "/whip") == 0)
        handle_whip(srv, msg, method);
    else if (g_str_has_prefix(path, "/whip/"))
        handle_resource(srv, msg, method, path + strlen("/whip/"));
    else
        http_serve_static(msg, method, srv->page_root, path);
}

/* Refuses bodies we would not read whole: before libsoup reads them. */
static void handle_early(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                         gpointer user)
{
    (void)server;
    (void)path;
    (void)query;
    (void)user;
    const char *method = soup_server_message_get_method(msg);
    if (strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0)
        http_refuse_offer_body(msg, MAX_OFFER_BYTES, WHIP_EXPOSED_HEADERS);
}

/* ---- set-up ------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: whip_server [--listen HOST:PORT] [--setup active|passive] [--srtp PROFILES]\n"
          "                   [--page-dir DIR] [--ice-address IP]... [--json]\n"
          "                   [--min-version 1.2|1.3] [--max-version 1.2|1.3]\n"
          "  --listen HOST:PORT   HTTP address (default 127.0.0.1:8080; port 0 picks one)\n"
          "  --setup ROLE         our a=setup answering an actpass offer: active (we are the\n"
          "                       DTLS client, default) or passive (DTLS server)\n"
          "  --srtp PROFILES      DTLS-SRTP profiles, comma-separated, preferred first, e.g.\n"
          "                       SRTP_AES128_CM_SHA1_80,SRTP_AEAD_AES_128_GCM (default: the library's)\n"
          "  --page-dir DIR       files served at / (default " WHIP_PAGE_DIR ")\n"
          "  --ice-address IP     gather ICE candidates on this address only (repeatable;\n"
          "                       default: every local address, loopback included)\n"
          "  --json               also print events as JSON lines on stdout\n"
          "  --min-version V      oldest DTLS version to negotiate, 1.2 or 1.3 (default 1.2)\n"
          "  --max-version V      newest DTLS version to negotiate, 1.2 or 1.3 (default 1.3;\n"
          "                       1.2 makes a browser that offers 1.3 fall back to 1.2)\n",
          f);
}

static bool parse_args(int argc, char **argv, server_options *o, int *exit_code)
{
    memset(o, 0, sizeof(*o));
    o->listen = "127.0.0.1:8080";
    o->setup = DTLS13_SDP_SETUP_ACTIVE;
    o->page_dir = WHIP_PAGE_DIR;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--listen") == 0 && has_value) {
            o->listen = argv[++i];
        } else if (strcmp(a, "--setup") == 0 && has_value) {
            const char *v = argv[++i];
            if (strcmp(v, "active") == 0)
                o->setup = DTLS13_SDP_SETUP_ACTIVE;
            else if (strcmp(v, "passive") == 0)
                o->setup = DTLS13_SDP_SETUP_PASSIVE;
            else {
                fprintf(stderr, "whip_server: --setup takes active or passive, not %s\n", v);
                *exit_code = 2;
                return false;
            }
        } else if (strcmp(a, "--srtp") == 0 && has_value) {
            o->srtp = argv[++i];
        } else if (strcmp(a, "--page-dir") == 0 && has_value) {
            o->page_dir = argv[++i];
        } else if (strcmp(a, "--ice-address") == 0 && has_value) {
            if (o->ice_address_count >= MAX_ICE_ADDRESSES) {
                fprintf(stderr, "whip_server: at most %d --ice-address options\n", MAX_ICE_ADDRESSES);
                *exit_code = 2;
                return false;
            }
            o->ice_addresses[o->ice_address_count++] = argv[++i];
        } else if ((strcmp(a, "--min-version") == 0 || strcmp(a, "--max-version") == 0) && has_value) {
            const char *v = argv[++i];
            uint16_t version = strcmp(v, "1.2") == 0   ? DTLS13_VERSION_DTLS12
                               : strcmp(v, "1.3") == 0 ? DTLS13_VERSION_DTLS13
                                                       : 0;
            if (!version) {
                fprintf(stderr, "whip_server: %s takes 1.2 or 1.3, not %s\n", a, v);
                *exit_code = 2;
                return false;
            }
            if (a[2] == 'm' && a[3] == 'i')
                o->min_version = version;
            else
                o->max_version = version;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            *exit_code = 0;
            return false;
        } else {
            usage(stderr);
            *exit_code = 2;
            return false;
        }
    }
    return true;
}

/* "A,B,C" -> profile codes; names as dtls13_srtp_profile_from_name()
 * knows them, with or without the "SRTP_" prefix. */
static bool parse_srtp_profiles(const char *list, uint16_t *out, size_t cap, size_t *count)
{
    *count = 0;
    char **names = g_strsplit(list, ",", -1);
    bool ok = true;
    for (char **n = names; *n && ok; n++) {
        char *name = g_strstrip(*n);
        uint16_t p = dtls13_srtp_profile_from_name(name);
        if (!p) {
            char *prefixed = g_strconcat("SRTP_", name, NULL);
            p = dtls13_srtp_profile_from_name(prefixed);
            g_free(prefixed);
        }
        if (!p || *count >= cap) {
            fprintf(stderr, "whip_server: unknown or too many SRTP profiles at \"%s\"\n", name);
            ok = false;
        } else {
            out[(*count)++] = p;
        }
    }
    g_strfreev(names);
    return ok && *count > 0;
}

static dtls13_config *make_config(const server_options *o)
{
    dtls13_config *cfg = dtls13_config_new();
    if (!cfg) return NULL;
    int rc = dtls13_config_generate_certificate(cfg, "whip_server");
    if (rc == 0 && (o->min_version || o->max_version)) {
        rc = dtls13_config_set_version_range(cfg, o->min_version ? o->min_version : DTLS13_VERSION_DTLS12,
                                             o->max_version ? o->max_version : DTLS13_VERSION_DTLS13);
        if (rc < 0)
            fprintf(stderr, "whip_server: --min-version is newer than --max-version (%s)\n", dtls13_strerror(rc));
    }
    if (rc == 0 && o->srtp) {
        uint16_t profiles[8];
        size_t count;
        rc = parse_srtp_profiles(o->srtp, profiles, 8, &count)
                 ? dtls13_config_set_srtp_profiles(cfg, profiles, count, NULL, 0)
                 : DTLS13_ERR_INVALID_ARG;
    }
    if (rc < 0) {
        fprintf(stderr, "whip_server: DTLS configuration failed: %s\n", dtls13_strerror(rc));
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static bool start_listening(whip_server *srv)
{
    char error[512];
    char *url = http_listen(srv->http, srv->o.listen, "--listen", error, sizeof(error));
    if (!url) {
        fprintf(stderr, "whip_server: %s\n", error);
        return false;
    }
    char line[512];
    snprintf(line, sizeof(line), "listening on %s (WHIP endpoint /whip, page / from %s, a=setup:%s, libdtls13 %s)",
             url, srv->page_root ? srv->page_root : "(missing)", dtls13_sdp_setup_name(srv->o.setup),
             dtls13_version_string());
    fprintf(stderr, "whip_server: %s\n", line);
    if (srv->o.json) {
        printf("{\"event\": \"listening\", \"url\": ");
        print_json_string(stdout, url);
        printf(", \"setup\": \"%s\"}\n", dtls13_sdp_setup_name(srv->o.setup));
        fflush(stdout);
    }
    g_free(url);
    return true;
}

static gboolean on_signal(gpointer user)
{
    whip_server *srv = user;
    fprintf(stderr, "whip_server: stopping\n");
    g_main_loop_quit(srv->loop);
    return G_SOURCE_REMOVE;
}

static void free_call(gpointer call)
{
    whip_call_free(call);
}

int main(int argc, char **argv)
{
    whip_server srv;
    memset(&srv, 0, sizeof(srv));
    int exit_code = 0;
    if (!parse_args(argc, argv, &srv.o, &exit_code)) return exit_code;
    srv.cfg = make_config(&srv.o);
    if (!srv.cfg) return 1;
    srv.page_root = realpath(srv.o.page_dir, NULL);
    if (!srv.page_root)
        fprintf(stderr, "whip_server: warning: page directory %s: %s (GET / will give 404)\n", srv.o.page_dir,
                strerror(errno));
    srv.loop = g_main_loop_new(NULL, FALSE);
    srv.calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_call);
    srv.pending = g_hash_table_new(g_direct_hash, g_direct_equal);
    srv.call_opts.ctx = NULL;
    srv.call_opts.cfg = srv.cfg;
    srv.call_opts.setup = srv.o.setup;
    srv.call_opts.ice_addresses = srv.o.ice_addresses;
    srv.call_opts.ice_address_count = srv.o.ice_address_count;
    srv.call_opts.on_ready = on_call_ready;
    srv.call_opts.on_log = on_call_log;
    srv.call_opts.user = &srv;
    srv.http = soup_server_new("server-header", "whip_server (libdtls13) ", NULL);
    soup_server_add_early_handler(srv.http, NULL, handle_early, &srv, NULL);
    soup_server_add_handler(srv.http, NULL, handle_request, &srv, NULL);
    int rc = 1;
    if (start_listening(&srv)) {
        srv.sweep = g_timeout_add_seconds(5, sweep_ended_calls, &srv);
        g_unix_signal_add(SIGINT, on_signal, &srv);
        g_unix_signal_add(SIGTERM, on_signal, &srv);
        g_main_loop_run(srv.loop);
        rc = 0;
    }
    if (srv.sweep) g_source_remove(srv.sweep);
    GHashTableIter it;
    gpointer call, msg;
    g_hash_table_iter_init(&it, srv.pending);
    while (g_hash_table_iter_next(&it, &call, &msg)) g_object_unref(msg);
    g_hash_table_destroy(srv.pending);
    g_hash_table_destroy(srv.calls);
    g_object_unref(srv.http);
    g_main_loop_unref(srv.loop);
    dtls13_config_free(srv.cfg);
    free(srv.page_root);
    return rc;
}
