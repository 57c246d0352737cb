#!/usr/bin/env bash
# Benchmarks of `tiklive forward` against a local receiver on 127.0.0.1
# (examples/webhook_receiver.rs, which answers 204 at once):
#   1. throughput of `forward --demo --speed max` (the ~370 demo events);
#   2. throughput of `forward -` over N events (the demo repeated, fresh ids);
#   3. the delay tiklive adds: events written to `forward -` at RATE/s, each
#      carrying its write time; the receiver reports arrival - write time.
# Each run uses a fresh store in a temp dir. Prints one JSON line per run.
#
#   bench/forward.sh                 # N=20000 RATE=1000 LAT_SECS=10
#   N=50000 RATE=2000 bench/forward.sh
#   BENCH_NICE=-10 bench/forward.sh  # as root: run the bench processes ahead of
#                                    # other work on a shared machine
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
RATE=${RATE:-1000}
LAT_SECS=${LAT_SECS:-10}
PORT=${PORT:-9317}
URL="http://127.0.0.1:$PORT/hook"

scripts/build-release --example webhook_receiver
T=${CARGO_TARGET_DIR:-target}/release
TIKLIVE=$T/tiklive
RECEIVER=$T/examples/webhook_receiver
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wait_port() {
  for _ in $(seq 1 200); do
    (echo > "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "the receiver did not start" >&2
  exit 1
}

# run LABEL EXPECT COMMAND… : start the receiver expecting EXPECT requests,
# run the command, print the receiver's figures and the command's wall time.
NICE=()
if [ -n "${BENCH_NICE:-}" ]; then NICE=(nice -n "$BENCH_NICE"); fi
run() {
  local label=$1 expect=$2
  shift 2
  "${NICE[@]}" "$RECEIVER" --port "$PORT" --expect "$expect" > "$work/figures" &
  local rpid=$!
  wait_port
  local start end
  start=$(date +%s.%N)
  "${NICE[@]}" "$@"
  end=$(date +%s.%N)
  wait "$rpid"
  printf '{"run":"%s","events":%s,"tiklive_wall_s":%.3f,"receiver":%s}\n' \
    "$label" "$expect" "$(echo "$end - $start" | bc)" "$(cat "$work/figures")"
}

# 1. The demo at full speed.
"$TIKLIVE" watch --demo --speed max > "$work/demo.ndjson"
demo_n=$(wc -l < "$work/demo.ndjson")
run "demo --speed max" "$demo_n" \
  "$TIKLIVE" -q forward --demo --speed max --to "$URL" --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --db "$work/a.db"

# 2. N events from stdin (the demo repeated with fresh ids).
python3 - "$work/demo.ndjson" "$N" > "$work/big.ndjson" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
out = sys.stdout
for i in range(n):
    ev = lines[i % len(lines)]
    ev["id"] = f"bench-{i}"
    out.write(json.dumps(ev, separators=(",", ":")) + "\n")
PY
run "stdin x$N" "$N" \
  bash -c "\"$TIKLIVE\" -q forward - --to \"$URL\" --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --db \"$work/b.db\" < \"$work/big.ndjson\""

# 3. Added delay at RATE events/s for LAT_SECS seconds.
lat_n=$((RATE * LAT_SECS))
cat > "$work/gen.py" <<'PY'
import json, sys, time
rate, n = float(sys.argv[1]), int(sys.argv[2])
start = time.monotonic()
out = sys.stdout
for i in range(n):
    due = start + i / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    ev = {"type": "chat", "streamer": "bench", "data": {"message": "hi", "sentNs": time.time_ns()},
          "timestamp": "2024-01-01T00:00:00.000Z", "id": f"lat-{i}"}
    out.write(json.dumps(ev, separators=(",", ":")) + "\n")
    out.flush()
PY
run "latency at ${RATE}/s" "$lat_n" \
  bash -c "python3 \"$work/gen.py\" $RATE $lat_n | \"$TIKLIVE\" -q forward - --to \"$URL\" --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw --db \"$work/c.db\""
