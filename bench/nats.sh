#!/usr/bin/env bash
# NATS JetStream benchmark: events/s that `watch --replay --sink` publishes
# with every ack awaited, to one local node (R1) and to a three-node cluster
# on loopback (R3, --nats-replicas 3); end-to-end latency from the fake
# TikTok's push to a `forward --from` delivery; failover time after SIGKILL;
# and the worker's memory.
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
# 5. end-to-end latency: the fake TikTok pushes chats whose createTime is the
#    push time; a worker publishes them, `forward --from` delivers them to
#    examples/webhook_receiver, which reports p50/p90/p99 of arrival − push;
# 6. failover: two workers, SIGKILL one, and poll `serve --from` until each of
#    its streamers has events again (time from the kill);
# 7. the worker's memory with STREAMS streams, read from `cluster status`.
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
scripts/build-release --example capture_bench
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

# fake_tiktok ARGS…: start the fake TikTok and point tiklive at it.
fake_tiktok() {
    local out="$BENCH_DIR/fake-$RANDOM.out"
    "$TARGET/release/examples/fake_tiktok" "$@" >"$out" &
    PIDS+=($!)
    for _ in $(seq 100); do grep -q url= "$out" && break; sleep 0.1; done
    local fake
    fake=$(sed -n 's/^url=//p' "$out")
    export TIKLIVE_TIKTOK_URL="$fake" TIKLIVE_WEBCAST_URL="$fake" SIGN_API_URL="$fake" \
        TIKLIVE_SIGN_INTERVAL_MS=0 TIKLIVE_SIGN_BUDGET=0
}

# status_of WORKER: "<streams> <rss bytes> <published>" from cluster status.
status_of() {
    "$TIKLIVE" cluster status --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
w = [w for w in r["workers"] if w["id"] == sys.argv[1]] or [{"streamers": [], "rssBytes": 0, "published": 0}]
print(len(w[0]["streamers"]), w[0]["rssBytes"], w[0]["published"])' "$1"
}

cargo build --release --locked --quiet --example fake_tiktok --example webhook_receiver

echo "== end-to-end latency: fake TikTok push -> worker -> stream -> forward --from -> webhook"
# LAT_USERS rooms, one chat every LAT_GAP_MS each; the chat's createTime is the
# push time (ms), the receiver takes the arrival time.
LAT_USERS=${LAT_USERS:-20} LAT_GAP_MS=${LAT_GAP_MS:-50} LAT_EVENTS=${LAT_EVENTS:-6000}
P2=$(port)
start_node lat "$P2"
export NATS_URL="nats://127.0.0.1:$P2"
fake_tiktok --users "$LAT_USERS" --endless-ms "$LAT_GAP_MS"
head -1 "$CAPTURE" >"$BENCH_DIR/empty.capture" # creates the stream, publishes nothing
"$TIKLIVE" -q watch --replay "$BENCH_DIR/empty.capture" --type chat --sink "$NATS_URL" >/dev/null
RP=$(port)
"$TARGET/release/examples/webhook_receiver" --port "$RP" --expect "$LAT_EVENTS" --create-time \
    >"$BENCH_DIR/latency.json" &
RECEIVER=$!
PIDS+=($RECEIVER)
"$TIKLIVE" -q forward --from "$NATS_URL" --to "http://127.0.0.1:$RP" 2>"$BENCH_DIR/forward.err" &
PIDS+=($!)
sleep 1
"$TIKLIVE" -q streamers add $(seq -f 'user%g' 1 "$LAT_USERS")
"$TIKLIVE" -q worker --id lat --type chat 2>"$BENCH_DIR/lat-worker.err" &
LAT_WORKER=$!
PIDS+=($LAT_WORKER)
wait "$RECEIVER" || true
kill "$LAT_WORKER" 2>/dev/null || true
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
l = r["latency_ms"]
print("latency: %d events at %.0f/s; push -> webhook p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (createTime has ms resolution)"
      % (r["latency_samples"], r["per_second"], l["p50"], l["p90"], l["p99"], l["max"]))' "$BENCH_DIR/latency.json"

echo "== failover: SIGKILL one of two workers -> first event from the new owner"
# FO_STREAMS streamers, one chat every 200 ms each, two workers with the
# default lease TTL (10 s); serve --from shows when each of the killed
# worker's streamers has events again.
FO_STREAMS=${FO_STREAMS:-20} TTL=${TTL:-10s}
P3=$(port)
start_node fo "$P3"
export NATS_URL="nats://127.0.0.1:$P3"
fake_tiktok --users "$FO_STREAMS" --endless-ms 200
"$TIKLIVE" -q streamers add $(seq -f 'user%g' 1 "$FO_STREAMS")
"$TIKLIVE" -q worker --id fo-a --type chat --lease-ttl "$TTL" 2>"$BENCH_DIR/fo-a.err" &
FO_A=$!
PIDS+=($FO_A)
"$TIKLIVE" -q worker --id fo-b --type chat --lease-ttl "$TTL" 2>"$BENCH_DIR/fo-b.err" &
PIDS+=($!)
SP=$(port)
"$TIKLIVE" -q serve --from "$NATS_URL" --listen "127.0.0.1:$SP" 2>"$BENCH_DIR/fo-serve.err" &
PIDS+=($!)
for _ in $(seq 300); do
    read -r a _ _ < <(status_of fo-a)
    read -r b _ _ < <(status_of fo-b)
    [ $((a + b)) -ge "$FO_STREAMS" ] && [ "$a" -gt 0 ] && break
    sleep 0.2
done
sleep 3 # every stream connected and publishing
OWNED=$("$TIKLIVE" cluster status --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(",".join(s for w in r["workers"] if w["id"] == "fo-a" for s in w["streamers"]))')
python3 - "$SP" "$OWNED" "$FO_A" "$TTL" <<'PY'
import json, os, signal, sys, time, urllib.request
port, owned, pid, ttl = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4]
def page(after):
    with urllib.request.urlopen("http://127.0.0.1:%s/api/events?after=%d&limit=1000" % (port, after), timeout=5) as r:
        return json.load(r)
cursor = page(0)["next"]
while True:  # catch up to the head
    p = page(cursor)
    if not p["events"]:
        break
    cursor = p["next"]
os.kill(pid, signal.SIGKILL)
killed = time.time()
time.sleep(0.5)  # the killed worker's last publishes land
cursor = page(cursor)["next"]
first = {}
while len(first) < len(owned) and time.time() - killed < 60:
    p = page(cursor)
    now = time.time()
    for e in p["events"]:
        if e["streamer"] in owned and e["streamer"] not in first:
            first[e["streamer"]] = now - killed
    cursor = p["next"]
    time.sleep(0.05)
t = sorted(first.values())
print("failover: %d streams moved; SIGKILL -> first event from the new owner: min %.1f s, median %.1f s, max %.1f s (lease TTL %s; %d never resumed)"
      % (len(t), t[0] if t else 0, t[len(t) // 2] if t else 0, t[-1] if t else 0, ttl, len(owned) - len(t)))
PY
{ wait "$FO_A"; } 2>/dev/null || true # reaped quietly (it was SIGKILLed)

echo "== worker memory: $STREAMS streams on the fake TikTok (one chat message per second each)"
export NATS_URL="nats://127.0.0.1:$P1"
fake_tiktok --users "$STREAMS" --endless-ms 1000
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
print("sign calls: %d for %d streams (one per connection)" % (r["signBudget"]["calls"], n))
'
