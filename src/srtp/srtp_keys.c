/* DTLS-SRTP profiles and the RFC 5764 4.2 keying material layout. */
#include <string.h>

#include "crypto/crypto.h"
#include "dtls13/errors.h"
#include "srtp/srtp_internal.h"

typedef struct profile_info {
    uint16_t profile;
    srtp_profile_t libsrtp;
    uint8_t key_len;
    uint8_t salt_len;
} profile_info;

/* RFC 5764 4.1.2 (AES-CM: 128-bit key, 112-bit salt) and RFC 7714 12
 * (AEAD AES-GCM: 128- or 256-bit key, 96-bit salt). */
static const profile_info profiles[] = {
    {DTLS13_SRTP_AES128_CM_SHA1_80, srtp_profile_aes128_cm_sha1_80, 16, 14},
    {DTLS13_SRTP_AES128_CM_SHA1_32, srtp_profile_aes128_cm_sha1_32, 16, 14},
    {DTLS13_SRTP_AEAD_AES_128_GCM, srtp_profile_aead_aes_128_gcm, 16, 12},
    {DTLS13_SRTP_AEAD_AES_256_GCM, srtp_profile_aead_aes_256_gcm, 32, 12},
};

static const profile_info *find_profile(uint16_t profile)
{
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
        if (profiles[i].profile == profile) return &profiles[i];
    return NULL;
}

size_t dtls13_srtp_key_length(uint16_t profile)
{
    const profile_info *p = find_profile(profile);
    return p ? p->key_len : 0;
}

size_t dtls13_srtp_salt_length(uint16_t profile)
{
    const profile_info *p = find_profile(profile);
    return p ? p->salt_len : 0;
}

size_t dtls13_srtp_material_length(uint16_t profile)
{
    const profile_info *p = find_profile(profile);
    return p ? 2u * ((size_t)p->key_len + p->salt_len) : 0;
}

bool d13_srtp_libsrtp_profile(uint16_t profile, srtp_profile_t *out)
{
    const profile_info *p = find_profile(profile);
    if (!p) return false;
    *out = p->libsrtp;
    return true;
}

/* Copies key then salt of one direction into out. */
static void join_key_salt(const uint8_t *key, const uint8_t *salt, const profile_info *p,
                          d13_srtp_key_salt *out)
{
    memcpy(out->bytes, key, p->key_len);
    memcpy(out->bytes + p->key_len, salt, p->salt_len);
    out->len = (size_t)p->key_len + p->salt_len;
}

int d13_srtp_split_material(uint16_t profile, dtls13_role role, const uint8_t *material,
                            size_t material_len, d13_srtp_key_salt *local, d13_srtp_key_salt *remote)
{
    const profile_info *p = find_profile(profile);
    if (!p) return DTLS13_ERR_UNSUPPORTED;
    if (!material || !local || !remote || material_len != dtls13_srtp_material_length(profile))
        return DTLS13_ERR_INVALID_ARG;
    if (role != DTLS13_ROLE_CLIENT && role != DTLS13_ROLE_SERVER) return DTLS13_ERR_INVALID_ARG;
    /* Local key material, not packet data: fixed offsets from the table. */
    const uint8_t *client_key = material;
    const uint8_t *server_key = material + p->key_len;
    const uint8_t *client_salt = material + 2u * p->key_len;
    const uint8_t *server_salt = client_salt + p->salt_len;
    if (role == DTLS13_ROLE_CLIENT) {
        join_key_salt(client_key, client_salt, p, local);
        join_key_salt(server_key, server_salt, p, remote);
    } else {
        join_key_salt(server_key, server_salt, p, local);
        join_key_salt(client_key, client_salt, p, remote);
    }
    return 0;
}
