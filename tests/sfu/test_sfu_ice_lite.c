/* The SFU's ICE-lite responder (examples/sfu_ice_lite.c) against libnice's
 * full ICE agent: a controlling NiceAgent with our ufrag/pwd as remote
 * credentials and our UDP socket as its only remote candidate reaches
 * READY through our answers, and nominates (USE-CANDIDATE) the pair; a
 * request with the wrong password gets a 401 error response and no peer,
 * one for an unknown ufrag too, and garbage, responses and truncated
 * requests are ignored. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <agent.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stun/usages/ice.h>

#include "sfu_ice_lite.h"
#include "test.h"

typedef struct lite_side {
    int fd;
    sfu_ice_credentials creds;
    int peer_token; /* what the lookup returns for our ufrag */
    unsigned answered, rejected, ignored, nominations;
    uint8_t last_reply[SFU_ICE_REPLY_CAP];
    size_t last_reply_len;
} lite_side;

static void *lookup(void *user, const char *ufrag, size_t len, const sfu_ice_credentials **creds)
{
    lite_side *s = user;
    if (len != strlen(s->creds.ufrag) || memcmp(ufrag, s->creds.ufrag, len) != 0) return NULL;
    *creds = &s->creds;
    return &s->peer_token;
}

static void handle(lite_side *s, const uint8_t *d, size_t len, const struct sockaddr_storage *src, socklen_t src_len)
{
    sfu_ice_result r;
    sfu_ice_lite_handle(d, len, src, src_len, lookup, s, s->last_reply, &r);
    s->last_reply_len = r.reply_len;
    if (r.verdict == SFU_ICE_ANSWERED) {
        s->answered++;
        if (r.use_candidate) s->nominations++;
    } else if (r.verdict == SFU_ICE_REJECTED) {
        s->rejected++;
    } else {
        s->ignored++;
    }
    if (r.reply_len) sendto(s->fd, s->last_reply, r.reply_len, 0, (const struct sockaddr *)src, src_len);
}

static gboolean on_lite_readable(gint fd, GIOCondition cond, gpointer user)
{
    (void)cond;
    lite_side *s = user;
    uint8_t buf[2048];
    struct sockaddr_storage src;
    socklen_t src_len = sizeof(src);
    ssize_t n;
    while ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &src_len)) > 0) {
        handle(s, buf, (size_t)n, &src, src_len);
        src_len = sizeof(src);
    }
    return G_SOURCE_CONTINUE;
}

typedef struct full_side {
    NiceAgent *agent;
    guint stream;
    bool gathered, ready, failed;
} full_side;

static void on_gathering_done(NiceAgent *agent, guint stream, gpointer user)
{
    (void)agent;
    (void)stream;
    ((full_side *)user)->gathered = true;
}

static void on_state(NiceAgent *agent, guint stream, guint component, guint state, gpointer user)
{
    (void)agent;
    (void)stream;
    (void)component;
    full_side *f = user;
    if (state == NICE_COMPONENT_STATE_READY) f->ready = true;
    if (state == NICE_COMPONENT_STATE_FAILED) f->failed = true;
}

static void on_recv(NiceAgent *agent, guint stream, guint component, guint len, gchar *buf, gpointer user)
{
    (void)agent;
    (void)stream;
    (void)component;
    (void)len;
    (void)buf;
    (void)user;
}

static void run_until(GMainContext *ctx, bool *flag, unsigned ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (!*flag && g_get_monotonic_time() < end) g_main_context_iteration(ctx, FALSE), g_usleep(1000);
}

static void test_against_libnice(d13_test_state *t)
{
    GMainContext *ctx = g_main_context_new();
    lite_side s;
    memset(&s, 0, sizeof(s));
    CHECK(sfu_ice_credentials_generate(&s.creds));
    CHECK_EQ(strlen(s.creds.ufrag), 8);
    CHECK_EQ(strlen(s.creds.pwd), 24);
    s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in me = {.sin_family = AF_INET, .sin_addr = {htonl(INADDR_LOOPBACK)}};
    socklen_t me_len = sizeof(me);
    CHECK(bind(s.fd, (struct sockaddr *)&me, sizeof(me)) == 0);
    CHECK(getsockname(s.fd, (struct sockaddr *)&me, &me_len) == 0);
    GSource *src = g_unix_fd_source_new(s.fd, G_IO_IN);
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))on_lite_readable, &s, NULL);
    g_source_attach(src, ctx);

    full_side f = {0};
    f.agent = nice_agent_new_full(ctx, NICE_COMPATIBILITY_RFC5245, NICE_AGENT_OPTION_ICE_TRICKLE);
    g_object_set(f.agent, "controlling-mode", TRUE, "upnp", FALSE, NULL);
    NiceAddress local;
    nice_address_init(&local);
    nice_address_set_from_string(&local, "127.0.0.1");
    nice_agent_add_local_address(f.agent, &local);
    g_signal_connect(f.agent, "candidate-gathering-done", G_CALLBACK(on_gathering_done), &f);
    g_signal_connect(f.agent, "component-state-changed", G_CALLBACK(on_state), &f);
    f.stream = nice_agent_add_stream(f.agent, 1);
    nice_agent_attach_recv(f.agent, f.stream, 1, ctx, on_recv, &f);
    CHECK(nice_agent_gather_candidates(f.agent, f.stream));
    run_until(ctx, &f.gathered, 5000);
    CHECK(f.gathered);
    CHECK(nice_agent_set_remote_credentials(f.agent, f.stream, s.creds.ufrag, s.creds.pwd));
    NiceCandidate *c = nice_candidate_new(NICE_CANDIDATE_TYPE_HOST);
    c->component_id = 1;
    c->stream_id = f.stream;
    c->transport = NICE_CANDIDATE_TRANSPORT_UDP;
    c->priority = 2130706431u;
    g_strlcpy(c->foundation, "1", sizeof(c->foundation));
    nice_address_set_from_string(&c->addr, "127.0.0.1");
    nice_address_set_port(&c->addr, ntohs(me.sin_port));
    GSList *list = g_slist_append(NULL, c);
    CHECK_EQ(nice_agent_set_remote_candidates(f.agent, f.stream, 1, list), 1);
    g_slist_free_full(list, (GDestroyNotify)nice_candidate_free);
    nice_agent_peer_candidate_gathering_done(f.agent, f.stream);
    run_until(ctx, &f.ready, 10000);
    CHECK(f.ready);
    CHECK(!f.failed);
    CHECK(s.answered >= 1);
    /* The controlling agent nominates the pair it uses. */
    bool nominated = s.nominations > 0;
    run_until(ctx, &nominated, 3000);
    CHECK(s.nominations >= 1);
    CHECK_EQ(s.rejected, 0);

    g_object_unref(f.agent);
    g_source_destroy(src);
    g_source_unref(src);
    close(s.fd);
    while (g_main_context_iteration(ctx, FALSE)) {
    }
    g_main_context_unref(ctx);
}

