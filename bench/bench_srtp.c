/* SRTP protect + unprotect of 1200-byte RTP packets, per profile, in one
 * run, four ways on the same packet bytes:
 *
 *   stock    bare libsrtp2 sessions created before this library installed
 *            its cipher/auth types: libsrtp2's own crypto (Debian: NSS);
 *   bare     bare libsrtp2 sessions (srtp_protect / srtp_unprotect) on the
 *            libcrypto-backed types of src/srtp/srtp_crypto.c;
 *   ours     the DTLS-SRTP wrapper (dtls13_srtp_protect_rtp / _unprotect_rtp);
 *   raw      the libcrypto floor: the EVP calls one packet needs and nothing
 *            else (src/crypto/srtp_prims.h, keyed once): AES-128-CTR over
 *            the payload and HMAC-SHA1 over packet + ROC, both directions,
 *            or AES-GCM seal + open with the 12-byte header as AAD.
 *
 * Many short rounds run the four in turn, in a rotating order, so that a
 * busy machine slows all of a round alike; ratios are medians of the
 * per-round ratios, times the best rounds. Targets (issue 12): ours / raw
 * <= 1.5 for every profile, ours / bare <= 1.05. Then a forwarding SFU:
 * packets arriving protected from one peer are unprotected and protected
 * again for another, on one core, with libsrtp2's own crypto and with ours.
 *
 * Usage: bench_srtp [PACKETS_PER_ROUND [ROUNDS]]   (default 2000 41) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "bench_util.h"
#include "crypto/crypto.h"
#include "crypto/srtp_prims.h"
#include "dtls13/srtp.h"

#define PACKET_LEN 1200
#define RTP_HEADER_LEN 12
#define PAYLOAD_LEN (PACKET_LEN - RTP_HEADER_LEN)
#define MAX_ROUNDS 1001
#define BUF_CAP (PACKET_LEN + DTLS13_SRTP_MAX_OVERHEAD)
#define SSRC 0x12345678u
#define N_PROFILES 4

enum { V_STOCK, V_BARE, V_OURS, V_RAW, N_VARIANTS };

/* One RTP packet: header for seq, payload from the template. */
static void fill_packet(uint8_t *buf, const uint8_t *payload_template, uint32_t seq)
{
    uint32_t ts = seq * 960u;
    const uint8_t header[RTP_HEADER_LEN] = {0x80, 96, (uint8_t)(seq >> 8), (uint8_t)seq,
                                            (uint8_t)(ts >> 24), (uint8_t)(ts >> 16), (uint8_t)(ts >> 8), (uint8_t)ts,
                                            (uint8_t)(SSRC >> 24), (uint8_t)(SSRC >> 16), (uint8_t)(SSRC >> 8),
                                            (uint8_t)SSRC};
    memcpy(buf, header, RTP_HEADER_LEN);
    memcpy(buf + RTP_HEADER_LEN, payload_template, PAYLOAD_LEN);
}

/* The raw libcrypto floor of one direction: a keyed cipher and, for the
 * AES-CM profiles, a keyed HMAC. */
typedef struct raw_dir {
    d13_srtp_cipher *cipher;
    d13_srtp_hmac *mac; /* NULL for AES-GCM */
} raw_dir;

typedef struct raw_side {
    raw_dir tx, rx;
    uint8_t salt[14];
    size_t tag_len;
} raw_side;

/* Everything one profile is measured with. */
typedef struct profile_bench {
    uint16_t profile;
    srtp_t stock_tx, stock_rx, bare_tx, bare_rx;
    dtls13_srtp *ours_tx, *ours_rx;
    raw_side raw;
    uint32_t seq[N_VARIANTS];
    /* forwarding: packets from peer A to the SFU, then from the SFU to B */
    srtp_t stock_fwd_in, stock_fwd_out;
    dtls13_srtp *peer_a, *ours_fwd_in, *ours_fwd_out;
    uint32_t fwd_seq;
} profile_bench;

