/* The server's ClientHello negotiation without a connection, for the
 * stateless listener: the same choices src/handshake/server.c makes
 * (version, cipher suite, key exchange group, signature scheme), and the
 * HelloRetryRequest body the listener sends and the connection later puts
 * in its transcript. Pure functions: no allocation, no state. */
#ifndef D13_STATELESS_HELLO_H
#define D13_STATELESS_HELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "handshake/config_internal.h"
#include "wire/messages.h"
#include "wire/writer.h"

/** What the server would choose for a ClientHello. */
typedef struct d13_stateless_choice {
    uint16_t version;
    uint16_t suite;
    uint16_t group;  /* of the client's acceptable key share, or the group a HelloRetryRequest asks for */
    bool has_share;  /* the client sent a key share for group */
} d13_stateless_choice;

/** Whether the server answers this ClientHello with DTLS 1.2: it allows
 *  DTLS 1.2, the client offers it (supported_versions, or legacy_version
 *  0xfefd without that extension), and the client does not offer a DTLS
 *  1.3 the server allows. */
bool d13_stateless_takes_dtls12(const dtls13_config *cfg, const d13_client_hello *ch);

/** Writes a HelloVerifyRequest body (RFC 6347 4.2.1): server_version
 *  0xfeff (DTLS 1.0, as that section asks of DTLS 1.2 servers) and cookie.
 *  Returns false when w overflows or the cookie exceeds 255 bytes. */
bool d13_stateless_hvr_encode(d13_writer *w, const uint8_t *cookie, size_t cookie_len);

/** Negotiates like the server's state machine does (a DTLS 1.2 choice has
 *  version DTLS13_VERSION_DTLS12, a 1.2 suite, the group). Returns false when the
 *  server would refuse the ClientHello with an alert (no DTLS 1.3, non-null
 *  compression, legacy_cookie, no common suite, signature scheme or
 *  group, missing extensions, a key share outside supported_groups). */
bool d13_stateless_negotiate(const dtls13_config *cfg, const d13_client_hello *ch, d13_stateless_choice *out);

/** Writes a HelloRetryRequest body: legacy_version 0xfefd, the HRR random,
 *  empty legacy_session_id_echo (RFC 9147 5), suite, null compression,
 *  supported_versions(version), key_share(selected_group) when
 *  selected_group is non-zero, cookie. Deterministic: the same arguments
 *  give the same bytes. Returns false when w overflows. */
bool d13_stateless_hrr_encode(d13_writer *w, uint16_t version, uint16_t suite, uint16_t selected_group,
                              const uint8_t *cookie, size_t cookie_len);

#endif
