/* The signalling plumbing of dtls13_transport: a=setup helpers, local
 * credentials and candidates (loopback included), remote credentials with
 * restart detection, remote candidate parsing, fingerprints and the
 * states before any peer exists. No connectivity is needed. */
#include <string.h>

#include "dtls13/dtls13.h"
#include "dtls13/transport.h"
#include "test.h"

typedef struct watcher {
    int candidates;
    int gathering_done;
} watcher;

static void on_event(void *user, dtls13_transport *tr, const dtls13_transport_event *ev)
{
    (void)tr;
    watcher *w = user;
    if (ev->type == DTLS13_TRANSPORT_EVENT_LOCAL_CANDIDATE) w->candidates++;
    if (ev->type == DTLS13_TRANSPORT_EVENT_GATHERING_DONE) w->gathering_done++;
}

static dtls13_config *make_config(void)
{
    dtls13_config *cfg = dtls13_config_new();
    if (cfg && dtls13_config_generate_certificate(cfg, "plumbing") < 0) {
        dtls13_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static dtls13_transport *make_transport(GMainContext *ctx, dtls13_config *cfg, watcher *w)
{
    dtls13_transport_options o;
    dtls13_transport_options_init(&o);
    o.on_event = on_event;
    o.event_user = w;
    return dtls13_transport_new(ctx, cfg, &o);
}

/* Iterates ctx until gathering is done or 5 s pass. */
static bool wait_gathered(GMainContext *ctx, dtls13_transport *tr)
{
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (!dtls13_transport_gathering_done(tr) && g_get_monotonic_time() < end)
        if (!g_main_context_iteration(ctx, FALSE)) g_usleep(1000);
    return dtls13_transport_gathering_done(tr);
}

static bool all_ice_chars(const char *s)
{
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '+' && *s != '/') return false;
    return true;
}

static void test_setup_helpers(d13_test_state *t)
{
    dtls13_role role = (dtls13_role)7;
    CHECK_EQ(dtls13_transport_role_from_setup("active", &role), 0);
    CHECK_EQ(role, DTLS13_ROLE_CLIENT);
    CHECK_EQ(dtls13_transport_role_from_setup("PASSIVE", &role), 0);
    CHECK_EQ(role, DTLS13_ROLE_SERVER);
    CHECK_EQ(dtls13_transport_role_from_setup("actpass", &role), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_role_from_setup("holdconn", &role), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_role_from_setup("", &role), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_role_from_setup(NULL, &role), DTLS13_ERR_INVALID_ARG);
    CHECK(strcmp(dtls13_transport_answer_setup("actpass"), "active") == 0);
    CHECK(strcmp(dtls13_transport_answer_setup("active"), "passive") == 0);
    CHECK(strcmp(dtls13_transport_answer_setup("passive"), "active") == 0);
    CHECK(dtls13_transport_answer_setup("holdconn") == NULL);
    CHECK(dtls13_transport_answer_setup(NULL) == NULL);
    CHECK(strcmp(dtls13_transport_state_name(DTLS13_TRANSPORT_SECURE), "secure") == 0);
    CHECK(strcmp(dtls13_transport_state_name((dtls13_transport_state)99), "unknown") == 0);
}

static void test_bad_creation(d13_test_state *t)
{
    dtls13_transport_options o;
    dtls13_transport_options_init(&o);
    CHECK(!o.ice_controlling);
    CHECK_EQ(o.dtls_role, DTLS13_ROLE_SERVER);
    CHECK(o.consent_freshness);
    CHECK(dtls13_transport_new(NULL, NULL, &o) == NULL);
    dtls13_config *cfg = make_config();
    CHECK(cfg != NULL);
    CHECK(dtls13_transport_new(NULL, cfg, NULL) == NULL);
    o.dtls_role = (dtls13_role)5;
    CHECK(dtls13_transport_new(NULL, cfg, &o) == NULL);
    dtls13_config_free(cfg);
    dtls13_transport_free(NULL);
}

static void test_local_side(d13_test_state *t)
{
    GMainContext *ctx = g_main_context_new();
    dtls13_config *cfg = make_config();
    watcher w = {0};
    dtls13_transport *tr = make_transport(ctx, cfg, &w);
    CHECK(tr != NULL);
    if (!tr) goto out;
    CHECK_EQ(dtls13_transport_get_state(tr), DTLS13_TRANSPORT_NEW);
    CHECK(dtls13_transport_failure_reason(tr) == NULL);
    CHECK(dtls13_transport_conn(tr) != NULL);
    CHECK(dtls13_transport_srtp(tr) == NULL);

    const char *ufrag = NULL, *pwd = NULL;
    CHECK_EQ(dtls13_transport_local_credentials(tr, &ufrag, &pwd), 0);
    CHECK(ufrag && strlen(ufrag) >= 4 && all_ice_chars(ufrag));
    CHECK(pwd && strlen(pwd) >= 22 && all_ice_chars(pwd));

    CHECK_EQ(dtls13_transport_add_local_address(tr, "not an address"), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_add_local_address(tr, NULL), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_add_local_address(tr, "127.0.0.1"), 0);
    CHECK_EQ(dtls13_transport_restart_ice(tr), DTLS13_ERR_BAD_STATE); /* nothing gathered yet */

    size_t n = 99;
    const char *const *lines = dtls13_transport_local_candidates(tr, &n);
    CHECK_EQ(n, 0);
    CHECK(lines && lines[0] == NULL);

    CHECK_EQ(dtls13_transport_gather(tr), 0);
    CHECK_EQ(dtls13_transport_gather(tr), DTLS13_ERR_BAD_STATE);
    CHECK_EQ(dtls13_transport_add_local_address(tr, "127.0.0.1"), DTLS13_ERR_BAD_STATE);
    CHECK(wait_gathered(ctx, tr));
    CHECK_EQ(w.gathering_done, 1);
    lines = dtls13_transport_local_candidates(tr, &n);
    CHECK(n >= 1);
    CHECK_EQ((long long)n, w.candidates);
    for (size_t i = 0; i < n; i++) {
        CHECK(strncmp(lines[i], "a=candidate:", 12) == 0);
        CHECK(strstr(lines[i], " 127.0.0.1 ") != NULL);
        CHECK(strstr(lines[i], "typ host") != NULL);
        CHECK(strstr(lines[i], " UDP ") != NULL);
    }
    CHECK(lines[n] == NULL);

    /* Media cannot flow before DTLS is done. */
    uint8_t rtp[20] = {0x80, 96};
    CHECK_EQ(dtls13_transport_send_rtp(tr, rtp, sizeof(rtp)), DTLS13_ERR_WOULD_BLOCK);
    CHECK_EQ(dtls13_transport_send_rtcp(tr, rtp, sizeof(rtp)), DTLS13_ERR_WOULD_BLOCK);
    CHECK_EQ(dtls13_transport_send_rtp(tr, NULL, 10), DTLS13_ERR_INVALID_ARG);
    static uint8_t huge[DTLS13_TRANSPORT_MAX_PACKET + 1];
    CHECK_EQ(dtls13_transport_send_rtp(tr, huge, sizeof(huge)), DTLS13_ERR_INVALID_ARG);
    char l[64], r[64];
    CHECK_EQ(dtls13_transport_selected_pair(tr, l, sizeof(l), r, sizeof(r)), DTLS13_ERR_BAD_STATE);
out:
    dtls13_transport_free(tr);
    dtls13_config_free(cfg);
    g_main_context_unref(ctx);
}

/* With no address chosen, loopback is gathered too (libnice alone skips it). */
static void test_default_addresses_include_loopback(d13_test_state *t)
{
    GMainContext *ctx = g_main_context_new();
    dtls13_config *cfg = make_config();
    watcher w = {0};
    dtls13_transport *tr = make_transport(ctx, cfg, &w);
    CHECK(tr != NULL);
    if (tr) {
        CHECK_EQ(dtls13_transport_gather(tr), 0);
        CHECK(wait_gathered(ctx, tr));
        size_t n = 0;
        const char *const *lines = dtls13_transport_local_candidates(tr, &n);
        bool loopback = false;
        for (size_t i = 0; i < n; i++) loopback |= strstr(lines[i], " 127.0.0.1 ") != NULL;
        CHECK(loopback);
    }
    dtls13_transport_free(tr);
    dtls13_config_free(cfg);
    g_main_context_unref(ctx);
}

static void test_remote_side(d13_test_state *t)
{
    GMainContext *ctx = g_main_context_new();
    dtls13_config *cfg = make_config();
    watcher w = {0};
    dtls13_transport *tr = make_transport(ctx, cfg, &w);
    CHECK(tr != NULL);
    if (!tr) goto out;
    CHECK_EQ(dtls13_transport_add_local_address(tr, "127.0.0.1"), 0);
    CHECK_EQ(dtls13_transport_gather(tr), 0);
    CHECK(wait_gathered(ctx, tr));

    /* Credentials: RFC 8839 lengths and ice-chars. */
    const char *pwd22 = "abcdefghijklmnopqrstuv";
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "abc", pwd22), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "ab!d", pwd22), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "abcd", "abcdefghijklmnopqrstu"), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "abcd", "abcdefghijklmnopqrstu "), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, NULL, pwd22), DTLS13_ERR_INVALID_ARG);
    char long_ufrag[258];
    memset(long_ufrag, 'a', 257);
    long_ufrag[257] = '\0';
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, long_ufrag, pwd22), DTLS13_ERR_INVALID_ARG);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "ab+/", pwd22), 0);
    CHECK_EQ(dtls13_transport_get_state(tr), DTLS13_TRANSPORT_CHECKING);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "ab+/", pwd22), 0); /* same again: no restart */

    /* A new remote ufrag means the peer restarted ICE: we restart too. */
    char old_ufrag[300], old_pwd[300];
    const char *u = NULL, *p = NULL;
    dtls13_transport_local_credentials(tr, &u, &p);
    g_strlcpy(old_ufrag, u, sizeof(old_ufrag));
    g_strlcpy(old_pwd, p, sizeof(old_pwd));
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "wxyz", pwd22), 1);
    dtls13_transport_local_credentials(tr, &u, &p);
    CHECK(strcmp(u, old_ufrag) != 0);
    CHECK(strcmp(p, old_pwd) != 0);
    dtls13_transport_stats st;
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.ice_restarts, 1);
    /* After our own restart, the peer's new credentials are the answer. */
    CHECK_EQ(dtls13_transport_restart_ice(tr), 0);
    CHECK_EQ(dtls13_transport_set_remote_credentials(tr, "qrst", pwd22), 0);
    dtls13_transport_get_stats(tr, &st);
    CHECK_EQ(st.ice_restarts, 2);
    size_t n = 0;
    dtls13_transport_local_candidates(tr, &n);
    CHECK(n >= 1); /* local candidates survive restarts */

    /* Candidates. */
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, "candidate:1 1 UDP 2015363327 127.0.0.1 40000 typ host"), 1);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, "a=candidate:2 1 UDP 2015363326 127.0.0.1 40002 typ host\r\n"),
             1);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, "candidate:3 2 UDP 2015363327 127.0.0.1 40001 typ host"), 0);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, "candidate:garbage"), DTLS13_ERR_DECODE);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, "a=ice-ufrag:abcd"), DTLS13_ERR_DECODE);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, ""), DTLS13_ERR_DECODE);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, "candidate:1 1 UDP 1 999.1.1.1 40000 typ host"),
             DTLS13_ERR_DECODE);
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, NULL), DTLS13_ERR_INVALID_ARG);
    char huge[2000];
    memset(huge, 'x', sizeof(huge) - 1);
    memcpy(huge, "candidate:", 10);
    huge[sizeof(huge) - 1] = '\0';
    CHECK_EQ(dtls13_transport_add_remote_candidate(tr, huge), DTLS13_ERR_DECODE);

    /* Fingerprints go to the engine, which validates them. */
    char fp[128];
    CHECK_EQ(dtls13_config_fingerprint(cfg, DTLS13_HASH_SHA256, fp, sizeof(fp)), 0);
    CHECK_EQ(dtls13_transport_set_remote_fingerprint(tr, fp), 0);
    CHECK(dtls13_transport_set_remote_fingerprint(tr, "sha-256 nonsense") < 0);
    CHECK_EQ(dtls13_transport_set_remote_fingerprint(tr, NULL), DTLS13_ERR_INVALID_ARG);

    /* An explicit RTT seeds the engine's timer. */
    CHECK_EQ(dtls13_transport_set_rtt_estimate(tr, 100), 0);
    dtls13_stats ds;
    dtls13_conn_stats(dtls13_transport_conn(tr), &ds);
    CHECK_EQ(ds.retransmit_timeout_ms, 150);
out:
    dtls13_transport_free(tr);
    dtls13_config_free(cfg);
    g_main_context_unref(ctx);
}

int main(void)
{
    d13_test_state st = {0};
    RUN_TEST(&st, test_setup_helpers);
    RUN_TEST(&st, test_bad_creation);
    RUN_TEST(&st, test_local_side);
    RUN_TEST(&st, test_default_addresses_include_loopback);
    RUN_TEST(&st, test_remote_side);
    TEST_MAIN_END(&st);
}
