import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODE_CUSTOMER_CHANGE,
  CLOSE_CODE_LOGOUT,
  createCustomerAuth,
  CustomerAuthError,
  type CustomerAuthClient,
} from '../../src/browser/index.js';
import {
  fakeClock,
  keepClicksOnPage,
  leavePage,
  nextTurn,
  restorePage,
  setPageUrl,
  type FakeClock,
} from './helpers/page.js';
import { seededRandom, type Random } from './helpers/random.js';
import { recordingTransport, type RecordedSocket } from './helpers/recording-socket.js';
import { CLIENT_ID, makeJwt } from './helpers/tokens.js';

// Two tabs of one store: two clients with the same client ID in one page, talking over a real
// BroadcastChannel, sharing one storefront session. Random calls, token answers in any order,
// session changes, invalidate(), logout clicks and clock changes; after every step (once every
// notice posted was delivered) each tab must keep its cross-tab promises: a notice drops exactly
// what client.ts's rules say and closes the old shopper's sockets, the tab hands out no token
// requested before it, hearing a notice never makes a tab post one (no echo), and a tab that learns
// of a sign-out or a switch itself tells the other. Seeded: a failure names its seed.

const SEEDS = Array.from({ length: 300 }, (_, index) => index + 1);
const STEPS = 30;
const API = 'https://api.example.com';
const SHOPPERS = [1, 2, 3];

interface TokenRequest {
  number: number;
  tab: Tab;
  /** Whom the session belonged to when the tab asked; `null`: a guest (404). */
  shopper: number | null;
  answered: boolean;
  respond: (response: Response) => void;
}

interface Tab {
  name: string;
  client: CustomerAuthClient;
  posted: unknown[];
  delivered: number;
  /** Its own identity events: invalidate() calls, logout clicks, answers to its requests. */
  own: number;
  /** The last token request made before a notice that dropped this tab's token. */
  fence: number;
  sockets: RecordedSocket[];
  /** Events raised here by its own doing (not by a notice), this step. */
  local: string[];
  notSignedIn: boolean;
}

interface World {
  appClientId: string;
  random: Random;
  clock: FakeClock;
  session: number | null;
  requests: TokenRequest[];
  byToken: Map<string, TokenRequest>;
  tabs: Tab[];
  calls: { outcome?: string }[];
  failures: string[];
}

const check = (world: World, ok: boolean, what: string) => {
  if (!ok) world.failures.push(what);
};

// One document for both tabs: each client hears a page event (a click, `pagehide`, `pageshow`)
// only while it happens in its own tab (`inTab`); `creating` tags the listeners as they are added.
let creating: Tab | undefined;
let inTab: Tab | undefined;
const gated = new WeakMap<object, EventListener>();
for (const target of [window, document] as EventTarget[]) {
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  target.addEventListener = (type, listener, options) => {
    const tab = creating;
    if (!tab || typeof listener != 'function') return add(type, listener, options);
    const wrapped = (event: Event) => (!inTab || inTab == tab ? listener(event) : undefined);
    gated.set(listener, wrapped);
    add(type, wrapped, options);
  };
  target.removeEventListener = (type, listener, options) =>
    remove(type, (listener && gated.get(listener)) ?? listener, options);
}

/** What a notice must do to a tab that knows `customer` (client.ts's rule). */
function noticeRule(notice: string, customer: number | null) {
  const id = notice.slice(1);
  if (notice[0] != 'c' || customer === null) return { events: ['invalidate:tab'] };
  if (id && +id === customer) return { events: [] };
  const [code, reason, event] = id
    ? [CLOSE_CODE_CUSTOMER_CHANGE, 'customerchange', `customerchange:${customer}>null`]
    : [CLOSE_CODE_LOGOUT, 'logout', `logout:${customer}`];
  return { events: ['invalidate:' + reason, event], close: [code, reason] as const };
}

