/* OpenSSL libssl doing the DTLS 1.2 handshake of bench_handshake
 * --version 1.2 (the baseline of issue 11). Plain C: no OpenSSL type
 * leaks out of baseline_libssl12.c. */
#ifndef D13_BASELINE_LIBSSL12_H
#define D13_BASELINE_LIBSSL12_H

/** Runs n full DTLS 1.2 mutual-auth handshakes with libssl, both ends in
 *  this process on one thread, and returns handshakes per second (the
 *  setup of certificates and contexts is not timed). Returns a negative
 *  value when a handshake fails or n <= 0. */
double libssl12_handshakes_per_second(int n);

/** "OpenSSL 3.0.x ..." of the libssl in use. */
const char *libssl12_version(void);

#endif
