/* SRTP protect + unprotect of 1200-byte RTP packets through the DTLS-SRTP
 * wrapper (dtls13_srtp_protect_rtp / dtls13_srtp_unprotect_rtp) against
 * bare libsrtp2 calls (srtp_protect / srtp_unprotect) on the same packets
 * with the same keys, in the same run, for every profile. Many short
 * rounds run in pairs (wrapper then bare, or bare then wrapper, in turn),
 * so that a busy machine slows both sides of a pair alike; the ratio
 * printed is the median of the per-pair ratios, with the ratio of the
 * best rounds beside it. Target: <= 1.05.
 *
 * Usage: bench_srtp [PACKETS_PER_ROUND [ROUNDS]]   (default 2000 41) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "bench_util.h"
#include "dtls13/srtp.h"

#define PACKET_LEN 1200
#define RTP_HEADER_LEN 12
#define MAX_ROUNDS 1001
#define BUF_CAP (PACKET_LEN + DTLS13_SRTP_MAX_OVERHEAD)

/* One RTP packet: header for seq, payload from the template. */
static void fill_packet(uint8_t *buf, const uint8_t *payload_template, uint32_t seq)
{
    buf[0] = 0x80;
    buf[1] = 96;
    buf[2] = (uint8_t)(seq >> 8);
    buf[3] = (uint8_t)seq;
    uint32_t ts = seq * 960u;
    buf[4] = (uint8_t)(ts >> 24);
    buf[5] = (uint8_t)(ts >> 16);
    buf[6] = (uint8_t)(ts >> 8);
    buf[7] = (uint8_t)ts;
    buf[8] = 0x12;
    buf[9] = 0x34;
    buf[10] = 0x56;
    buf[11] = 0x78;
    memcpy(buf + RTP_HEADER_LEN, payload_template, PACKET_LEN - RTP_HEADER_LEN);
}

/* A sender and a receiver through the wrapper: the client sends with the
 * client_write keys, the server receives with them. */
typedef struct wrapper_side {
    dtls13_srtp *sender, *receiver;
    uint32_t seq;
} wrapper_side;

/* The same keys as bare libsrtp2 sessions. */
typedef struct bare_side {
    srtp_t sender, receiver;
    uint32_t seq;
} bare_side;

static bool wrapper_round(wrapper_side *w, const uint8_t *payload, long count, uint64_t *elapsed_ns)
{
    uint8_t buf[BUF_CAP];
    bool ok = true;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        fill_packet(buf, payload, w->seq++);
        size_t n = 0, back = 0;
        if (dtls13_srtp_protect_rtp(w->sender, buf, PACKET_LEN, sizeof buf, &n) != 0 ||
            dtls13_srtp_unprotect_rtp(w->receiver, buf, n, &back) != 0 || back != PACKET_LEN)
            ok = false;
    }
    *elapsed_ns = bench_now_ns() - t0;
    return ok;
}

static bool bare_round(bare_side *b, const uint8_t *payload, long count, uint64_t *elapsed_ns)
{
    uint8_t buf[BUF_CAP];
    bool ok = true;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        fill_packet(buf, payload, b->seq++);
        int n = PACKET_LEN;
        if (srtp_protect(b->sender, buf, &n) != srtp_err_status_ok ||
            srtp_unprotect(b->receiver, buf, &n) != srtp_err_status_ok || n != PACKET_LEN)
            ok = false;
    }
    *elapsed_ns = bench_now_ns() - t0;
    return ok;
}

