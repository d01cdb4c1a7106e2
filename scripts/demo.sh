#!/usr/bin/env bash
# The main job: a loopback call. Installs the Debian packages the build
# needs, builds libdtls13, then runs examples/loopback_call: two endpoints
# in one process exchange ICE credentials, candidates and certificate
# fingerprints, establish ICE over 127.0.0.1 with libnice, complete a
# DTLS 1.3 handshake, send SRTP-protected RTP both ways for a few seconds
# and print a summary (version, cipher suite, group, SRTP profile, both
# fingerprints, ICE and DTLS set-up times, packets sent / received /
# authenticated / failed in each direction). Exits non-zero if any step fails.
#
# Arguments are passed to loopback_call (e.g. --duration 10, --json,
# --version 1.2 for the same call over DTLS 1.2).
# Environment: D13_BUILD_DIR overrides the build directory (default build/);
# SSLKEYLOGFILE, when set, receives the session secrets for Wireshark.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${D13_BUILD_DIR:-$ROOT/build}

# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"
d13_install_and_build

CALL="$BUILD_DIR/examples/loopback_call"
if [[ ! -x "$CALL" ]]; then
    echo "examples/loopback_call was not built: libnice, glib or libsrtp2 development files are missing" >&2
    exit 1
fi
VERSION=1.3
ARGS=("$@")
for ((i = 0; i < ${#ARGS[@]}; i++)); do
    if [[ ${ARGS[i]} == --version && $((i + 1)) -lt ${#ARGS[@]} ]]; then VERSION=${ARGS[i + 1]}; fi
done
say "running the loopback call (ICE over 127.0.0.1, DTLS $VERSION, SRTP media both ways)"
if [[ $# -eq 0 ]]; then set -- --duration 5; fi
exec "$CALL" "$@"
