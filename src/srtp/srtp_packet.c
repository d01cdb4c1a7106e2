/* Per-packet SRTP/SRTCP protection in the caller's buffer, with counters.
 * libsrtp2 parses the packets; this file only checks sizes. */
#include <limits.h>

#include "dtls13/errors.h"
#include "srtp/srtp_internal.h"

/* Checks the arguments of a protect call and the room for the trailer. */
static int check_protect_args(const dtls13_srtp *s, const uint8_t *packet, size_t len, size_t cap,
                              const size_t *out_len, uint32_t overhead)
{
    if (!s || !packet || !out_len) return DTLS13_ERR_INVALID_ARG;
    if (len > (size_t)INT_MAX - overhead) return DTLS13_ERR_INVALID_ARG;
    if (cap < len || cap - len < overhead) return DTLS13_ERR_BUFFER_TOO_SMALL;
    return 0;
}

/* Maps a libsrtp2 protect failure to our result and counts it. */
static int protect_failure(dtls13_srtp *s, srtp_err_status_t st)
{
    s->stats.protect_failures++;
    if (st == srtp_err_status_replay_fail || st == srtp_err_status_replay_old) return DTLS13_SRTP_ERR_REPLAY;
    if (st == srtp_err_status_alloc_fail) return DTLS13_ERR_NO_MEMORY;
    return DTLS13_SRTP_ERR_PACKET;
}

/* Maps a libsrtp2 unprotect failure to our result and counts it. */
static int unprotect_failure(dtls13_srtp *s, srtp_err_status_t st)
{
    switch (st) {
    case srtp_err_status_auth_fail:
        s->stats.auth_failures++;
        return DTLS13_SRTP_ERR_AUTH;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
        s->stats.replays++;
        return DTLS13_SRTP_ERR_REPLAY;
    default:
        s->stats.bad_packets++;
        return DTLS13_SRTP_ERR_PACKET;
    }
}

int dtls13_srtp_protect_rtp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t cap, size_t *out_len)
{
    int rc = check_protect_args(srtp, packet, len, cap, out_len, srtp ? srtp->rtp_overhead : 0);
    if (rc != 0) return rc;
    int n = (int)len;
    srtp_err_status_t st = srtp_protect_mki(srtp->outbound, packet, &n, srtp->use_mki, 0);
    if (st != srtp_err_status_ok) return protect_failure(srtp, st);
    srtp->stats.rtp_protected++;
    srtp->stats.bytes_protected += len;
    *out_len = (size_t)n;
    return 0;
}

int dtls13_srtp_protect_rtcp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t cap, size_t *out_len)
{
    int rc = check_protect_args(srtp, packet, len, cap, out_len, srtp ? srtp->rtcp_overhead : 0);
    if (rc != 0) return rc;
    int n = (int)len;
    srtp_err_status_t st = srtp_protect_rtcp_mki(srtp->outbound, packet, &n, srtp->use_mki, 0);
    if (st != srtp_err_status_ok) return protect_failure(srtp, st);
    srtp->stats.rtcp_protected++;
    srtp->stats.bytes_protected += len;
    *out_len = (size_t)n;
    return 0;
}

int dtls13_srtp_unprotect_rtp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t *out_len)
{
    if (!srtp || !packet || !out_len || len > INT_MAX) return DTLS13_ERR_INVALID_ARG;
    int n = (int)len;
    srtp_err_status_t st = srtp_unprotect_mki(srtp->inbound, packet, &n, srtp->use_mki);
    if (st != srtp_err_status_ok) return unprotect_failure(srtp, st);
    srtp->stats.rtp_unprotected++;
    srtp->stats.bytes_unprotected += (uint64_t)n;
    *out_len = (size_t)n;
    return 0;
}

int dtls13_srtp_unprotect_rtcp(dtls13_srtp *srtp, uint8_t *packet, size_t len, size_t *out_len)
{
    if (!srtp || !packet || !out_len || len > INT_MAX) return DTLS13_ERR_INVALID_ARG;
    int n = (int)len;
    srtp_err_status_t st = srtp_unprotect_rtcp_mki(srtp->inbound, packet, &n, srtp->use_mki);
    if (st != srtp_err_status_ok) return unprotect_failure(srtp, st);
    srtp->stats.rtcp_unprotected++;
    srtp->stats.bytes_unprotected += (uint64_t)n;
    *out_len = (size_t)n;
    return 0;
}
