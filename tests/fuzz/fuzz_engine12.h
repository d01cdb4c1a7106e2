/* The mode byte of fuzz_engine12.c and the configs it selects, shared with
 * the seed generator make_engine12_corpus.c so that recorded transcripts
 * match what the target's connections expect. */
#ifndef D13_FUZZ_ENGINE12_H
#define D13_FUZZ_ENGINE12_H

#include <stdint.h>

#include "dtls13/dtls13.h"

/* Mode bits (the first input byte). */
#define E12_CLIENT 0x01u       /* a client after its ClientHello, else a server */
#define E12_SLOW_CLOCK 0x02u   /* the clock jumps 1 s per datagram, else 10 ms */
#define E12_WIDE 0x04u         /* the config allows DTLS 1.2..1.3, else 1.2 only */
#define E12_VARIANT 0x08u      /* MTU 256, P-256 first, ChaCha20 first, EMS optional,
                                  and (server) no client authentication */
#define E12_LISTENER 0x10u     /* server: datagrams go through a listener first */
#define E12_PEER12 0x20u       /* live: the peer allows DTLS 1.2 only */
#define E12_COOKIE_NEVER 0x40u /* listener: DTLS13_COOKIE_NEVER and the address
                                  validated (an ICE path), else cookies ALWAYS */
#define E12_LIVE 0x80u         /* a real peer; the input is operations on its datagrams */

/* Operations of E12_LIVE (low 3 bits of an op byte; the high 5 are its
 * argument A). */
#define E12_OP_DELIVER 0  /* the peer's next datagram to the target */
#define E12_OP_FLIP 1     /* the same, byte [u16 % len] ^= (u8 | 1) */
#define E12_OP_TRUNCATE 2 /* the same, cut to u16 % len bytes */
#define E12_OP_DROP 3     /* lose the peer's next datagram */
#define E12_OP_REPLAY 4   /* deliver it and keep it queued (a duplicate) */
#define E12_OP_INJECT 5   /* u16 length, bytes: a datagram of the attacker's */
#define E12_OP_WAIT 6     /* the clock moves (A + 1) x 100 ms; due timers run */
#define E12_OP_WRITE 7    /* both sides write A + 1 bytes of application data */

#define E12_VARIANT_MTU 256u

/* Restricts a config (holding a certificate) to what mode asks for role.
 * Returns 0 or the first setter's error. */
static inline int e12_config_apply(dtls13_config *cfg, dtls13_role role, unsigned mode)
{
    static const uint16_t suites[] = {
        DTLS13_TLS_CHACHA20_POLY1305_SHA256,
        DTLS13_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        DTLS13_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        DTLS13_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    };
    static const uint16_t groups[] = {DTLS13_GROUP_SECP256R1, DTLS13_GROUP_X25519};
    uint16_t newest = (mode & E12_WIDE) ? DTLS13_VERSION_DTLS13 : DTLS13_VERSION_DTLS12;
    int rc = dtls13_config_set_version_range(cfg, DTLS13_VERSION_DTLS12, newest);
    if (rc != 0 || !(mode & E12_VARIANT)) return rc;
    rc = dtls13_config_set_mtu(cfg, E12_VARIANT_MTU);
    if (rc == 0) rc = dtls13_config_set_cipher_suites(cfg, suites, sizeof(suites) / sizeof(suites[0]));
    if (rc == 0) rc = dtls13_config_set_groups(cfg, groups, sizeof(groups) / sizeof(groups[0]));
    if (rc == 0) rc = dtls13_config_set_require_extended_master_secret(cfg, false);
    if (rc == 0 && role == DTLS13_ROLE_SERVER) rc = dtls13_config_set_require_client_auth(cfg, false);
    return rc;
}

#endif
