/* DTLS-SRTP sessions over libsrtp2, keyed by in-process DTLS 1.3
 * handshakes: every profile both ways for RTP and RTCP, the RFC 5764 4.2
 * key layout against bare libsrtp2 sessions keyed by hand, wrong keys,
 * replays, re-keying, MKI, hostile input and argument checks. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "dtls13/dtls13.h"
#include "dtls13/srtp.h"
#include "srtp_test_util.h"
#include "test.h"

#define BUF_CAP (1500 + DTLS13_SRTP_MAX_OVERHEAD)

typedef struct profile_case {
    uint16_t profile;
    size_t key_len, salt_len;
    size_t rtp_tag, rtcp_tag; /* authentication tag bytes (RFC 5764 4.1.2, RFC 7714) */
} profile_case;

static const profile_case profile_cases[] = {
    {DTLS13_SRTP_AES128_CM_SHA1_80, 16, 14, 10, 10},
    {DTLS13_SRTP_AES128_CM_SHA1_32, 16, 14, 4, 10}, /* SRTCP keeps the 80-bit tag */
    {DTLS13_SRTP_AEAD_AES_128_GCM, 16, 12, 16, 16},
    {DTLS13_SRTP_AEAD_AES_256_GCM, 32, 12, 16, 16},
};
#define N_PROFILES (sizeof(profile_cases) / sizeof(profile_cases[0]))

/* Sends one RTP packet through from -> to and checks it arrives intact. */
static void rtp_through(d13_test_state *t, dtls13_srtp *from, dtls13_srtp *to, uint32_t ssrc, uint16_t seq,
                        size_t payload)
{
    uint8_t plain[BUF_CAP], buf[BUF_CAP];
    size_t len = make_rtp(plain, sizeof(plain), ssrc, seq, seq * 960u, payload);
    memcpy(buf, plain, len);
    size_t out = 0;
    CHECK_EQ(dtls13_srtp_protect_rtp(from, buf, len, sizeof(buf), &out), 0);
    CHECK_EQ(out, len + dtls13_srtp_overhead(from, false));
    CHECK(memcmp(buf + 12, plain + 12, payload) != 0); /* the payload is encrypted */
    CHECK_MEM(buf, plain, 12);                         /* the header is not */
    size_t back = 0;
    CHECK_EQ(dtls13_srtp_unprotect_rtp(to, buf, out, &back), 0);
    CHECK_EQ(back, len);
    CHECK_MEM(buf, plain, len);
}

/* Sends one RTCP sender report through from -> to. */
static void rtcp_through(d13_test_state *t, dtls13_srtp *from, dtls13_srtp *to, uint32_t ssrc, uint32_t count)
{
    uint8_t plain[64], buf[64 + DTLS13_SRTP_MAX_OVERHEAD];
    size_t len = make_rtcp_sr(plain, sizeof(plain), ssrc, count);
    memcpy(buf, plain, len);
    size_t out = 0;
    CHECK_EQ(dtls13_srtp_protect_rtcp(from, buf, len, sizeof(buf), &out), 0);
    CHECK_EQ(out, len + dtls13_srtp_overhead(from, true));
    CHECK(memcmp(buf + 8, plain + 8, len - 8) != 0);
    size_t back = 0;
    CHECK_EQ(dtls13_srtp_unprotect_rtcp(to, buf, out, &back), 0);
    CHECK_EQ(back, len);
    CHECK_MEM(buf, plain, len);
}

static void test_profile_lengths(d13_test_state *t)
{
    for (size_t i = 0; i < N_PROFILES; i++) {
        const profile_case *pc = &profile_cases[i];
        CHECK_EQ(dtls13_srtp_key_length(pc->profile), pc->key_len);
        CHECK_EQ(dtls13_srtp_salt_length(pc->profile), pc->salt_len);
        CHECK_EQ(dtls13_srtp_material_length(pc->profile), 2 * (pc->key_len + pc->salt_len));
    }
    CHECK_EQ(dtls13_srtp_material_length(DTLS13_SRTP_AES128_CM_SHA1_80), 60);
    CHECK_EQ(dtls13_srtp_material_length(DTLS13_SRTP_AEAD_AES_128_GCM), 56);
    CHECK_EQ(dtls13_srtp_material_length(DTLS13_SRTP_AEAD_AES_256_GCM), 88);
    CHECK_EQ(dtls13_srtp_key_length(0), 0);
    CHECK_EQ(dtls13_srtp_salt_length(5), 0); /* SRTP_NULL_HMAC_SHA1_80: not supported */
    CHECK_EQ(dtls13_srtp_material_length(0xffff), 0);
}