/* A request built by libnice's STUN library (the same the full agent
 * uses), with the credentials given. */
static size_t make_request(uint8_t *buf, size_t cap, const char *username, const char *pwd)
{
    static const uint16_t known[] = {STUN_ATTRIBUTE_USERNAME, STUN_ATTRIBUTE_MESSAGE_INTEGRITY,
                                     STUN_ATTRIBUTE_PRIORITY, STUN_ATTRIBUTE_ICE_CONTROLLING, 0};
    StunAgent agent;
    stun_agent_init(&agent, known, STUN_COMPATIBILITY_RFC5389,
                    STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS | STUN_AGENT_USAGE_USE_FINGERPRINT);
    StunMessage msg;
    return stun_usage_ice_conncheck_create(&agent, &msg, buf, cap, (const uint8_t *)username, strlen(username),
                                           (const uint8_t *)pwd, strlen(pwd), false, true, 1000u, 42u, NULL,
                                           STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
}

static void test_refusals(d13_test_state *t)
{
    lite_side s;
    memset(&s, 0, sizeof(s));
    s.fd = -1;
    CHECK(sfu_ice_credentials_generate(&s.creds));
    struct sockaddr_storage from;
    memset(&from, 0, sizeof(from));
    struct sockaddr_in *in = (struct sockaddr_in *)&from;
    in->sin_family = AF_INET;
    in->sin_port = htons(40000);
    in->sin_addr.s_addr = htonl(0x7f000001u);
    uint8_t req[512];
    char username[80];
    snprintf(username, sizeof(username), "%s:remote", s.creds.ufrag);

    size_t n = make_request(req, sizeof(req), username, s.creds.pwd);
    CHECK(n > 20);
    handle(&s, req, n, &from, sizeof(struct sockaddr_in));
    CHECK_EQ(s.answered, 1);
    CHECK(s.last_reply_len > 20 && s.last_reply[0] == 0x01 && s.last_reply[1] == 0x01); /* Binding success */

    n = make_request(req, sizeof(req), username, "wrong-password-wrong-pw");
    handle(&s, req, n, &from, sizeof(struct sockaddr_in));
    CHECK_EQ(s.rejected, 1);
    CHECK(s.last_reply_len > 20 && s.last_reply[0] == 0x01 && s.last_reply[1] == 0x11); /* Binding error */

    n = make_request(req, sizeof(req), "nosuchufrag:remote", s.creds.pwd);
    handle(&s, req, n, &from, sizeof(struct sockaddr_in));
    CHECK_EQ(s.rejected, 2);
    CHECK_EQ(s.answered, 1);

    /* Garbage, every truncation of a good request, and a flipped byte. */
    static const uint8_t garbage[] = {0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3};
    handle(&s, garbage, sizeof(garbage), &from, sizeof(struct sockaddr_in));
    n = make_request(req, sizeof(req), username, s.creds.pwd);
    unsigned answered = s.answered;
    for (size_t cut = 0; cut < n; cut++) handle(&s, req, cut, &from, sizeof(struct sockaddr_in));
    CHECK_EQ(s.answered, answered);
    req[n - 12] ^= 0x01; /* inside MESSAGE-INTEGRITY or FINGERPRINT */
    handle(&s, req, n, &from, sizeof(struct sockaddr_in));
    CHECK_EQ(s.answered, answered);
    CHECK(s.ignored >= n);
}

int main(void)
{
    d13_test_state st = {0, 0};
    RUN_TEST(&st, test_refusals);
    RUN_TEST(&st, test_against_libnice);
    TEST_MAIN_END(&st);
}
