/* libdtls13 - DTLS 1.3 (RFC 9147) for DTLS-SRTP. Umbrella header. */
#ifndef DTLS13_DTLS13_H
#define DTLS13_DTLS13_H

#include "dtls13/constants.h"
#include "dtls13/errors.h"
#include "dtls13/config.h"
#include "dtls13/conn.h"
#include "dtls13/listen.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Library version string, e.g. "0.1.0". */
const char *dtls13_version_string(void);

#ifdef __cplusplus
}
#endif
#endif
