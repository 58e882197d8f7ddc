import { createAuthFetch, type TokenUser } from './auth-fetch.js';
import { ownMembers } from './own-members.js';
import {
  CLOSE_CODE_CUSTOMER_CHANGE,
  CLOSE_CODE_DESTROY,
  CLOSE_CODE_LOGOUT,
  createSocketOpener,
  type AuthEventSourceInit,
  type AuthWebSocketOptions,
} from './auth-socket.js';
import { CustomerAuthError, isCustomerAuthError } from './errors.js';
import {
  createEmitter,
  type CustomerAuthEventName,
  type CustomerAuthListener,
  type InvalidateReason,
} from './events.js';
import { watchIdentity } from './identity-watch.js';
import { listen } from './listen.js';
import { resolveOptions, type CustomerAuthOptions } from './options.js';
import { createTokenCache, giveUpAfter } from './token-cache.js';
import {
  createTokenSource,
  isSameShopper,
  type CustomerSummary,
  type ReceivedToken,
} from './token-source.js';

/**
 * Options of {@link CustomerAuthClient.getToken}.
 *
 * @example
 * ```ts
 * const jwt = await auth.getToken({ force: true, signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface GetTokenOptions {
  /**
   * Ignore the cached token and start a new request (which later callers share), or share a
   * forced request already under way.
   * @default false
   * @example true
   */
  force?: boolean | undefined;
  /**
   * Rejects this call with the signal's reason; the shared request goes on for other callers.
   * @default undefined
   * @example AbortSignal.timeout(5000)
   */
  signal?: AbortSignal | null | undefined;
}

/**
 * A customer-auth client, from `createCustomerAuth()` or `configure()`. Methods do not use
 * `this`; they can be passed around on their own.
 *
 * @example
 * ```ts
 * const { fetch: authFetch, on } = createCustomerAuth(options);
 * ```
 */
export interface CustomerAuthClient {
  /**
   * `fetch` with the token in a header, for allowed origins only. Rejects like `fetch`, plus typed
   * errors.
   * @example const response = await auth.fetch('https://api.example.com/points');
   */
  fetch: typeof fetch;
  /**
   * Resolves to a connecting `WebSocket` whose URL carries the token as a query parameter.
   * @example const socket = await auth.webSocket('wss://api.example.com/points/live');
   */
  webSocket(
    url: string | URL,
    protocols?: string | string[],
    options?: AuthWebSocketOptions,
  ): Promise<WebSocket>;
  /**
   * Resolves to an `EventSource` whose URL carries the token as a query parameter.
   * @example const events = await auth.eventSource('https://api.example.com/points/stream');
   */
  eventSource(url: string | URL, init?: AuthEventSourceInit): Promise<EventSource>;
  /**
   * The current shopper's JWT, cached in memory for at most `maxTokenAgeMs`.
   * @example const jwt = await auth.getToken();
   */
  getToken(options?: GetTokenOptions): Promise<string>;
  /**
   * The last token's decoded, **unverified** claims, for display only; `null` when unknown or
   * signed out.
   * @example greeting.textContent = auth.getCustomer()?.email ?? 'Welcome';
   */
  getCustomer(): CustomerSummary | null;
  /**
   * Drops the cached token here and in other tabs (for example after a GraphQL `logout` mutation).
   * With sockets or event sources open, a client asks for a token at once: a sign-out or another
   * shopper closes them.
   * Called from an `invalidate` listener, it drops the token here only, with no second event and
   * no notice to the other tabs (a notice there would echo back and forth between tabs).
   * @example auth.invalidate(); // after signing the shopper out through the GraphQL API
   */
  invalidate(): void;
  /**
   * Listens to an event; returns a function that stops listening. An identity event raised from a
   * `token` listener (such as `invalidate()`) disowns that token: waiting calls ask again.
   * @example const stop = auth.on('logout', () => location.reload());
   */
  on<K extends CustomerAuthEventName>(name: K, listener: CustomerAuthListener<K>): () => void;
  /**
   * Removes every listener and channel, closes the sockets and event sources this client opened
   * (code `1000`, reason `destroy`), and rejects later calls with `DESTROYED`. Idempotent.
   * @example
   * ```ts
   * // React: the effect that creates the client destroys it.
   * useEffect(() => {
   *   const auth = createCustomerAuth(options);
   *   setAuth(auth);
   *   return auth.destroy;
   * }, []);
   * ```
   */
  destroy(): void;
}