static bool raw_dir_init(raw_dir *d, uint16_t profile, const uint8_t *key)
{
    bool gcm = profile == DTLS13_SRTP_AEAD_AES_128_GCM || profile == DTLS13_SRTP_AEAD_AES_256_GCM;
    d13_srtp_cipher_alg alg = profile == DTLS13_SRTP_AEAD_AES_256_GCM ? D13_SRTP_AES_256_GCM
                              : gcm                                   ? D13_SRTP_AES_128_GCM
                                                                      : D13_SRTP_AES_128_CTR;
    d->cipher = d13_srtp_cipher_new(alg);
    if (!d->cipher || d13_srtp_cipher_set_key(d->cipher, key, d13_srtp_cipher_key_len(alg)) != 0) return false;
    if (gcm) return true;
    d->mac = d13_srtp_hmac_new();
    return d->mac && d13_srtp_hmac_set_key(d->mac, key + 16, 20) == 0; /* a 160-bit auth key */
}

static void raw_dir_free(raw_dir *d)
{
    d13_srtp_cipher_free(d->cipher);
    d13_srtp_hmac_free(d->mac);
}

/* The IV of packet seq: the salt XOR SSRC and index, laid out as RFC 3711
 * 4.1.1 (16 bytes, AES-CM) or RFC 7714 8.1 (12 bytes, AES-GCM). */
static void raw_iv(const raw_side *r, bool gcm, uint32_t seq, uint8_t *iv)
{
    size_t len = gcm ? 12 : 16;
    memset(iv, 0, 16);
    memcpy(iv, r->salt, gcm ? 12 : 14);
    const uint8_t ssrc[4] = {(uint8_t)(SSRC >> 24), (uint8_t)(SSRC >> 16), (uint8_t)(SSRC >> 8), (uint8_t)SSRC};
    for (int i = 0; i < 4; i++) iv[(gcm ? 2 : 4) + i] ^= ssrc[i];
    iv[len - (gcm ? 1 : 3)] ^= (uint8_t)seq;
    iv[len - (gcm ? 2 : 4)] ^= (uint8_t)(seq >> 8);
}

/* Raw AES-CM + HMAC-SHA1 of one packet: tag = HMAC(packet || ROC). */
static bool raw_mac(raw_dir *d, const uint8_t *buf, uint8_t mac[D13_SRTP_SHA1_LEN])
{
    static const uint8_t roc[4] = {0, 0, 0, 0};
    return d13_srtp_hmac_start(d->mac) == 0 && d13_srtp_hmac_update(d->mac, buf, PACKET_LEN) == 0 &&
           d13_srtp_hmac_update(d->mac, roc, sizeof roc) == 0 && d13_srtp_hmac_final(d->mac, mac) == 0;
}

/* One packet the raw way: sender, then receiver; false when anything fails. */
static bool raw_packet(raw_side *r, uint8_t *buf, uint32_t seq)
{
    uint8_t *payload = buf + RTP_HEADER_LEN, *tag = buf + PACKET_LEN;
    uint8_t iv[16];
    bool gcm = r->tx.mac == NULL;
    raw_iv(r, gcm, seq, iv);
    if (gcm) {
        return d13_srtp_cipher_start(r->tx.cipher, iv, true) == 0 &&
               d13_srtp_cipher_aad(r->tx.cipher, buf, RTP_HEADER_LEN) == 0 &&
               d13_srtp_cipher_update(r->tx.cipher, payload, PAYLOAD_LEN) == 0 &&
               d13_srtp_cipher_get_tag(r->tx.cipher, tag, r->tag_len) == 0 &&
               d13_srtp_cipher_start(r->rx.cipher, iv, false) == 0 &&
               d13_srtp_cipher_aad(r->rx.cipher, buf, RTP_HEADER_LEN) == 0 &&
               d13_srtp_cipher_update(r->rx.cipher, payload, PAYLOAD_LEN) == 0 &&
               d13_srtp_cipher_check_tag(r->rx.cipher, tag, r->tag_len) == 0;
    }
    uint8_t mac[D13_SRTP_SHA1_LEN];
    if (d13_srtp_cipher_start(r->tx.cipher, iv, true) != 0 ||
        d13_srtp_cipher_update(r->tx.cipher, payload, PAYLOAD_LEN) != 0 || !raw_mac(&r->tx, buf, mac))
        return false;
    memcpy(tag, mac, r->tag_len);
    return raw_mac(&r->rx, buf, mac) && d13_ct_equal(mac, tag, r->tag_len) &&
           d13_srtp_cipher_start(r->rx.cipher, iv, true) == 0 &&
           d13_srtp_cipher_update(r->rx.cipher, payload, PAYLOAD_LEN) == 0;
}

