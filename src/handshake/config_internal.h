/* The shared configuration as the engine sees it (struct dtls13_config).
 * The public setters live in src/core/config.c. */
#ifndef D13_CONFIG_INTERNAL_H
#define D13_CONFIG_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "dtls13/config.h"

#define D13_MAX_ALGS 8
#define D13_MAX_MKI 255

struct dtls13_config {
    atomic_int refs;     /* the creator's reference plus one per connection */
    atomic_bool in_use;  /* a connection was created: setters refuse */
    d13_cert *cert;
    d13_algs *algs; /* fetched once; shared read-only by the connections */
    uint16_t suites[D13_MAX_ALGS];   /* DTLS 1.3 suites */
    size_t num_suites;
    uint16_t suites12[D13_MAX_ALGS]; /* DTLS 1.2 suites (ECDHE AEAD) */
    size_t num_suites12;
    uint16_t min_version; /* DTLS13_VERSION_DTLS12 or _DTLS13 (numerically >= max_version) */
    uint16_t max_version;
    bool require_ems;     /* DTLS 1.2: refuse peers without extended_master_secret */
    uint16_t groups[D13_MAX_ALGS];
    size_t num_groups;
    uint16_t sig_schemes[D13_MAX_ALGS];
    size_t num_sig_schemes;
    uint16_t srtp_profiles[D13_MAX_ALGS];
    size_t num_srtp_profiles;
    uint8_t mki[D13_MAX_MKI];
    size_t mki_len;
    size_t mtu;
    uint32_t initial_timeout_ms;
    bool require_client_auth;
    bool accept_draft43;
    uint64_t key_update_interval; /* 0: AEAD limit */
    dtls13_keylog_fn keylog;
    void *keylog_user;
    dtls13_log_fn log;
    void *log_user;
    dtls13_verify_fn verify;
    void *verify_user;
};

/** Takes a reference for a connection and freezes the config. */
void d13_config_retain(struct dtls13_config *cfg);
/** Drops a reference; frees on the last one. */
void d13_config_release(struct dtls13_config *cfg);

/** Whether the configuration may negotiate DTLS 1.3 (in range, with suites). */
bool d13_config_allows_dtls13(const struct dtls13_config *cfg);
/** Whether the configuration may negotiate DTLS 1.2 (in range, with suites). */
bool d13_config_allows_dtls12(const struct dtls13_config *cfg);

/** Whether list[0..n) contains v. */
bool d13_list_contains(const uint16_t *list, size_t n, uint16_t v);

#endif
