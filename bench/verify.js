// Verifications per second for bc-customer-auth/server, jose, jsonwebtoken and a bare
// HMAC + JSON.parse floor, all on the same HS512 Current Customer token.
// Run `npm run build` first, then `node bench/verify.js`.
import { createHmac, createSecretKey, timingSafeEqual, webcrypto } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { signCurrentCustomerJwt } from '../demo/storefront/current-customer-jwt.js';
import { createVerifier } from '../dist/server.js';

const CLIENT_ID = 'bench0client0id0abcdefghijklmno';
const CLIENT_SECRET = 'bench0client0secret0abcdefghijklmnopqrstuvwxyz012345';
const STORE_HASH = 'abc123';

/** A token shaped exactly like BigCommerce's (the demo store's signer), issued a minute ago. */
export function mintBenchToken(nowMs = Date.now()) {
  return signCurrentCustomerJwt({
    customer: { id: 4242, email: 'shopper1@example.com', groupId: '0' },
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    storeHash: STORE_HASH,
    nowMs: nowMs - 60_000,
  });
}

async function createCandidates() {
  const verifier = createVerifier({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    storeHashes: [STORE_HASH],
  });
  const joseKey = await webcrypto.subtle.importKey(
    'raw',
    Buffer.from(CLIENT_SECRET, 'utf8'),
    { name: 'HMAC', hash: 'SHA-512' },
    false,
    ['verify'],
  );
  const joseOptions = { algorithms: ['HS256', 'HS512'], issuer: 'bc/apps', audience: CLIENT_ID };
  const jwtKey = createSecretKey(CLIENT_SECRET, 'utf8');
  const jwtOptions = { algorithms: ['HS256', 'HS512'], issuer: 'bc/apps', audience: CLIENT_ID };
  const floorKey = createSecretKey(CLIENT_SECRET, 'utf8');
  return [
    { name: 'bc-customer-auth verify()', run: (token) => verifier.verify(token), isAsync: true },
    {
      name: 'jose jwtVerify (key imported once)',
      run: (token) => jwtVerify(token, joseKey, joseOptions),
      isAsync: true,
    },
    {
      name: 'jsonwebtoken verify',
      run: (token) => jsonwebtoken.verify(token, jwtKey, jwtOptions),
      isAsync: false,
    },
    {
      name: 'floor: HMAC + timingSafeEqual + JSON.parse',
      isAsync: false,
      run(token) {
        const firstDot = token.indexOf('.');
        const lastDot = token.lastIndexOf('.');
        const mac = createHmac('sha512', floorKey).update(token.slice(0, lastDot)).digest();
        if (!timingSafeEqual(mac, Buffer.from(token.slice(lastDot + 1), 'base64url')))
          throw new Error('bad');
        return JSON.parse(
          Buffer.from(token.slice(firstDot + 1, lastDot), 'base64url').toString('utf8'),
        );
      },
    },
  ];
}

async function measure(candidate, token, durationMs) {
  const batch = 256;
  let operations = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    if (candidate.isAsync) for (let i = 0; i < batch; i += 1) await candidate.run(token);
    else for (let i = 0; i < batch; i += 1) candidate.run(token);
    operations += batch;
    elapsed = performance.now() - started;
  }
  return (operations * 1000) / elapsed;
}

/** The median of `values` (the mean of the middle two when their count is even). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every candidate `repetitions` times (interleaved) for `durationMs` each and returns one row
 * per candidate with the median verifications per second.
 *
 * @returns {Promise<Array<{ name: string, opsPerSecond: number, samples: number[] }>>}
 */
export async function benchVerify({ durationMs = 1000, repetitions = 5, warmupMs = 500 } = {}) {
  const token = mintBenchToken();
  const candidates = await createCandidates();
  for (const candidate of candidates) {
    await candidate.run(token); // fails loudly if a candidate rejects the token
    await measure(candidate, token, warmupMs);
  }
  const samples = candidates.map(() => []);
  for (let round = 0; round < repetitions; round += 1) {
    for (const [index, candidate] of candidates.entries()) {
      samples[index].push(await measure(candidate, token, durationMs));
    }
  }
  return candidates.map((candidate, index) => ({
    name: candidate.name,
    opsPerSecond: Math.round(median(samples[index])),
    samples: samples[index].map(Math.round),
  }));
}

/** Formats rows as a Markdown table with each candidate relative to ours and to the floor. */
export function formatVerifyTable(rows) {
  const ours = rows[0].opsPerSecond;
  const floor = rows[rows.length - 1].opsPerSecond;
  const lines = [
    '| implementation | verifications/s | ours ÷ it | it ÷ floor |',
    '|---|---:|---:|---:|',
  ];
  for (const row of rows) {
    const vsOurs = (ours / row.opsPerSecond).toFixed(2);
    const vsFloor = (row.opsPerSecond / floor).toFixed(2);
    lines.push(
      `| ${row.name} | ${row.opsPerSecond.toLocaleString('en-US')} | ${vsOurs}× | ${vsFloor} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 1000);
  const rows = await benchVerify({ durationMs });
  console.log(`Node ${process.version}, HS512, median of 5 runs of ${durationMs} ms each\n`);
  console.log(formatVerifyTable(rows));
}
