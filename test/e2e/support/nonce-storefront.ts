import { createServer } from 'node:http';
import { send } from '../../../demo/lib/http.js';
import { closeServer, listen } from '../../../demo/lib/listen.js';
import { signToken } from './demo-servers.js';
import { IIFE } from './sdk-copies.js';

/**
 * A signed-in shopper's storefront under a nonce-based CSP (nonce `n`; `csp` replaces the policy),
 * serving `page(origin)`, the script-tag build at `/sdk.js`, the token, and a same-origin `/points`
 * that answers with the `Authorization` it got.
 */
export async function startStorefront(
  page: (origin: string) => string,
  csp = "script-src 'nonce-n'",
) {
  let origin = '';
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') send(res, 200, 'text/javascript', IIFE);
    else if (req.url?.startsWith('/customer/current.jwt')) {
      void signToken({ customerId: 1 }).then((jwt) => send(res, 200, 'text/plain', jwt));
    } else if (req.url === '/points') {
      send(res, 200, 'application/json', JSON.stringify(req.headers.authorization ?? null));
    } else {
      send(res, 200, 'text/html; charset=utf-8', page(origin), {
        'Content-Security-Policy': csp,
      });
    }
  });
  const port = await listen(server, { port: 0, host: '127.0.0.1', label: 'storefront' });
  origin = `http://127.0.0.1:${port}`;
  return { origin, close: () => closeServer(server) };
}