/* Protect + unprotect through bare libsrtp2 sessions. */
static bool bare_packet(srtp_t tx, srtp_t rx, uint8_t *buf)
{
    int n = PACKET_LEN;
    return srtp_protect(tx, buf, &n) == srtp_err_status_ok && srtp_unprotect(rx, buf, &n) == srtp_err_status_ok &&
           n == PACKET_LEN;
}

/* Protect + unprotect through the wrapper. */
static bool ours_packet(dtls13_srtp *tx, dtls13_srtp *rx, uint8_t *buf)
{
    size_t n = 0, back = 0;
    return dtls13_srtp_protect_rtp(tx, buf, PACKET_LEN, BUF_CAP, &n) == 0 &&
           dtls13_srtp_unprotect_rtp(rx, buf, n, &back) == 0 && back == PACKET_LEN;
}

/* count packets of one variant; *elapsed_ns receives the time. */
static bool variant_round(profile_bench *pb, int v, const uint8_t *payload, long count, uint64_t *elapsed_ns)
{
    uint8_t buf[BUF_CAP];
    bool ok = true;
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        uint32_t seq = pb->seq[v]++;
        fill_packet(buf, payload, seq);
        switch (v) {
        case V_STOCK: ok = bare_packet(pb->stock_tx, pb->stock_rx, buf); break;
        case V_BARE: ok = bare_packet(pb->bare_tx, pb->bare_rx, buf); break;
        case V_OURS: ok = ours_packet(pb->ours_tx, pb->ours_rx, buf); break;
        default: ok = raw_packet(&pb->raw, buf, seq); break;
        }
    }
    *elapsed_ns = bench_now_ns() - t0;
    return ok;
}

/* A bare libsrtp2 session for the client_write (or, with server_keys,
 * server_write) key and salt of material. */
static srtp_t bare_session(uint16_t profile, srtp_ssrc_type_t type, const uint8_t *material, bool server_keys)
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
    size_t half = server_keys ? 1 : 0;
    uint8_t key_salt[DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN];
    memcpy(key_salt, material + half * k, k);                 /* *_write_SRTP_master_key */
    memcpy(key_salt + k, material + 2 * k + half * s, s);     /* *_write_SRTP_master_salt */
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

/* Keying material of peer (0: sender and receiver, 1: the SFU's far side). */
static void make_material(uint16_t profile, int peer, uint8_t *material)
{
    size_t len = dtls13_srtp_material_length(profile);
    for (size_t i = 0; i < len; i++) material[i] = (uint8_t)(0x3c + 17 * i + 101 * (size_t)peer);
}

/* The stock sessions: created while libsrtp2 still has its own types. */
static bool setup_stock(profile_bench *pb)
{
    uint8_t a[2 * (DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN)], b[sizeof a];
    make_material(pb->profile, 0, a);
    make_material(pb->profile, 1, b);
    pb->stock_tx = bare_session(pb->profile, ssrc_any_outbound, a, false);
    pb->stock_rx = bare_session(pb->profile, ssrc_any_inbound, a, false);
    pb->stock_fwd_in = bare_session(pb->profile, ssrc_any_inbound, a, false);
    pb->stock_fwd_out = bare_session(pb->profile, ssrc_any_outbound, b, true);
    return pb->stock_tx && pb->stock_rx && pb->stock_fwd_in && pb->stock_fwd_out;
}