/** A notice reaches `tab`: checked against the rule right after the client handled it. */
function hear(world: World, tab: Tab, event: MessageEvent, listener: EventListener) {
  tab.delivered++;
  const notice = String(event.data);
  const before = tab.client.getCustomer()?.id ?? null;
  const [posted, mark] = [tab.posted.length, tab.local.length];
  const open = tab.sockets.filter((socket) => socket.readyState == 1);
  const fence = world.requests.length;
  listener(event);
  const heard = tab.local.splice(mark);
  const rule = noticeRule(notice, before);
  const where = `tab ${tab.name} hearing '${notice}' as ${before}`;
  check(world, heard.join() == rule.events.join(), `${where}: events [${heard.join()}]`);
  check(world, tab.posted.length == posted, `${where}: posted a notice back`);
  if (rule.events.length) tab.fence = fence;
  // A dropped token with sockets still open: one request at once asks whose they are.
  const asked = world.requests.length - fence;
  const recheck = rule.events.length && !rule.close && open.length ? 1 : 0;
  // A page rendered for the same shopper asks again only while a check is under way (unseen here).
  const ok = rule.events.length ? asked == recheck : asked <= (open.length ? 1 : 0);
  check(world, ok, `${where}: asked for ${asked} tokens, ${open.length} sockets open`);
  const after = tab.client.getCustomer()?.id ?? null;
  check(world, after === (rule.close ? null : before), `${where}: now knows ${after}`);
  for (const socket of open) {
    const closes = socket.closes.join();
    check(world, closes == (rule.close ?? []).join(), `${where}: a socket closed [${closes}]`);
  }
}

/** Every token a tab hands out: its own, for whom it knows, requested after its last notice. */
function checkHandOut(world: World, tab: Tab, token: string, where: string) {
  const request = world.byToken.get(token);
  if (!request) return check(world, false, `tab ${tab.name}, ${where}: an unknown token`);
  const what = `tab ${tab.name}, ${where}: request ${request.number}`;
  check(world, request.tab == tab, `${what}, the other tab's token`);
  check(world, request.number > tab.fence, `${what}, from before a notice (${tab.fence})`);
  const customer = tab.client.getCustomer()?.id ?? null;
  check(world, request.shopper === customer, `${what}, of ${request.shopper}, knows ${customer}`);
}

function tabChannel(world: World, tab: Tab): typeof BroadcastChannel {
  return class extends BroadcastChannel {
    override postMessage(message: unknown) {
      tab.posted.push(message);
      super.postMessage(message);
    }
    override addEventListener(type: string, listener: unknown, options?: AddEventListenerOptions) {
      const heard = (event: Event) => hear(world, tab, event as MessageEvent, listener as never);
      super.addEventListener(type, heard, options);
    }
  };
}

function tabFetch(world: World, tab: Tab): typeof fetch {
  return (input) => {
    if (input instanceof Request) {
      const header = input.headers.get('Authorization') ?? '';
      checkHandOut(world, tab, header.replace(/^Bearer /, ''), 'API request');
      return Promise.resolve(new Response('{}'));
    }
    return new Promise((respond) => {
      const number = world.requests.length + 1;
      world.requests.push({ number, tab, shopper: world.session, answered: false, respond });
    });
  };
}

function tabTransport(world: World, tab: Tab) {
  return recordingTransport((token) => {
    checkHandOut(world, tab, token, 'socket URL');
    const record = {
      shopper: world.byToken.get(token)?.shopper ?? null,
      readyState: 1,
      closes: [],
    };
    tab.sockets.push(record);
    return record;
  });
}

