/* loopback_call: a DTLS 1.3 (or, with --version 1.2, DTLS 1.2) / SRTP call over ICE between two endpoints in
 * one process, on 127.0.0.1.
 *
 *   loopback_call [--duration SECONDS] [--json] [--restart-at SECONDS] [--version 1.2|1.3]
 *                 [--timeout SECONDS] [--quiet]
 *
 * Both endpoints gather host candidates with libnice, exchange ICE
 * credentials, candidates, certificate fingerprints and a=setup in code
 * (the signalling), run ICE, the DTLS handshake, key SRTP from it and
 * send synthetic RTP (50 packets/s, 1000-byte payloads) and RTCP sender
 * reports both ways. A summary follows; the exit status is 0 only when
 * every step succeeded, at least 90 % of the RTP arrived each way, no
 * packet failed authentication and every byte arrived intact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_session.h"

static void usage(FILE *f)
{
    fputs("usage: loopback_call [--duration SECONDS] [--json] [--restart-at SECONDS]\n"
          "                     [--timeout SECONDS] [--version 1.2|1.3] [--quiet]\n"
          "  --duration S     media phase length (default 5)\n"
          "  --json           print the summary as JSON on stdout\n"
          "  --restart-at S   restart ICE S seconds into the media (keys must survive)\n"
          "  --timeout S      hard limit for the whole call (default duration + 30)\n"
          "  --version V      both endpoints allow only DTLS V (default: 1.2..1.3,\n"
          "                   which negotiates 1.3)\n"
          "  --quiet          no progress lines on stderr\n",
          f);
}

static bool parse_seconds(const char *s, double max, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (!end || *end != '\0' || !(v >= 0.0) || v > max) return false;
    *out = v;
    return true;
}

static const char *name_or(const char *name, const char *fallback)
{
    return name ? name : fallback;
}

static const char *role_name(dtls13_role role)
{
    return role == DTLS13_ROLE_CLIENT ? "client" : "server";
}

static void print_text(const call_options *o, const call_result *r)
{
    printf("loopback call: %s\n", r->ok ? "OK" : "FAILED");
    if (!r->ok) printf("  error          %s\n", r->error);
    printf("  DTLS           %s, %s, group %s, peer signature %s%s\n", name_or(dtls13_version_name(r->version), "-"),
           name_or(dtls13_cipher_suite_name(r->cipher_suite), "-"), name_or(dtls13_group_name(r->group), "-"),
           name_or(dtls13_signature_scheme_name(r->signature_scheme), "-"),
           r->hello_retry ? ", after a HelloRetryRequest" : "");
    printf("  SRTP profile   %s (keys %s on both ends)\n", name_or(dtls13_srtp_profile_name(r->srtp_profile), "-"),
           r->keys_match ? "identical" : "NOT identical");
    for (int i = 0; i < 2; i++) {
        const call_endpoint_info *e = &r->endpoint[i];
        printf("  %-9s      ICE %s, a=setup:%s (DTLS %s), %zu candidate%s, pair %s -> %s\n", e->name ? e->name : "?",
               e->ice_controlling ? "controlling" : "controlled", e->setup ? e->setup : "?",
               role_name(e->dtls_role), e->candidates, e->candidates == 1 ? "" : "s",
               e->local_address[0] ? e->local_address : "-", e->remote_address[0] ? e->remote_address : "-");
        printf("                 fingerprint %s\n", e->fingerprint);
    }
    const call_endpoint_info *a = &r->endpoint[0], *b = &r->endpoint[1];
    printf("  set-up         gathering %llu/%llu ms, ICE %llu/%llu ms, DTLS %llu/%llu ms "
           "(offerer/answerer), %llu retransmissions;\n                 %llu ms in all from key generation to SRTP keyed\n",
           (unsigned long long)a->gathering_ms, (unsigned long long)b->gathering_ms, (unsigned long long)a->ice_ms,
           (unsigned long long)b->ice_ms, (unsigned long long)a->dtls_ms, (unsigned long long)b->dtls_ms,
           (unsigned long long)(a->dtls_retransmissions + b->dtls_retransmissions),
           (unsigned long long)r->setup_ms);
    printf("  media          %.1f s of synthetic RTP, %u packets/s each way, %zu-byte payloads, RTCP SR every second\n",
           r->media_s, o->packets_per_second, o->payload_len);
    printf("  %-19s %8s %9s %14s %7s %8s %10s\n", "direction", "RTP sent", "received", "authenticated", "failed",
           "damaged", "RTCP s/r");
    static const char *const names[2] = {"offerer->answerer", "answerer->offerer"};
    for (int d = 0; d < 2; d++) {
        const call_direction *x = &r->dir[d];
        char rtcp[48];
        snprintf(rtcp, sizeof(rtcp), "%llu/%llu", (unsigned long long)x->rtcp_sent,
                 (unsigned long long)x->rtcp_authenticated);
        printf("  %-19s %8llu %9llu %14llu %7llu %8llu %10s\n", names[d], (unsigned long long)x->rtp_sent,
               (unsigned long long)x->rtp_datagrams_in, (unsigned long long)x->rtp_authenticated,
               (unsigned long long)(x->auth_failures + x->replays + x->bad_packets),
               (unsigned long long)x->content_errors, rtcp);
    }
    if (o->restart_at_s >= 0)
        printf("  ICE restart    %s at %.1f s: ready again in %llu ms, SRTP keys %s, %llu/%llu packets after it\n",
               r->restarted ? "done" : "not done", o->restart_at_s, (unsigned long long)r->restart_ms,
               r->keys_unchanged ? "unchanged" : "CHANGED", (unsigned long long)r->dir[0].after_restart,
               (unsigned long long)r->dir[1].after_restart);
}

/* Prints s as a JSON string (our strings hold no control characters but
 * quotes and backslashes are escaped anyway). */
