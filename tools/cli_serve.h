/* The dtls13 server on the multi-association endpoint: many clients at
 * once on one UDP socket. */
#ifndef DTLS13_CLI_SERVE_H
#define DTLS13_CLI_SERVE_H

#include "cli_options.h"
#include "cli_report.h"
#include "dtls13/dtls13.h"

/** Serves clients on o->address until SIGINT/SIGTERM (signal_fd) or, with
 *  --once, until the first association ends. Each association reports
 *  its events as a single-association server would; on exit a "stats"
 *  event gives the endpoint's counters. Returns the process exit status
 *  (0, 1 on failure, EXIT_INTERRUPTED-style 130 when interrupted). */
int cli_serve_run(const cli_options *o, const cli_report *r, dtls13_config *cfg, int signal_fd);

#endif