/* Everything else, after dtls13_srtp_library_init() installed our types. */
static bool setup_ours(profile_bench *pb)
{
    uint8_t a[2 * (DTLS13_SRTP_MAX_KEY_LEN + DTLS13_SRTP_MAX_SALT_LEN)], b[sizeof a];
    size_t len = dtls13_srtp_material_length(pb->profile);
    make_material(pb->profile, 0, a);
    make_material(pb->profile, 1, b);
    pb->bare_tx = bare_session(pb->profile, ssrc_any_outbound, a, false);
    pb->bare_rx = bare_session(pb->profile, ssrc_any_inbound, a, false);
    if (!pb->bare_tx || !pb->bare_rx ||
        dtls13_srtp_new_from_material(pb->profile, DTLS13_ROLE_CLIENT, a, len, NULL, 0, &pb->ours_tx) != 0 ||
        dtls13_srtp_new_from_material(pb->profile, DTLS13_ROLE_SERVER, a, len, NULL, 0, &pb->ours_rx) != 0 ||
        dtls13_srtp_new_from_material(pb->profile, DTLS13_ROLE_CLIENT, a, len, NULL, 0, &pb->peer_a) != 0 ||
        dtls13_srtp_new_from_material(pb->profile, DTLS13_ROLE_SERVER, a, len, NULL, 0, &pb->ours_fwd_in) != 0 ||
        dtls13_srtp_new_from_material(pb->profile, DTLS13_ROLE_SERVER, b, len, NULL, 0, &pb->ours_fwd_out) != 0)
        return false;
    size_t k = dtls13_srtp_key_length(pb->profile), s = dtls13_srtp_salt_length(pb->profile);
    memcpy(pb->raw.salt, a + 2 * k, s);
    pb->raw.tag_len = pb->profile == DTLS13_SRTP_AES128_CM_SHA1_80   ? 10
                      : pb->profile == DTLS13_SRTP_AES128_CM_SHA1_32 ? 4
                                                                     : 16;
    return raw_dir_init(&pb->raw.tx, pb->profile, a) && raw_dir_init(&pb->raw.rx, pb->profile, a);
}

static void profile_bench_free(profile_bench *pb)
{
    srtp_t sessions[] = {pb->stock_tx, pb->stock_rx, pb->bare_tx, pb->bare_rx, pb->stock_fwd_in, pb->stock_fwd_out};
    for (size_t i = 0; i < sizeof sessions / sizeof sessions[0]; i++)
        if (sessions[i]) srtp_dealloc(sessions[i]);
    dtls13_srtp_free(pb->ours_tx);
    dtls13_srtp_free(pb->ours_rx);
    dtls13_srtp_free(pb->peer_a);
    dtls13_srtp_free(pb->ours_fwd_in);
    dtls13_srtp_free(pb->ours_fwd_out);
    raw_dir_free(&pb->raw.tx);
    raw_dir_free(&pb->raw.rx);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], compare_doubles);
    return v[n / 2];
}

/* Results of one profile. */
typedef struct profile_result {
    double best_ns[N_VARIANTS]; /* per packet, best round */
    double ours_raw, stock_raw, ours_bare; /* median per-round ratios */
} profile_result;

