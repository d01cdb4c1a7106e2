/* End to end: the loopback call (two ICE + DTLS 1.3 + SRTP endpoints in one
 * process over 127.0.0.1) with assertions on what it measured. Also a
 * mismatching fingerprint, which must fail the handshake. */
#include <string.h>

#include "call_session.h"
#include "dtls13/dtls13.h"
#include "test.h"

static void check_direction(d13_test_state *t, const call_direction *d)
{
    CHECK(d->rtp_sent >= 50);
    CHECK(d->rtp_authenticated * 10 > d->rtp_sent * 9); /* more than 90 % arrived and authenticated */
    CHECK(d->rtp_authenticated <= d->rtp_sent);
    CHECK(d->rtp_datagrams_in >= d->rtp_authenticated);
    CHECK_EQ(d->auth_failures, 0);
    CHECK_EQ(d->replays, 0);
    CHECK_EQ(d->bad_packets, 0);
    CHECK_EQ(d->content_errors, 0);
    CHECK(d->rtcp_sent >= 1);
    CHECK(d->rtcp_authenticated >= 1);
}

/* The call with the default range (negotiates 1.3) or with both ends
 * allowing only DTLS 1.2 (scripts/demo.sh --version 1.2). */
static void run_call(d13_test_state *t, uint16_t only_version)
{
    call_options o;
    call_options_init(&o);
    if (only_version) o.min_version = o.max_version = only_version;
    o.duration_s = 2.0;
    o.timeout_s = 60;
    call_result r;
    int rc = call_run(&o, &r);
    if (rc != 0) fprintf(stderr, "call failed: %s\n", r.error);
    CHECK_EQ(rc, 0);
    CHECK(r.ok);
    CHECK_EQ(r.error[0], '\0');
    CHECK_EQ(r.version, only_version ? only_version : DTLS13_VERSION_DTLS13);
    CHECK(dtls13_cipher_suite_name(r.cipher_suite) != NULL);
    CHECK(dtls13_group_name(r.group) != NULL);
    CHECK(dtls13_srtp_profile_name(r.srtp_profile) != NULL);
    CHECK(r.keys_match); /* both ends exported the same SRTP keys */
    /* Roles: offerer controls ICE and is the DTLS server (answer a=setup:active). */
    CHECK(r.endpoint[0].ice_controlling);
    CHECK(!r.endpoint[1].ice_controlling);
    CHECK_EQ(r.endpoint[0].dtls_role, DTLS13_ROLE_SERVER);
    CHECK_EQ(r.endpoint[1].dtls_role, DTLS13_ROLE_CLIENT);
    for (int i = 0; i < 2; i++) {
        /* Each side verified exactly the certificate the other signalled. */
        CHECK(strcmp(r.endpoint[i].peer_fingerprint, r.endpoint[1 - i].fingerprint) == 0);
        CHECK(strncmp(r.endpoint[i].local_address, "127.0.0.1:", 10) == 0);
        CHECK(strcmp(r.endpoint[i].remote_address, r.endpoint[1 - i].local_address) == 0);
        CHECK(r.endpoint[i].candidates >= 1);
        CHECK(r.endpoint[i].ice_ms > 0);
        CHECK(r.endpoint[i].ice_ms < 15000);
        CHECK(r.endpoint[i].dtls_ms < 15000);
        CHECK_EQ(r.endpoint[i].ice_restarts, 0);
    }
    CHECK(strcmp(r.endpoint[0].fingerprint, r.endpoint[1].fingerprint) != 0);
    CHECK(r.media_s >= 1.9);
    check_direction(t, &r.dir[0]);
    check_direction(t, &r.dir[1]);
}

static void test_call(d13_test_state *t)
{
    run_call(t, 0);
}

static void test_call_dtls12(d13_test_state *t)
{
    run_call(t, DTLS13_VERSION_DTLS12);
}

static void test_ice_restart(d13_test_state *t)
{
    call_options o;
    call_options_init(&o);
    o.duration_s = 3.0;
    o.restart_at_s = 1.0;
    o.timeout_s = 60;
    call_result r;
    int rc = call_run(&o, &r);
    if (rc != 0) fprintf(stderr, "call with ICE restart failed: %s\n", r.error);
    CHECK_EQ(rc, 0);
    CHECK(r.restarted);
    CHECK(r.keys_unchanged); /* same DTLS association, same SRTP keys */
    CHECK(r.restart_ms > 0);
    for (int i = 0; i < 2; i++) CHECK_EQ(r.endpoint[i].ice_restarts, 1);
    for (int d = 0; d < 2; d++) {
        CHECK(r.dir[d].after_restart >= 50); /* 2 s at 50 packets/s, minus the restart itself */
        check_direction(t, &r.dir[d]);
    }
}

/* The offerer expects another certificate: DTLS must fail, no media. */
static void test_wrong_fingerprint(d13_test_state *t)
{
    call_options o;
    call_options_init(&o);
    o.duration_s = 1.0;
    o.timeout_s = 30;
    o.wrong_fingerprint = true;
    call_result r;
    CHECK_EQ(call_run(&o, &r), 1);
    CHECK(!r.ok);
    fprintf(stderr, "expected failure: %s\n", r.error);
    CHECK(strstr(r.error, "bad_certificate") != NULL || strstr(r.error, "fingerprint") != NULL);
    CHECK(strstr(r.error, "timed out") == NULL); /* failed by alert, not by waiting */
    CHECK_EQ(r.dir[0].rtp_sent, 0);
    CHECK_EQ(r.dir[1].rtp_sent, 0);
}

int main(void)
{
    d13_test_state st = {0};
    RUN_TEST(&st, test_call);
    RUN_TEST(&st, test_call_dtls12);
    RUN_TEST(&st, test_ice_restart);
    RUN_TEST(&st, test_wrong_fingerprint);
    TEST_MAIN_END(&st);
}
