import { allowUrl } from './origin-policy.js';
import { ownMembers } from './own-members.js';
import type { ResolvedOptions } from './options.js';
import type { TokenUser } from './auth-fetch.js';

/**
 * Close code sent when the shopper signs out (reason `logout`). A socket still connecting then is
 * closed too, but its `close` event says `1006`: listen for the client's `logout` event as well.
 *
 * @example
 * ```ts
 * socket.addEventListener('close', ({ code }) => {
 *   if (code === CLOSE_CODE_LOGOUT) showSignedOut();
 * });
 * ```
 */
export const CLOSE_CODE_LOGOUT = 4001;
/**
 * Close code sent when a different shopper signs in (reason `customerchange`). A socket still
 * connecting then is closed too, but its `close` event says `1006`: listen for `customerchange`.
 *
 * @example
 * ```ts
 * socket.addEventListener('close', ({ code }) => {
 *   if (code === CLOSE_CODE_CUSTOMER_CHANGE) location.reload();
 * });
 * ```
 */
export const CLOSE_CODE_CUSTOMER_CHANGE = 4002;
/** Close code sent when the client is destroyed (reason `destroy`): a normal closure. @internal */
export const CLOSE_CODE_DESTROY = 1000;

/**
 * Options of an authenticated `EventSource`: `EventSourceInit` plus an abort signal.
 *
 * @example
 * ```ts
 * const events = await auth.eventSource(url, { withCredentials: true, signal });
 * ```
 */
export interface AuthEventSourceInit extends EventSourceInit {
  /**
   * Aborts waiting for the token.
   * @default undefined
   * @example AbortSignal.timeout(5000)
   */
  signal?: AbortSignal | null | undefined;
}

/**
 * Options of an authenticated `WebSocket`.
 *
 * @example
 * ```ts
 * const socket = await auth.webSocket(url, undefined, { signal: AbortSignal.timeout(5000) });
 * ```
 */
export interface AuthWebSocketOptions {
  /**
   * Aborts waiting for the token.
   * @default undefined
   * @example AbortSignal.timeout(5000)
   */
  signal?: AbortSignal | null | undefined;
}

/** Opens an authenticated `WebSocket`. @internal */
export type OpenWebSocket = (
  url: string | URL,
  protocols?: string | string[],
  options?: AuthWebSocketOptions,
) => Promise<WebSocket>;

/** Opens an authenticated `EventSource`. @internal */
export type OpenEventSource = (
  url: string | URL,
  init?: AuthEventSourceInit,
) => Promise<EventSource>;

interface Closable {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
}

/**
 * Opens sockets and event sources with the token as a query parameter, after the same origin
 * check as `fetch` (`ws:`/`wss:` count as `http:`/`https:`), and tracks them for `closeAll` and
 * `isAnyOpen`. @internal
 */
export function createSocketOpener(
  options: ResolvedOptions,
  useToken: TokenUser,
): [
  webSocket: OpenWebSocket,
  eventSource: OpenEventSource,
  closeAll: (code: number, reason: string) => void,
  isAnyOpen: () => boolean,
] {
  const open = new Set<Closable>();
  const connect = async <T extends Closable>(
    input: string | URL,
    callerOptions: AuthEventSourceInit | undefined,
    socket: boolean,
    Transport: new (href: string, init?: never) => T,
    protocols?: string | string[],
  ): Promise<T> => {
    const url = allowUrl(options.allowedOrigins, input, socket);
    // An http(s) URL opens ws(s), and reads back so, as a WebSocket's own `url` does.
    if (socket) url.protocol = url.protocol.replace('http', 'ws');
    const wire = new URL(url);
    // With no fragment and a parsed, allowed ws/wss URL, constructors have no reason to throw an
    // error quoting the tokenized URL.
    wire.hash = '';
    const name = options.tokenQueryParam;
    // The caller's options, own members only: a polluted Object.prototype is no `signal`, nor an
    // event source's `withCredentials`.
    const own = ownMembers(callerOptions);
    // Opened and tracked in the turn the token is known to be current, so a logout or switch
    // sweeps it.
    return useToken(own.signal, false, ([token]) => {
      // Appended to the query as written, as the constructor would send it: serialized anew, the
      // caller's own parameters change (`%20` becomes `+`, `flag` becomes `flag=`, an invalid
      // `%FF` is lost). A token parameter the URL already carries is replaced: one token arrives.
      if (wire.searchParams.has(name)) wire.searchParams.set(name, token);
      else wire.search += (wire.search && '&') + name + '=' + token;
      // A socket's second argument is its protocols, an event source's its init.
      const opened = new Transport(wire.href, (socket ? protocols : own) as never);
      // Tracked first: a logout closes it even if its URL cannot be hidden (a transport's own
      // fixed `url`), which rejects the call.
      for (const item of open) if (item.readyState > 1) open.delete(item);
      open.add(opened);
      // What the page (and its error reporting) reads back is the URL without the token. No
      // prototype: an inherited `get` (a polluted Object.prototype) would make this throw.
      Object.defineProperty(opened, 'url', {
        __proto__: null,
        value: url.href,
      } as PropertyDescriptor);
      return opened;
    });
  };
  return [
    // Read from globalThis: a missing constructor must not throw before the origin check does.
    (url, protocols, socketOptions) =>
      connect(url, socketOptions, true, options.WebSocket ?? globalThis.WebSocket, protocols),
    (url, init) => connect(url, init, false, options.EventSource ?? globalThis.EventSource),
    (code, reason) => {
      for (const item of open) {
        // A custom transport whose close() throws must not keep the others open for the
        // previous shopper, nor stop the event that follows.
        try {
          item.close(code, reason);
        } catch {
          // Nothing more can be done with it.
        }
      }
      open.clear();
    },
    () => [...open].some((item) => item.readyState < 2),
  ];
}