static void test_every_profile_both_ways(d13_test_state *t)
{
    for (size_t i = 0; i < N_PROFILES; i++) {
        const profile_case *pc = &profile_cases[i];
        srtp_pair *p = srtp_pair_new(pc->profile, NULL, 0);
        CHECK(p != NULL);
        if (!p) continue;
        dtls13_srtp *c = NULL, *s = NULL;
        CHECK_EQ(dtls13_srtp_new(p->client, &c), 0);
        CHECK_EQ(dtls13_srtp_new(p->server, &s), 0);
        if (c && s) {
            CHECK_EQ(dtls13_srtp_profile(c), pc->profile);
            CHECK_EQ(dtls13_srtp_role(c), DTLS13_ROLE_CLIENT);
            CHECK_EQ(dtls13_srtp_role(s), DTLS13_ROLE_SERVER);
            CHECK_EQ(dtls13_srtp_overhead(c, false), pc->rtp_tag);
            CHECK_EQ(dtls13_srtp_overhead(c, true), pc->rtcp_tag + 4); /* + E flag and SRTCP index */
            /* Three SSRCs each way: new streams need no set-up. */
            for (uint16_t seq = 1; seq <= 20; seq++) {
                rtp_through(t, c, s, 0x11111111u + seq % 3u, seq, 1188);
                rtp_through(t, s, c, 0x22222222u + seq % 3u, (uint16_t)(seq + 40000u), 160);
            }
            rtcp_through(t, c, s, 0x11111111u, 1);
            rtcp_through(t, s, c, 0x22222222u, 1);
            rtcp_through(t, c, s, 0x11111112u, 2);
            dtls13_srtp_stats cs, ss;
            dtls13_srtp_get_stats(c, &cs);
            dtls13_srtp_get_stats(s, &ss);
            CHECK_EQ(cs.rtp_protected, 20);
            CHECK_EQ(cs.rtcp_protected, 2);
            CHECK_EQ(cs.bytes_protected, 20 * 1200 + 2 * 28);
            CHECK_EQ(cs.rtp_unprotected, 20);
            CHECK_EQ(cs.rtcp_unprotected, 1);
            CHECK_EQ(cs.bytes_unprotected, 20 * 172 + 28);
            CHECK_EQ(ss.rtp_unprotected, 20);
            CHECK_EQ(ss.rtcp_unprotected, 2);
            CHECK_EQ(ss.bytes_unprotected, 20 * 1200 + 2 * 28);
            CHECK_EQ(ss.auth_failures + ss.replays + ss.bad_packets + ss.protect_failures + ss.rekeys, 0);
            CHECK_EQ(cs.auth_failures + cs.replays + cs.bad_packets + cs.protect_failures + cs.rekeys, 0);
        }
        dtls13_srtp_free(c);
        dtls13_srtp_free(s);
        srtp_pair_free(p);
    }
}

/* A bare libsrtp2 session for one direction, keyed by hand with the
 * crypto policies named after RFC 5764 4.1.2 and RFC 7714. */
static srtp_t bare_session(uint16_t profile, srtp_ssrc_type_t type, const uint8_t *key, size_t key_len,
                           const uint8_t *salt, size_t salt_len)
{
    srtp_policy_t pol;
    memset(&pol, 0, sizeof(pol));
    switch (profile) {
    case DTLS13_SRTP_AES128_CM_SHA1_80:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
        break;
    case DTLS13_SRTP_AES128_CM_SHA1_32:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&pol.rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol.rtcp);
        break;
    case DTLS13_SRTP_AEAD_AES_128_GCM:
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtp);
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol.rtcp);
        break;
    case DTLS13_SRTP_AEAD_AES_256_GCM:
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&pol.rtcp);
        break;
    default: return NULL;
    }
    uint8_t key_salt[64];
    memcpy(key_salt, key, key_len);
    memcpy(key_salt + key_len, salt, salt_len);
    pol.key = key_salt;
    pol.ssrc.type = type;
    srtp_t s = NULL;
    if (srtp_create(&s, &pol) != srtp_err_status_ok) return NULL;
    return s;
}