function openTab(world: World, name: string): Tab {
  const tab = { name, posted: [], delivered: 0, own: 0, fence: 0, sockets: [], local: [] };
  const tabbed = tab as Omit<Tab, 'client' | 'notSignedIn'> as Tab;
  creating = tabbed;
  tabbed.client = createCustomerAuth({
    appClientId: world.appClientId,
    allowedOrigins: [API],
    maxTokenAgeMs: world.random.pick([0, 5000, 60_000]),
    fetch: tabFetch(world, tabbed),
    WebSocket: tabTransport(world, tabbed) as unknown as typeof WebSocket,
    BroadcastChannel: tabChannel(world, tabbed),
    now: world.clock.now,
    monotonicNow: world.clock.monotonicNow,
  });
  creating = undefined;
  const { on } = tabbed.client;
  on('token', ({ customer }) => tabbed.local.push('token:' + String(customer.id)));
  on('logout', ({ previous }) => tabbed.local.push('logout:' + String(previous.id)));
  on('customerchange', ({ previous, current }) =>
    tabbed.local.push(`customerchange:${previous.id}>${current?.id ?? 'null'}`),
  );
  on('invalidate', ({ reason }) => tabbed.local.push('invalidate:' + reason));
  return tabbed;
}

// Steps.

function startCall(world: World) {
  const tab = world.random.pick(world.tabs);
  const call: { outcome?: string } = {};
  world.calls.push(call);
  const { client, name } = tab;
  const starts = {
    getToken: () => client.getToken({ force: world.random.chance(0.25) }),
    fetch: () => client.fetch(API + '/points'),
    webSocket: () => client.webSocket(API + '/live'),
  };
  const kind = world.random.pick(['getToken', 'fetch', 'webSocket'] as const);
  (starts[kind]() as Promise<unknown>).then(
    (value) => {
      call.outcome = 'value';
      if (typeof value == 'string') checkHandOut(world, tab, value, 'getToken');
    },
    (error: unknown) => {
      call.outcome = 'error';
      const code = error instanceof CustomerAuthError ? error.code : String(error);
      check(world, code == 'NOT_SIGNED_IN' && tab.notSignedIn, `${name}: ${kind}: ${code}`);
    },
  );
}

function answerOne(world: World) {
  const waiting = world.requests.filter((request) => !request.answered);
  if (!waiting.length) return;
  const request = world.random.pick(waiting);
  const { shopper, tab } = request;
  request.answered = true;
  tab.own++;
  if (shopper === null) {
    tab.notSignedIn = true;
    return request.respond(new Response('', { status: 404 }));
  }
  const { appClientId } = world;
  const token = makeJwt(shopper, { aud: appClientId, application_id: appClientId });
  world.byToken.set(token, request);
  request.respond(new Response(JSON.stringify({ token })));
}

function changeSession(world: World) {
  world.session = world.random.chance(0.25) ? null : world.random.pick(SHOPPERS);
}

function invalidate(world: World) {
  const tab = world.random.pick(world.tabs);
  tab.own++;
  const open = tab.sockets.some((socket) => socket.readyState == 1);
  const before = world.requests.length;
  tab.client.invalidate();
  check(world, tab.posted.at(-1) == 'i', `tab ${tab.name}: invalidate() did not post 'i'`);
  const asked = world.requests.length - before;
  check(world, asked == (open ? 1 : 0), `tab ${tab.name}: invalidate() asked for ${asked} tokens`);
}

/** A click on the logout link in one tab: the storefront signs the shopper out as it goes. */
function logoutClick(world: World) {
  const tab = world.random.pick(world.tabs);
  tab.own++;
  inTab = tab;
  document.getElementById('logout')?.click();
  world.session = null;
  leavePage();
  restorePage();
  inTab = undefined;
  check(world, tab.posted.at(-1) == 'c', `tab ${tab.name}: a logout click did not post 'c'`);
}

function advanceClock(world: World) {
  world.clock.advance(world.random.pick([1, 4000, 70_000]));
}

const ACTIONS = [startCall, startCall, startCall, answerOne, answerOne, answerOne, answerOne];
const RARE = [changeSession, changeSession, invalidate, logoutClick, advanceClock];

