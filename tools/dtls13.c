/* dtls13: DTLS 1.3 (and 1.2) server and client over UDP, like openssl s_server /
 * s_client, driving the sans-IO engine with poll(). See cli_print_usage(). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli_cookie.h"
#include "cli_options.h"
#include "cli_report.h"
#include "cli_session.h"
#ifdef CLI_HAVE_ENDPOINT
#include "cli_serve.h"
#endif
#include "cli_udp.h"
#include "dtls13/dtls13.h"

/** Exit status for bad command-line arguments. */
#define EXIT_USAGE 2
/** Exit status when SIGINT/SIGTERM stopped the tool. */
#define EXIT_INTERRUPTED 130

/* TLS content type of a DTLSPlaintext handshake record (a ClientHello). */
#define CONTENT_TYPE_HANDSHAKE 22

/* Key log callback: appends one line to the key log file. */
static void write_keylog_line(void *user, const char *line)
{
    FILE *f = user;
    fprintf(f, "%s\n", line);
    fflush(f);
}

/* Diagnostic log callback (--verbose): one log event per engine line. */
static void write_log_line(void *user, dtls13_log_level level, const char *message)
{
    cli_report_log(user, level, message);
}

/* Reports a failed configuration step; returns false. */
static bool config_failed(const cli_report *r, const char *what, int rc)
{
    char reason[256];
    snprintf(reason, sizeof reason, "%s: %s", what, dtls13_strerror(rc));
    cli_report_error(r, NULL, reason);
    return false;
}

/* Applies --min-version/--max-version over the library's default range. */
static bool configure_versions(dtls13_config *cfg, const cli_options *o, const cli_report *r)
{
    uint16_t min_version = 0, max_version = 0;
    dtls13_config_get_version_range(cfg, &min_version, &max_version);
    cli_version_range(o, &min_version, &max_version);
    int rc = dtls13_config_set_version_range(cfg, min_version, max_version);
    if (rc == 0) return true;
    char reason[256];
    if (min_version == max_version) {
        snprintf(reason, sizeof reason, "cannot use DTLS %s only (--min-version/--max-version): %s%s",
                 cli_version_text(min_version), dtls13_strerror(rc),
                 rc == DTLS13_ERR_UNSUPPORTED ? "; this build of libdtls13 does not negotiate it" : "");
    } else {
        snprintf(reason, sizeof reason,
                 "cannot use versions DTLS %s to %s (--min-version/--max-version): %s%s",
                 cli_version_text(min_version), cli_version_text(max_version), dtls13_strerror(rc),
                 rc == DTLS13_ERR_UNSUPPORTED ? "; this build of libdtls13 does not negotiate that range" : "");
    }
    cli_report_error(r, NULL, reason);
    return false;
}

/* Applies the options to cfg. */
static bool configure(dtls13_config *cfg, const cli_options *o, const cli_report *r, FILE *keylog)
{
    int rc;
    if (o->cert_path != NULL) {
        rc = dtls13_config_load_pem(cfg, o->cert_path, o->key_path);
        if (rc < 0) {
            char what[300];
            snprintf(what, sizeof what, "cannot load certificate '%s' / key '%s'", o->cert_path, o->key_path);
            return config_failed(r, what, rc);
        }
    } else {
        rc = dtls13_config_generate_certificate(cfg, NULL);
        if (rc < 0) return config_failed(r, "cannot generate a certificate", rc);
    }
    if (o->cipher_count > 0 && (rc = dtls13_config_set_cipher_suites(cfg, o->ciphers, o->cipher_count)) < 0)
        return config_failed(r, "cannot use --ciphers", rc);
    if (o->group_count > 0 && (rc = dtls13_config_set_groups(cfg, o->groups, o->group_count)) < 0)
        return config_failed(r, "cannot use --groups", rc);
    if (o->sigalg_count > 0 &&
        (rc = dtls13_config_set_signature_schemes(cfg, o->sigalgs, o->sigalg_count)) < 0)
        return config_failed(r, "cannot use --sigalgs", rc);
    if (o->srtp_set && (rc = dtls13_config_set_srtp_profiles(cfg, o->srtp, o->srtp_count, NULL, 0)) < 0)
        return config_failed(r, "cannot use --srtp", rc);
    if (o->mtu != 0 && (rc = dtls13_config_set_mtu(cfg, o->mtu)) < 0)
        return config_failed(r, "cannot use --mtu", rc);
    if (o->initial_timeout_ms != 0 &&
        (rc = dtls13_config_set_initial_timeout_ms(cfg, o->initial_timeout_ms)) < 0)
        return config_failed(r, "cannot use --initial-timeout-ms", rc);
    if (o->mode == CLI_MODE_SERVER &&
        (rc = dtls13_config_set_require_client_auth(cfg, !o->no_client_auth)) < 0)
        return config_failed(r, "cannot set client authentication", rc);
    if ((o->min_version != 0 || o->max_version != 0) && !configure_versions(cfg, o, r)) return false;
    if (o->draft43 && (rc = dtls13_config_set_accept_draft43(cfg, true)) < 0)
        return config_failed(r, "cannot use --draft43", rc);
    if (keylog != NULL && (rc = dtls13_config_set_keylog_callback(cfg, write_keylog_line, keylog)) < 0)
        return config_failed(r, "cannot install the key log", rc);
    if (o->verbose && (rc = dtls13_config_set_log_callback(cfg, write_log_line, (void *)r)) < 0)
        return config_failed(r, "cannot install the log callback", rc);
    return true;
}