/* ours protects, bare unprotects; bare protects, ours unprotects. */
static void check_against_bare(d13_test_state *t, dtls13_srtp *ours, srtp_t bare_in, srtp_t bare_out,
                               srtp_t wrong_in, uint32_t ssrc)
{
    uint8_t plain[BUF_CAP], buf[BUF_CAP], copy[BUF_CAP];
    size_t len = make_rtp(plain, sizeof(plain), ssrc, 7, 700, 300);
    memcpy(buf, plain, len);
    size_t out = 0;
    CHECK_EQ(dtls13_srtp_protect_rtp(ours, buf, len, sizeof(buf), &out), 0);
    memcpy(copy, buf, out);
    int n = (int)out;
    CHECK_EQ(srtp_unprotect(wrong_in, copy, &n), srtp_err_status_auth_fail);
    n = (int)out;
    CHECK_EQ(srtp_unprotect(bare_in, buf, &n), srtp_err_status_ok);
    CHECK_EQ(n, (int)len);
    CHECK_MEM(buf, plain, len);

    len = make_rtp(plain, sizeof(plain), ssrc + 1, 9, 900, 300);
    memcpy(buf, plain, len);
    n = (int)len;
    CHECK_EQ(srtp_protect(bare_out, buf, &n), srtp_err_status_ok);
    size_t back = 0;
    CHECK_EQ(dtls13_srtp_unprotect_rtp(ours, buf, (size_t)n, &back), 0);
    CHECK_EQ(back, len);
    CHECK_MEM(buf, plain, len);

    len = make_rtcp_sr(plain, sizeof(plain), ssrc, 3);
    memcpy(buf, plain, len);
    CHECK_EQ(dtls13_srtp_protect_rtcp(ours, buf, len, sizeof(buf), &out), 0);
    n = (int)out;
    CHECK_EQ(srtp_unprotect_rtcp(bare_in, buf, &n), srtp_err_status_ok);
    CHECK_EQ(n, (int)len);
    CHECK_MEM(buf, plain, len);

    len = make_rtcp_sr(plain, sizeof(plain), ssrc + 1, 4);
    memcpy(buf, plain, len);
    n = (int)len;
    CHECK_EQ(srtp_protect_rtcp(bare_out, buf, &n), srtp_err_status_ok);
    CHECK_EQ(dtls13_srtp_unprotect_rtcp(ours, buf, (size_t)n, &back), 0);
    CHECK_EQ(back, len);
    CHECK_MEM(buf, plain, len);
}

static void test_key_layout(d13_test_state *t)
{
    for (size_t i = 0; i < N_PROFILES; i++) {
        const profile_case *pc = &profile_cases[i];
        srtp_pair *p = srtp_pair_new(pc->profile, NULL, 0);
        CHECK(p != NULL);
        if (!p) continue;
        /* Export and slice the keying material ourselves (RFC 5764 4.2). */
        const size_t k = pc->key_len, sl = pc->salt_len, total = 2 * (k + sl);
        uint8_t m[2 * (32 + 14)], m_server[2 * (32 + 14)];
        CHECK_EQ(dtls13_conn_export_keying_material(p->client, "EXTRACTOR-dtls_srtp", NULL, 0, m, total), 0);
        CHECK_EQ(dtls13_conn_export_keying_material(p->server, "EXTRACTOR-dtls_srtp", NULL, 0, m_server, total), 0);
        CHECK_MEM(m, m_server, total);
        const uint8_t *client_key = &m[0], *server_key = &m[k];
        const uint8_t *client_salt = &m[2 * k], *server_salt = &m[2 * k + sl];

        srtp_t client_in = bare_session(pc->profile, ssrc_any_inbound, client_key, k, client_salt, sl);
        srtp_t client_out = bare_session(pc->profile, ssrc_any_outbound, client_key, k, client_salt, sl);
        srtp_t server_in = bare_session(pc->profile, ssrc_any_inbound, server_key, k, server_salt, sl);
        srtp_t server_out = bare_session(pc->profile, ssrc_any_outbound, server_key, k, server_salt, sl);
        CHECK(client_in && client_out && server_in && server_out);
        dtls13_srtp *c = NULL, *s = NULL;
        CHECK_EQ(dtls13_srtp_new(p->client, &c), 0);
        CHECK_EQ(dtls13_srtp_new(p->server, &s), 0);
        if (client_in && client_out && server_in && server_out && c && s) {
            /* Our client sends with client_write_*, receives server_write_*. */
            check_against_bare(t, c, client_in, server_out, server_in, 0x0c0c0000u);
            /* Our server sends with server_write_*, receives client_write_*. */
            check_against_bare(t, s, server_in, client_out, client_in, 0x05050000u);
        }
        /* The same material given explicitly gives the same keys. */
        dtls13_srtp *c2 = NULL;
        CHECK_EQ(dtls13_srtp_new_from_material(pc->profile, DTLS13_ROLE_CLIENT, m, total, NULL, 0, &c2), 0);
        if (c2 && s) rtp_through(t, c2, s, 0x0c0c0100u, 1, 100);
        dtls13_srtp_free(c2);
        dtls13_srtp_free(c);
        dtls13_srtp_free(s);
        if (client_in) srtp_dealloc(client_in);
        if (client_out) srtp_dealloc(client_out);
        if (server_in) srtp_dealloc(server_in);
        if (server_out) srtp_dealloc(server_out);
        srtp_pair_free(p);
    }
}

