#!/usr/bin/env bash
# Live-path benchmarks against the fake TikTok on 127.0.0.1 (never the internet):
#   1. time from start to the first event;
#   2. events/s sustained through `watch … > /dev/null` from a server that pushes
#      as fast as it can, compared with `--replay` of the same frames (two run
#      lengths, so that start-up and connection set-up cancel out; RUNS rounds,
#      default 3, and their median);
#   3. peak RSS with 1 stream and with 50 streams in one process;
#   4. STREAMS streams (default 1,000) in one process at a realistic rate (the
#      demo's frames, one every GAP_MS = 500 ms per stream: about 3 messages/s
#      each): peak RSS, and CPU use once every stream is connected, sampled from
#      /proc over MEASURE_S seconds (default 30).
# Usage: bash bench/live.sh   (builds release binaries first)
#        SECTIONS=4 STREAMS=1000 bash bench/live.sh   (only the many-streams part)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
scripts/build-release --example fake_tiktok
BIN=${BIN:-target/release/tiklive}   # BIN=… to measure another build
FAKE=target/release/examples/fake_tiktok
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_fake() { # args for the fake; sets URL
  rm -f "$WORK/fake.out"
  "$FAKE" "$@" > "$WORK/fake.out" 2> "$WORK/fake.err" &
  for _ in $(seq 200); do grep -q url= "$WORK/fake.out" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^url=//p' "$WORK/fake.out")
}
envs() { env TIKLIVE_TIKTOK_URL="$URL" TIKLIVE_WEBCAST_URL="$URL" SIGN_API_URL="$URL" \
  TIKLIVE_SIGN_INTERVAL_MS=0 TIKLIVE_SIGN_BUDGET=0 TIKLIVE_STAGGER_MS=20 "$@"; }
now_ns() { date +%s%N; }

SECTIONS=${SECTIONS:-1234}
section() { [[ $SECTIONS == *$1* ]]; }

if section 1; then
echo "== 1. time to first event (10 runs, process start to first line)"
start_fake --users 10 --repeat 1
for u in $(seq 10); do
  t0=$(now_ns)
  envs "$BIN" watch "user$u" --limit 1 -q > /dev/null
  t1=$(now_ns)
  echo "$(( (t1 - t0) / 1000 ))"
done | sort -n | awk '{a[NR]=$1} END {printf "   median %.1f ms, min %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
kill %1; wait 2>/dev/null || true
fi

