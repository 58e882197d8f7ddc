import { describe, expect, it } from 'vitest';
import type { ResolvedOptions } from '../../src/browser/options.js';
import { createTokenCache, type CachedTokenGetter } from '../../src/browser/token-cache.js';
import type { ReceivedToken } from '../../src/browser/token-source.js';
import { fakeClock, nextTurn, type FakeClock } from './helpers/page.js';
import { seededRandom, type Random } from './helpers/random.js';
import { CUSTOMER } from './helpers/tokens.js';

// Random interleavings of calls, answers in any order, identity events, aborts and clock changes,
// checked against the cache's promises after every step. Scenarios are seeded: a failure names its
// seed and replays exactly.

const SCENARIOS = 2000;
const STEPS = 40;
const LIFETIME_MARGIN_MS = 30_000;
const MAX_TOKEN_AGE_MS = 60_000;

/** When something happened: `order` counts events; the clocks are what the cache reads. */
interface Moment {
  order: number;
  wallMs: number;
  monotonicMs: number;
}

interface TokenRequest {
  number: number;
  /** Identity events before it started. */
  identityAtStart: number;
  forced: boolean;
  answered: boolean;
  /** Calls that began while it was in flight (callers asking again may wait on it too). */
  joiners: Call[];
  resolve: (token: ReceivedToken) => void;
  reject: (error: Error) => void;
}

interface Receipt extends Moment {
  request: TokenRequest;
}

interface Call extends Moment {
  force: boolean;
  /** The newest request whose token had been handed out when this call began. */
  newestHandedOut: number;
  controller?: AbortController | undefined;
  outcome?: { token: ReceivedToken } | { error: unknown };
}

interface Scenario {
  random: Random;
  clock: FakeClock;
  maxTokenAgeMs: number;
  get: CachedTokenGetter;
  clear: (keep?: ReceivedToken) => void;
  requests: TokenRequest[];
  receipts: Map<ReceivedToken, Receipt>;
  calls: Call[];
  failures: string[];
  identity: number;
  /** The token the last identity event kept (a customer switch keeps the new shopper's). */
  kept?: ReceivedToken | undefined;
  newestHandedOut: number;
  /** `newestHandedOut` when the current step began: answers settling together may interleave. */
  newestHandedOutBefore: number;
  events: number;
  abortedSinceLatest: boolean;
  listenersRaiseEvents: boolean;
}

const check = (scenario: Scenario, ok: boolean, what: string) => {
  if (!ok) scenario.failures.push(what);
};

const moment = (scenario: Scenario): Moment => ({
  order: ++scenario.events,
  wallMs: scenario.clock.wallMs,
  monotonicMs: scenario.clock.monotonicMs,
});

function identityEvent(scenario: Scenario, keep?: ReceivedToken) {
  scenario.identity++;
  scenario.kept = keep;
  scenario.clear(keep);
}

function createScenario(seed: number): Scenario {
  const clock = fakeClock();
  const random = seededRandom(seed);
  const request = () =>
    new Promise<ReceivedToken>((resolve, reject) => {
      const { requests, identity } = scenario;
      const number = requests.length + 1;
      requests.push({
        number,
        identityAtStart: identity,
        forced: false,
        answered: false,
        joiners: [],
        resolve,
        reject,
      });
      scenario.abortedSinceLatest = false;
    });
  // A `token` listener may switch the shopper (keeping the new token) or drop the token.
  const onToken = (token: ReceivedToken) => {
    if (!scenario.listenersRaiseEvents) return;
    if (random.chance(0.08)) identityEvent(scenario, token);
    else if (random.chance(0.04)) identityEvent(scenario);
  };
  const maxTokenAgeMs = random.pick([0, 1000, 5000, 60_000, 3_600_000]);
  const options = { maxTokenAgeMs, now: clock.now, monotonicNow: clock.monotonicNow };
  const [get, clear] = createTokenCache(
    request,
    onToken,
    () => {},
    options as ResolvedOptions,
    () => false,
  );
  const scenario: Scenario = {
    random,
    clock,
    maxTokenAgeMs,
    get,
    clear,
    requests: [],
    receipts: new Map(),
    calls: [],
    failures: [],
    identity: 0,
    newestHandedOut: 0,
    newestHandedOutBefore: 0,
    events: 0,
    abortedSinceLatest: false,
    listenersRaiseEvents: true,
  };
  return scenario;
}

