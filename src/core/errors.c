/* Error descriptions and the library version string. */
#include "dtls13/dtls13.h"

#ifndef DTLS13_VERSION_STRING
#error "DTLS13_VERSION_STRING must be defined by the build (meson project version)"
#endif

const char *dtls13_strerror(int err)
{
    switch ((dtls13_err)err) {
    case DTLS13_OK: return "success";
    case DTLS13_ERR_INVALID_ARG: return "invalid argument";
    case DTLS13_ERR_NO_MEMORY: return "out of memory";
    case DTLS13_ERR_CRYPTO: return "cryptographic library error";
    case DTLS13_ERR_BUFFER_TOO_SMALL: return "buffer too small";
    case DTLS13_ERR_WOULD_BLOCK: return "operation would block (no data yet or handshake not done)";
    case DTLS13_ERR_BAD_STATE: return "operation not allowed in the current state";
    case DTLS13_ERR_HANDSHAKE_FAILED: return "handshake failed";
    case DTLS13_ERR_CLOSED: return "connection closed";
    case DTLS13_ERR_DECODE: return "malformed input";
    case DTLS13_ERR_CERTIFICATE: return "certificate error";
    case DTLS13_ERR_IO: return "file could not be read";
    case DTLS13_ERR_UNSUPPORTED: return "unsupported algorithm or feature";
    case DTLS13_ERR_PEER_ALERT: return "peer sent a fatal alert";
    case DTLS13_ERR_SEND: return "send callback failed";
    }
    return "unknown error";
}

const char *dtls13_version_string(void)
{
    return DTLS13_VERSION_STRING;
}