static void test_wrong_key(d13_test_state *t)
{
    for (size_t i = 0; i < N_PROFILES; i++) {
        const uint16_t profile = profile_cases[i].profile;
        srtp_pair *a = srtp_pair_new(profile, NULL, 0);
        srtp_pair *b = srtp_pair_new(profile, NULL, 0);
        CHECK(a && b);
        if (!a || !b) {
            srtp_pair_free(a);
            srtp_pair_free(b);
            continue;
        }
        dtls13_srtp *ac = NULL, *bc = NULL, *bs = NULL;
        CHECK_EQ(dtls13_srtp_new(a->client, &ac), 0);
        CHECK_EQ(dtls13_srtp_new(b->client, &bc), 0);
        CHECK_EQ(dtls13_srtp_new(b->server, &bs), 0);
        if (ac && bc && bs) {
            uint8_t buf[BUF_CAP];
            size_t len = make_rtp(buf, sizeof(buf), 0xabcdef01u, 1, 0, 200), out = 0, back = 0;
            CHECK_EQ(dtls13_srtp_protect_rtp(ac, buf, len, sizeof(buf), &out), 0);
            CHECK_EQ(dtls13_srtp_unprotect_rtp(bs, buf, out, &back), DTLS13_SRTP_ERR_AUTH);
            len = make_rtcp_sr(buf, sizeof(buf), 0xabcdef01u, 1);
            CHECK_EQ(dtls13_srtp_protect_rtcp(ac, buf, len, sizeof(buf), &out), 0);
            CHECK_EQ(dtls13_srtp_unprotect_rtcp(bs, buf, out, &back), DTLS13_SRTP_ERR_AUTH);
            /* One flipped bit in the payload of a packet under the right key. */
            len = make_rtp(buf, sizeof(buf), 0xabcdef02u, 1, 0, 200);
            CHECK_EQ(dtls13_srtp_protect_rtp(bc, buf, len, sizeof(buf), &out), 0);
            buf[40] ^= 0x01;
            CHECK_EQ(dtls13_srtp_unprotect_rtp(bs, buf, out, &back), DTLS13_SRTP_ERR_AUTH);
            /* Not fatal: the right packets still pass. */
            rtp_through(t, bc, bs, 0xabcdef01u, 2, 200);
            rtcp_through(t, bc, bs, 0xabcdef01u, 2);
            dtls13_srtp_stats st;
            dtls13_srtp_get_stats(bs, &st);
            CHECK_EQ(st.auth_failures, 3);
            CHECK_EQ(st.rtp_unprotected, 1);
            CHECK_EQ(st.rtcp_unprotected, 1);
            CHECK_EQ(st.replays, 0);
            CHECK(strcmp(dtls13_srtp_strerror(DTLS13_SRTP_ERR_AUTH), "SRTP packet failed authentication") == 0);
        }
        dtls13_srtp_free(ac);
        dtls13_srtp_free(bc);
        dtls13_srtp_free(bs);
        srtp_pair_free(a);
        srtp_pair_free(b);
    }
}

