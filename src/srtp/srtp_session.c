/* DTLS-SRTP sessions: libsrtp2 set-up once per process, the outbound and
 * inbound libsrtp2 sessions built from a handshake's exported keys, and
 * re-keying. */
#include <pthread.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"
#include "srtp/srtp_crypto.h"
#include "srtp/srtp_internal.h"

#define SRTP_EXPORTER_LABEL "EXTRACTOR-dtls_srtp"
#define MAX_MATERIAL_LEN (2 * (DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN))

/* libsrtp2's crypto kernel is process-global and set up by srtp_init().
 * These three statics are the one exception to "no global mutable state":
 * the once-control and the results it records, written only inside
 * run_srtp_init() under pthread_once() and read only after it.
 *
 * run_srtp_init() also replaces libsrtp2's AES-ICM, AES-GCM and HMAC-SHA1
 * implementations with ours (srtp_crypto.h): the kernel's list of types
 * is process-global too, so this happens exactly once, here, before this
 * module creates any session. The replacement holds for every libsrtp2
 * user in the process (a GStreamer srtpenc/srtpdec in the same process
 * gets the same, faster, implementations); sessions created before keep
 * the implementation they were created with. It lasts until someone calls
 * srtp_shutdown(): a later srtp_init() reloads libsrtp2's own types, which
 * stay correct, only slower. This code must stay loaded while libsrtp2 is
 * (the kernel points at our type tables), as a library linked into the
 * program or a never-unloaded plugin is. */
static pthread_once_t srtp_init_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t srtp_init_result = srtp_err_status_fail;
static unsigned srtp_crypto_installed = 0;

/* Whether the crypto kernel works: a throwaway session can be created. */
static bool srtp_kernel_usable(void)
{
    srtp_policy_t policy;
    uint8_t key[SRTP_AES_ICM_128_KEY_LEN_WSALT];
    memset(&policy, 0, sizeof(policy));
    memset(key, 0x5a, sizeof(key));
    srtp_crypto_policy_set_rtp_default(&policy.rtp);
    srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
    policy.ssrc.type = ssrc_any_outbound;
    policy.key = key;
    policy.window_size = 128;
    srtp_t session = NULL;
    bool ok = srtp_create(&session, &policy) == srtp_err_status_ok;
    if (session) srtp_dealloc(session);
    return ok;
}

static void run_srtp_init(void)
{
    srtp_init_result = srtp_init();
    /* Another component of the process (e.g. GStreamer's srtp plugin) may
     * have initialized libsrtp2 first: a second srtp_init() then reports
     * an error although the kernel works. Trust a working kernel. */
    if (srtp_init_result != srtp_err_status_ok && srtp_kernel_usable()) srtp_init_result = srtp_err_status_ok;
    if (srtp_init_result == srtp_err_status_ok) srtp_crypto_installed = d13_srtp_crypto_install();
}

unsigned d13_srtp_crypto_installed(void)
{
    if (dtls13_srtp_library_init() != 0) return 0;
    return srtp_crypto_installed;
}

int dtls13_srtp_library_init(void)
{
    if (pthread_once(&srtp_init_once, run_srtp_init) != 0) return DTLS13_ERR_CRYPTO;
    return srtp_init_result == srtp_err_status_ok ? 0 : DTLS13_ERR_CRYPTO;
}

/* The libsrtp2 session for one direction: ssrc_type is ssrc_any_outbound
 * with our key or ssrc_any_inbound with the peer's. */
static int create_direction(srtp_t *out, srtp_profile_t profile, srtp_ssrc_type_t ssrc_type,
                            d13_srtp_key_salt *key_salt, const uint8_t *mki, size_t mki_len)
{
    srtp_policy_t policy;
    memset(&policy, 0, sizeof(policy));
    if (srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile) != srtp_err_status_ok ||
        srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile) != srtp_err_status_ok)
        return DTLS13_ERR_UNSUPPORTED;
    policy.ssrc.type = ssrc_type;
    policy.window_size = 0;     /* libsrtp2's default replay window (128) */
    policy.allow_repeat_tx = 0; /* never send two packets under one index */
    policy.next = NULL;

    uint8_t mki_copy[DTLS13_SRTP_MAX_MKI_LEN];
    srtp_master_key_t master;
    srtp_master_key_t *masters[1] = {&master};
    if (mki_len > 0) {
        memcpy(mki_copy, mki, mki_len);
        master.key = key_salt->bytes;
        master.mki_id = mki_copy;
        master.mki_size = (unsigned)mki_len;
        policy.keys = masters;
        policy.num_master_keys = 1;
    } else {
        policy.key = key_salt->bytes;
    }
    srtp_err_status_t st = srtp_create(out, &policy);
    if (st != srtp_err_status_ok) {
        *out = NULL;
        return st == srtp_err_status_alloc_fail ? DTLS13_ERR_NO_MEMORY : DTLS13_ERR_CRYPTO;
    }
    return 0;
}