/**
 * Creates a client. Throws a `TypeError` naming the first unknown or invalid option, or a
 * `CustomerAuthError` with code `UNSUPPORTED_ENVIRONMENT` outside a browser.
 *
 * @example
 * ```ts
 * const auth = createCustomerAuth({
 *   appClientId: 'your-app-client-id',
 *   allowedOrigins: ['https://api.example.com'],
 * });
 * const response = await auth.fetch('https://api.example.com/points');
 * ```
 */
export function createCustomerAuth(options: CustomerAuthOptions): CustomerAuthClient {
  if (typeof document == 'undefined') throw new CustomerAuthError('UNSUPPORTED_ENVIRONMENT');
  const resolved = resolveOptions(options);
  const lifetime = new AbortController();
  const { signal } = lifetime;
  const [on, emit] = createEmitter(signal);
  let customer: CustomerSummary | null = null;
  // The shopper the last token named, kept across a logout: signing in as someone else is a switch.
  // Unset before the first token; `null` after a switch another tab announced.
  let lastSeen: CustomerSummary | null | undefined;

  // An `invalidate` event being dispatched: a listener's own invalidate() has nothing to announce.
  let dispatching = false;
  // The last identity event: the token that announced a customer switch, else a new marker. A
  // token that arrived across one is not used, unless it is that token.
  let lastEvent: object = {};
  // The last token the cache took; the check of the open sockets under way (see `recheck`).
  let lastToken: ReceivedToken | undefined;
  let checking: object | undefined;
  // invalidate() was called and the cache has taken no token since (not even an outdated one).
  let invalidated = false;
  // `keep`: the token that announced a customer switch survives the purge the switch causes.
  // Nested in an `invalidate` listener, which already heard of this one, it announces nothing.
  const bump = (reason: InvalidateReason, keep?: ReceivedToken) => {
    clearCache(keep);
    lastEvent = keep ?? {};
    if (dispatching) return;
    dispatching = true;
    try {
      emit('invalidate', { reason });
    } finally {
      // Browsers report a listener's error, but DOM stand-ins in tests may rethrow it.
      dispatching = false;
    }
  };
  // `current` undefined: signed out; `null`: another shopper, not known yet.
  const change = (current?: CustomerSummary | null, keep?: ReceivedToken) => {
    const signedOut = current === undefined;
    const previous = signedOut ? customer : lastSeen;
    const reason = signedOut ? 'logout' : 'customerchange';
    customer = current ?? null;
    // After an announced switch (`null`) the next token names the new shopper: not another switch.
    if (!signedOut) lastSeen = current;
    bump(reason, keep);
    if (previous) {
      closeSockets(signedOut ? CLOSE_CODE_LOGOUT : CLOSE_CODE_CUSTOMER_CHANGE, reason);
      emit(reason, { previous, current });
    }
  };
  // The other tabs are told first: a listener may destroy this client, which then posts nothing.
  const signOut = () => {
    post('c');
    change();
  };

  // Another shopper than the last token named: the other tabs are told, and it is a switch (which
  // sets `customer`: a sign-out from one of its listeners must stick).
  const switched = (current: CustomerSummary, keep?: ReceivedToken) => {
    if (!lastSeen || isSameShopper(current, lastSeen)) return false;
    post('c' + String(current.id));
    change(current, keep);
    return true;
  };
  const source = createTokenSource(resolved, signal);
  const [getCached, clearCache, outdate] = createTokenCache(
    source,
    // A token asked before the last page rendered for this shopper (`outdated`) is older than the
    // check that page started: it does not supersede that check's answer.
    (token, outdated) => {
      invalidated = false;
      if (!outdated) lastToken = token;
      const current = token[1];
      if (!switched(current, token)) customer = lastSeen = current;
      emit('token', { customer: current });
    },
    (error) => {
      if (customer && isCustomerAuthError(error, 'NOT_SIGNED_IN')) signOut();
    },
    resolved,
    (token) => isSameShopper(token[1], customer),
  );
  const useToken: TokenUser = async (callerSignal, force, use) => {
    signal.throwIfAborted();
    for (let dropped = 0; ;) {
      const seen = lastEvent;
      const token = await getCached(callerSignal, force);
      // destroy() while the token was on its way: nothing may use it any more.
      signal.throwIfAborted();
      // Used in the turn it is known to be current: no identity event can come in between. After
      // one while it was on its way, ask again: a guest then gets NOT_SIGNED_IN, a new shopper
      // their own token.
      if (seen == lastEvent || token == lastEvent) return use(token);
      // invalidate() after the cache took its last token, in that gap, comes from a listener (a
      // microtask later, after an `await` on a settled promise): counted like the tokens listeners
      // drop at once, so that it cannot make the call ask without end, whichever call's token it
      // dropped. One while the request was out is not counted: the cache asked again then, and
      // took a token after it.
      if (invalidated) giveUpAfter(++dropped);
    }
  };
  const [webSocket, eventSource, closeSockets, isAnyOpen] = createSocketOpener(resolved, useToken);
  // The token dropped by invalidate() here or in another tab, with sockets still open: is their
  // shopper still here? Asked outside the cache: the answer serves no call and raises no `token`
  // event, so a `token` listener that calls invalidate() cannot make it ask again without end. A
  // 404 signs out, another shopper is a switch: either closes them. An answer is not used after a
  // later identity event (which asked again) or a token the cache took since (asked later: newer).
  // Only the latest check's answer counts. Not as the client is destroyed: the source would throw
  // at once.
  const recheck = () => {
    // A later reason to ask supersedes the check under way, even with nothing left open to check.
    checking = undefined;
    if (!isAnyOpen() || signal.aborted) return;
    const [event, token, check] = [lastEvent, lastToken, (checking = {})];
    const current = () => event == lastEvent && token == lastToken && check == checking;
    source()
      .then(
        (answer) => {
          if (current()) switched(answer[1]);
        },
        (error: unknown) => {
          if (current() && customer && isCustomerAuthError(error, 'NOT_SIGNED_IN')) signOut();
        },
      )
      // A listener's error: browsers report it, DOM stand-ins in tests rethrow it.
      .catch(() => undefined)
      .finally(() => {
        if (check == checking) checking = undefined;
      });
  };
  const post = watchIdentity(
    resolved,
    signal,
    (local) => {
      if (local == 'logout') signOut();
      else bump(local);
      // Restored from the back/forward cache with sockets still open: is their shopper still here?
      // A token's arrival tells (a switch or a 404 closes them); the token itself is not used.
      if (local == 'pageshow' && isAnyOpen()) useToken(null, false, Boolean).catch(() => undefined);
    },
    (notice) => {
      const id = notice.slice(1);
      if (notice[0] != 'c' || !customer) {
        bump('tab');
        recheck();
      }
      // Compared as numbers: a page rendered for customer "01" is customer 1's.
      else if (!id || +id !== customer.id) change(id ? null : undefined);
      // A page rendered for this shopper may be newer than any answer on its way (a sign-out, then
      // a sign-in): a 404 or another shopper's token asked for before it is not applied (its
      // callers ask again), and a check asks again; only that answer counts.
      else {
        outdate();
        if (checking) recheck();
      }
    },
  );
  // The page-load beacon: tell the other tabs whom this page was rendered for. Not from a page
  // loaded by Back or Forward (type 2) that came from the HTTP cache (nothing transferred): it was
  // rendered for whoever was signed in then, and browsers take such a page from there, a `no-cache`
  // one too. A `no-store` one comes from the network again and tells. Firefox and WebKit report
  // `transferSize` 0 until the response has ended, so such a page decides once it is parsed
  // (`DOMContentLoaded`, on `window`: page markup can shadow `document.addEventListener`; a
  // shadowed `readyState` only means deciding at once).
  // `performance.navigation` is deprecated but in every browser; DOM stand-ins lack it.
  // eslint-disable-next-line @typescript-eslint/no-deprecated, @typescript-eslint/no-unnecessary-condition -- see above
  const back = performance.navigation?.type == 2;
  const beacon = () => {
    if (
      !back ||
      (performance.getEntriesByType('navigation')[0] as PerformanceResourceTiming | undefined)
        ?.transferSize
    ) {
      post(`c${resolved.customerId ?? ''}`);
    }
  };
  if (resolved.customerId !== undefined) {
    if (back && document.readyState == 'loading') {
      listen(window, 'DOMContentLoaded', signal, beacon);
    } else {
      beacon();
    }
  }

  return {
    fetch: createAuthFetch(resolved, useToken),
    webSocket,
    eventSource,
    getToken: (options) => {
      // Own members only: a polluted Object.prototype (`signal`, `force`) is no option.
      const { signal, force } = ownMembers(options);
      return useToken(signal, force, (token) => token[0]);
    },
    getCustomer: () => customer,
    invalidate() {
      // From an `invalidate` listener: no echo, which would bounce between tabs for ever. Told
      // first, like a sign-out.
      if (!dispatching) post('i');
      bump('invalidate');
      invalidated = true;
      recheck();
    },
    on,
    destroy() {
      // A no-op once aborted: the first call's reason stays.
      lifetime.abort(new CustomerAuthError('DESTROYED'));
      clearCache();
      // Nothing would close them on a logout any more.
      closeSockets(CLOSE_CODE_DESTROY, 'destroy');
    },
  };
}