/* Blocks SIGINT and SIGTERM and returns a descriptor that becomes
 * readable when one arrives (-1 when that is not possible). */
static int open_signal_fd(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0) sigprocmask(SIG_UNBLOCK, &set, NULL);
    return fd;
}

#ifndef CLI_HAVE_ENDPOINT
/* Waits for ClientHellos and runs one association at a time. With
 * --cookie always, each datagram from a peer without a connection first
 * goes through the stateless listener (kept for the server's lifetime):
 * only a ClientHello echoing a valid cookie starts an association. */
static int run_server(const cli_options *o, const cli_report *r, dtls13_config *cfg, int signal_fd)
{
    char err[300];
    int fd = cli_udp_listen(o->address, err, sizeof err);
    if (fd < 0) {
        cli_report_error(r, NULL, err);
        return EXIT_FAILURE;
    }
    uint8_t *buf = malloc(CLI_MAX_DATAGRAM);
    if (buf == NULL) {
        close(fd);
        cli_report_error(r, NULL, "out of memory");
        return EXIT_FAILURE;
    }
    cli_cookie_gate gate;
    bool use_cookie = o->cookie == CLI_COOKIE_ALWAYS;
    if (use_cookie && !cli_cookie_gate_init(&gate, cfg, fd, r, o->verbose)) {
        free(buf);
        close(fd);
        return EXIT_FAILURE;
    }
    cli_report_listening(r, o->address, cli_udp_local_port(fd));

    int status = EXIT_SUCCESS;
    for (;;) {
        struct pollfd fds[2] = {{.fd = fd, .events = POLLIN}, {.fd = signal_fd, .events = POLLIN}};
        int ready = poll(fds, signal_fd >= 0 ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            snprintf(err, sizeof err, "poll failed: %s", strerror(errno));
            cli_report_error(r, NULL, err);
            status = EXIT_FAILURE;
            break;
        }
        if (signal_fd >= 0 && (fds[1].revents & POLLIN)) {
            status = EXIT_INTERRUPTED;
            break;
        }
        struct sockaddr_storage peer;
        socklen_t peer_len = sizeof peer;
        ssize_t n = recvfrom(fd, buf, CLI_MAX_DATAGRAM, MSG_DONTWAIT, (struct sockaddr *)&peer, &peer_len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNREFUSED) continue;
            snprintf(err, sizeof err, "receiving from the socket failed: %s", strerror(errno));
            cli_report_error(r, NULL, err);
            status = EXIT_FAILURE;
            break;
        }
        /* Only a plaintext handshake record (a ClientHello) starts an
         * association; stray records of an old one are ignored. */
        if (n == 0 || buf[0] != CONTENT_TYPE_HANDSHAKE) continue;

        unsigned char peer_key[CLI_ADDR_KEY_LEN];
        size_t peer_key_len = cli_udp_address_key(&peer, peer_len, peer_key);
        if (use_cookie) {
            if (peer_key_len == 0) continue;
            if (cli_cookie_gate_admit(&gate, buf, (size_t)n, &peer, peer_len, peer_key, peer_key_len,
                                      cli_now_ms()) != CLI_COOKIE_ACCEPTED)
                continue;
        }

        char peer_text[CLI_ADDR_TEXT_LEN];
        cli_udp_format((const struct sockaddr *)&peer, peer_len, peer_text);
        cli_report_association(r, "server", peer_text);
        cli_session_params params = {
            .opts = o, .report = r, .cfg = cfg, .fd = fd, .peer = &peer, .peer_len = peer_len,
            .signal_fd = signal_fd, .stdin_fd = -1,
            .listener = use_cookie ? gate.listener : NULL, .peer_key = peer_key, .peer_key_len = peer_key_len,
        };
        cli_session_result result = cli_session_run(&params, buf, (size_t)n);
        if (result == CLI_SESSION_INTERRUPTED) {
            status = EXIT_INTERRUPTED;
            break;
        }
        if (o->once) {
            status = result == CLI_SESSION_OK ? EXIT_SUCCESS : EXIT_FAILURE;
            break;
        }
    }
    if (use_cookie) cli_cookie_gate_free(&gate);
    free(buf);
    close(fd);
    return status;
}