/* The libsrtp2 state of a session, built aside so that re-keying can
 * swap it in only once everything succeeded. */
typedef struct srtp_keys_state {
    srtp_t outbound, inbound;
    uint32_t rtp_overhead, rtcp_overhead;
    unsigned use_mki;
} srtp_keys_state;

static void keys_state_free(srtp_keys_state *ks)
{
    if (ks->outbound) srtp_dealloc(ks->outbound);
    if (ks->inbound) srtp_dealloc(ks->inbound);
    ks->outbound = ks->inbound = NULL;
}

static int build_keys_state(uint16_t profile, dtls13_role role, const uint8_t *material, size_t material_len,
                            const uint8_t *mki, size_t mki_len, srtp_keys_state *ks)
{
    memset(ks, 0, sizeof(*ks));
    if (!material || (mki_len > 0 && !mki)) return DTLS13_ERR_INVALID_ARG;
    if (mki_len > DTLS13_SRTP_MAX_MKI_LEN) return DTLS13_ERR_INVALID_ARG;
    srtp_profile_t lib_profile;
    if (!d13_srtp_libsrtp_profile(profile, &lib_profile)) return DTLS13_ERR_UNSUPPORTED;
    int rc = dtls13_srtp_library_init();
    if (rc != 0) return rc;

    d13_srtp_key_salt local, remote;
    rc = d13_srtp_split_material(profile, role, material, material_len, &local, &remote);
    if (rc == 0) rc = create_direction(&ks->outbound, lib_profile, ssrc_any_outbound, &local, mki, mki_len);
    if (rc == 0) rc = create_direction(&ks->inbound, lib_profile, ssrc_any_inbound, &remote, mki, mki_len);
    d13_cleanse(&local, sizeof(local));
    d13_cleanse(&remote, sizeof(remote));

    ks->use_mki = mki_len > 0 ? 1u : 0u;
    if (rc == 0 &&
        (srtp_get_protect_trailer_length(ks->outbound, ks->use_mki, 0, &ks->rtp_overhead) != srtp_err_status_ok ||
         srtp_get_protect_rtcp_trailer_length(ks->outbound, ks->use_mki, 0, &ks->rtcp_overhead) !=
             srtp_err_status_ok ||
         ks->rtp_overhead > DTLS13_SRTP_MAX_OVERHEAD || ks->rtcp_overhead > DTLS13_SRTP_MAX_OVERHEAD))
        rc = DTLS13_ERR_CRYPTO;
    if (rc != 0) keys_state_free(ks);
    return rc;
}

/* Exports the DTLS-SRTP keying material of a connected conn. */
static int export_material(const dtls13_conn *conn, uint16_t *profile, uint8_t *material, size_t *material_len)
{
    if (dtls13_conn_state(conn) != DTLS13_STATE_CONNECTED) return DTLS13_ERR_BAD_STATE;
    *profile = dtls13_conn_srtp_profile(conn);
    size_t len = dtls13_srtp_material_length(*profile);
    if (len == 0) return DTLS13_ERR_UNSUPPORTED;
    int rc = dtls13_conn_export_keying_material(conn, SRTP_EXPORTER_LABEL, NULL, 0, material, len);
    if (rc != 0) return rc;
    *material_len = len;
    return 0;
}

static void install_keys(dtls13_srtp *s, uint16_t profile, dtls13_role role, srtp_keys_state *ks)
{
    s->outbound = ks->outbound;
    s->inbound = ks->inbound;
    s->rtp_overhead = ks->rtp_overhead;
    s->rtcp_overhead = ks->rtcp_overhead;
    s->use_mki = ks->use_mki;
    s->profile = profile;
    s->role = role;
}

