import { raceAbort } from './abort.js';
import type { ResolvedOptions } from './options.js';
import type { ReceivedToken } from './token-source.js';

/** A token no older than `maxTokenAgeMs`; `force` starts a new request that later callers share. @internal */
export type CachedTokenGetter = (
  signal?: AbortSignal | null,
  force?: boolean,
) => Promise<ReceivedToken>;

// A token is never reused this close to the end of its own lifetime (`exp − iat`).
const LIFETIME_MARGIN_MS = 30_000;
// `maxTokenAgeMs` above this counts as this.
const MAX_TOKEN_AGE_MS = 60_000;

/**
 * An in-memory, single-flight token cache with an epoch guard. `onToken` sees every token that
 * arrives in the current epoch before it is cached (and may clear the cache); `onError` sees every
 * failure of a request started in the current epoch. Returns the getter and `clear`, which drops
 * the token and disowns every request in flight. @internal
 */
export function createTokenCache(
  request: () => Promise<ReceivedToken>,
  onToken: (token: ReceivedToken) => void,
  onError: (error: unknown) => void,
  { maxTokenAgeMs, now, monotonicNow }: ResolvedOptions,
): [get: CachedTokenGetter, clear: () => void] {
  let epoch = 0;
  let cached: ReceivedToken | undefined;
  let receivedWallMs = 0;
  let receivedMonotonicMs = 0;
  // Resolves to `undefined` when an identity event made its answer stale.
  let flight: Promise<ReceivedToken | undefined> | undefined;

  // Fresh only while both clocks agree: survives wall-clock changes and sleeping laptops.
  const isFresh = (token: ReceivedToken) => {
    const ttl = Math.min(maxTokenAgeMs, MAX_TOKEN_AGE_MS, token[2] - LIFETIME_MARGIN_MS);
    const ages = [now() - receivedWallMs, monotonicNow() - receivedMonotonicMs];
    return ages.every((age) => age >= 0 && age < ttl);
  };

  const start = () => {
    const startedIn = epoch;
    const pending: typeof flight = request().then(
      (token) => {
        if (startedIn != epoch) return undefined;
        // Only the newest request fills the cache, so an older one cannot overwrite a forced one.
        const newest = flight == pending;
        onToken(token);
        if (newest) {
          cached = token;
          receivedWallMs = now();
          receivedMonotonicMs = monotonicNow();
          flight = undefined;
        }
        return token;
      },
      (error: unknown) => {
        if (flight == pending) flight = undefined;
        if (startedIn == epoch) onError(error);
        throw error;
      },
    );
    return (flight = pending);
  };

  const get: CachedTokenGetter = async (signal, force) => {
    for (;;) {
      signal?.throwIfAborted();
      if (!force && cached && isFresh(cached)) return cached;
      // A request started before the last identity event never serves its callers: ask again.
      const token = await raceAbort(force || !flight ? start() : flight, signal);
      if (token) return token;
      force = false;
    }
  };
  const clear = () => {
    epoch++;
    cached = flight = undefined;
  };
  return [get, clear];
}