static void json_string(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') putchar('\\');
        if ((unsigned char)*s >= 0x20) putchar(*s);
    }
    putchar('"');
}

static void print_json(const call_options *o, const call_result *r)
{
    printf("{\"ok\": %s, \"error\": ", r->ok ? "true" : "false");
    json_string(r->error);
    printf(", \"version\": ");
    json_string(name_or(dtls13_version_name(r->version), ""));
    printf(", \"cipher_suite\": ");
    json_string(name_or(dtls13_cipher_suite_name(r->cipher_suite), ""));
    printf(", \"group\": ");
    json_string(name_or(dtls13_group_name(r->group), ""));
    printf(", \"srtp_profile\": ");
    json_string(name_or(dtls13_srtp_profile_name(r->srtp_profile), ""));
    printf(", \"hello_retry\": %s, \"keys_match\": %s, \"setup_ms\": %llu, \"media_s\": %.3f",
           r->hello_retry ? "true" : "false", r->keys_match ? "true" : "false", (unsigned long long)r->setup_ms,
           r->media_s);
    printf(", \"endpoints\": [");
    for (int i = 0; i < 2; i++) {
        const call_endpoint_info *e = &r->endpoint[i];
        printf("%s{\"name\": ", i ? ", " : "");
        json_string(e->name);
        printf(", \"ice_controlling\": %s, \"setup\": ", e->ice_controlling ? "true" : "false");
        json_string(e->setup);
        printf(", \"dtls_role\": ");
        json_string(role_name(e->dtls_role));
        printf(", \"fingerprint\": ");
        json_string(e->fingerprint);
        printf(", \"local\": ");
        json_string(e->local_address);
        printf(", \"remote\": ");
        json_string(e->remote_address);
        printf(", \"candidates\": %zu, \"gathering_ms\": %llu, \"ice_ms\": %llu, \"dtls_ms\": %llu, "
               "\"dtls_retransmissions\": %llu, \"ice_restarts\": %llu}",
               e->candidates, (unsigned long long)e->gathering_ms, (unsigned long long)e->ice_ms,
               (unsigned long long)e->dtls_ms, (unsigned long long)e->dtls_retransmissions,
               (unsigned long long)e->ice_restarts);
    }
    printf("], \"directions\": [");
    static const char *const names[2] = {"offerer->answerer", "answerer->offerer"};
    for (int d = 0; d < 2; d++) {
        const call_direction *x = &r->dir[d];
        printf("%s{\"name\": ", d ? ", " : "");
        json_string(names[d]);
        printf(", \"rtp_sent\": %llu, \"rtcp_sent\": %llu, \"send_failures\": %llu, \"rtp_received\": %llu, "
               "\"rtcp_received\": %llu, \"rtp_authenticated\": %llu, \"rtcp_authenticated\": %llu, "
               "\"auth_failures\": %llu, \"replays\": %llu, \"bad_packets\": %llu, \"content_errors\": %llu, "
               "\"after_restart\": %llu}",
               (unsigned long long)x->rtp_sent, (unsigned long long)x->rtcp_sent,
               (unsigned long long)x->send_failures, (unsigned long long)x->rtp_datagrams_in,
               (unsigned long long)x->rtcp_datagrams_in, (unsigned long long)x->rtp_authenticated,
               (unsigned long long)x->rtcp_authenticated, (unsigned long long)x->auth_failures,
               (unsigned long long)x->replays, (unsigned long long)x->bad_packets,
               (unsigned long long)x->content_errors, (unsigned long long)x->after_restart);
    }
    printf("]");
    if (o->restart_at_s >= 0)
        printf(", \"ice_restart\": {\"done\": %s, \"ready_ms\": %llu, \"keys_unchanged\": %s}",
               r->restarted ? "true" : "false", (unsigned long long)r->restart_ms,
               r->keys_unchanged ? "true" : "false");
    printf("}\n");
}

int main(int argc, char **argv)
{
    call_options o;
    call_options_init(&o);
    o.progress = true;
    bool json = false;
    double timeout = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--duration") == 0 && has_value) {
            if (!parse_seconds(argv[++i], 3600, &o.duration_s) || o.duration_s <= 0) {
                fprintf(stderr, "loopback_call: bad --duration %s\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--restart-at") == 0 && has_value) {
            if (!parse_seconds(argv[++i], 3600, &o.restart_at_s)) {
                fprintf(stderr, "loopback_call: bad --restart-at %s\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--timeout") == 0 && has_value) {
            if (!parse_seconds(argv[++i], 7200, &timeout) || timeout < 1) {
                fprintf(stderr, "loopback_call: bad --timeout %s\n", argv[i]);
                return 2;
            }
            o.timeout_s = (unsigned)timeout;
        } else if (strcmp(a, "--version") == 0 && has_value) {
            const char *v = argv[++i];
            if (strcmp(v, "1.2") == 0) {
                o.min_version = o.max_version = DTLS13_VERSION_DTLS12;
            } else if (strcmp(v, "1.3") == 0) {
                o.min_version = o.max_version = DTLS13_VERSION_DTLS13;
            } else {
                fprintf(stderr, "loopback_call: bad --version %s (1.2 or 1.3)\n", v);
                return 2;
            }
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--quiet") == 0) {
            o.progress = false;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (o.restart_at_s >= 0 && o.restart_at_s >= o.duration_s) {
        fprintf(stderr, "loopback_call: --restart-at must be less than --duration\n");
        return 2;
    }
    call_result r;
    int rc = call_run(&o, &r);
    if (json)
        print_json(&o, &r);
    else
        print_text(&o, &r);
    return rc;
}