if section 2; then
# A run pays for process start, the room lookup, signing and the WebSocket
# handshake before its first frame. Two runs of different lengths (R1 and R2
# copies of the demo's frames) and the rate of the difference between them
# cancel that out: what is left is the rate a stream sustains once connected.
R1=${R1:-100}
R2=${R2:-500}
RUNS=${RUNS:-3}
echo "== 2. sustained throughput (one stream, $R1 and $R2 × the demo's frames; rate of the difference; $RUNS rounds)"
record_run() { # repeat -> records $WORK/live$1.capture, sets N (events)
  start_fake --users 1 --repeat "$1"
  envs "$BIN" watch user1 -q --record "$WORK/live$1.capture" > "$WORK/live.ndjson"
  N=$(wc -l < "$WORK/live.ndjson")
  kill %1; wait 2>/dev/null || true
}
live_ms() { # repeat -> wall ms of a live run (not recording)
  start_fake --users 1 --repeat "$1"
  local t0 t1
  t0=$(now_ns)
  envs "$BIN" watch user1 -q > /dev/null
  t1=$(now_ns)
  kill %1; wait 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
replay_ms() { # capture, extra args -> wall ms
  local t0 t1
  t0=$(now_ns)
  "$BIN" watch --replay "$@" -q > /dev/null
  t1=$(now_ns)
  echo $(( (t1 - t0) / 1000000 ))
}
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%d", (ms > 0 ? n * 1000 / ms : 0) }'; }
ratio() { awk -v r="$1" -v l="$2" 'BEGIN { printf "%.2f", (l > 0 ? r / l : 0) }'; }
record_run "$R1"; n1=$N
record_run "$R2"; n2=$N
dn=$(( n2 - n1 ))
echo "   $n1 and $n2 events"
# Rounds of live and replay runs, one after the other: a round shares its
# moment's load, and the median round is the figure.
: > "$WORK/rounds.txt"
for round in $(seq "$RUNS"); do
  l1=$(live_ms "$R1"); l2=$(live_ms "$R2")
  r1=$(replay_ms "$WORK/live$R1.capture" --threads 1)
  r2=$(replay_ms "$WORK/live$R2.capture" --threads 1)
  a1=$(replay_ms "$WORK/live$R1.capture")
  a2=$(replay_ms "$WORK/live$R2.capture")
  q=$(ratio $(( r2 - r1 )) $(( l2 - l1 )))
  echo "$q $(ratio "$r2" "$l2")" >> "$WORK/rounds.txt"
  echo "   round $round: live $l1/$l2 ms (sustained $(rate "$dn" $(( l2 - l1 ))) events/s); replay --threads 1 $r1/$r2 ms ($(rate "$dn" $(( r2 - r1 )))/s); replay on every core $a1/$a2 ms ($(rate "$dn" $(( a2 - a1 )))/s); live / replay $q"
done
# One live stream decodes on one thread: the like-for-like replay is --threads 1.
mid=$(( (RUNS + 1) / 2 ))
echo "   live / replay (--threads 1), sustained, median of $RUNS rounds: $(cut -d' ' -f1 "$WORK/rounds.txt" | sort -n | sed -n "${mid}p")   (goal >= 0.67)"
echo "   the same from whole runs ($R2 copies, start-up included): $(cut -d' ' -f2 "$WORK/rounds.txt" | sort -n | sed -n "${mid}p")"
echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if section 3; then
echo "== 3. peak RSS (streams connected and receiving, 8 s)"
for users in 1 50; do
  start_fake --users "$users" --repeat 3 --hang
  names=$(seq -f "user%g" 1 "$users" | tr '\n' ' ')
  # tiklive writes nothing to find it by, so a shell notes its pid and execs it.
  rm -f "$WORK/pid"
  envs /usr/bin/time -v timeout -s INT 8 sh -c 'echo $$ > "$0"; exec "$@"' "$WORK/pid" \
    "$BIN" watch $names -q > /dev/null 2> "$WORK/time.txt" &
  sleep 7
  # Resident memory at 7 s: anonymous (heap, stacks, relocated data) and
  # file-backed (pages of the binary and libraries mapped in as code runs).
  split=$(awk '/^RssAnon|^RssFile/ { printf "%s %.1f MB  ", $1, $2 / 1024 }' "/proc/$(cat "$WORK/pid")/status" || true)
  wait $! || true
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  echo "   $users stream(s): peak RSS $(( rss / 1024 )) MB ($rss kB); at 7 s: $split"
  kill %1; wait 2>/dev/null || true
done
fi

if section 4; then
STREAMS=${STREAMS:-1000}
GAP_MS=${GAP_MS:-500}
MEASURE_S=${MEASURE_S:-30}
echo "== 4. $STREAMS streams in one process, a frame every $GAP_MS ms each"
start_fake --users "$STREAMS" --gap-ms "$GAP_MS" --hang
names=$(seq -f "user%g" 1 "$STREAMS" | tr '\n' ' ')
# No stagger and no sign pacing: the fake answers every sign request at once.
# `env` is started directly (not through the `envs` function, which would run
# in a subshell) so that $! is tiklive itself: /proc and SIGINT must reach it.
env TIKLIVE_TIKTOK_URL="$URL" TIKLIVE_WEBCAST_URL="$URL" SIGN_API_URL="$URL" \
  TIKLIVE_SIGN_INTERVAL_MS=0 TIKLIVE_SIGN_BUDGET=0 TIKLIVE_STAGGER_MS=0 \
  "$BIN" watch $names -q > "$WORK/many.ndjson" &
pid=$!
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# Wait until every stream has said `connected` (at most 120 s).
t0=$(now_ns)
for _ in $(seq 1200); do
  c=$(grep -c '"type":"connected"' "$WORK/many.ndjson" || true)
  [ "$c" -ge "$STREAMS" ] && break
  sleep 0.1
done
echo "   $c of $STREAMS streams connected in $(( ($(now_ns) - t0) / 1000000 )) ms"
lines0=$(wc -l < "$WORK/many.ndjson"); c0=$(ticks); w0=$(now_ns)
sleep "$MEASURE_S"
lines1=$(wc -l < "$WORK/many.ndjson"); c1=$(ticks); w1=$(now_ns)
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
kill -INT "$pid"; wait "$pid" 2>/dev/null || true
kill %1; wait 2>/dev/null || true
awk -v c="$((c1 - c0))" -v w="$((w1 - w0))" -v e="$((lines1 - lines0))" -v hwm="$hwm" -v rss="$rss" \
    -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  s = w / 1e9
  printf "   events           %.0f/s over %.0f s\n", e / s, s
  printf "   CPU              %.1f%% of one core   (goal <= 50%%)\n", c / 100 / s * 100
  printf "   RSS              %.1f MB now, %.1f MB peak   (goal <= 200 MB)\n", rss / 1024, hwm / 1024
  printf "   load average     %s\n", load
}'
fi
