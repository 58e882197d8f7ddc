import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractToken, isTokenVerificationError } from '../../src/server/index.js';
import type { TokenRequestLike } from '../../src/server/index.js';
import { close, listen, rawRequest } from './helpers/http.js';

// The same request bytes get the same answer whichever shape the request reaches extractToken in:
// Node's IncomingMessage read off a real socket, a plain object with the values as an array, or a
// fetch Request or Headers, which hold a repeated header as one line joined with ", " and so read
// as Node reads that line.

const TOKEN = 'aaa.bbb.ccc';
const HEADER_VALUES = [
  `Bearer ${TOKEN}`,
  `bearer ${TOKEN}`,
  'Bearer',
  `Bearer ${TOKEN} ${TOKEN}`,
  `Bearer ${TOKEN}, Bearer ${TOKEN}`,
  `Bearer a,b`,
  `Bearer ${TOKEN},`,
  `BEARER\t${TOKEN}`,
  'Basic dXNlcjpwdw==',
  `Basic dXNlcjpwdw==, Bearer ${TOKEN}`,
  `Bearerx ${TOKEN}`,
  'Digest username="shopper", realm="api"',
  '',
];
const QUERIES = ['', `?token=${TOKEN}`, '?token=', `?token=${TOKEN}&token=${TOKEN}`, '?x=1'];

function outcome(run: () => string | undefined): string {
  try {
    return run() ?? 'no token';
  } catch (error) {
    return isTokenVerificationError(error) ? error.code : String(error);
  }
}

function headerLists(): string[][] {
  const lists: string[][] = [[]];
  for (const first of HEADER_VALUES) {
    lists.push([first]);
    for (const second of HEADER_VALUES) lists.push([first, second]);
  }
  return lists;
}

const cases = headerLists().flatMap((values) =>
  QUERIES.flatMap((query) =>
    [false, true].map((allowQueryToken) => ({ values, path: `/points${query}`, allowQueryToken })),
  ),
);

let port: number;
let stop: () => Promise<void>;

beforeAll(async () => {
  const listening = await listen((request: IncomingMessage, response) => {
    const allowQueryToken = request.headers['x-allow-query-token'] === 'true';
    response.end(outcome(() => extractToken(request, { allowQueryToken })));
  });
  port = listening.port;
  stop = () => close(listening.server);
});
afterAll(() => stop());

async function overNode(values: string[], path: string, allowQueryToken: boolean) {
  const lines = values.map((value) => `Authorization: ${value}\r\n`).join('');
  const head =
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
    `X-Allow-Query-Token: ${String(allowQueryToken)}\r\n${lines}\r\n`;
  const raw = await rawRequest(port, head);
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

/** The request in each shape, and whether the shape joins a repeated header into one value. */
function shapes(values: string[], path: string): [string, TokenRequestLike, boolean][] {
  const pairs = values.map((value): [string, string] => ['Authorization', value]);
  return [
    ['plain object', { headers: { authorization: values }, url: path }, false],
    ['fetch Request', new Request(`http://127.0.0.1${path}`, { headers: pairs }), true],
    ['fetch Headers', { headers: new Headers(pairs), url: path }, true],
  ];
}

// A Bearer value, well-formed or not: such a value is never mistaken for one of another scheme.
const isBearerPart = (value: string) => /^\s*bearer(?:\s|,|$)/i.test(value);

describe('extractToken: one answer for the same bytes, whatever the request shape', () => {
  it(`reads all ${cases.length} cases as Node reads the wire`, async () => {
    const disagreements: string[] = [];
    for (const { values, path, allowQueryToken } of cases) {
      const overTheWire = await overNode(values, path, allowQueryToken);
      const joined = values.length > 1 ? [values.join(', ')] : values;
      const asOneLine = await overNode(joined, path, allowQueryToken);
      for (const [shape, request, joinsRepeats] of shapes(values, path)) {
        const actual = outcome(() => extractToken(request, { allowQueryToken }));
        if (actual !== (joinsRepeats ? asOneLine : overTheWire)) {
          disagreements.push(`${shape} ${JSON.stringify(values)} ${path}: ${actual}`);
        }
      }
      // Joining hides a repeat only where no part is a Bearer value: then it reads as one value
      // of another scheme.
      if (
        asOneLine !== overTheWire &&
        (values.some(isBearerPart) || overTheWire !== 'INVALID_REQUEST')
      ) {
        disagreements.push(
          `joined ${JSON.stringify(values)} ${path}: ${asOneLine}, not ${overTheWire}`,
        );
      }
    }
    expect(disagreements).toEqual([]);
  });
});
