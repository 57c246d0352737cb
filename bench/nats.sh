#!/usr/bin/env bash
# NATS JetStream benchmark: events/s that `watch --replay --sink` publishes
# with every ack awaited, to one local node (R1) and to a three-node cluster
# on loopback (R3, --nats-replicas 3); plus the worker's memory.
#
#   bench/nats.sh                20,000 frames (about 60,000 events)
#   FRAMES=50000 bench/nats.sh
#
# 1. builds tiklive and examples/capture_bench in release mode;
# 2. writes a capture of FRAMES frames (capture_bench, as bench/replay.sh);
# 3. starts nats-server (NATS_SERVER_BIN, else PATH, else /usr/sbin) with a
#    temporary store, times the publish under /usr/bin/time -v, and reads
#    the stored count back from the tiklive summary line;
# 4. the same on three nodes joined by routes, with three replicas.
# Failover time and end-to-end latency are measured by the tests in
# tests/workers.rs and tests/nats.rs (see README, "Scaling out").
set -euo pipefail
cd "$(dirname "$0")/.."

FRAMES=${FRAMES:-20000}
STREAMS=${STREAMS:-200}
TARGET=${CARGO_TARGET_DIR:-target}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tiklive-nats-bench.XXXXXX")}
NATS=${NATS_SERVER_BIN:-$(command -v nats-server || echo /usr/sbin/nats-server)}
mkdir -p "$BENCH_DIR"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    [ "${KEEP:-0}" = 1 ] || rm -rf "$BENCH_DIR"
}
trap cleanup EXIT

echo "== building (release)"
cargo build --release --locked --quiet --bin tiklive --example capture_bench
TIKLIVE="$TARGET/release/tiklive"
CAPTURE="$BENCH_DIR/bench.capture"
echo "== writing $FRAMES frames to $CAPTURE"
"$TARGET/release/examples/capture_bench" generate "$CAPTURE" "$FRAMES"
cat "$CAPTURE" >/dev/null

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_node NAME PORT [CLUSTER_PORT ROUTES]
start_node() {
    local args=(-a 127.0.0.1 -p "$2" -js -sd "$BENCH_DIR/store-$1")
    [ $# -gt 2 ] && args+=(-n "$1" --cluster_name bench --cluster "nats://127.0.0.1:$3" --routes "$4")
    "$NATS" "${args[@]}" >"$BENCH_DIR/$1.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return
        sleep 0.05
    done
    echo "nats-server $1 did not start" >&2
    exit 1
}

# publish LABEL URL [EXTRA…]: prints events/s
publish() {
    local label=$1 url=$2
    shift 2
    /usr/bin/time -v "$TIKLIVE" watch --replay "$CAPTURE" --speed max --sink "$url" "$@" \
        2>"$BENCH_DIR/$label.err" >/dev/null
    local stored wall rss
    stored=$(sed -n 's/.*published \([0-9]*\) event.*/\1/p' "$BENCH_DIR/$label.err")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): \(.*\)/\1/p' "$BENCH_DIR/$label.err" |
        awk -F: '{ if (NF == 3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): \(.*\)/\1/p' "$BENCH_DIR/$label.err")
    awk -v l="$label" -v n="$stored" -v w="$wall" -v r="$rss" \
        'BEGIN { printf "%s: %d events in %.2f s = %.0f events/s acked (peak RSS %.1f MiB)\n", l, n, w, n / w, r / 1024 }'
}

echo "== R1: one node"
P1=$(port)
start_node r1 "$P1"
publish R1 "nats://127.0.0.1:$P1"

echo "== R3: three nodes, three replicas"
A=$(port) B=$(port) C=$(port) CA=$(port) CB=$(port) CC=$(port)
ROUTES="nats://127.0.0.1:$CA,nats://127.0.0.1:$CB,nats://127.0.0.1:$CC"
start_node n1 "$A" "$CA" "$ROUTES"
start_node n2 "$B" "$CB" "$ROUTES"
start_node n3 "$C" "$CC" "$ROUTES"
sleep 3 # meta leader election
publish R3 "nats://127.0.0.1:$A,127.0.0.1:$B,127.0.0.1:$C" --nats-replicas 3

echo "== worker memory: $STREAMS streams on the fake TikTok (one chat message per second each)"
cargo build --release --locked --quiet --example fake_tiktok
"$TARGET/release/examples/fake_tiktok" --users "$STREAMS" --endless-ms 1000 >"$BENCH_DIR/fake.out" &
PIDS+=($!)
for _ in $(seq 100); do grep -q url= "$BENCH_DIR/fake.out" && break; sleep 0.1; done
FAKE=$(sed -n 's/^url=//p' "$BENCH_DIR/fake.out")
export NATS_URL="nats://127.0.0.1:$P1" TIKLIVE_TIKTOK_URL="$FAKE" TIKLIVE_WEBCAST_URL="$FAKE" \
    SIGN_API_URL="$FAKE" TIKLIVE_SIGN_INTERVAL_MS=0 TIKLIVE_SIGN_BUDGET=0
"$TIKLIVE" -q streamers add $(seq -f 'user%g' 1 "$STREAMS")
"$TIKLIVE" -q worker --id bench --type chat &
PIDS+=($!)
sleep "${SETTLE:-30}"
"$TIKLIVE" cluster status --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
w = [w for w in r["workers"] if w["id"] == "bench"][0]
n = len(w["streamers"])
print("worker: %d streams, RSS %.1f MiB (%.0f KiB per stream, RSS / streams), %d events published"
      % (n, w["rssBytes"] / 1048576, w["rssBytes"] / 1024 / max(n, 1), w["published"]))
print("sign calls: %d (%s per streamer per hour at this rate)" % (r["signBudget"]["calls"], r["signBudget"]["perStreamerPerHour"]))
'