static void test_replay(d13_test_state *t)
{
    srtp_pair *p = srtp_pair_new(DTLS13_SRTP_AEAD_AES_128_GCM, NULL, 0);
    CHECK(p != NULL);
    if (!p) return;
    dtls13_srtp *c = NULL, *s = NULL;
    CHECK_EQ(dtls13_srtp_new(p->client, &c), 0);
    CHECK_EQ(dtls13_srtp_new(p->server, &s), 0);
    if (c && s) {
        uint8_t pkt[BUF_CAP], copy[BUF_CAP], old[BUF_CAP];
        size_t len, out, old_len, back;
        /* A packet that will be delivered much later (older than the window). */
        len = make_rtp(old, sizeof(old), 0x1234u, 10, 0, 50);
        CHECK_EQ(dtls13_srtp_protect_rtp(c, old, len, sizeof(old), &old_len), 0);
        /* The same packet twice: the second is a replay. */
        len = make_rtp(pkt, sizeof(pkt), 0x1234u, 11, 0, 50);
        CHECK_EQ(dtls13_srtp_protect_rtp(c, pkt, len, sizeof(pkt), &out), 0);
        memcpy(copy, pkt, out);
        CHECK_EQ(dtls13_srtp_unprotect_rtp(s, pkt, out, &back), 0);
        CHECK_EQ(dtls13_srtp_unprotect_rtp(s, copy, out, &back), DTLS13_SRTP_ERR_REPLAY);
        /* Move 300 packets ahead, then deliver the old one. */
        for (uint16_t seq = 12; seq < 312; seq++) {
            len = make_rtp(pkt, sizeof(pkt), 0x1234u, seq, 0, 50);
            CHECK_EQ(dtls13_srtp_protect_rtp(c, pkt, len, sizeof(pkt), &out), 0);
        }
        CHECK_EQ(dtls13_srtp_unprotect_rtp(s, pkt, out, &back), 0);
        CHECK_EQ(dtls13_srtp_unprotect_rtp(s, old, old_len, &back), DTLS13_SRTP_ERR_REPLAY);
        /* RTCP replay. */
        len = make_rtcp_sr(pkt, sizeof(pkt), 0x1234u, 1);
        CHECK_EQ(dtls13_srtp_protect_rtcp(c, pkt, len, sizeof(pkt), &out), 0);
        memcpy(copy, pkt, out);
        CHECK_EQ(dtls13_srtp_unprotect_rtcp(s, pkt, out, &back), 0);
        CHECK_EQ(dtls13_srtp_unprotect_rtcp(s, copy, out, &back), DTLS13_SRTP_ERR_REPLAY);
        /* Protecting one sequence number twice is refused. */
        len = make_rtp(pkt, sizeof(pkt), 0x1234u, 311, 0, 50);
        CHECK_EQ(dtls13_srtp_protect_rtp(c, pkt, len, sizeof(pkt), &out), DTLS13_SRTP_ERR_REPLAY);
        /* Replays are not fatal. */
        rtp_through(t, c, s, 0x1234u, 312, 50);
        dtls13_srtp_stats st;
        dtls13_srtp_get_stats(s, &st);
        CHECK_EQ(st.replays, 3);
        CHECK_EQ(st.auth_failures, 0);
        CHECK_EQ(st.rtp_unprotected, 3);
        CHECK_EQ(st.rtcp_unprotected, 1);
        dtls13_srtp_get_stats(c, &st);
        CHECK_EQ(st.protect_failures, 1);
        CHECK_EQ(st.rtp_protected, 303);
    }
    dtls13_srtp_free(c);
    dtls13_srtp_free(s);
    srtp_pair_free(p);
}

static int discard_datagram(void *user, const uint8_t *datagram, size_t len)
{
    (void)user;
    (void)datagram;
    (void)len;
    return 0;
}

static void test_rekey(d13_test_state *t)
{
    srtp_pair *a = srtp_pair_new(DTLS13_SRTP_AES128_CM_SHA1_80, NULL, 0);
    srtp_pair *b = srtp_pair_new(DTLS13_SRTP_AEAD_AES_256_GCM, NULL, 0);
    CHECK(a && b);
    dtls13_srtp *c = NULL, *s = NULL;
    if (a && b) {
        CHECK_EQ(dtls13_srtp_new(a->client, &c), 0);
        CHECK_EQ(dtls13_srtp_new(a->server, &s), 0);
    }
    if (c && s) {
        rtp_through(t, c, s, 0x5555u, 1, 500);
        rtp_through(t, s, c, 0x6666u, 1, 500);
        /* Protected under the old keys, delivered after the re-key. */
        uint8_t old[BUF_CAP];
        size_t len = make_rtp(old, sizeof(old), 0x5555u, 2, 0, 500), old_len = 0, back = 0;
        CHECK_EQ(dtls13_srtp_protect_rtp(c, old, len, sizeof(old), &old_len), 0);

        /* A conn that has not finished its handshake: refused, old keys stay. */
        dtls13_conn *pending = dtls13_conn_new(a->client_cfg, DTLS13_ROLE_CLIENT, discard_datagram, NULL);
        CHECK(pending != NULL);
        CHECK_EQ(dtls13_srtp_rekey(c, pending), DTLS13_ERR_BAD_STATE);
        dtls13_conn_free(pending);
        CHECK_EQ(dtls13_srtp_profile(c), DTLS13_SRTP_AES128_CM_SHA1_80);
        rtp_through(t, c, s, 0x5555u, 3, 500);

        CHECK_EQ(dtls13_srtp_rekey(c, b->client), 0);
        CHECK_EQ(dtls13_srtp_rekey(s, b->server), 0);
        CHECK_EQ(dtls13_srtp_profile(c), DTLS13_SRTP_AEAD_AES_256_GCM);
        CHECK_EQ(dtls13_srtp_overhead(c, false), 16);
        CHECK_EQ(dtls13_srtp_unprotect_rtp(s, old, old_len, &back), DTLS13_SRTP_ERR_AUTH);
        /* Same SSRC and later sequence numbers under the new keys. */
        rtp_through(t, c, s, 0x5555u, 4, 500);
        rtp_through(t, s, c, 0x6666u, 2, 500);
        rtcp_through(t, c, s, 0x5555u, 1);
        dtls13_srtp_stats st;
        dtls13_srtp_get_stats(s, &st);
        CHECK_EQ(st.rekeys, 1);
        CHECK_EQ(st.rtp_unprotected, 3); /* counted across the re-key */
        CHECK_EQ(st.rtp_protected, 2);
        CHECK_EQ(st.rtcp_unprotected, 1);
        CHECK_EQ(st.auth_failures, 1);
        dtls13_srtp_get_stats(c, &st);
        CHECK_EQ(st.rekeys, 1);
        CHECK_EQ(st.rtp_protected, 4);
        CHECK_EQ(st.rtp_unprotected, 2);
        /* Keys from a wrong-sized material are refused; the new keys stay. */
        uint8_t junk[60] = {0};
        CHECK_EQ(dtls13_srtp_rekey_from_material(c, DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_ROLE_CLIENT, junk, 60,
                                                 NULL, 0),
                 DTLS13_ERR_INVALID_ARG);
        rtp_through(t, c, s, 0x5555u, 5, 500);
    }
    dtls13_srtp_free(c);
    dtls13_srtp_free(s);
    srtp_pair_free(a);
    srtp_pair_free(b);
}

