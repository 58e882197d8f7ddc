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
  `Bearer,${TOKEN}`,
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
  QUERIES.map((query) => ({ values, path: `/points${query}` })),
);
const ALLOW_QUERY_TOKEN = [false, true];

let port: number;
let stop: () => Promise<void>;

beforeAll(async () => {
  // One request answers for both settings: half the connections.
  const listening = await listen((request: IncomingMessage, response) => {
    const answers = ALLOW_QUERY_TOKEN.map((allowQueryToken) =>
      outcome(() => extractToken(request, { allowQueryToken })),
    );
    response.end(JSON.stringify(answers));
  });
  port = listening.port;
  stop = () => close(listening.server);
});
afterAll(() => stop());

/** Node's answers off a real socket, without and with `allowQueryToken`. */
async function overNode(values: string[], path: string): Promise<string[]> {
  const lines = values.map((value) => `Authorization: ${value}\r\n`).join('');
  const head = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines}\r\n`;
  const raw = await rawRequest(port, head);
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as string[];
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

/**
 * Every shape against the wire, for one case: a shape that keeps repeats apart reads as Node does,
 * one that joins them reads as Node reads the joined line.
 */
function compare(
  values: string[],
  path: string,
  allowQueryToken: boolean,
  overTheWire: string | undefined,
  asOneLine: string | undefined,
  disagreements: string[],
): void {
  for (const [shape, request, joinsRepeats] of shapes(values, path)) {
    const actual = outcome(() => extractToken(request, { allowQueryToken }));
    if (actual !== (joinsRepeats ? asOneLine : overTheWire)) {
      disagreements.push(`${shape} ${JSON.stringify(values)} ${path}: ${actual}`);
    }
  }
  // Joining hides a repeat only where no part is a Bearer value: then it reads as one value of
  // another scheme.
  if (
    asOneLine !== overTheWire &&
    (values.some(isBearerPart) || overTheWire !== 'INVALID_REQUEST')
  ) {
    disagreements.push(
      `joined ${JSON.stringify(values)} ${path}: ${asOneLine}, not ${overTheWire}`,
    );
  }
}

describe('extractToken: one answer for the same bytes, whatever the request shape', () => {
  // Exhaustive over real sockets (2,110 connections): seconds of work on a busy machine.
  const total = cases.length * ALLOW_QUERY_TOKEN.length;
  it(`reads all ${total} cases as Node reads the wire`, { timeout: 30_000 }, async () => {
    const disagreements: string[] = [];
    for (const { values, path } of cases) {
      const wire = await overNode(values, path);
      const joined = values.length > 1 ? [values.join(', ')] : values;
      const oneLine = await overNode(joined, path);
      for (const [index, allowQueryToken] of ALLOW_QUERY_TOKEN.entries()) {
        compare(values, path, allowQueryToken, wire[index], oneLine[index], disagreements);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
