#!/usr/bin/env bash
# Loopback handshake demo of the dtls13 tool: builds libdtls13 and the dtls13 tool (after
# installing the Debian packages it needs), then runs a dtls13 server and
# client over 127.0.0.1 with --json. The client checks the server's
# certificate fingerprint, both sides authenticate each other, one message
# is echoed, and both print the negotiated parameters and the exported
# DTLS-SRTP keying material, which must be equal. Exits non-zero on failure.
#
# Environment: D13_BUILD_DIR overrides the build directory (default build/);
# SSLKEYLOGFILE, when set, receives the session secrets for Wireshark.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${D13_BUILD_DIR:-$ROOT/build}
TIMEOUT_S=30

# shellcheck source=scripts/lib/build.sh
source "$ROOT/scripts/lib/build.sh"
d13_install_and_build
DTLS13="$BUILD_DIR/tools/dtls13"

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

say "starting the server on 127.0.0.1 (free port, generated certificate)"
timeout "$TIMEOUT_S" "$DTLS13" server --listen 127.0.0.1:0 --json --once --echo >"$WORK/server.json" 2>"$WORK/server.err" &
SERVER_PID=$!

port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' "$WORK/server.json")
    [[ -n "$port" ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.1
done
if [[ -z "$port" ]]; then
    echo "the server did not start:" >&2
    cat "$WORK/server.json" "$WORK/server.err" >&2
    exit 1
fi
fingerprint=$(sed -n 's/.*"event":"fingerprint","fingerprint":"\([^"]*\)".*/\1/p' "$WORK/server.json")

say "running the client against port $port, expecting fingerprint $fingerprint"
client_rc=0
timeout "$TIMEOUT_S" "$DTLS13" client --connect "127.0.0.1:$port" --json --peer-fingerprint "$fingerprint" \
    --send "hello over DTLS 1.3" </dev/null >"$WORK/client.json" 2>"$WORK/client.err" || client_rc=$?
server_rc=0
wait "$SERVER_PID" || server_rc=$?
SERVER_PID=

echo
echo "--- server (exit $server_rc) ---"
cat "$WORK/server.json" "$WORK/server.err"
echo "--- client (exit $client_rc) ---"
cat "$WORK/client.json" "$WORK/client.err"
echo

python3 - "$WORK/server.json" "$WORK/client.json" "$server_rc" "$client_rc" <<'PY'
import json, sys

def events(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out

server, client = events(sys.argv[1]), events(sys.argv[2])
server_rc, client_rc = int(sys.argv[3]), int(sys.argv[4])
sh = next((e for e in server if e["event"] == "handshake"), None)
ch = next((e for e in client if e["event"] == "handshake"), None)
echo = next((e for e in client if e["event"] == "data"), None)
problems = []
if server_rc != 0 or client_rc != 0:
    problems.append("exit status server=%d client=%d" % (server_rc, client_rc))
if sh is None or ch is None:
    problems.append("handshake not completed on both sides")
elif not ch.get("exported") or ch.get("exported") != sh.get("exported"):
    problems.append("exported keying material differs")
if echo is None:
    problems.append("no echo received")
if problems:
    print("DEMO FAILED: " + "; ".join(problems))
    sys.exit(1)
print("negotiated: %s, %s, %s, SRTP profile %s, handshake %d ms (client)" % (
    ch["version"], ch["cipher"], ch["group"], ch["srtp_profile"], ch["handshake_ms"]))
print("server fingerprint: %s" % ch["peer_fingerprint"])
print("client fingerprint: %s" % sh["peer_fingerprint"])
print("exported %s (%d bytes), equal on both ends:\n  %s" % (
    ch["export_label"], len(ch["exported"]) // 2, ch["exported"]))
print("echoed: %r" % echo["text"])
print("DEMO OK")
PY
