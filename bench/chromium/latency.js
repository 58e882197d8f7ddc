/* global window */
// Latency overhead in real Chromium on loopback: a warm-cache `bcAuthFetch` and a cold one (cache
// just invalidated), against a plain `fetch` with a hard-coded Authorization header to the same
// endpoint, against the Current Customer JWT request alone, and against doing the extra round
// trip by hand (the JWT request, then the plain `fetch`).
//
// The page's default client is configured afresh first, so the store page's own reactions to
// auth events (its event log) are not counted as the SDK's time.
import { median } from '../verify.js';

/**
 * What each sample times, in the page, in an order that keeps each compared pair side by side
 * (warm next to plain, cold next to by hand) whichever way round a sample runs. `plainAgain` is
 * the A/A control: plain against plain shows the noise of the machine.
 */
const KINDS = ['warm', 'plain', 'plainAgain', 'jwt', 'cold', 'byHand'];

/**
 * Runs in the page. Each sample times `callsPerSample` sequential calls of one kind (so the
 * browser's coarse timer does not dominate), kinds interleaved and their order alternated.
 *
 * @param {{ url: string, jwtPath: string, options: object, kinds: string[], samples: number, callsPerSample: number }} input
 * @returns {Promise<Record<string, number[]>>} milliseconds per call, one value per sample
 */
async function timeCalls({ url, jwtPath, options, kinds, samples, callsPerSample }) {
  const client = window.BcCustomerAuth.configure(options);
  const headers = { Authorization: `Bearer ${await client.getToken()}` };
  const jwtInit = { headers: { Accept: 'application/json' }, cache: 'no-store' };
  const plain = async () => (await fetch(url, { headers })).text();
  const jwt = async () => (await fetch(jwtPath, jwtInit)).text();
  const warm = async () => (await window.bcAuthFetch(url)).text();
  const calls = {
    warm,
    plain,
    plainAgain: plain,
    jwt,
    cold: async () => {
      client.invalidate();
      return warm();
    },
    byHand: async () => {
      await jwt();
      return plain();
    },
  };
  const times = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let sample = 0; sample < samples; sample += 1) {
    for (const kind of sample % 2 ? kinds : [...kinds].reverse()) {
      const started = performance.now();
      for (let i = 0; i < callsPerSample; i += 1) await calls[kind]();
      times[kind].push((performance.now() - started) / callsPerSample);
    }
    // Leave the cache warm for the next warm sample, whichever kind ran last.
    await client.getToken();
  }
  return times;
}

/**
 * Times per call (medians of all samples) and ratios (medians of paired samples: each warm sample
 * against the plain one run next to it, each cold one against the by-hand one next to it), so load
 * that comes and goes on the machine weighs on both sides of a ratio alike.
 *
 * @param {import('./store-session.js').StoreSession} session
 * @param {{ repetitions?: number, samples?: number, callsPerSample?: number }} [options]
 */
export async function benchLatency(
  session,
  { repetitions = 7, samples = 10, callsPerSample = 10 } = {},
) {
  const { pointsUrl, jwtPath, demo, appClientId } = session;
  const options = { appClientId, allowedOrigins: [demo.api.origin], maxTokenAgeMs: 60_000 };
  /** @type {Record<string, number[]>} */
  const all = Object.fromEntries(KINDS.map((kind) => [kind, []]));
  for (let i = 0; i < repetitions; i += 1) {
    const input = { url: pointsUrl, jwtPath, options, kinds: KINDS };
    const times = await session.page.evaluate(timeCalls, { ...input, samples, callsPerSample });
    for (const kind of KINDS) all[kind].push(...times[kind]);
  }
  const paired = (a, b) => median(all[a].map((value, index) => value / all[b][index]));
  return {
    samples: all.warm.length,
    warmMs: median(all.warm),
    plainMs: median(all.plain),
    coldMs: median(all.cold),
    jwtRoundTripMs: median(all.jwt),
    byHandMs: median(all.byHand),
    warmRatio: paired('warm', 'plain'),
    noiseRatio: paired('plainAgain', 'plain'),
    coldRatio: paired('cold', 'plain'),
    coldToByHandRatio: paired('cold', 'byHand'),
  };
}
