// The Node side of bench/vs-node.sh: TikTok-Live-Connector's own receive path
// over a corpus of push frames preloaded in memory.
//
//   node bench/vs-node.mjs NODE_MODULES_DIR CORPUS
//
// CORPUS holds raw WebSocket messages, each a 4-byte little-endian length and
// the bytes (examples/capture_bench.rs `corpus`). Every frame goes through
// `deserializeWebSocketMessage`, what the library runs on each binary message
// it receives: push frame, gunzip, fetch result, and every message decoded
// into an object. Prints `messages=N seconds=S cpu_seconds=C` for the timed
// loop alone (wall time, and the process's CPU time: user + system).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, corpusPath] = process.argv.slice(2);
const entry = join(modules, "tiktok-live-connector", "dist", "index.js");
const { deserializeWebSocketMessage } = await import(pathToFileURL(entry).href);

const data = readFileSync(corpusPath);
const frames = [];
for (let pos = 0; pos + 4 <= data.length; ) {
  const len = data.readUInt32LE(pos);
  frames.push(data.subarray(pos + 4, pos + 4 + len));
  pos += 4 + len;
}

let messages = 0;
let failed = 0;
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
for (const frame of frames) {
  const decoded = await deserializeWebSocketMessage(frame);
  for (const m of decoded.protoMessageFetchResult?.messages ?? []) {
    messages += 1;
    if (m.decodeError) failed += 1;
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  `frames=${frames.length} messages=${messages} failed=${failed} ` +
    `seconds=${seconds.toFixed(3)} cpu_seconds=${cpuSeconds.toFixed(3)}`,
);
