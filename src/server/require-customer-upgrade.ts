import type { VerifiedCustomer } from './claims.js';
import { describeChallenge } from './http-challenge.js';
import {
  authenticateRequest,
  resolveCustomerOptions,
  type CustomerRequest,
  type RequireCustomerOptions,
} from './require-customer.js';
import type { Verifier } from './verifier.js';

/**
 * The parts of the upgrade event's socket (a Node `Duplex`) used to refuse a handshake.
 *
 * @example
 * ```ts
 * const refusable: UpgradeSocketLike = socket; // the Duplex of server.on('upgrade')
 * ```
 */
export interface UpgradeSocketLike {
  /** When `true`, a refusal writes nothing. */
  readonly destroyed?: boolean;
  /** Used to ignore socket errors during verification, so a client reset cannot crash the process. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Used to drop that error listener once the handshake is accepted. */
  removeListener(event: 'error', listener: (error: Error) => void): unknown;
  /** Used to destroy the socket once a refusal is written. */
  once(event: 'finish', listener: () => void): unknown;
  /** Writes the HTTP refusal and ends the socket. */
  end(data: string): unknown;
  /** Closes the socket after a refusal. */
  destroy(): unknown;
}

/**
 * Handler from {@link requireCustomerUpgrade}: resolves to the customer (also set on
 * `req.customer`), or to `undefined` after it has answered the handshake with an HTTP error and
 * closed the socket. It never rejects.
 *
 * @example
 * ```ts
 * const authenticateUpgrade: UpgradeAuthenticator = requireCustomerUpgrade(verifier);
 * ```
 */
export type UpgradeAuthenticator = (
  req: CustomerRequest,
  socket: UpgradeSocketLike,
) => Promise<VerifiedCustomer | undefined>;

function refuse(socket: UpgradeSocketLike, error: unknown, realm: string): void {
  if (socket.destroyed === true) return;
  const answer = describeChallenge(error, realm);
  const headers = Object.entries({
    ...answer.headers,
    Connection: 'close',
    'Content-Length': String(new TextEncoder().encode(answer.body).length),
  });
  const head = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${answer.status} ${answer.statusText}\r\n${head}\r\n${answer.body}`);
}

/**
 * Creates the authenticator for a WebSocket upgrade (`server.on('upgrade')`, e.g. with `ws` and
 * `noServer: true`). The token comes from `Authorization: Bearer` or the `token` query parameter
 * (browsers cannot set headers on a WebSocket). Refused handshakes get the same 401, 400 or 500 answers
 * as `requireCustomer()` and the socket is closed.
 *
 * @example
 * ```js
 * const authenticateUpgrade = requireCustomerUpgrade(verifier);
 * server.on('upgrade', async (req, socket, head) => {
 *   const customer = await authenticateUpgrade(req, socket);
 *   if (!customer) return; // already refused
 *   wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
 * });
 * ```
 * @throws TypeError at creation when `verifier` is not a verifier, an option name is unknown,
 * `allowQueryToken` is not a boolean, or `realm` is not printable ASCII without quotes.
 */
export function requireCustomerUpgrade(
  verifier: Verifier,
  options: RequireCustomerOptions = {},
): UpgradeAuthenticator {
  const { realm, allowQueryToken } = resolveCustomerOptions(
    verifier,
    options,
    'requireCustomerUpgrade',
    true,
  );

  return async (req, socket) => {
    // Node drops its own socket error listener on upgrade; without one, a client reset during
    // verification would crash the process.
    const ignoreError = (): void => undefined;
    socket.on('error', ignoreError);
    const result = await authenticateRequest(verifier, req, allowQueryToken);
    if (result.customer !== undefined) {
      socket.removeListener('error', ignoreError);
      req.customer = result.customer;
      return result.customer;
    }
    refuse(socket, result.error, realm);
    return undefined;
  };
}