#endif

/* Connects, runs one association and returns the exit status. */
static int run_client(const cli_options *o, const cli_report *r, dtls13_config *cfg, int signal_fd)
{
    char err[300];
    int fd = cli_udp_connect(o->address, err, sizeof err);
    if (fd < 0) {
        cli_report_error(r, NULL, err);
        return EXIT_FAILURE;
    }
    cli_report_association(r, "client", o->address);
    cli_session_params params = {
        .opts = o, .report = r, .cfg = cfg, .fd = fd, .peer = NULL, .peer_len = 0,
        .signal_fd = signal_fd, .stdin_fd = o->send_text == NULL ? STDIN_FILENO : -1,
    };
    cli_session_result result = cli_session_run(&params, NULL, 0);
    close(fd);
    if (result == CLI_SESSION_INTERRUPTED) return EXIT_INTERRUPTED;
    return result == CLI_SESSION_OK ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Opens the key log named by --keylog or $SSLKEYLOGFILE, if any. */
static bool open_keylog(const cli_options *o, const cli_report *r, FILE **out)
{
    const char *path = o->keylog_path;
    if (path == NULL) {
        const char *env = getenv("SSLKEYLOGFILE");
        if (env != NULL && env[0] != '\0') path = env;
    }
    *out = NULL;
    if (path == NULL) return true;
    *out = fopen(path, "a");
    if (*out == NULL) {
        char reason[400];
        snprintf(reason, sizeof reason, "cannot open key log file '%s': %s", path, strerror(errno));
        cli_report_error(r, NULL, reason);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    cli_options opts;
    char err[300];
    cli_parse_result parsed = cli_parse_options(argc, argv, &opts, err, sizeof err);
    if (parsed == CLI_PARSE_HELP) {
        cli_print_usage(stdout);
        return EXIT_SUCCESS;
    }
    if (parsed == CLI_PARSE_VERSION) {
        printf("dtls13 (libdtls13 %s)\n", dtls13_version_string());
        return EXIT_SUCCESS;
    }
    if (parsed != CLI_PARSE_OK) {
        fprintf(stderr, "dtls13: %s\n\n", err);
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    cli_report report = {.json = opts.json, .out = stdout, .err = stderr};

    FILE *keylog = NULL;
    if (!open_keylog(&opts, &report, &keylog)) return EXIT_FAILURE;
    dtls13_config *cfg = dtls13_config_new();
    if (cfg == NULL) {
        cli_report_error(&report, NULL, "out of memory");
        if (keylog != NULL) fclose(keylog);
        return EXIT_FAILURE;
    }
    int status = EXIT_FAILURE;
    if (configure(cfg, &opts, &report, keylog)) {
        char fingerprint[200];
        int rc = dtls13_config_fingerprint(cfg, DTLS13_HASH_SHA256, fingerprint, sizeof fingerprint);
        if (rc < 0) {
            config_failed(&report, "cannot compute the local fingerprint", rc);
        } else {
            cli_report_fingerprint(&report, fingerprint);
            int signal_fd = open_signal_fd();
#ifdef CLI_HAVE_ENDPOINT
            status = opts.mode == CLI_MODE_SERVER ? cli_serve_run(&opts, &report, cfg, signal_fd)
                                                  : run_client(&opts, &report, cfg, signal_fd);
#else
            status = opts.mode == CLI_MODE_SERVER ? run_server(&opts, &report, cfg, signal_fd)
                                                  : run_client(&opts, &report, cfg, signal_fd);
#endif
            if (signal_fd >= 0) close(signal_fd);
        }
    }
    dtls13_config_free(cfg);
    if (keylog != NULL) fclose(keylog);
    return status;
}