static void test_mki(d13_test_state *t)
{
    const uint8_t mki[] = {0xab, 0xcd, 0xef};
    const uint16_t profiles[] = {DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_SRTP_AEAD_AES_128_GCM};
    for (size_t i = 0; i < 2; i++) {
        srtp_pair *p = srtp_pair_new(profiles[i], mki, sizeof(mki));
        CHECK(p != NULL);
        if (!p) continue;
        size_t mki_len = 0;
        dtls13_conn_srtp_mki(p->server, &mki_len);
        CHECK_EQ(mki_len, sizeof(mki));
        dtls13_srtp *c = NULL, *s = NULL;
        CHECK_EQ(dtls13_srtp_new(p->client, &c), 0);
        CHECK_EQ(dtls13_srtp_new(p->server, &s), 0);
        if (c && s) {
            size_t tag = profiles[i] == DTLS13_SRTP_AES128_CM_SHA1_80 ? 10 : 16;
            CHECK_EQ(dtls13_srtp_overhead(c, false), tag + sizeof(mki));
            CHECK_EQ(dtls13_srtp_overhead(c, true), tag + 4 + sizeof(mki));
            rtp_through(t, c, s, 0x77u, 1, 400);
            rtp_through(t, s, c, 0x88u, 1, 400);
            rtcp_through(t, c, s, 0x77u, 1);
            rtcp_through(t, s, c, 0x88u, 1);
            uint8_t buf[BUF_CAP];
            size_t len = make_rtp(buf, sizeof(buf), 0x77u, 2, 0, 400), out = 0, back = 0;
            CHECK_EQ(dtls13_srtp_protect_rtp(c, buf, len, sizeof(buf), &out), 0);
            if (profiles[i] == DTLS13_SRTP_AES128_CM_SHA1_80) {
                /* RFC 3711 3.1: ... encrypted payload | MKI | tag. */
                CHECK_MEM(buf + len, mki, sizeof(mki));
                buf[len] ^= 0xff; /* an MKI the receiver does not know */
                CHECK_EQ(dtls13_srtp_unprotect_rtp(s, buf, out, &back), DTLS13_SRTP_ERR_PACKET);
                dtls13_srtp_stats st;
                dtls13_srtp_get_stats(s, &st);
                CHECK_EQ(st.bad_packets, 1);
            }
        }
        dtls13_srtp_free(c);
        dtls13_srtp_free(s);
        srtp_pair_free(p);
    }
    /* An MKI longer than libsrtp2 supports is rejected cleanly. */
    uint8_t material[60] = {1}, long_mki[DTLS13_SRTP_MAX_MKI_LEN + 1] = {2};
    dtls13_srtp *x = (dtls13_srtp *)&x; /* must be reset to NULL */
    CHECK_EQ(dtls13_srtp_new_from_material(DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_ROLE_CLIENT, material, 60,
                                           long_mki, sizeof(long_mki), &x),
             DTLS13_ERR_INVALID_ARG);
    CHECK(x == NULL);
    CHECK_EQ(dtls13_srtp_new_from_material(DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_ROLE_CLIENT, material, 60,
                                           long_mki, DTLS13_SRTP_MAX_MKI_LEN, &x),
             0);
    CHECK_EQ(dtls13_srtp_overhead(x, false), 10 + DTLS13_SRTP_MAX_MKI_LEN);
    CHECK_EQ(dtls13_srtp_overhead(x, true), DTLS13_SRTP_MAX_OVERHEAD - 6);
    dtls13_srtp_free(x);
}

