// `npm run bench`: sizes, JWT requests saved and latency in real Chromium, verifier throughput and
// memory, each against its goal, in one table printed and written to BENCHMARKS.md.
// Run `npm run build` first (the npm script does). BENCH_DURATION_MS shortens the verifier runs.
import { measureBundles } from './lib/bundle-size.js';
import { describeMachine, formatReport, writeReport } from './lib/report.js';
import {
  jwtRequestRows,
  latencyRows,
  memoryRows,
  sizeRows,
  skippedRows,
  verifierRows,
} from './lib/rows.js';
import { benchJwtRequests } from './chromium/jwt-requests.js';
import { benchLatency } from './chromium/latency.js';
import { openStoreSession } from './chromium/store-session.js';
import { benchMemory } from './memory/bench-memory.js';
import { benchVerify } from './verify.js';

const TIMEOUT_MS = 10 * 60_000;

/** The Chromium rows, or SKIP rows when no Chromium is installed. */
async function chromiumRows() {
  const session = await openStoreSession();
  if ('skipped' in session) {
    const names = ['JWT requests saved (Chromium)', 'Latency overhead (Chromium)'];
    return { rows: skippedRows(names, session.skipped), browserVersion: undefined };
  }
  try {
    console.error('bench: JWT requests and latency in Chromium…');
    const rows = [
      ...jwtRequestRows(await benchJwtRequests(session)),
      ...latencyRows(await benchLatency(session)),
    ];
    return { rows, browserVersion: session.browserVersion };
  } finally {
    await session.close();
  }
}

async function main() {
  console.error('bench: bundle sizes…');
  const rows = sizeRows(await measureBundles());
  const chromium = await chromiumRows();
  rows.push(...chromium.rows);
  console.error('bench: verifier throughput…');
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1000);
  rows.push(...verifierRows(await benchVerify({ durationMs, repetitions: 5, warmupMs: 500 })));
  console.error('bench: memory…');
  rows.push(...memoryRows(await benchMemory()));
  const markdown = formatReport({ rows, machine: describeMachine(chromium.browserVersion) });
  console.log(await writeReport(markdown));
}

// A benchmark that hangs is a failed benchmark: never wait forever on a browser or a server.
const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${TIMEOUT_MS / 60_000} minutes`);
  process.exit(1);
}, TIMEOUT_MS);
watchdog.unref();

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
}
