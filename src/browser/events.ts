import { listen } from './listen.js';
import type { CustomerSummary } from './token-source.js';

/**
 * Why the cached token was dropped: `invalidate` (your call), `logout`, `customerchange`, `tab`
 * (a notice from another tab or page), `pagehide` (a task after the page was hidden, should it still
 * run), `pageshow` (restored from the back/forward cache).
 *
 * @example
 * ```ts
 * auth.on('invalidate', ({ reason }) => {
 *   if (reason === 'pageshow') refreshBalance();
 * });
 * ```
 */
export type InvalidateReason =
  'invalidate' | 'logout' | 'customerchange' | 'tab' | 'pagehide' | 'pageshow';

/**
 * Events and their details. No detail ever contains a token.
 *
 * @example
 * ```ts
 * auth.on('customerchange', ({ current }) => {
 *   // `null`: another tab announced the switch, and no token has named the new shopper yet.
 *   if (current) renderGreeting(current);
 *   else location.reload();
 * });
 * ```
 */
export interface CustomerAuthEventMap {
  /** A fresh token arrived; `customer` is decoded, unverified, for display only. */
  token: { readonly customer: CustomerSummary };
  /** The shopper this client knew signed out; `current` is always `undefined`. */
  logout: { readonly previous: CustomerSummary; readonly current?: undefined };
  /**
   * A different shopper is signed in. `current` is `null` when another tab announced the change
   * and no token for the new shopper has been fetched yet.
   */
  customerchange: { readonly previous: CustomerSummary; readonly current: CustomerSummary | null };
  /** The cached token was dropped and requests in flight were disowned. */
  invalidate: { readonly reason: InvalidateReason };
}

/**
 * Name of an event in {@link CustomerAuthEventMap}.
 *
 * @example
 * ```ts
 * const names: CustomerAuthEventName[] = ['token', 'logout', 'customerchange', 'invalidate'];
 * ```
 */
export type CustomerAuthEventName = keyof CustomerAuthEventMap;

/**
 * A listener for event `K`; it receives the event's detail.
 *
 * @example
 * ```ts
 * const onLogout: CustomerAuthListener<'logout'> = ({ previous }) => forget(previous.id);
 * ```
 */
export type CustomerAuthListener<K extends CustomerAuthEventName> = (
  detail: CustomerAuthEventMap[K],
) => void;

/** Adds a listener; returns a function that removes it. */
export type Subscribe = <K extends CustomerAuthEventName>(
  name: K,
  listener: CustomerAuthListener<K>,
) => () => void;

/** Emits an event. @internal */
export type Emit = <K extends CustomerAuthEventName>(
  name: K,
  detail: CustomerAuthEventMap[K],
) => void;

/**
 * A typed emitter over `EventTarget`: a throwing listener is reported like any event listener's
 * error and does not disturb the SDK; `signal` removes every listener. @internal
 */
export function createEmitter(signal: AbortSignal): [on: Subscribe, emit: Emit] {
  const target = new EventTarget();
  return [
    (name, listener) => {
      if (
        !['token', 'logout', 'customerchange', 'invalidate'].includes(name) ||
        typeof listener != 'function'
      ) {
        throw new TypeError('bc-customer-auth: invalid listener for ' + name);
      }
      const handler = (event: Event) => {
        listener((event as CustomEvent<CustomerAuthEventMap[typeof name]>).detail);
      };
      return listen(target, name, signal, handler);
    },
    (name, detail) => {
      target.dispatchEvent(new CustomEvent(name, { detail }));
    },
  ];
}
