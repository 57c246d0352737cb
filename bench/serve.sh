#!/usr/bin/env bash
# Load test of `tiklive serve` with wrk, on 127.0.0.1 only, while the server
# ingests at full speed: its source is `--replay` of a big capture (the demo
# stream's frames REPEAT times over, each copy with fresh message ids, recorded
# from the fake TikTok in examples/fake_tiktok.rs), played with `--speed max`,
# so events are decoded, stored (batched commits, --buffer 100000 trimming) and
# counted the whole time the load runs. Each run starts on a fresh store.
#
# Runs (one server each):
#   status        wrk: GET /api/status, as fast as CONNECTIONS connections go
#   latest        wrk: GET /api/events?limit=100 (the newest page), likewise
#   latest-paced  hey: the same at a steady PACED_RATE requests/s, for the
#                 latency at that rate rather than at saturation
#   cursor        wrk: GET /api/events?after=1000&limit=100 (an old cursor: the
#                 events are no longer in memory, so SQLite is read)
# Prints the tools' figures and one JSON line per run, including how many
# events were ingested during the run (the source must still be running at
# the end) and the machine's load average.
#
#   bench/serve.sh           # REPEAT=1000 DURATION=10 CONNECTIONS=16 PACED_RATE=5250
#   DURATION=30 CONNECTIONS=64 bench/serve.sh
# Needs wrk and hey (Debian: apt-get install -y wrk hey).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-1000}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PACED_RATE=${PACED_RATE:-5250} # hey delivers a little under what it is asked
PACED_WORKERS=${PACED_WORKERS:-25}
for tool in wrk hey; do
  command -v $tool > /dev/null || { echo "$tool is needed: apt-get install -y wrk hey" >&2; exit 1; }
done

scripts/build-release --example fake_tiktok
T=${CARGO_TARGET_DIR:-target}/release
TIKLIVE=$T/tiklive
FAKE=$T/examples/fake_tiktok
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The capture: REPEAT x the demo's frames, pushed as fast as the fake can.
"$FAKE" --users 1 --repeat "$REPEAT" > "$work/fake.out" &
fake=$!
pids+=("$fake")
for _ in $(seq 200); do grep -q url= "$work/fake.out" 2> /dev/null && break; sleep 0.05; done
url=$(sed -n 's/^url=//p' "$work/fake.out")
TIKLIVE_TIKTOK_URL=$url TIKLIVE_WEBCAST_URL=$url SIGN_API_URL=$url TIKLIVE_SIGN_INTERVAL_MS=0 \
  "$TIKLIVE" -q watch user1 --record "$work/big.capture" > /dev/null
kill "$fake"
wait "$fake" 2> /dev/null || true
events=$("$TIKLIVE" watch --replay "$work/big.capture" --speed max | wc -l)
echo "capture: $events events, $(du -h "$work/big.capture" | cut -f1)"

total() { # events stored so far, and whether the source still runs
  curl -s "$base/api/status" | python3 -c \
    'import json,sys; d=json.load(sys.stdin); print(d["events"]["total"], str(d["sourceRunning"]).lower())'
}

start_server() {
  rm -f "$work"/serve.db* "$work/serve.err"
  "$TIKLIVE" serve --replay "$work/big.capture" --speed max --listen 127.0.0.1:0 \
    --db "$work/serve.db" 2> "$work/serve.err" &
  server=$!
  pids+=("$server")
  for _ in $(seq 200); do grep -q 'listening on' "$work/serve.err" 2> /dev/null && break; sleep 0.05; done
  base=$(sed -n 's/^tiklive: listening on //p' "$work/serve.err")
  sleep 0.5 # the buffer fills past one page
  read -r before _ < <(total)
  started=$(date +%s.%N)
}

# stop_server LABEL PATH RPS P50 P99 ERRORS
stop_server() {
  local ended after running
  ended=$(date +%s.%N)
  read -r after running < <(total)
  kill -INT "$server"
  wait "$server" || true
  local ingested=$((after - before))
  printf '{"run":"%s","path":"%s","requests_per_s":%s,"p50":"%s","p99":"%s","errors":%s,"ingested_during_run":%s,"ingest_events_per_s":%.0f,"source_still_running":%s,"load_average":"%s"}\n' \
    "$1" "$2" "$3" "$4" "$5" "$6" "$ingested" "$(echo "$ingested / ($ended - $started)" | bc -l)" \
    "$running" "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$running" != true ]; then
    echo "warning: the source finished during the run; raise REPEAT" >&2
  fi
}

# wrk_run LABEL PATH: as many requests as CONNECTIONS connections can make.
wrk_run() {
  start_server
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$base$2" > "$work/out.txt"
  echo "== $1: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency GET $2"
  sed -n '/Thread Stats/,$p' "$work/out.txt"
  local errors
  errors=$(awk -F'[ ,]+' '/Non-2xx/ {n += $NF} /Socket errors/ {n += $4 + $6 + $8 + $10} END {print n + 0}' "$work/out.txt")
  stop_server "$1" "$2" "$(awk '/Requests\/sec/ {print $2}' "$work/out.txt")" \
    "$(awk '$1 == "50%" {print $2}' "$work/out.txt")" "$(awk '$1 == "99%" {print $2}' "$work/out.txt")" "$errors"
}

# hey_run LABEL PATH RATE: a steady RATE requests/s (PACED_WORKERS workers),
# for the latency at that rate rather than at saturation.
hey_run() {
  start_server
  local per_worker=$(( ($3 + PACED_WORKERS - 1) / PACED_WORKERS ))
  hey -z "${DURATION}s" -c "$PACED_WORKERS" -q "$per_worker" "$base$2" > "$work/out.txt"
  echo "== $1: hey -z ${DURATION}s -c $PACED_WORKERS -q $per_worker GET $2"
  sed -n '/Summary/,/Requests\/sec/p;/Latency distribution/,/99%/p;/Status code/,$p' "$work/out.txt"
  local errors
  errors=$(awk '/Status code distribution/ {s = 1; next} /Error distribution/ {s = 2; next}
    s == 1 && /responses/ {gsub(/[][]/, "", $1); if ($1 != "200") n += $2}
    s == 2 && /\[/ {gsub(/[][]/, "", $1); n += $1}
    END {print n + 0}' "$work/out.txt")
  stop_server "$1" "$2" "$(awk '/Requests\/sec/ {print $2}' "$work/out.txt")" \
    "$(awk '/50% in/ {print $3 * 1000 "ms"}' "$work/out.txt")" \
    "$(awk '/99% in/ {print $3 * 1000 "ms"}' "$work/out.txt")" "$errors"
}

wrk_run status "/api/status"
wrk_run latest "/api/events?limit=100"
hey_run latest-paced "/api/events?limit=100" "$PACED_RATE"
wrk_run cursor "/api/events?after=1000&limit=100"
