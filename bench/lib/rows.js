// Turns measurements into report rows: what was measured, the goal, the figure, and PASS/MISS.
import { median } from '../verify.js';
import { IIFE_GOAL_BYTES, SIZE_BUDGETS } from './size-budgets.js';

const number = (value, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const bytes = (value) => `${number(value)} B`;
const kib = (value) => `${value < 0 ? '−' : '+'}${number(Math.abs(value) / 1024, 1)} KiB`;
const ms = (value) => `${number(value, 2)} ms`;

/** @param {Awaited<ReturnType<typeof import('./bundle-size.js').measureBundles>>} bundles */
export function sizeRows(bundles) {
  return bundles.map(({ id, label, minBytes, gzipBytes, brotliBytes }) => {
    const budget = SIZE_BUDGETS[/** @type {keyof typeof SIZE_BUDGETS} */ (id)];
    const goalBytes = id === 'iife' ? IIFE_GOAL_BYTES : budget;
    const goal =
      id === 'iife'
        ? `≤ ${bytes(goalBytes)} (budget in npm test: ${bytes(budget)})`
        : `≤ ${bytes(goalBytes)} (budget)`;
    return {
      benchmark: `Size, min+gzip: ${label}`,
      goal,
      measured: `${bytes(gzipBytes)} gzip · ${bytes(brotliBytes)} brotli · ${bytes(minBytes)} min`,
      pass: gzipBytes <= goalBytes,
    };
  });
}

/** @param {Array<{ calls: number, sdkJwtRequests: number, naiveJwtRequests: number }>} results */
export function jwtRequestRows(results) {
  return results.map(({ calls, sdkJwtRequests, naiveJwtRequests }) => ({
    benchmark: `JWT requests, ${calls} concurrent \`bcAuthFetch\` call${calls === 1 ? '' : 's'} (Chromium, demo store)`,
    goal: '1',
    measured: `${sdkJwtRequests} (naive, a token fetch per call: ${naiveJwtRequests})`,
    pass: sdkJwtRequests === 1,
  }));
}

/** @param {Awaited<ReturnType<typeof import('../chromium/latency.js').benchLatency>>} latency */
export function latencyRows(latency) {
  const { warmMs, plainMs, coldMs, jwtRoundTripMs, byHandMs } = latency;
  return [
    {
      benchmark:
        'Latency, warm-cache `bcAuthFetch` ÷ plain `fetch` with the header (Chromium, loopback)',
      goal: '≤ 1.05',
      measured:
        `${number(latency.warmRatio, 3)}; per call ${ms(warmMs)} vs ${ms(plainMs)}; ` +
        `A/A noise (plain ÷ plain) ${number(latency.noiseRatio, 3)}`,
      pass: latency.warmRatio <= 1.05,
    },
    {
      benchmark: 'Latency, cold `bcAuthFetch` (cache just invalidated)',
      goal: 'one extra round trip: ≤ 1.2 × (JWT request + plain `fetch`, by hand)',
      measured:
        `${number(latency.coldToByHandRatio, 2)} × by hand; per call ${ms(coldMs)} vs ` +
        `${ms(byHandMs)} by hand, ${ms(plainMs)} plain (× ${number(latency.coldRatio, 2)}); ` +
        `JWT round trip ${ms(jwtRoundTripMs)}`,
      pass: latency.coldToByHandRatio <= 1.2,
    },
  ];
}

/** @param {Array<{ name: string, opsPerSecond: number }>} rows ours, jose, jsonwebtoken, floor */
export function verifierRows(rows) {
  const [ours, jose, jsonwebtoken, floor] = rows.map((row) => row.opsPerSecond);
  const perSecond = (value) => `${number(value)}/s`;
  return [
    {
      benchmark: 'Verifier throughput, HS512: ours ÷ jose `jwtVerify` (key imported once)',
      goal: '≥ 5×',
      measured: `${number(ours / jose, 1)}× (${perSecond(ours)} vs ${perSecond(jose)})`,
      pass: ours / jose >= 5,
    },
    {
      benchmark: 'Verifier throughput: bare HMAC + JSON.parse floor ÷ ours',
      goal: '≤ 2×',
      measured: `${number(floor / ours, 2)}× (floor ${perSecond(floor)})`,
      pass: floor / ours <= 2,
    },
    {
      benchmark: 'Verifier throughput: jsonwebtoken `verify`, for comparison',
      goal: '—',
      measured: `${perSecond(jsonwebtoken)} (ours is ${number(ours / jsonwebtoken, 1)}× faster)`,
      pass: undefined,
    },
  ];
}

/**
 * @param {string} benchmark
 * @param {import('../memory/bench-memory.js').MemoryScenario} scenario
 * @param {string} [extra] e.g. connections left open at the server
 * @param {boolean} [extraOk]
 */
function memoryRow(benchmark, scenario, extra = '', extraOk = true) {
  const growth = median(scenario.sdk.growthBytes);
  // Noise: the largest swing of the same work done without the SDK, at least 64 KiB.
  const noise = Math.max(65_536, ...scenario.control.growthBytes.map(Math.abs));
  const { listenersBefore, listenersAfter, listenersAfterDestroy, channelsAfterDestroy } = scenario;
  const listenersOk =
    listenersAfter === listenersBefore && listenersAfterDestroy === 0 && channelsAfterDestroy === 0;
  return {
    benchmark,
    goal: 'heap growth within noise; no listener left after `destroy()`',
    measured:
      `${kib(growth)} per round (median of ${scenario.rounds}; noise ±${number(noise / 1024, 0)} KiB); ` +
      `listeners ${listenersBefore} → ${listenersAfter}, ${listenersAfterDestroy} after destroy(); ` +
      `${scenario.jwtRequests} JWT request${scenario.jwtRequests === 1 ? '' : 's'}${extra}`,
    pass: growth <= noise && listenersOk && extraOk,
  };
}

/** @param {Awaited<ReturnType<typeof import('../memory/bench-memory.js').benchMemory>>} memory */
export function memoryRows({ fetchCalls, sockets }) {
  return [
    memoryRow(
      `Memory, ${number(fetchCalls.calls)} warm \`bcAuthFetch\` calls per round (Node, injected fetch)`,
      fetchCalls,
    ),
    memoryRow(
      `Memory, ${number(sockets.sockets)} sockets opened and closed per round (\`ws\` server, loopback)`,
      sockets,
      `; ${sockets.serverConnectionsLeft} connections left at the server`,
      sockets.serverConnectionsLeft === 0,
    ),
  ];
}

/** Rows for a part that could not run, e.g. the Chromium benchmarks without Chromium. */
export function skippedRows(benchmarks, reason) {
  return benchmarks.map((benchmark) => ({ benchmark, goal: '—', measured: reason, pass: 'skip' }));
}