/* A bare libsrtp2 session for the client_write key and salt. */
static srtp_t bare_session(uint16_t profile, srtp_ssrc_type_t type, const uint8_t *material)
{
    srtp_profile_t lib;
    switch (profile) {
    case DTLS13_SRTP_AES128_CM_SHA1_80: lib = srtp_profile_aes128_cm_sha1_80; break;
    case DTLS13_SRTP_AES128_CM_SHA1_32: lib = srtp_profile_aes128_cm_sha1_32; break;
    case DTLS13_SRTP_AEAD_AES_128_GCM: lib = srtp_profile_aead_aes_128_gcm; break;
    case DTLS13_SRTP_AEAD_AES_256_GCM: lib = srtp_profile_aead_aes_256_gcm; break;
    default: return NULL;
    }
    size_t k = dtls13_srtp_key_length(profile), s = dtls13_srtp_salt_length(profile);
    uint8_t key_salt[DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN];
    memcpy(key_salt, material, k);                /* client_write_SRTP_master_key */
    memcpy(key_salt + k, material + 2 * k, s);    /* client_write_SRTP_master_salt */
    srtp_policy_t pol;
    memset(&pol, 0, sizeof pol);
    if (srtp_crypto_policy_set_from_profile_for_rtp(&pol.rtp, lib) != srtp_err_status_ok ||
        srtp_crypto_policy_set_from_profile_for_rtcp(&pol.rtcp, lib) != srtp_err_status_ok)
        return NULL;
    pol.key = key_salt;
    pol.ssrc.type = type;
    srtp_t session = NULL;
    if (srtp_create(&session, &pol) != srtp_err_status_ok) return NULL;
    return session;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Benchmarks one profile; returns the median ratio wrapper / bare, or -1. */
static double bench_profile(uint16_t profile, long count, int rounds)
{
    uint8_t material[2 * (DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN)];
    size_t material_len = dtls13_srtp_material_length(profile);
    for (size_t i = 0; i < material_len; i++) material[i] = (uint8_t)(0x3c + 17 * i);
    uint8_t payload[PACKET_LEN - RTP_HEADER_LEN];
    for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)(i * 13 + 5);

    wrapper_side w = {NULL, NULL, 1};
    bare_side b = {NULL, NULL, 1};
    double ratio = -1;
    if (dtls13_srtp_new_from_material(profile, DTLS13_ROLE_CLIENT, material, material_len, NULL, 0, &w.sender) != 0 ||
        dtls13_srtp_new_from_material(profile, DTLS13_ROLE_SERVER, material, material_len, NULL, 0, &w.receiver) != 0)
        goto out;
    b.sender = bare_session(profile, ssrc_any_outbound, material);
    b.receiver = bare_session(profile, ssrc_any_inbound, material);
    if (!b.sender || !b.receiver) goto out;

    /* Warm-up: first packets create the per-SSRC streams on both sides. */
    uint64_t wrapper_best = UINT64_MAX, bare_best = UINT64_MAX, wrapper_ns = 0, bare_ns = 0;
    static double ratios[MAX_ROUNDS];
    if (!wrapper_round(&w, payload, 1000, &wrapper_ns) || !bare_round(&b, payload, 1000, &bare_ns)) goto out;
    for (int round = 0; round < rounds; round++) {
        bool ok;
        if (round % 2 == 0)
            ok = wrapper_round(&w, payload, count, &wrapper_ns) && bare_round(&b, payload, count, &bare_ns);
        else
            ok = bare_round(&b, payload, count, &bare_ns) && wrapper_round(&w, payload, count, &wrapper_ns);
        if (!ok) goto out;
        if (wrapper_ns < wrapper_best) wrapper_best = wrapper_ns;
        if (bare_ns < bare_best) bare_best = bare_ns;
        ratios[round] = (double)wrapper_ns / (double)(bare_ns ? bare_ns : 1);
    }
    qsort(ratios, (size_t)rounds, sizeof ratios[0], compare_doubles);
    ratio = ratios[rounds / 2];
    printf("  %-26s wrapper %7.1f ns/packet   bare libsrtp2 %7.1f ns/packet (best rounds, ratio %.3f)"
           "   median pair ratio %.3f\n",
           dtls13_srtp_profile_name(profile), (double)wrapper_best / (double)count,
           (double)bare_best / (double)count, (double)wrapper_best / (double)bare_best, ratio);
out:
    if (ratio < 0) fprintf(stderr, "bench_srtp: %s failed\n", dtls13_srtp_profile_name(profile));
    dtls13_srtp_free(w.sender);
    dtls13_srtp_free(w.receiver);
    if (b.sender) srtp_dealloc(b.sender);
    if (b.receiver) srtp_dealloc(b.receiver);
    return ratio;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 41;
    if (count <= 0 || rounds <= 0 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: bench_srtp [PACKETS_PER_ROUND [ROUNDS (1-%d)]]\n", MAX_ROUNDS);
        return 2;
    }
    if (dtls13_srtp_library_init() != 0) {
        fprintf(stderr, "bench_srtp: libsrtp2 failed to initialize\n");
        return 1;
    }
    const uint16_t profiles[] = {DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_SRTP_AES128_CM_SHA1_32,
                                 DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_SRTP_AEAD_AES_256_GCM};
    printf("SRTP protect + unprotect of %d-byte RTP packets, %ld paired rounds of %ld packets\n", PACKET_LEN,
           rounds, count);
    double worst = 0;
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
        double r = bench_profile(profiles[i], count, (int)rounds);
        if (r < 0) return 1;
        if (r > worst) worst = r;
    }
    bench_print_target("wrapper / bare libsrtp2 (median pair ratio, worst profile)", worst, 1.05, "x");
    return 0;
}