int dtls13_srtp_new_from_material(uint16_t profile, dtls13_role role, const uint8_t *material,
                                  size_t material_len, const uint8_t *mki, size_t mki_len,
                                  dtls13_srtp **out)
{
    if (!out) return DTLS13_ERR_INVALID_ARG;
    *out = NULL;
    srtp_keys_state ks;
    int rc = build_keys_state(profile, role, material, material_len, mki, mki_len, &ks);
    if (rc != 0) return rc;
    dtls13_srtp *s = calloc(1, sizeof(*s));
    if (!s) {
        keys_state_free(&ks);
        return DTLS13_ERR_NO_MEMORY;
    }
    install_keys(s, profile, role, &ks);
    *out = s;
    return 0;
}

int dtls13_srtp_new(const dtls13_conn *conn, dtls13_srtp **out)
{
    if (!out) return DTLS13_ERR_INVALID_ARG;
    *out = NULL;
    if (!conn) return DTLS13_ERR_INVALID_ARG;
    uint8_t material[MAX_MATERIAL_LEN];
    size_t material_len = 0;
    uint16_t profile = 0;
    int rc = export_material(conn, &profile, material, &material_len);
    if (rc == 0) {
        size_t mki_len = 0;
        const uint8_t *mki = dtls13_conn_srtp_mki(conn, &mki_len);
        rc = dtls13_srtp_new_from_material(profile, dtls13_conn_role(conn), material, material_len, mki,
                                           mki_len, out);
    }
    d13_cleanse(material, sizeof(material));
    return rc;
}

void dtls13_srtp_free(dtls13_srtp *srtp)
{
    if (!srtp) return;
    /* srtp_dealloc() zeroizes libsrtp2's key schedules. */
    if (srtp->outbound) srtp_dealloc(srtp->outbound);
    if (srtp->inbound) srtp_dealloc(srtp->inbound);
    d13_cleanse(srtp, sizeof(*srtp));
    free(srtp);
}

int dtls13_srtp_rekey_from_material(dtls13_srtp *srtp, uint16_t profile, dtls13_role role,
                                    const uint8_t *material, size_t material_len, const uint8_t *mki,
                                    size_t mki_len)
{
    if (!srtp) return DTLS13_ERR_INVALID_ARG;
    srtp_keys_state ks;
    int rc = build_keys_state(profile, role, material, material_len, mki, mki_len, &ks);
    if (rc != 0) return rc;
    srtp_keys_state old = {srtp->outbound, srtp->inbound, 0, 0, 0};
    install_keys(srtp, profile, role, &ks);
    keys_state_free(&old);
    srtp->stats.rekeys++;
    return 0;
}

int dtls13_srtp_rekey(dtls13_srtp *srtp, const dtls13_conn *conn)
{
    if (!srtp || !conn) return DTLS13_ERR_INVALID_ARG;
    uint8_t material[MAX_MATERIAL_LEN];
    size_t material_len = 0;
    uint16_t profile = 0;
    int rc = export_material(conn, &profile, material, &material_len);
    if (rc == 0) {
        size_t mki_len = 0;
        const uint8_t *mki = dtls13_conn_srtp_mki(conn, &mki_len);
        rc = dtls13_srtp_rekey_from_material(srtp, profile, dtls13_conn_role(conn), material, material_len,
                                             mki, mki_len);
    }
    d13_cleanse(material, sizeof(material));
    return rc;
}

uint16_t dtls13_srtp_profile(const dtls13_srtp *srtp)
{
    return srtp ? srtp->profile : 0;
}

dtls13_role dtls13_srtp_role(const dtls13_srtp *srtp)
{
    return srtp ? srtp->role : DTLS13_ROLE_CLIENT;
}

size_t dtls13_srtp_overhead(const dtls13_srtp *srtp, bool rtcp)
{
    if (!srtp) return DTLS13_SRTP_MAX_OVERHEAD;
    return rtcp ? srtp->rtcp_overhead : srtp->rtp_overhead;
}

void dtls13_srtp_get_stats(const dtls13_srtp *srtp, dtls13_srtp_stats *out)
{
    if (!out) return;
    if (!srtp) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = srtp->stats;
}

const char *dtls13_srtp_strerror(int err)
{
    switch (err) {
    case DTLS13_SRTP_ERR_AUTH: return "SRTP packet failed authentication";
    case DTLS13_SRTP_ERR_REPLAY: return "SRTP packet replayed or too old";
    case DTLS13_SRTP_ERR_PACKET: return "SRTP packet malformed or rejected";
    default: return dtls13_strerror(err);
    }
}