/** Lets answers take effect, then waits (bounded) until every notice posted was delivered. */
async function settle(world: World) {
  for (let turn = 0; turn < 1000; turn++) {
    await nextTurn();
    const [a, b] = world.tabs as [Tab, Tab];
    if (turn >= 8 && a.delivered == b.posted.length && b.delivered == a.posted.length) return;
  }
  check(world, false, 'a notice was never delivered');
}

function checkTab(world: World, tab: Tab, postedBefore: number) {
  const posted = tab.posted.slice(postedBefore).map(String);
  const customer = tab.client.getCustomer()?.id ?? null;
  check(world, tab.posted.length <= tab.own, `tab ${tab.name}: more notices than own events`);
  for (const event of tab.local) {
    const [name, previous, current] = event.split(/[:>]/);
    if (name == 'logout' || (name == 'customerchange' && current != 'null')) {
      const notice = 'c' + (name == 'logout' ? '' : String(current));
      check(world, posted.includes(notice), `tab ${tab.name}: ${event} (from ${previous}) untold`);
    }
  }
  for (const { shopper, closes, readyState } of tab.sockets) {
    check(world, closes.length <= 1, `tab ${tab.name}: a socket closed twice`);
    const ok = readyState != 1 || shopper === customer;
    check(world, ok, `tab ${tab.name}: ${shopper}'s socket open, knows ${customer}`);
  }
  tab.local.length = 0;
  tab.notSignedIn = false;
}

async function step(world: World, action: (world: World) => void) {
  const before = world.tabs.map((tab) => tab.posted.length);
  action(world);
  await settle(world);
  world.tabs.forEach((tab, index) => checkTab(world, tab, before[index] ?? 0));
}

async function runScenario(seed: number) {
  const [random, clock, appClientId] = [seededRandom(seed), fakeClock(), `${CLIENT_ID}-${seed}`];
  const empty = { requests: [], byToken: new Map(), tabs: [], calls: [], failures: [] };
  const world: World = { appClientId, random, clock, session: 1, ...empty };
  const unhandled = (reason: unknown) => world.failures.push('unhandled: ' + String(reason));
  process.on('unhandledRejection', unhandled);
  world.tabs = [openTab(world, 'A'), openTab(world, 'B')];
  for (let i = 0; i < STEPS && !world.failures.length; i++) {
    const actions = world.random.chance(0.25) ? RARE : ACTIONS;
    await step(world, world.random.pick(actions));
  }
  // Answers everything: token requests stop once every call has its answer.
  const waiting = () =>
    !world.failures.length && world.requests.some((request) => !request.answered);
  for (let round = 0; round < 60 && waiting(); round++) await step(world, answerOne);
  const [settled, ended] = [world.calls.every((call) => call.outcome), !waiting()];
  if (!world.failures.length) check(world, settled && ended, `settled ${settled}, ended ${ended}`);
  world.tabs.forEach((tab) => tab.client.destroy());
  const stored = [localStorage, sessionStorage].map((storage) => JSON.stringify({ ...storage }));
  const kept = stored.join() + document.cookie;
  check(world, ![...world.byToken.keys()].some((token) => kept.includes(token)), 'a token stored');
  process.off('unhandledRejection', unhandled);
  return world.failures;
}

keepClicksOnPage();

describe('two tabs: random interleavings', () => {
  it(
    `keep their cross-tab promises over ${SEEDS.length} seeded scenarios`,
    { timeout: 30_000 },
    async () => {
      const failed: string[] = [];
      // A few failing seeds are enough to read (a broken client may echo notices for ever).
      for (const seed of SEEDS) {
        if (failed.length == 3) break;
        setPageUrl('https://store.example.com/');
        document.body.innerHTML = '<a id="logout" href="/login.php?action=logout">Sign out</a>';
        const [first] = await runScenario(seed);
        if (first) failed.push(`seed ${seed}: ${first}`);
      }
      expect(failed).toEqual([]);
    },
  );
});
