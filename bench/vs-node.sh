#!/usr/bin/env bash
# tiklive beside the Node library TikTok-Live-Connector 2.5.0, on the same
# frames, in one run.
#
#   bench/vs-node.sh                 20,000 frames (about 61,000 messages)
#   FRAMES=50000 RUNS=5 bench/vs-node.sh
#
# 1. installs tiktok-live-connector@2.5.0 with npm into bench/node/ (git-ignored);
# 2. builds tiklive and examples/capture_bench in release mode, writes one
#    corpus of FRAMES realistic push frames (the real TikTok payloads in
#    tests/data, every message with its own msgId) and converts it to a
#    capture;
# 3. times, interleaved, RUNS times each (default 3):
#    - Node: `deserializeWebSocketMessage` over every frame, preloaded in memory
#      (bench/vs-node.mjs; the timed loop alone, no start-up, no file reading);
#    - `tiklive watch --replay CAPTURE > /dev/null` (the whole process: start-up,
#      reading and parsing the capture, decoding on every core, NDJSON out);
#    both by wall time and by CPU time (user + sys: on a shared machine the
#    fairer measure of work done);
# 4. prints the median messages/s of each and the ratios.
#
# Needs node and npm (Node 18 or later) and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

FRAMES=${FRAMES:-20000}
RUNS=${RUNS:-3}
TARGET=${CARGO_TARGET_DIR:-target}
NODE_DIR=bench/node
BENCH_DIR=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tiklive-vs-node.XXXXXX")}
mkdir -p "$BENCH_DIR"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$BENCH_DIR"; }
trap cleanup EXIT

if ! [ -f "$NODE_DIR/node_modules/tiktok-live-connector/package.json" ]; then
    echo "== installing tiktok-live-connector@2.5.0 into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    [ -f "$NODE_DIR/package.json" ] || echo '{"private": true}' >"$NODE_DIR/package.json"
    npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent tiktok-live-connector@2.5.0
fi

echo "== building (release)"
scripts/build-release --example capture_bench
TIKLIVE="$TARGET/release/tiklive"
HELPER="$TARGET/release/examples/capture_bench"

CORPUS="$BENCH_DIR/frames.bin"
CAPTURE="$BENCH_DIR/frames.capture"
echo "== writing a corpus of $FRAMES frames and its capture"
GEN=$("$HELPER" corpus "$CORPUS" "$FRAMES")
"$HELPER" to-capture "$CORPUS" "$CAPTURE" >/dev/null
echo "   $GEN"
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
MESSAGES=$(field messages "$GEN")
cat "$CORPUS" "$CAPTURE" >/dev/null # warm the page cache

NODE_RATES=()
NODE_CPU_RATES=()
RUST_RATES=()
RUST_CPU_RATES=()
rate() { awk -v m="$MESSAGES" -v s="$1" 'BEGIN { printf "%.0f", m / s }'; }
for run in $(seq "$RUNS"); do
    OUT=$(node bench/vs-node.mjs "$NODE_DIR/node_modules" "$CORPUS")
    [ "$(field messages "$OUT")" = "$MESSAGES" ] || { echo "node decoded: $OUT"; exit 1; }
    [ "$(field failed "$OUT")" = 0 ] || { echo "node failed on some messages: $OUT"; exit 1; }
    NODE_RATES+=("$(rate "$(field seconds "$OUT")")")
    NODE_CPU_RATES+=("$(rate "$(field cpu_seconds "$OUT")")")

    /usr/bin/time -f "%e %U %S" -o "$BENCH_DIR/time.txt" "$TIKLIVE" watch --replay "$CAPTURE" >/dev/null
    read -r WALL USR SYS <"$BENCH_DIR/time.txt"
    RUST_RATES+=("$(rate "$WALL")")
    RUST_CPU_RATES+=("$(rate "$(awk -v u="$USR" -v s="$SYS" 'BEGIN { print u + s }')")")
    echo "   run $run: node ${NODE_RATES[-1]} msgs/s (${NODE_CPU_RATES[-1]} per CPU second)," \
        "tiklive ${RUST_RATES[-1]} msgs/s (${RUST_CPU_RATES[-1]} per CPU second)"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
NODE=$(median "${NODE_RATES[@]}")
NODE_CPU=$(median "${NODE_CPU_RATES[@]}")
RUST=$(median "${RUST_RATES[@]}")
RUST_CPU=$(median "${RUST_CPU_RATES[@]}")
echo
awk -v n="$NODE" -v nc="$NODE_CPU" -v r="$RUST" -v c="$RUST_CPU" -v m="$MESSAGES" -v runs="$RUNS" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v cpus="$(nproc)" 'BEGIN {
    printf "corpus               %d messages; median of %d interleaved runs\n", m, runs
    printf "node 2.5.0           %.0f msgs/s, %.0f per CPU second (deserializeWebSocketMessage, preloaded)\n", n, nc
    printf "tiklive              %.0f msgs/s, %.0f per CPU second (watch --replay > /dev/null)\n", r, c
    printf "ratio                %.1fx by wall time (goal >= 10x), %.1fx per CPU second\n", r / n, c / nc
    printf "machine              %d CPUs, load average %s\n", cpus, load
}'