const ages = ({ clock }: Scenario, receipt: Receipt) => [
  clock.wallMs - receipt.wallMs,
  clock.monotonicMs - receipt.monotonicMs,
];

/** Whether `receipt` is younger than `ms` on both clocks. */
const youngerThan = (scenario: Scenario, receipt: Receipt, ms: number) =>
  ages(scenario, receipt).every((age) => age >= 0 && age < ms);

const maxCachedAgeMs = ({ maxTokenAgeMs }: Scenario, token: ReceivedToken) =>
  Math.min(maxTokenAgeMs, MAX_TOKEN_AGE_MS, token[2] - LIFETIME_MARGIN_MS);

const mayBeCached = (scenario: Scenario) =>
  [...scenario.receipts].some(
    ([token, receipt]) =>
      (receipt.request.identityAtStart == scenario.identity || token == scenario.kept) &&
      youngerThan(scenario, receipt, maxCachedAgeMs(scenario, token)),
  );

function checkHandOut(scenario: Scenario, call: Call, token: ReceivedToken) {
  const receipt = scenario.receipts.get(token);
  if (!receipt) return check(scenario, false, 'handed out something no request answered');
  const { number, identityAtStart } = receipt.request;
  check(
    scenario,
    identityAtStart == scenario.identity || token == scenario.kept,
    `handed out token ${number}, requested before the last identity event`,
  );
  check(
    scenario,
    number >= scenario.newestHandedOutBefore,
    `handed out token ${number} after the newer token ${scenario.newestHandedOutBefore}`,
  );
  if (receipt.order < call.order) {
    check(scenario, !call.force, `a forced call got token ${number}, received before it`);
    check(
      scenario,
      youngerThan(scenario, receipt, maxCachedAgeMs(scenario, token)),
      `token ${number} served from the cache past its maximum age`,
    );
  } else {
    check(
      scenario,
      ages(scenario, receipt).every((age) => age == 0) ||
        youngerThan(scenario, receipt, token[2] - LIFETIME_MARGIN_MS),
      `token ${number} handed out past its own lifetime`,
    );
  }
  check(
    scenario,
    !call.force || number > call.newestHandedOut,
    `a forced call got token ${number}, no newer than one handed out before it`,
  );
  scenario.newestHandedOut = Math.max(scenario.newestHandedOut, number);
}

/** Whether the call may be served without a request, or must share or start one. */
function expectedRequests(scenario: Scenario, call: Call): 0 | 1 | undefined {
  if (call.controller?.signal.aborted) return 0;
  const latest = scenario.requests.at(-1);
  const inFlight =
    latest && !latest.answered && latest.identityAtStart == scenario.identity ? latest : undefined;
  const waitedFor =
    inFlight &&
    (!scenario.abortedSinceLatest ||
      inFlight.joiners.some((joiner) => !joiner.outcome && !joiner.controller?.signal.aborted));
  const abandoned = !inFlight || scenario.calls.every((other) => other.outcome);
  if (waitedFor && (!call.force || inFlight.forced)) return 0;
  // A forced call never shares a plain request, nor one every waiter gave up on.
  if (call.force && (!inFlight?.forced || abandoned)) return 1;
  if (!call.force && abandoned && !mayBeCached(scenario)) return 1;
  return undefined;
}

function startCall(scenario: Scenario) {
  const { random, requests } = scenario;
  const controller = random.chance(0.3) ? new AbortController() : undefined;
  if (controller && random.chance(0.1)) controller.abort(new Error('aborted before the call'));
  const call: Call = {
    force: random.chance(0.25),
    controller,
    newestHandedOut: scenario.newestHandedOut,
    ...moment(scenario),
  };
  const expected = expectedRequests(scenario, call);
  const before = requests.length;
  scenario.calls.push(call);
  scenario.get(controller?.signal, call.force).then(
    (token) => {
      call.outcome = { token };
      checkHandOut(scenario, call, token);
    },
    (error: unknown) => {
      call.outcome = { error };
    },
  );
  const started = requests.length - before;
  if (expected !== undefined) {
    check(scenario, started == expected, `a call started ${started} requests, not ${expected}`);
  }
  const joined = requests.at(-1);
  if (joined && (started || !joined.answered)) joined.joiners.push(call);
  if (joined && started && call.force) joined.forced = true;
}

