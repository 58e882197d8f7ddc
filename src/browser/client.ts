import { createAuthFetch } from './auth-fetch.js';
import {
  CLOSE_CODE_CUSTOMER_CHANGE,
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
import { resolveOptions, type CustomerAuthOptions } from './options.js';
import { createTokenCache } from './token-cache.js';
import { createTokenSource, type CustomerSummary } from './token-source.js';

/** Options of {@link CustomerAuthClient.getToken}. */
export interface GetTokenOptions {
  /** Ignore the cached token and start a new request (which later callers share). @default false */
  force?: boolean | undefined;
  /** Rejects this call with the signal's reason; the shared request goes on for other callers. */
  signal?: AbortSignal | null | undefined;
}

/** A customer-auth client. Methods do not use `this`; they can be passed around on their own. */
export interface CustomerAuthClient {
  /** `fetch` with the token in a header, for allowed origins only. Rejects like `fetch`, plus typed errors. */
  fetch: typeof fetch;
  /** Resolves to a connecting `WebSocket` whose URL carries the token as a query parameter. */
  webSocket(
    url: string | URL,
    protocols?: string | string[],
    options?: AuthWebSocketOptions,
  ): Promise<WebSocket>;
  /** Resolves to an `EventSource` whose URL carries the token as a query parameter. */
  eventSource(url: string | URL, init?: AuthEventSourceInit): Promise<EventSource>;
  /** The current shopper's JWT, cached in memory for at most `maxTokenAgeMs`. */
  getToken(options?: GetTokenOptions): Promise<string>;
  /** The last token's decoded, **unverified** claims, for display only; `null` when unknown or signed out. */
  getCustomer(): CustomerSummary | null;
  /** Drops the cached token here and in other tabs (for example after a GraphQL `logout` mutation). */
  invalidate(): void;
  /** Listens to an event; returns a function that stops listening. */
  on<K extends CustomerAuthEventName>(name: K, listener: CustomerAuthListener<K>): () => void;
  /** Removes every listener and channel and rejects later calls with `DESTROYED`. Idempotent. */
  destroy(): void;
}

/**
 * Creates a client. Throws a `TypeError` naming the first invalid option, or a
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
  let lastSeen: CustomerSummary | null = null;

  const bump = (reason: InvalidateReason) => {
    clearCache();
    emit('invalidate', { reason });
  };
  // `current` undefined: signed out; `null`: another shopper, not known yet.
  const change = (current?: CustomerSummary | null) => {
    const signedOut = current === undefined;
    const previous = signedOut ? customer : lastSeen;
    const reason = signedOut ? 'logout' : 'customerchange';
    customer = current ?? null;
    // After an announced switch (`null`) the next token names the new shopper: not another switch.
    if (!signedOut) lastSeen = current;
    bump(reason);
    if (previous) {
      closeSockets(signedOut ? CLOSE_CODE_LOGOUT : CLOSE_CODE_CUSTOMER_CHANGE, reason);
      emit(reason, { previous, current });
    }
  };
  const signOut = () => {
    change();
    post('c');
  };

  const [getCached, clearCache] = createTokenCache(
    createTokenSource(resolved, signal),
    ([, current]) => {
      if (lastSeen && (lastSeen.id !== current.id || lastSeen.storeHash !== current.storeHash)) {
        change(current);
        post('c' + String(current.id));
      }
      customer = lastSeen = current;
      emit('token', { customer: current });
    },
    (error) => {
      if (customer && isCustomerAuthError(error, 'NOT_SIGNED_IN')) signOut();
    },
    resolved,
  );
  const getToken = async (callerSignal?: AbortSignal | null, force?: boolean) => {
    signal.throwIfAborted();
    return (await getCached(callerSignal, force))[0];
  };
  const [webSocket, eventSource, closeSockets] = createSocketOpener(resolved, getToken);
  const post = watchIdentity(
    resolved,
    signal,
    (local) => {
      if (local == 'logout') signOut();
      else bump(local);
    },
    (notice) => {
      const id = notice.slice(1);
      if (notice[0] != 'c' || !customer) bump('tab');
      else if (String(customer.id) != id) change(id ? null : undefined);
    },
  );
  // The page-load beacon: tell the other tabs whom this page was rendered for.
  if (resolved.customerId !== undefined) post(`c${resolved.customerId ?? ''}`);

  return {
    fetch: createAuthFetch(resolved, getToken),
    webSocket,
    eventSource,
    getToken: (options) => getToken(options?.signal, options?.force),
    getCustomer: () => customer,
    invalidate() {
      bump('invalidate');
      post('i');
    },
    on,
    destroy() {
      if (!signal.aborted) lifetime.abort(new CustomerAuthError('DESTROYED'));
      clearCache();
    },
  };
}
