#!/usr/bin/env bash
# Replay benchmark: the whole `tiklive watch --replay` pipeline over a large
# capture of realistic frames, against the floor no decoder can go below.
#
#   bench/replay.sh            100,000 frames (about 300,000 messages, 420 MB)
#   FRAMES=20000 bench/replay.sh
#
# 1. builds tiklive and examples/capture_bench in release mode;
# 2. writes a capture of FRAMES frames packed from the real TikTok payloads in
#    ../shared/data/real (chat, gift, like, member, roomUpdate, social; about
#    10 KB per frame after inflation, 3 messages per frame);
# 3. times `tiklive watch --replay FILE > /dev/null` under /usr/bin/time -v
#    (wall time, CPU time, peak RSS);
# 4. times the floor: reading, parsing and inflating the same capture and
#    nothing else (and the inflating alone);
# 5. prints messages/s and the ratios against the goals.
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

echo "== tiklive watch --replay (output to /dev/null)"
/usr/bin/time -v "$TIKLIVE" watch --replay "$CAPTURE" >/dev/null 2>"$BENCH_DIR/time.txt" || {
    cat "$BENCH_DIR/time.txt"
    exit 1
}
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$BENCH_DIR/time.txt")
WALL=$(awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<<"$wall")
USER_S=$(sed -n 's/.*User time (seconds): //p' "$BENCH_DIR/time.txt")
SYS_S=$(sed -n 's/.*System time (seconds): //p' "$BENCH_DIR/time.txt")
RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$BENCH_DIR/time.txt")

echo "== floor: read + parse + inflate only"
FLOOR=$("$HELPER" floor "$CAPTURE")
echo "   $FLOOR"
FLOOR_S=$(field read_parse_inflate_s "$FLOOR")
INFLATE_S=$(field inflate_only_s "$FLOOR")

echo
awk -v m="$MESSAGES" -v f="$FRAMES" -v w="$WALL" -v u="$USER_S" -v s="$SYS_S" \
    -v rss="$RSS_KB" -v fl="$FLOOR_S" -v inf="$INFLATE_S" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    printf "frames             %d (%d messages)\n", f, m
    printf "replay wall time   %.2f s (CPU %.2f s user + %.2f s sys)\n", w, u, s
    printf "messages/s         %.0f   (goal >= 150,000)\n", m / w
    printf "floor              %.2f s read+parse+inflate, of which %.2f s inflate\n", fl, inf
    printf "replay / floor     %.2fx   (goal <= 2x)\n", w / fl
    printf "replay / inflate   %.2fx\n", w / inf
    printf "peak RSS           %.1f MB   (goal < 15 MB)\n", rss / 1024
    printf "load average       %s (other work on this machine skews the times)\n", load
}'