function answer(scenario: Scenario, request: TokenRequest) {
  request.answered = true;
  if (scenario.random.chance(0.15))
    return request.reject(new Error(`request ${request.number} failed`));
  const lifetimeMs = scenario.random.pick([900_000, 900_000, 45_000, NaN]);
  const token: ReceivedToken = [`jwt-${request.number}`, CUSTOMER, lifetimeMs];
  scenario.receipts.set(token, { request, ...moment(scenario) });
  request.resolve(token);
}

/** Aborts a waiting call; returns a check that it rejected with the signal's reason. */
function abortCall(scenario: Scenario) {
  const waiting = scenario.calls.filter((c) => !c.outcome && c.controller);
  const call = waiting.length ? scenario.random.pick(waiting) : undefined;
  if (!call?.controller) return;
  const reason = new Error('aborted');
  call.controller.abort(reason);
  scenario.abortedSinceLatest = true;
  return () => {
    const { outcome } = call;
    const rejected = outcome && 'error' in outcome && outcome.error === reason;
    check(scenario, !!rejected, 'an aborted call did not reject at once with its signal’s reason');
  };
}

/** Lets every answer take effect; callers that ask again must share one new request. */
async function settle(scenario: Scenario) {
  const before = scenario.requests.length;
  await nextTurn();
  const started = scenario.requests.length - before;
  scenario.newestHandedOutBefore = scenario.newestHandedOut;
  check(scenario, started <= 1, `callers asking again started ${started} requests`);
}

/** Takes one random action; returns a check to run once it has taken effect, if it has one. */
function step(scenario: Scenario): (() => void) | undefined {
  const { random, clock, requests } = scenario;
  const answerOne = () => {
    const unanswered = requests.filter((request) => !request.answered);
    if (unanswered.length) answer(scenario, random.pick(unanswered));
  };
  const actions: (() => (() => void) | void)[] = [
    () => startCall(scenario),
    () => startCall(scenario),
    () => startCall(scenario),
    answerOne,
    answerOne,
    answerOne,
    () => identityEvent(scenario),
    () => abortCall(scenario),
    () => {
      clock.advance(random.pick([1, 999, 4000, 30_000, 70_000]));
    },
    // The wall clock set back, or a laptop waking up (the monotonic clock did not run).
    () => {
      clock.wallMs += random.pick([-60_000, 8 * 3_600_000]);
    },
    () => {
      clock.monotonicMs += 10_000;
    },
  ];
  return random.pick(actions)() ?? undefined;
}

async function runScenario(seed: number) {
  const scenario = createScenario(seed);
  for (let i = 0; i < STEPS; i++) {
    const afterwards = step(scenario);
    await settle(scenario);
    afterwards?.();
  }
  // Answer everything still open, listeners quiet: every call settles.
  scenario.listenersRaiseEvents = false;
  for (let round = 0; round < 20 && scenario.requests.some((r) => !r.answered); round++) {
    for (const request of scenario.requests.filter((r) => !r.answered)) answer(scenario, request);
    await settle(scenario);
  }
  check(
    scenario,
    scenario.calls.every((call) => call.outcome),
    'a call never settled',
  );
  return scenario.failures;
}

describe('token cache: random interleavings', () => {
  it(
    `keeps its promises over ${SCENARIOS} seeded scenarios of ${STEPS} steps each`,
    { timeout: 30_000 },
    async () => {
      const failed: string[] = [];
      for (let seed = 1; seed <= SCENARIOS; seed++) {
        const [first] = await runScenario(seed);
        if (first) failed.push(`seed ${seed}: ${first}`);
      }
      expect(failed).toEqual([]);
    },
  );
});
