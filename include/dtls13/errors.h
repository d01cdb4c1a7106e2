/* libdtls13 - error codes.
 *
 * Every fallible public function returns 0 (or a non-negative count) on
 * success and a negative dtls13_err on failure. */
#ifndef DTLS13_ERRORS_H
#define DTLS13_ERRORS_H

#ifdef __cplusplus
extern "C" {
#endif

/** Negative error codes returned by the public API. */
typedef enum dtls13_err {
    DTLS13_OK = 0,
    DTLS13_ERR_INVALID_ARG = -1,      /**< a NULL pointer, a bad size or an unknown name */
    DTLS13_ERR_NO_MEMORY = -2,        /**< an allocation failed */
    DTLS13_ERR_CRYPTO = -3,           /**< libcrypto reported an error */
    DTLS13_ERR_BUFFER_TOO_SMALL = -4, /**< the caller's output buffer is too small */
    DTLS13_ERR_WOULD_BLOCK = -5,      /**< nothing to read yet / handshake not done */
    DTLS13_ERR_BAD_STATE = -6,        /**< the call is not allowed in the current state */
    DTLS13_ERR_HANDSHAKE_FAILED = -7, /**< the handshake failed; see dtls13_conn_alert() */
    DTLS13_ERR_CLOSED = -8,           /**< the peer sent close_notify or the conn was closed */
    DTLS13_ERR_DECODE = -9,           /**< malformed input */
    DTLS13_ERR_CERTIFICATE = -10,     /**< a certificate could not be generated, loaded or verified */
    DTLS13_ERR_IO = -11,              /**< a file could not be read */
    DTLS13_ERR_UNSUPPORTED = -12,     /**< an algorithm or feature this build does not implement */
    DTLS13_ERR_PEER_ALERT = -13,      /**< the peer sent a fatal alert */
    DTLS13_ERR_SEND = -14,            /**< the send callback reported failure */
} dtls13_err;

/** Returns a static, human readable description of an error code
 *  (never NULL; unknown codes give "unknown error"). */
const char *dtls13_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
