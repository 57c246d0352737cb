#!/usr/bin/env bash
# Live-path benchmarks against the fake TikTok on 127.0.0.1 (never the internet):
#   1. time from start to the first event;
#   2. events/s sustained through `watch … > /dev/null` from a server that pushes
#      as fast as it can, compared with `--replay` of the same frames;
#   3. peak RSS with 1 stream and with 50 streams in one process.
# Usage: bash bench/live.sh   (builds release binaries first)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bin tiklive --example fake_tiktok
BIN=target/release/tiklive
FAKE=target/release/examples/fake_tiktok
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

start_fake() { # args for the fake; sets URL
  rm -f "$WORK/fake.out"
  "$FAKE" "$@" > "$WORK/fake.out" &
  for _ in $(seq 200); do grep -q url= "$WORK/fake.out" 2>/dev/null && break; sleep 0.05; done
  URL=$(sed -n 's/^url=//p' "$WORK/fake.out")
}
envs() { env TIKLIVE_TIKTOK_URL="$URL" TIKLIVE_WEBCAST_URL="$URL" SIGN_API_URL="$URL" \
  TIKLIVE_SIGN_INTERVAL_MS=0 TIKLIVE_SIGN_BUDGET=0 TIKLIVE_STAGGER_MS=20 "$@"; }
now_ns() { date +%s%N; }

echo "== 1. time to first event (10 runs, process start to first line)"
start_fake --users 10 --repeat 1
for u in $(seq 10); do
  t0=$(now_ns)
  envs "$BIN" watch "user$u" --limit 1 -q > /dev/null
  t1=$(now_ns)
  echo "$(( (t1 - t0) / 1000 ))"
done | sort -n | awk '{a[NR]=$1} END {printf "   median %.1f ms, min %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
kill %1; wait 2>/dev/null || true

echo "== 2. sustained throughput (one stream, 100 × the demo's frames)"
start_fake --users 1 --repeat 100
envs "$BIN" watch user1 -q --record "$WORK/live.capture" > "$WORK/live.ndjson"
n=$(wc -l < "$WORK/live.ndjson")
kill %1; wait 2>/dev/null || true
start_fake --users 1 --repeat 100
t0=$(now_ns)
envs "$BIN" watch user1 -q > /dev/null
t1=$(now_ns)
live_ms=$(( (t1 - t0) / 1000000 ))
echo "   live:   $n events in ${live_ms} ms = $(( n * 1000 / (live_ms > 0 ? live_ms : 1) )) events/s"
kill %1; wait 2>/dev/null || true
t0=$(now_ns)
"$BIN" watch --replay "$WORK/live.capture" -q > /dev/null
t1=$(now_ns)
rep_ms=$(( (t1 - t0) / 1000000 ))
echo "   replay: $n events in ${rep_ms} ms = $(( n * 1000 / (rep_ms > 0 ? rep_ms : 1) )) events/s (the same frames)"

echo "== 3. peak RSS (streams connected and receiving, 8 s)"
for users in 1 50; do
  start_fake --users "$users" --repeat 3 --hang
  names=$(seq -f "user%g" 1 "$users" | tr '\n' ' ')
  envs /usr/bin/time -v timeout -s INT 8 "$BIN" watch $names -q > /dev/null 2> "$WORK/time.txt" || true
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  echo "   $users stream(s): peak RSS $(( rss / 1024 )) MB ($rss kB)"
  kill %1; wait 2>/dev/null || true
done