static bool bench_profile(profile_bench *pb, const uint8_t *payload, long count, int rounds, profile_result *res)
{
    static double ours_raw[MAX_ROUNDS], stock_raw[MAX_ROUNDS], ours_bare[MAX_ROUNDS];
    uint64_t best[N_VARIANTS], ns[N_VARIANTS];
    for (int v = 0; v < N_VARIANTS; v++) {
        best[v] = UINT64_MAX;
        /* warm-up: the first packets create the per-SSRC streams */
        if (!variant_round(pb, v, payload, 500, &ns[v])) return false;
    }
    for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < N_VARIANTS; i++) {
            int v = (i + round) % N_VARIANTS;
            if (!variant_round(pb, v, payload, count, &ns[v])) return false;
            if (ns[v] < best[v]) best[v] = ns[v];
        }
        double raw = (double)(ns[V_RAW] ? ns[V_RAW] : 1);
        ours_raw[round] = (double)ns[V_OURS] / raw;
        stock_raw[round] = (double)ns[V_STOCK] / raw;
        ours_bare[round] = (double)ns[V_OURS] / (double)(ns[V_BARE] ? ns[V_BARE] : 1);
    }
    for (int v = 0; v < N_VARIANTS; v++) res->best_ns[v] = (double)best[v] / (double)count;
    res->ours_raw = median(ours_raw, rounds);
    res->stock_raw = median(stock_raw, rounds);
    res->ours_bare = median(ours_bare, rounds);
    return true;
}

/* The SFU's forwarding of count packets from peer A: each arrives
 * protected (made by peer A before the clock starts), is unprotected with
 * A's inbound keys and protected with B's outbound keys. stock selects
 * libsrtp2 sessions with libsrtp2's own crypto, else the wrapper. */
static bool forward_round(profile_bench *pb, bool stock, const uint8_t *payload, long count, uint8_t *batch,
                          uint64_t *elapsed_ns)
{
    size_t n = PACKET_LEN + dtls13_srtp_overhead(pb->peer_a, false); /* every packet's SRTP length */
    for (long i = 0; i < count; i++) {
        uint8_t *p = batch + (size_t)i * BUF_CAP;
        size_t out = 0;
        fill_packet(p, payload, pb->fwd_seq++);
        if (dtls13_srtp_protect_rtp(pb->peer_a, p, PACKET_LEN, BUF_CAP, &out) != 0 || out != n) return false;
    }
    bool ok = true;
    uint8_t buf[BUF_CAP];
    uint64_t t0 = bench_now_ns();
    for (long i = 0; i < count && ok; i++) {
        memcpy(buf, batch + (size_t)i * BUF_CAP, n); /* the datagram as received */
        if (stock) {
            int len = (int)n;
            ok = srtp_unprotect(pb->stock_fwd_in, buf, &len) == srtp_err_status_ok &&
                 srtp_protect(pb->stock_fwd_out, buf, &len) == srtp_err_status_ok;
        } else {
            size_t plain = 0, out = 0;
            ok = dtls13_srtp_unprotect_rtp(pb->ours_fwd_in, buf, n, &plain) == 0 &&
                 dtls13_srtp_protect_rtp(pb->ours_fwd_out, buf, plain, BUF_CAP, &out) == 0;
        }
    }
    *elapsed_ns = bench_now_ns() - t0;
    return ok;
}

/* Best packets/s of the forwarding loop, stock and ours in alternate rounds. */
static bool bench_forward(profile_bench *pb, const uint8_t *payload, long count, int rounds, double pps[2])
{
    uint8_t *batch = malloc((size_t)count * BUF_CAP);
    if (!batch) return false;
    uint64_t best[2] = {UINT64_MAX, UINT64_MAX}, ns = 0;
    bool ok = forward_round(pb, true, payload, 200, batch, &ns) && forward_round(pb, false, payload, 200, batch, &ns);
    for (int round = 0; round < rounds && ok; round++) {
        for (int i = 0; i < 2 && ok; i++) {
            int which = (i + round) % 2; /* 0 stock, 1 ours */
            ok = forward_round(pb, which == 0, payload, count, batch, &ns);
            if (ns < best[which]) best[which] = ns;
        }
    }
    free(batch);
    for (int i = 0; i < 2; i++) pps[i] = ok ? 1e9 * (double)count / (double)best[i] : 0;
    return ok;
}

