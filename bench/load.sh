#!/usr/bin/env bash
# The endpoint's load figures (README, "Embedding in a media server"):
# starts `dtls13 server --echo --cookie under-load` on 127.0.0.1, makes
# --count associations with dtls13-load (at most --concurrency handshakes
# in flight, every one held open until all are established, --data bytes
# echoed each, spread over --sources loopback source addresses), stops
# the server and prints handshakes/s, the handshake latency percentiles,
# the server's CPU time and its heap per association (from the server's
# stats event: heap growth at its peak over the associations then held).
#
# The defaults are the README's run: 10,000 associations, 500 in flight,
# 100 bytes, 16 sources. A measurement, not a test: it exits 1 only when
# the run itself went wrong (an association failed, a tool's output is
# missing), never for a figure.
#
# Usage: bench/load.sh [--count N] [--concurrency N] [--data BYTES]
#                      [--sources N] [--max-version 1.2|1.3]
#                      [--cookie always|never|under-load] [--time-limit S]
#                      [--quiet]
# Environment: DTLS13, DTLS13_LOAD (the tools; default: build/tools/, or
# $D13_BENCH_BUILD_DIR/tools/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback_server.sh
source "$ROOT/bench/loopback_server.sh"

count=10000
concurrency=500
data=100
sources=16
cookie=under-load
time_limit=900
version_args=()
quiet_args=()

usage() { sed -n '/^# Usage:/,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
    case $1 in
    --count) count=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --sources) sources=$2; shift 2 ;;
    --max-version) version_args=(--max-version "$2"); shift 2 ;;
    --cookie) cookie=$2; shift 2 ;;
    --time-limit) time_limit=$2; shift 2 ;;
    --quiet) quiet_args=(--quiet); shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "load.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

check_tools
server_start --echo --cookie "$cookie" "${version_args[@]}"
echo "load: $count associations against dtls13 server --echo --cookie $cookie (127.0.0.1:$SERVER_PORT)," \
     "$concurrency in flight, held open, $data bytes echoed each, $sources source addresses"
load_status=0
bounded "$time_limit" "$DTLS13_LOAD" --connect "127.0.0.1:$SERVER_PORT" --count "$count" \
    --concurrency "$concurrency" --hold --data "$data" --sources "$sources" "${version_args[@]}" \
    "${quiet_args[@]}" --json >"$WORK_DIR/load.json" || load_status=$?
server_stop

python3 - "$WORK_DIR/load.json" "$SERVER_OUT" "$count" "$load_status" <<'EOF'
import json, sys

def last_event(path, event):
    found = None
    with open(path) as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if o.get("event") == event:
                found = o
    if found is None:
        sys.exit("load.sh: no %s event in %s" % (event, path))
    return found

load_path, server_path, count, load_status = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ld = last_event(load_path, "load")
st = last_event(server_path, "stats")
ms = lambda us: us / 1000.0
print("client: %d established, %d failed, %d closed; %d retransmissions" %
      (ld["established"], ld["failed"], ld["closed"], ld["retransmissions"]))
for k in sorted(k for k in ld if k.startswith("failed:")):
    print("client: %s %d" % (k, ld[k]))
print("handshakes/s: %d (%d in %.2f s)" % (ld["handshakes_per_s"], ld["established"], ld["duration_ms"] / 1000.0))
print("handshake latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms" %
      (ms(ld["p50_us"]), ms(ld["p95_us"]), ms(ld["p99_us"]), ms(ld["max_us"])))
done = st["handshakes_completed"]
print("server: %d handshakes completed (%d DTLS 1.3, %d DTLS 1.2), %d failed; cookies %d sent, %d verified; "
      "peak %d associations" % (done, st["handshakes_dtls13"], st["handshakes_dtls12"], st["handshakes_failed"],
                                st["cookies_sent"], st["cookies_verified"], st["associations_peak"]))
print("server CPU: %d ms in all, %.0f us per handshake" % (st["cpu_ms"], 1000.0 * st["cpu_ms"] / max(done, 1)))
held = st["associations_at_heap_peak"]
grown = st["heap_peak_bytes"] - st["heap_base_bytes"]
print("server heap: %.1f KB per association (%.1f MB above the %.1f MB base with %d associations held)" %
      (grown / 1024.0 / max(held, 1), grown / 1048576.0, st["heap_base_bytes"] / 1048576.0, held))
ok = (load_status == 0 and ld["established"] == count and ld["failed"] == 0 and done == count
      and st["handshakes_failed"] == 0)
if not ok:
    sys.exit("load.sh: the run failed (dtls13-load exit %d)" % load_status)
EOF
