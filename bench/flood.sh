#!/usr/bin/env bash
# The endpoint's flood figures (README, "Embedding in a media server"):
# starts `dtls13 server --cookie under-load` on 127.0.0.1 and has
# dtls13-load send --flood first ClientHellos, each from its own loopback
# source address (127.1.x.y, nothing leaves loopback), never answering the
# replies, while one real client times its handshake before and during the
# flood (--probe). Prints the HelloRetryRequests (HelloVerifyRequests for
# --max-version 1.2) sent back, the largest reply against its ClientHello
# (the 3x anti-amplification limit), the real client's handshake times,
# and the state the server gave unvalidated clients (from its stats event:
# associations created other than the probes', their peak, the endpoint's
# state bytes and the heap growth).
#
# The defaults are the README's run: 100,000 ClientHellos as fast as they
# go, cookies under load. A measurement, not a test: it exits 1 only when
# the run itself went wrong (a probe failed, a tool's output is missing).
#
# Usage: bench/flood.sh [--flood N] [--rate N] [--max-version 1.2|1.3]
#                       [--cookie always|never|under-load] [--time-limit S]
#                       [--quiet]
# Environment: DTLS13, DTLS13_LOAD (the tools; default: build/tools/, or
# $D13_BENCH_BUILD_DIR/tools/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/loopback_server.sh
source "$ROOT/bench/loopback_server.sh"

flood=100000
cookie=under-load
time_limit=900
rate_args=()
version_args=()
quiet_args=()

usage() { sed -n '/^# Usage:/,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

while (($#)); do
    case $1 in
    --flood) flood=$2; shift 2 ;;
    --rate) rate_args=(--flood-rate "$2"); shift 2 ;;
    --max-version) version_args=(--max-version "$2"); shift 2 ;;
    --cookie) cookie=$2; shift 2 ;;
    --time-limit) time_limit=$2; shift 2 ;;
    --quiet) quiet_args=(--quiet); shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "flood.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

check_tools
server_start --cookie "$cookie" "${version_args[@]}"
echo "flood: $flood ClientHellos from distinct 127.1.x.y sources against dtls13 server --cookie $cookie" \
     "(127.0.0.1:$SERVER_PORT), a real client timed before and during"
load_status=0
bounded "$time_limit" "$DTLS13_LOAD" --connect "127.0.0.1:$SERVER_PORT" --flood "$flood" --probe \
    "${rate_args[@]}" "${version_args[@]}" "${quiet_args[@]}" --json >"$WORK_DIR/flood.json" || load_status=$?
server_stop

python3 - "$WORK_DIR/flood.json" "$SERVER_OUT" "$flood" "$load_status" <<'EOF'
import json, sys

def events(path, event):
    found = []
    with open(path) as f:
        for line in f:
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if o.get("event") == event:
                found.append(o)
    if not found:
        sys.exit("flood.sh: no %s event in %s" % (event, path))
    return found

flood_path, server_path, count, load_status = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
fl = events(flood_path, "flood")[-1]
probes = {p["when"]: p for p in events(flood_path, "probe")}
st = events(server_path, "stats")[-1]
print("sent: %d ClientHellos (%d bytes) in %.2f s, %d send errors" %
      (fl["sent"], fl["bytes_sent"], fl["duration_ms"] / 1000.0, fl["send_errors"]))
print("replies: %d (%d HelloRetryRequests, %d HelloVerifyRequests, %d other), %d bytes" %
      (fl["replies"], fl["hello_retry_requests"], fl["hello_verify_requests"], fl["other_replies"],
       fl["bytes_received"]))
print("max amplification: %.2fx the ClientHello's bytes (limit 3x)" % (fl["max_amplification_permille"] / 1000.0))
for when in ("before", "during"):
    p = probes.get(when, {})
    print("real client %s the flood: %s" % (when, "%.1f ms" % (p["handshake_us"] / 1000.0) if p.get("ok")
                                              else "FAILED"))
probes_done = sum(1 for p in probes.values() if p.get("ok"))
unvalidated = st["handshakes_started"] - probes_done
grown = st["heap_peak_bytes"] - st["heap_base_bytes"]
print("state held for unvalidated clients: %d associations created (peak %d, the probes included), "
      "cookies %d sent, %d verified" % (unvalidated, st["associations_peak"], st["cookies_sent"],
                                        st["cookies_verified"]))
print("server: %d bytes of endpoint state at the end, heap peak %.1f MB above its base, %d ms of CPU" %
      (st["state_bytes"], grown / 1048576.0, st["cpu_ms"]))
ok = load_status == 0 and fl["sent"] == count and probes_done == 2
if not ok:
    sys.exit("flood.sh: the run failed (dtls13-load exit %d)" % load_status)
EOF