int main(int argc, char **argv)
{
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 41;
    if (count <= 0 || count > 1000000 || rounds <= 0 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: bench_srtp [PACKETS_PER_ROUND (1-1000000) [ROUNDS (1-%d)]]\n", MAX_ROUNDS);
        return 2;
    }
    static profile_bench benches[N_PROFILES];
    const uint16_t profiles[N_PROFILES] = {DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_SRTP_AES128_CM_SHA1_32,
                                           DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_SRTP_AEAD_AES_256_GCM};
    /* libsrtp2 first on its own, for the stock sessions; then this
     * library's one-time initialization replaces the cipher/auth types. */
    bool ok = srtp_init() == srtp_err_status_ok;
    for (int i = 0; i < N_PROFILES && ok; i++) {
        benches[i].profile = profiles[i];
        for (int v = 0; v < N_VARIANTS; v++) benches[i].seq[v] = 1;
        benches[i].fwd_seq = 1;
        ok = setup_stock(&benches[i]);
    }
    ok = ok && dtls13_srtp_library_init() == 0;
    for (int i = 0; i < N_PROFILES && ok; i++) ok = setup_ours(&benches[i]);
    if (!ok) {
        fprintf(stderr, "bench_srtp: set-up failed\n");
        return 1;
    }
    uint8_t payload[PAYLOAD_LEN];
    for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)(i * 13 + 5);

    printf("SRTP protect + unprotect of one %d-byte RTP packet (sender, then receiver), ns, best of %ld rounds"
           " of %ld\n", PACKET_LEN, rounds, count);
    printf("  %-24s %14s %9s %9s %9s   %8s %9s %9s\n", "profile", "libsrtp2 stock", "ours", "bare", "raw",
           "ours/raw", "stock/raw", "ours/bare");
    double worst_raw = 0, worst_bare = 0;
    profile_result res[N_PROFILES];
    for (int i = 0; i < N_PROFILES; i++) {
        if (!bench_profile(&benches[i], payload, count, (int)rounds, &res[i])) {
            fprintf(stderr, "bench_srtp: %s failed\n", dtls13_srtp_profile_name(profiles[i]));
            return 1;
        }
        const profile_result *r = &res[i];
        printf("  %-24s %14.0f %9.0f %9.0f %9.0f   %7.2fx %8.2fx %8.3fx\n", dtls13_srtp_profile_name(profiles[i]),
               r->best_ns[V_STOCK], r->best_ns[V_OURS], r->best_ns[V_BARE], r->best_ns[V_RAW], r->ours_raw,
               r->stock_raw, r->ours_bare);
        if (r->ours_raw > worst_raw) worst_raw = r->ours_raw;
        if (r->ours_bare > worst_bare) worst_bare = r->ours_bare;
    }
    printf("Forwarding SFU on one core (unprotect from peer A + protect to peer B per packet), packets/s\n");
    printf("  %-24s %14s %9s\n", "profile", "libsrtp2 stock", "ours");
    for (int i = 0; i < N_PROFILES; i++) {
        double pps[2];
        if (!bench_forward(&benches[i], payload, count, (int)(rounds < 11 ? rounds : 11), pps)) {
            fprintf(stderr, "bench_srtp: forwarding %s failed\n", dtls13_srtp_profile_name(profiles[i]));
            return 1;
        }
        printf("  %-24s %14.0f %9.0f\n", dtls13_srtp_profile_name(profiles[i]), pps[0], pps[1]);
    }
    bench_print_target("ours / raw libcrypto (median round ratio, worst profile)", worst_raw, 1.5, "x");
    bench_print_target("ours (wrapper) / bare libsrtp2 (median round ratio, worst profile)", worst_bare, 1.05, "x");
    for (int i = 0; i < N_PROFILES; i++) profile_bench_free(&benches[i]);
    return 0;
}
