import { raceAbort } from './abort.js';
import { isCustomerAuthError, TokenRequestError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { ReceivedToken } from './token-source.js';

/**
 * A token no older than `maxTokenAgeMs`; `force` starts a new request that later callers share,
 * unless a forced one is already under way: then it shares that one. @internal
 */
export type CachedTokenGetter = (
  signal?: AbortSignal | null,
  force?: boolean,
) => Promise<ReceivedToken>;

// A token is never reused this close to the end of its own lifetime (`exp − iat`).
const LIFETIME_MARGIN_MS = 30_000;
// `maxTokenAgeMs` above this counts as this.
const MAX_TOKEN_AGE_MS = 60_000;
/**
 * Throws once a call has seen `dropped` tokens dropped: a call whose tokens listeners keep dropping
 * (an identity event raised from a `token` listener, at once or a microtask later) gives up after
 * five. @internal
 */
export const giveUpAfter = (dropped: number) => {
  if (dropped == 5)
    throw new TokenRequestError(0, new Error('token listeners dropped every token'));
};

/**
 * An in-memory, single-flight token cache with an epoch guard. `onToken` sees every token that
 * arrives in the current epoch, after it is cached (and may clear the cache: a listener's identity
 * event then makes the callers ask again); `onError` sees every failure of a request started in the
 * current epoch. An answer older than one already applied is ignored, and so is one to a request
 * from an earlier epoch: their callers get a token a later request brought while it is still fresh,
 * or ask again (a call whose tokens listeners drop five times gives up). Returns the getter
 * and `clear`, which drops the token (unless it is `keep`) and disowns every request in flight, and
 * `outdate`: a 404 to a request already asked, or a token `isCurrent` refuses, is not applied; its
 * callers ask again (for a page rendered for the same shopper: a sign-out, then a sign-in).
 * @internal
 */
export function createTokenCache(
  request: () => Promise<ReceivedToken>,
  onToken: (token: ReceivedToken, outdated: boolean) => void,
  onError: (error: unknown) => void,
  { maxTokenAgeMs, now, monotonicNow }: ResolvedOptions,
  isCurrent: (token: ReceivedToken) => boolean,
): [get: CachedTokenGetter, clear: (keep?: ReceivedToken) => void, outdate: () => void] {
  // Requests are numbered. Only an answer to a request numbered `firstApplicable` or above is
  // applied: applying one raises the mark to its number (older answers are stale), and `clear`
  // raises it past every request started so far (a new epoch).
  let started = 0;
  let firstApplicable = 0;
  // Requests numbered below it were asked before the last `outdate()`.
  let firstCurrent = 0;
  let cached: ReceivedToken | undefined;
  // Set with `cached`: the number of the request it answered, and when it arrived.
  let cachedFrom: number;
  let receivedWallMs: number;
  let receivedMonotonicMs: number;
  // Resolves to `undefined` when its answer is stale and no newer token is cached, or to `null` when
  // a listener dropped it: either way, ask again.
  let flight: Promise<ReceivedToken | null | undefined> | undefined;
  // The last request a forced call started: concurrent forced calls (several 401s) share it.
  let forced: typeof flight;
  // Callers waiting on `flight`; when the last one gives up, later callers start afresh.
  let waiting = 0;

  // Fresh only while both clocks agree: survives wall-clock changes and sleeping laptops.
  const isFresh = (token: ReceivedToken) => {
    const ttl = Math.min(maxTokenAgeMs, MAX_TOKEN_AGE_MS, token[2] - LIFETIME_MARGIN_MS);
    const ages = [now() - receivedWallMs, monotonicNow() - receivedMonotonicMs];
    return ages.every((age) => age >= 0 && age < ttl);
  };

  const start = (force?: boolean) => {
    const number = ++started;
    // Whether this answer is applied: not once a later request's answer was, nor after a clear().
    const apply = () => {
      if (number < firstApplicable) return false;
      firstApplicable = number;
      return true;
    };
    // For the callers of an answer that was not applied: the cached token when a later request
    // brought it and it is still fresh (shared like a concurrent answer); else none, and they ask
    // again. Fresh as for any call: an answer can come up to the request timeout after the newer one.
    const newer = () => (cached && cachedFrom > number && isFresh(cached) ? cached : undefined);
    const pending: typeof flight = request()
      .then(
        (token) => {
          if ((number >= firstCurrent || isCurrent(token)) && apply()) {
            cached = token;
            cachedFrom = number;
            receivedWallMs = now();
            receivedMonotonicMs = monotonicNow();
            // Calls made while listeners hear of it share it, like the calls that came before.
            onToken(token, number < firstCurrent);
            // A listener's identity event may have dropped this token.
            return cached == token ? token : null;
          }
          return newer();
        },
        (error: unknown) => {
          if (number < firstCurrent && isCustomerAuthError(error, 'NOT_SIGNED_IN')) return newer();
          if (apply()) onError(error);
          else if (!isCustomerAuthError(error, 'DESTROYED')) return newer();
          throw error;
        },
      )
      .finally(() => {
        if (flight == pending) flight = undefined;
      });
    waiting = 0;
    if (force) forced = pending;
    return (flight = pending);
  };

  const get: CachedTokenGetter = async (signal, force) => {
    // `skip`: a forced call never takes a token cached before it, not even when its own request's
    // answer was not applied (`outdate` keeps the cached token); a newer one reaches it through
    // `newer()`.
    for (let dropped = 0, skip = force; ;) {
      signal?.throwIfAborted();
      if (!skip && cached && isFresh(cached)) return cached;
      // A forced request in flight was started after the request of any token a caller holds:
      // new enough for another forced call.
      const joined = !flight || (force && flight != forced) ? start(force) : flight;
      waiting++;
      // A request started before the last identity event never serves its callers: ask again.
      const token = await raceAbort(joined, signal).catch((error: unknown) => {
        if (flight == joined && !--waiting) flight = undefined;
        throw error;
      });
      if (token) return token;
      // Bounded, so a listener that raises an identity event on every token cannot make a call
      // ask without end.
      if (token === null) giveUpAfter(++dropped);
      force = false;
    }
  };
  const clear = (keep?: ReceivedToken) => {
    // A new epoch: no request started so far is applied.
    firstApplicable = started + 1;
    if (cached != keep) cached = undefined;
    flight = undefined;
  };
  return [
    get,
    clear,
    () => {
      firstCurrent = started + 1;
    },
  ];
}
