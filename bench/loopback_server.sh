# shellcheck shell=bash
# Sourced by bench/load.sh and bench/flood.sh: finds the tools, runs one
# `dtls13 server --json` on 127.0.0.1 (an ephemeral port) for the length
# of the script, and stops it so that it prints its "stats" event.
#
# Needs: ROOT (the source tree). Reads DTLS13 and DTLS13_LOAD (the tools'
# paths; default: D13_BENCH_BUILD_DIR/tools or build/tools/). Provides
# server_start, server_stop, json_event and bounded (a command under a
# time limit); the server is also stopped when the script exits.

BUILD_DIR=${D13_BENCH_BUILD_DIR:-$ROOT/build}
DTLS13=${DTLS13:-$BUILD_DIR/tools/dtls13}
DTLS13_LOAD=${DTLS13_LOAD:-$BUILD_DIR/tools/dtls13-load}
SERVER_PID=
SERVER_PORT=
SERVER_OUT=
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dtls13-bench.XXXXXX")

cleanup_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK_DIR"
}
trap cleanup_server EXIT

check_tools() {
    local t
    for t in "$DTLS13" "$DTLS13_LOAD"; do
        [[ -x "$t" ]] || { echo "$(basename "$0"): $t not found: build first, or set DTLS13 and DTLS13_LOAD" >&2; exit 2; }
    done
    command -v python3 >/dev/null || { echo "$(basename "$0"): python3 is needed to read the JSON" >&2; exit 2; }
}

# server_start ARGS...: the server with ARGS, its JSON lines in $SERVER_OUT;
# returns once it listens (SERVER_PORT set), fails after 20 s.
server_start() {
    SERVER_OUT=$WORK_DIR/server.json
    "$DTLS13" server --listen 127.0.0.1:0 --json "$@" >"$SERVER_OUT" 2>"$WORK_DIR/server.err" &
    SERVER_PID=$!
    local waited=0
    while [[ -z "$SERVER_PORT" ]]; do
        SERVER_PORT=$(json_event "$SERVER_OUT" listening port 2>/dev/null || true)
        [[ -n "$SERVER_PORT" ]] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null || ((waited >= 200)); then
            echo "$(basename "$0"): the server did not start: $(cat "$WORK_DIR/server.err")" >&2
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# server_stop: SIGTERM (the server prints its stats event and exits);
# SIGKILL after 20 s.
server_stop() {
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$SERVER_PID" 2>/dev/null && ((waited < 200)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# json_event FILE EVENT FIELD: the FIELD of the last {"event":EVENT} line
# in FILE; fails when there is none.
json_event() {
    python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
path, event, field = sys.argv[1:4]
value = None
with open(path) as f:
    for line in f:
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("event") == event and field in o:
            value = o[field]
if value is None:
    sys.exit(1)
print(value)
EOF
}

# bounded SECONDS COMMAND...: COMMAND, killed when it runs longer.
bounded() {
    local limit=$1
    shift
    timeout --kill-after=10 "$limit" "$@"
}
