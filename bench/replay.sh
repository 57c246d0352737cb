#!/usr/bin/env bash
# Replay benchmark: the whole `tiklive watch --replay` pipeline over a large
# capture of realistic frames, against the floor no decoder can go below.
#
#   bench/replay.sh            100,000 frames (about 300,000 messages, 420 MB)
#   FRAMES=20000 bench/replay.sh
#
# 1. builds tiklive and examples/capture_bench in release mode;
# 2. writes a capture of FRAMES frames packed from the real TikTok payloads in
#    tests/data/ (chat, gift, like, member, roomUpdate, social; about
#    10 KB per frame after inflation, 3 messages per frame);
# 3. times `tiklive watch --replay FILE > /dev/null` under /usr/bin/time -v
#    (wall time, CPU time, peak RSS);
# 4. times the floor the same way: reading, parsing and inflating the same
#    capture and nothing else (the helper also times the inflating alone);
# 5. prints messages/s and the ratios against the goals, by wall time and by
#    CPU time (user + sys, which other work on a shared machine skews less).
#
# Needs GNU time (/usr/bin/time); it is installed with apt-get when missing.
# The capture goes to $BENCH_DIR (default: a temporary directory, removed at
# the end unless KEEP=1).
set -euo pipefail
cd "$(dirname "$0")/.."

FRAMES=${FRAMES:-100000}
TARGET=${CARGO_TARGET_DIR:-target}
BENCH_DIR=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tiklive-bench.XXXXXX")}
mkdir -p "$BENCH_DIR"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$BENCH_DIR"; }
trap cleanup EXIT

if ! [ -x /usr/bin/time ]; then
    echo "== installing GNU time"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get install -y -qq time >/dev/null
fi

echo "== building (release)"
cargo build --release --locked --quiet --bin tiklive --example capture_bench
TIKLIVE="$TARGET/release/tiklive"
HELPER="$TARGET/release/examples/capture_bench"

CAPTURE="$BENCH_DIR/bench.capture"
echo "== writing $FRAMES frames to $CAPTURE"
GEN=$("$HELPER" generate "$CAPTURE" "$FRAMES")
echo "   $GEN"
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2"; }
MESSAGES=$(field messages "$GEN")

# Warm the page cache so both runs read from memory.
cat "$CAPTURE" >/dev/null

# Run a command under GNU time; prints "wall cpu rss_kb".
timed() {
    local out="$BENCH_DIR/time.txt"
    /usr/bin/time -v "$@" >"$BENCH_DIR/stdout.txt" 2>"$out" || {
        cat "$out"
        exit 1
    }
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time/ { u = $2 } /System time/ { s = $2 }
        /Maximum resident set size/ { r = $2 }
        END { printf "%.2f %.2f %d\n", w, u + s, r }' "$out"
}

echo "== tiklive watch --replay (output to /dev/null)"
read -r WALL CPU RSS_KB < <(timed "$TIKLIVE" watch --replay "$CAPTURE")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== floor: read + parse + inflate only"
read -r FLOOR_WALL FLOOR_CPU _ < <(timed "$HELPER" floor "$CAPTURE")
FLOOR=$(cat "$BENCH_DIR/stdout.txt")
echo "   $FLOOR"
INFLATE_S=$(field inflate_only_s "$FLOOR")

echo
awk -v m="$MESSAGES" -v f="$FRAMES" -v w="$WALL" -v c="$CPU" -v rss="$RSS_KB" \
    -v fw="$FLOOR_WALL" -v fc="$FLOOR_CPU" -v inf="$INFLATE_S" -v load="$LOAD" 'BEGIN {
    printf "frames               %d (%d messages)\n", f, m
    printf "replay               %.2f s wall, %.2f s CPU\n", w, c
    printf "floor                %.2f s wall, %.2f s CPU (read+parse+inflate; inflate alone %.2f s)\n", fw, fc, inf
    printf "messages/s           %.0f by wall time, %.0f per CPU second   (goal >= 150,000)\n", m / w, m / c
    printf "replay / floor       %.2fx by wall time, %.2fx by CPU time   (goal <= 2x)\n", w / fw, c / fc
    printf "peak RSS             %.1f MB   (goal < 15 MB)\n", rss / 1024
    printf "load average         %s (other work on the machine inflates wall times)\n", load
}'
