// The server half's twin of test/browser/security.test.ts: whatever a request carries, good or
// hostile, no part of its token reaches a log line, a warning, an error (its message, stack or
// causes), a response the middleware writes, or an authorizer's answer.
import type { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createApiGatewayAuthorizer,
  extractToken,
  requireCustomer,
  requireCustomerUpgrade,
  type CustomerRequest,
} from '../../src/server/index.js';
import {
  httpApiEvent,
  restRequestEvent,
  restTokenEvent,
  webSocketConnectEvent,
} from './fixtures/api-gateway-events.js';
import { close, listen, rawRequest } from './helpers/http.js';
import {
  encodeSegment,
  mintToken,
  NOW,
  realClaims,
  signSegments,
  testVerifier,
} from './helpers/tokens.js';
import { recordConsole } from '../support/console-output.js';

const TOKENS = {
  valid: mintToken(),
  forged: mintToken({ secret: 'not-the-secret' }),
  expired: mintToken({ claims: realClaims({ iat: NOW - 3600, exp: NOW - 2700 }) }),
  otherStore: mintToken({ claims: realClaims({ store_hash: 'zzz999', sub: 'zzz999' }) }),
  otherApp: mintToken({
    claims: realClaims({ aud: 'someone-else', application_id: 'someone-else' }),
  }),
  notJson: signSegments(encodeSegment({ typ: 'JWT', alg: 'HS512' }), encodeSegment('{"customer":')),
  unsigned: `${encodeSegment({ alg: 'none' })}.${encodeSegment(realClaims())}.`,
  oversized: mintToken({ claims: realClaims({ padding: 'x'.repeat(5000) }) }),
};

let server: Server | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  if (server) await close(server);
  server = undefined;
});

/** Every value the error, its causes and their own fields hold, as text. */
function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error) || depth > 5) return String(error);
  const fields = JSON.stringify(error);
  return [error.message, error.stack ?? '', fields, describeError(error.cause, depth + 1)].join(
    '\n',
  );
}

describe('every token the server half sees', () => {
  it('stays out of logs, warnings, errors, responses and authorizer answers', async () => {
    const printed = recordConsole();
    const warned = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined).mock;
    const stdout = vi.spyOn(process.stdout, 'write').mock;
    const stderr = vi.spyOn(process.stderr, 'write').mock;
    const verifier = testVerifier();
    const failing = testVerifier({
      now: () => {
        throw new Error('clock unavailable');
      },
    });
    const errors: unknown[] = [];
    const answers: unknown[] = [];
    const responses: string[] = [];

    const middleware = requireCustomer(verifier);
    const failingMiddleware = requireCustomer(failing);
    const upgrade = requireCustomerUpgrade(verifier, { allowQueryToken: true });
    const authorizers = [
      createApiGatewayAuthorizer(verifier),
      createApiGatewayAuthorizer(verifier, { simpleResponses: true, allowQueryToken: true }),
    ];
    const listening = await listen((req, res) => {
      const use = req.url === '/failing' ? failingMiddleware : middleware;
      void use(req as CustomerRequest, res, (error?: unknown) => {
        if (error !== undefined) errors.push(error);
        res.statusCode = error === undefined ? 200 : 500;
        res.end(error === undefined ? 'ok' : 'failed');
      });
    });
    server = listening.server;
    server.on('upgrade', (req, socket) => {
      void upgrade(req, socket).then((customer) => {
        if (customer) socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n');
      });
    });
    const capture = async (promise: Promise<unknown>) => {
      try {
        answers.push(await promise);
      } catch (error) {
        errors.push(error);
      }
    };

    for (const token of Object.values(TOKENS)) {
      await capture(verifier.verify(token));
      await capture(failing.verify(token));
      await capture(
        Promise.resolve().then(() =>
          extractToken({ headers: { authorization: `Bearer ${token}, Bearer ${token}` } }),
        ),
      );
      for (const path of ['/points', '/failing']) {
        const response = await fetch(listening.origin + path, {
          headers: { authorization: `Bearer ${token}` },
        });
        responses.push(
          `${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`,
        );
      }
      responses.push(
        await rawRequest(
          listening.port,
          `GET /live?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\n` +
            'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        ),
      );
      for (const authorizer of authorizers) {
        await capture(authorizer(restTokenEvent(`Bearer ${token}`)));
        await capture(authorizer(restRequestEvent({ Authorization: [`Bearer ${token}`] })));
        await capture(authorizer(httpApiEvent({ authorization: `Bearer ${token}` })));
        await capture(authorizer(webSocketConnectEvent({ token: [token] })));
      }
    }

    // Both the accepted and the refused paths ran: the surfaces below held something to check.
    expect(answers.length).toBeGreaterThan(8);
    expect(errors.length).toBeGreaterThan(Object.keys(TOKENS).length * 8);
    expect(responses.filter((text) => text.startsWith('200 '))).toHaveLength(1);
    expect(responses.some((text) => text.startsWith('HTTP/1.1 101'))).toBe(true);
    expect(responses.some((text) => text.startsWith('HTTP/1.1 401'))).toBe(true);
    expect(responses.some((text) => text.startsWith('500 '))).toBe(true);
    const surfaces = {
      console: JSON.stringify(printed.map((args) => String(args))),
      warnings: JSON.stringify(warned.calls.map((args) => args.map(String))),
      stdout: stdout.calls.map(([chunk]) => String(chunk)).join(''),
      stderr: stderr.calls.map(([chunk]) => String(chunk)).join(''),
      errors: errors.map((error) => describeError(error)).join('\n'),
      responses: responses.join('\n'),
      answers: JSON.stringify(answers),
    };
    for (const [name, token] of Object.entries(TOKENS)) {
      const [, payload = '', signature = ''] = token.split('.');
      for (const part of [payload, signature].filter((segment) => segment.length > 8)) {
        for (const [surface, text] of Object.entries(surfaces)) {
          expect(text.includes(part), `part of the ${name} token reached ${surface}`).toBe(false);
        }
      }
    }
  });
});
