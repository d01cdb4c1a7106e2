/* The HTTP plumbing the example servers share (libsoup 3): CORS headers,
 * plain responses, the page directory (examples/whip_static.h), refusing
 * offer bodies before libsoup reads them, and listening on "HOST:PORT".
 * Used by whip_server.c and sfu_signal.c. */
#ifndef D13_EXAMPLES_HTTP_UTIL_H
#define D13_EXAMPLES_HTTP_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libsoup/soup.h>

/** Adds Access-Control-Allow-Origin: * and Access-Control-Expose-Headers:
 *  expose (e.g. "Location") to the response. */
void http_add_cors(SoupServerMessage *msg, const char *expose);

/** Sets the status and, when body is not NULL, the body body[0..len)
 *  (copied) with content_type. */
void http_respond(SoupServerMessage *msg, guint status, const char *content_type, const char *body, size_t len);

/** Sets the status and a text/plain body: text and a newline. */
void http_respond_text(SoupServerMessage *msg, guint status, const char *text);

/** Answers GET or HEAD of path with the file of page_root
 *  (whip_static_load(); NULL root: 404) and Cache-Control: no-store;
 *  other methods get 405 with Allow: GET, HEAD, OPTIONS. */
void http_serve_static(SoupServerMessage *msg, const char *method, const char *page_root, const char *path);

/** For an early handler, before libsoup reads a body: a request body
 *  without a Content-Length gets 411 and one over max_bytes 413, both
 *  with CORS (expose as for http_add_cors()); other requests are left
 *  alone. */
void http_refuse_offer_body(SoupServerMessage *msg, size_t max_bytes, const char *expose);

/** Listens on listen, "HOST:PORT" with a numeric host (port 0 picks one).
 *  Returns the base URL listened on (g_free), or NULL with the reason in
 *  error; option names the command-line option in that reason. */
char *http_listen(SoupServer *server, const char *listen, const char *option, char *error, size_t error_cap);

#endif
