#!/usr/bin/env bash
# Installs the Debian 12 packages libdtls13 needs to build and test.
# Idempotent: only missing packages are installed, and `apt-get update`
# runs only when something has to be installed. Works as root, or through
# sudo when run as another user.
set -euo pipefail

PACKAGES=(
    build-essential   # gcc, make, libc headers
    gcc
    clang             # fuzz targets (libFuzzer) and a second compiler
    meson
    ninja-build
    pkg-config
    python3           # CLI tests and build helpers
    openssl           # CLI tests create PEM certificates with it; s_client/s_server are the DTLS 1.2 peers
    gnutls-bin        # gnutls-cli/gnutls-serv: DTLS 1.2 interop peer
    tshark            # Wireshark decrypts our DTLS 1.2 with our key log (tests/interop)
    libssl-dev        # OpenSSL 3 libcrypto (primitives only)
    libnss3-dev       # NSS interop peer
    libnss3-tools
    libnspr4-dev
    libsrtp2-dev      # SRTP media path
    libnice-dev       # ICE transport
    libsoup-3.0-dev   # HTTP for the WHIP example server
    libgstreamer1.0-dev               # GStreamer plugin dtls13 (gst-plugin/)
    libgstreamer-plugins-base1.0-dev
    gstreamer1.0-plugins-base         # gst-check tests: videotestsrc, appsrc/appsink
    gstreamer1.0-plugins-good         # rtpvp8pay/depay, vpx, udpsrc/udpsink
    gstreamer1.0-plugins-bad          # dtlssrtpenc/dec for the DTLS 1.2 comparison
    gstreamer1.0-tools                # gst-launch-1.0, gst-inspect-1.0
    gstreamer1.0-nice                 # nicesrc/nicesink
    chromium          # browser interop test (tests/browser), driven headless
    nodejs            # runs that test; it installs playwright-core with npm
)

say() { printf '[install-deps] %s\n' "$*"; }

is_installed() {
    local status
    status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    say "dpkg-query not found: this script supports Debian 12 (bookworm) only." >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! is_installed "$pkg"; then
        missing+=("$pkg")
    fi
done
# npm: Debian's package, unless an npm is already there (a nodejs build that
# bundles npm conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1 && ! is_installed npm; then
    missing+=(npm)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    say "all ${#PACKAGES[@]} required packages are already installed."
    exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        say "missing packages: ${missing[*]}" >&2
        say "not root and sudo is not available; install them as root." >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
say "missing packages: ${missing[*]}"
say "updating the package index (apt-get update)..."
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "installing ${#missing[@]} package(s)..."
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
say "done."
