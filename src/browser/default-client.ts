import type { AuthEventSourceInit, AuthWebSocketOptions } from './auth-socket.js';
import { createCustomerAuth, type CustomerAuthClient } from './client.js';
import { CustomerAuthError } from './errors.js';
import type { CustomerAuthOptions } from './options.js';

let defaultClient: CustomerAuthClient | undefined;

/**
 * Sets up the default client used by {@link bcAuthFetch}, {@link bcAuthWebSocket} and
 * {@link bcAuthEventSource}, destroying the previous one (which closes its sockets). The script
 * tag calls it from its `data-*` attributes.
 *
 * @example
 * ```ts
 * configure({ appClientId: 'your-app-client-id', allowedOrigins: ['https://api.example.com'] });
 * ```
 */
export function configure(options: CustomerAuthOptions): CustomerAuthClient {
  const client = createCustomerAuth(options);
  defaultClient?.destroy();
  return (defaultClient = client);
}

/**
 * The default client, to listen to events or read the customer. Throws `NOT_CONFIGURED` before
 * {@link configure} (or `UNSUPPORTED_ENVIRONMENT` outside a browser).
 *
 * @example
 * ```ts
 * getDefaultClient().on('logout', () => location.reload());
 * ```
 */
export function getDefaultClient(): CustomerAuthClient {
  if (defaultClient) return defaultClient;
  // During server-side rendering configure() throws too: do not point there.
  throw typeof document == 'undefined'
    ? new CustomerAuthError('UNSUPPORTED_ENVIRONMENT')
    : new CustomerAuthError('NOT_CONFIGURED', 'call configure() first');
}

/**
 * `fetch` through the default client: the token goes in the `authHeaderName` header
 * (`Authorization` by default), and only to `allowedOrigins`.
 *
 * @example
 * ```ts
 * const points = await (await bcAuthFetch('https://api.example.com/points')).json();
 * ```
 */
export const bcAuthFetch: typeof fetch = async (input, init) =>
  getDefaultClient().fetch(input, init);

/**
 * A `WebSocket` through the default client, with the token as a query parameter.
 *
 * @example
 * ```ts
 * const socket = await bcAuthWebSocket('wss://api.example.com/points/live');
 * ```
 */
export const bcAuthWebSocket = async (
  url: string | URL,
  protocols?: string | string[],
  options?: AuthWebSocketOptions,
): Promise<WebSocket> => getDefaultClient().webSocket(url, protocols, options);

/**
 * An `EventSource` through the default client, with the token as a query parameter.
 *
 * @example
 * ```ts
 * const events = await bcAuthEventSource('https://api.example.com/points/stream');
 * ```
 */
export const bcAuthEventSource = async (
  url: string | URL,
  init?: AuthEventSourceInit,
): Promise<EventSource> => getDefaultClient().eventSource(url, init);
