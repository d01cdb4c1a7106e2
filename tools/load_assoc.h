/* dtls13-load's association driver: many client dtls13_conn's, one UDP
 * socket each (so the server tells them apart by source address and port),
 * multiplexed with epoll on one thread. */
#ifndef DTLS13_LOAD_ASSOC_H
#define DTLS13_LOAD_ASSOC_H

#include <stdbool.h>

#include "dtls13/dtls13.h"
#include "load_options.h"
#include "load_stats.h"

/** Monotonic clock in microseconds. */
uint64_t load_now_us(void);

/** Raises the open-file limit so that `wanted` sockets fit (up to the hard
 *  limit); returns the soft limit now in force. */
unsigned long load_raise_fd_limit(unsigned long wanted);

/** Runs o->count associations against o->connect (o->concurrency
 *  handshakes at once, o->rate per second, o->data_bytes echoed, o->hold)
 *  with client config cfg, recording into st (initialised by the caller).
 *  Progress lines go to stderr unless quiet. Returns false (with a message
 *  in err) when the run could not start: bad address, no sockets. */
bool load_run_associations(const load_options *o, dtls13_config *cfg, load_stats *st, bool quiet, char *err,
                           size_t err_len);

#endif
