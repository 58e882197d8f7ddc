// WebSocket /points/live?token=…: pushes the caller's balance on connect and after every change.
import { requireCustomerUpgrade } from 'bc-customer-auth/server';
import { WebSocketServer } from 'ws';

/** Close code sent when the token the socket was opened with expires (4401, after HTTP 401); the page reconnects. */
export const TOKEN_EXPIRED_CLOSE_CODE = 4401;

/**
 * One live connection as the server saw it.
 *
 * @typedef {object} LiveSocketRecord
 * @property {string} storeHash
 * @property {number} customerId
 * @property {number} openedAt Milliseconds since the Unix epoch.
 * @property {number | undefined} closedAt Set once the socket has closed.
 * @property {number | undefined} closeCode The close code, once closed.
 * @property {Array<{ customerId: number, points: number }>} sent Every message pushed.
 */

/**
 * @typedef {object} LivePointsOptions
 * @property {import('node:http').Server} server
 * @property {import('bc-customer-auth/server').Verifier} verifier
 * @property {ReturnType<typeof import('./points-ledger.js').createPointsLedger>} ledger
 * @property {(req: import('node:http').IncomingMessage) => import('../lib/request-recorder.js').RecordedRequest} record
 * @property {() => number} now
 */

/**
 * @param {import('node:stream').Duplex} socket
 */
function refuseNotFound(socket) {
  // Ending our side is not enough: a client that never ends its side would hold the socket open.
  socket.once('finish', () => socket.destroy());
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}

/**
 * Serves `/points/live` on the server's `upgrade` event. The token comes from the `token` query
 * parameter (browsers cannot set headers on a WebSocket) and is verified before the handshake
 * completes; refused handshakes get the same 401/400 answers as HTTP requests. A socket is closed
 * with {@link TOKEN_EXPIRED_CLOSE_CODE} when its token expires.
 *
 * @param {LivePointsOptions} options
 */
export function attachLivePoints({ server, verifier, ledger, record, now }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const authenticate = requireCustomerUpgrade(verifier);
  /** @type {LiveSocketRecord[]} */
  const sockets = [];

  /**
   * @param {import('ws').WebSocket} ws
   * @param {import('bc-customer-auth/server').VerifiedCustomer} customer
   */
  function serve(ws, { storeHash, customerId, expiresAt }) {
    /** @type {LiveSocketRecord} */
    const entry = {
      storeHash,
      customerId,
      openedAt: Date.now(),
      closedAt: undefined,
      closeCode: undefined,
      sent: [],
    };
    sockets.push(entry);
    /** @param {number} points */
    const push = (points) => {
      const message = { customerId, points };
      entry.sent.push(message);
      ws.send(JSON.stringify(message));
    };
    push(ledger.getPoints(storeHash, customerId));
    const unsubscribe = ledger.subscribe(storeHash, customerId, push);
    const expiry = setTimeout(
      () => ws.close(TOKEN_EXPIRED_CLOSE_CODE, 'token expired'),
      Math.max(0, expiresAt * 1000 - now()),
    );
    ws.on('error', () => ws.terminate());
    ws.on('close', (code) => {
      unsubscribe();
      clearTimeout(expiry);
      entry.closedAt = Date.now();
      entry.closeCode = code;
    });
  }

  server.on('upgrade', async (req, socket, head) => {
    const entry = record(req);
    if (entry.path !== '/points/live') {
      socket.on('error', () => socket.destroy());
      return refuseNotFound(socket);
    }
    // No Origin check: the credential is the token in the URL, never a cookie, so another site's
    // page cannot ride on the shopper's session here.
    const customer = await authenticate(req, socket);
    if (customer === undefined) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      entry.status = 101;
      serve(ws, customer);
    });
  });

  return {
    sockets,
    /** Drops every open socket (close handlers still run). */
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