/* A small deterministic generator for hostile input. */
static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

static void test_hostile_input(d13_test_state *t)
{
    srtp_pair *p = srtp_pair_new(DTLS13_SRTP_AES128_CM_SHA1_80, NULL, 0);
    CHECK(p != NULL);
    if (!p) return;
    dtls13_srtp *c = NULL, *s = NULL;
    CHECK_EQ(dtls13_srtp_new(p->client, &c), 0);
    CHECK_EQ(dtls13_srtp_new(p->server, &s), 0);
    if (c && s) {
        uint32_t rng = 12345;
        unsigned tried = 0;
        for (size_t len = 0; len < 80; len++) {
            for (int round = 0; round < 20; round++) {
                uint8_t *buf = malloc(len ? len : 1); /* exact size: ASan sees overreads */
                if (!buf) continue;
                for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)next_random(&rng);
                if (len > 0 && round % 2 == 0) buf[0] = (uint8_t)(0x80 | (buf[0] & 0x3f));
                size_t back = 0;
                int rc = round % 4 < 2 ? dtls13_srtp_unprotect_rtp(s, buf, len, &back)
                                       : dtls13_srtp_unprotect_rtcp(s, buf, len, &back);
                CHECK(rc == DTLS13_SRTP_ERR_AUTH || rc == DTLS13_SRTP_ERR_PACKET || rc == DTLS13_SRTP_ERR_REPLAY);
                tried++;
                free(buf);
            }
        }
        dtls13_srtp_stats st;
        dtls13_srtp_get_stats(s, &st);
        CHECK_EQ(st.auth_failures + st.bad_packets + st.replays, tried);
        CHECK_EQ(st.rtp_unprotected + st.rtcp_unprotected, 0);
        /* Still works. */
        rtp_through(t, c, s, 0x99u, 1, 100);

        /* Too short to be RTP / RTCP when protecting. */
        uint8_t small[64] = {0x80, 96};
        size_t out = 0;
        CHECK_EQ(dtls13_srtp_protect_rtp(c, small, 11, sizeof(small), &out), DTLS13_SRTP_ERR_PACKET);
        CHECK_EQ(dtls13_srtp_protect_rtcp(c, small, 7, sizeof(small), &out), DTLS13_SRTP_ERR_PACKET);
        /* A header claiming 15 CSRCs in a 20-byte packet. */
        small[0] = 0x8f;
        CHECK_EQ(dtls13_srtp_protect_rtp(c, small, 20, sizeof(small), &out), DTLS13_SRTP_ERR_PACKET);
        /* No room for the trailer. */
        uint8_t pkt[BUF_CAP];
        size_t len = make_rtp(pkt, sizeof(pkt), 0x99u, 2, 0, 100);
        CHECK_EQ(dtls13_srtp_protect_rtp(c, pkt, len, len + 9, &out), DTLS13_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ(dtls13_srtp_protect_rtp(c, pkt, len, len - 1, &out), DTLS13_ERR_BUFFER_TOO_SMALL);
        len = make_rtcp_sr(pkt, sizeof(pkt), 0x99u, 1);
        CHECK_EQ(dtls13_srtp_protect_rtcp(c, pkt, len, len + 13, &out), DTLS13_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ(dtls13_srtp_protect_rtcp(c, pkt, len, len + 14, &out), 0);
    }
    dtls13_srtp_free(c);
    dtls13_srtp_free(s);
    srtp_pair_free(p);
}

static void test_bad_arguments(d13_test_state *t)
{
    dtls13_srtp *s = NULL;
    uint8_t buf[64] = {0};
    size_t out = 0;
    CHECK_EQ(dtls13_srtp_new(NULL, &s), DTLS13_ERR_INVALID_ARG);
    CHECK(s == NULL);
    CHECK_EQ(dtls13_srtp_new(NULL, NULL), DTLS13_ERR_INVALID_ARG);
    uint8_t material[88] = {0};
    CHECK_EQ(dtls13_srtp_new_from_material(5, DTLS13_ROLE_CLIENT, material, 60, NULL, 0, &s), DTLS13_ERR_UNSUPPORTED);
    CHECK_EQ(dtls13_srtp_new_from_material(DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_ROLE_CLIENT, material, 59, NULL,
                                           0, &s),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_new_from_material(DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_ROLE_CLIENT, NULL, 60, NULL, 0,
                                           &s),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_new_from_material(DTLS13_SRTP_AES128_CM_SHA1_80, (dtls13_role)7, material, 60, NULL, 0,
                                           &s),
             DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_new_from_material(DTLS13_SRTP_AES128_CM_SHA1_80, DTLS13_ROLE_CLIENT, material, 60, NULL,
                                           2, &s),
             DTLS13_ERR_INVALID_ARG);
    CHECK(s == NULL);
    CHECK_EQ(dtls13_srtp_protect_rtp(NULL, buf, 20, sizeof(buf), &out), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_unprotect_rtp(NULL, buf, 20, &out), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_protect_rtcp(NULL, buf, 20, sizeof(buf), &out), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_unprotect_rtcp(NULL, buf, 20, &out), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_srtp_rekey(NULL, NULL), DTLS13_ERR_INVALID_ARG);
    dtls13_srtp_free(NULL);

    /* A conn without use_srtp: unsupported. */
    dtls13_config *cc = dtls13_config_new(), *sc = dtls13_config_new();
    CHECK(cc && sc);
    if (cc && sc) {
        CHECK_EQ(dtls13_config_generate_certificate(cc, NULL), 0);
        CHECK_EQ(dtls13_config_generate_certificate(sc, NULL), 0);
        CHECK_EQ(dtls13_config_set_srtp_profiles(cc, NULL, 0, NULL, 0), 0);
        conn_pair *p = conn_pair_new(cc, sc);
        CHECK(p && conn_pair_handshake(p, 10000));
        if (p) {
            CHECK_EQ(dtls13_srtp_new(p->client, &s), DTLS13_ERR_UNSUPPORTED);
            CHECK(s == NULL);
        }
        conn_pair_free(p);
    }
    dtls13_config_free(cc);
    dtls13_config_free(sc);

    CHECK(strcmp(dtls13_srtp_strerror(DTLS13_SRTP_ERR_REPLAY), "SRTP packet replayed or too old") == 0);
    CHECK(strcmp(dtls13_srtp_strerror(DTLS13_ERR_NO_MEMORY), dtls13_strerror(DTLS13_ERR_NO_MEMORY)) == 0);
    CHECK_EQ(dtls13_srtp_library_init(), 0);
    CHECK_EQ(dtls13_srtp_library_init(), 0);
}

/* Each thread creates sessions (the first ones in the process, so they
 * race on the one-time libsrtp2 initialization) and sends packets through. */
static void *session_thread(void *arg)
{
    int *result = arg;
    uint8_t material[56];
    for (size_t i = 0; i < sizeof(material); i++) material[i] = (uint8_t)(i * 3 + 1);
    dtls13_srtp *c = NULL, *s = NULL;
    *result = dtls13_srtp_new_from_material(DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_ROLE_CLIENT, material,
                                            sizeof(material), NULL, 0, &c);
    if (*result == 0)
        *result = dtls13_srtp_new_from_material(DTLS13_SRTP_AEAD_AES_128_GCM, DTLS13_ROLE_SERVER, material,
                                                sizeof(material), NULL, 0, &s);
    for (uint16_t seq = 1; seq <= 50 && *result == 0; seq++) {
        uint8_t buf[BUF_CAP];
        size_t len = make_rtp(buf, sizeof(buf), 42, seq, seq, 600), out = 0, back = 0;
        *result = dtls13_srtp_protect_rtp(c, buf, len, sizeof(buf), &out);
        if (*result == 0) *result = dtls13_srtp_unprotect_rtp(s, buf, out, &back);
        if (*result == 0 && back != len) *result = -1000;
    }
    dtls13_srtp_free(c);
    dtls13_srtp_free(s);
    return NULL;
}

static void test_concurrent_first_use(d13_test_state *t)
{
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    int results[THREADS];
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        results[i] = -999;
        if (pthread_create(&threads[i], NULL, session_thread, &results[i]) == 0) started++;
        else break;
    }
    CHECK_EQ(started, THREADS);
    for (int i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
        CHECK_EQ(results[i], 0);
    }
    CHECK_EQ(dtls13_srtp_library_init(), 0);
}

int main(void)
{
    d13_test_state st = {0, 0};
    /* First: nothing in this process has initialized libsrtp2 yet. */
    RUN_TEST(&st, test_concurrent_first_use);
    RUN_TEST(&st, test_profile_lengths);
    RUN_TEST(&st, test_every_profile_both_ways);
    RUN_TEST(&st, test_key_layout);
    RUN_TEST(&st, test_wrong_key);
    RUN_TEST(&st, test_replay);
    RUN_TEST(&st, test_rekey);
    RUN_TEST(&st, test_mki);
    RUN_TEST(&st, test_hostile_input);
    RUN_TEST(&st, test_bad_arguments);
    TEST_MAIN_END(&st);
}
