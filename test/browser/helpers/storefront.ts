import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeJwt } from './tokens.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly accept: string | undefined;
  readonly body: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/**
 * A local stand-in for a storefront and an app API on one loopback origin. It counts
 * `/customer/current.jwt` hits and records every request as it arrived on the wire.
 */
export interface TestServer {
  readonly origin: string;
  /** Requests to `/customer/current.jwt`. */
  readonly tokenRequests: RecordedRequest[];
  /** Every other request. */
  readonly apiRequests: RecordedRequest[];
  /** Who `/customer/current.jwt` answers for; `null` answers 404. */
  customerId: number | null;
  /** Replaces the token endpoint's answer. */
  tokenHandler: Handler | undefined;
  /** Replaces the API's answer (default: 200 JSON echoing the path). */
  apiHandler: Handler | undefined;
  /** Holds every token answer until the returned function is called. */
  holdTokens(): () => void;
  /** Issues the tokens: the JWTs this server has sent so far. */
  readonly issued: string[];
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  let held: (() => void)[] | undefined;
  const record = (request: IncomingMessage, body: string): RecordedRequest => ({
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    authorization: request.headers.authorization,
    cookie: request.headers.cookie,
    accept: request.headers.accept,
    body,
  });
  // Like BigCommerce, signs for whichever app asked (`app_client_id`), as its `aud`.
  const answerToken: Handler = (request, response) => {
    if (state.customerId === null) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"errors":["not signed in"]}');
      return;
    }
    const app = new URL(request.url ?? '/', state.origin).searchParams.get('app_client_id');
    const jwt = makeJwt(state.customerId, { aud: app, application_id: app });
    state.issued.push(jwt);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ token: jwt }));
  };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.url?.startsWith('/customer/current.jwt')) {
        state.tokenRequests.push(record(request, body));
        const answer = () => {
          (state.tokenHandler ?? answerToken)(request, response, body);
        };
        if (held) held.push(answer);
        else answer();
        return;
      }
      state.apiRequests.push(record(request, body));
      if (state.apiHandler) return state.apiHandler(request, response, body);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ path: request.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    tokenRequests: [],
    apiRequests: [],
    customerId: 1,
    tokenHandler: undefined,
    apiHandler: undefined,
    issued: [],
    holdTokens() {
      const queue: (() => void)[] = (held = []);
      return () => {
        held = undefined;
        queue.forEach((answer) => answer());
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/**
 * A `fetch` option that keeps every call's answer. Once `answered()` resolves, each request sent
 * through it so far has reached the server and been answered: an order, not a time, for checks
 * that no request went out.
 */
export function answeredFetch(): { fetch: typeof fetch; answered: () => Promise<unknown> } {
  const answers: Promise<Response>[] = [];
  return {
    fetch: (input, init) => {
      const answer = fetch(input, init);
      answers.push(answer);
      return answer;
    },
    answered: () => Promise.allSettled(answers),
  };
}
