// An HTTP server that records every request before handling it, and answers 500 if handling fails.
import { createServer } from 'node:http';
import { send } from './http.js';
import { createRequestRecorder } from './request-recorder.js';

/**
 * @typedef {import('./request-recorder.js').RecordedRequest} RecordedRequest
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, entry: RecordedRequest) => Promise<void>} RecordedHandler
 */

/**
 * Creates (but does not start) a server whose requests are recorded with their final status.
 * `record` is exposed for requests that bypass the handler, such as WebSocket upgrades.
 *
 * @param {RecordedHandler} handle
 */
export function createRecordedServer(handle) {
  const { requests, record } = createRequestRecorder();
  // A body that never completes is answered 408 after 10 s, not after Node's default 300 s.
  const timeouts = { requestTimeout: 10_000, connectionsCheckingInterval: 1_000 };
  const server = createServer(timeouts, (req, res) => {
    const entry = record(req);
    res.on('finish', () => (entry.status = res.statusCode));
    if (entry.path === '') {
      send(res, 400, 'text/plain; charset=utf-8', 'Bad request-target\n');
      return;
    }
    handle(req, res, entry).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error\n');
      else res.destroy();
    });
  });
  return { server, requests, record };
}
