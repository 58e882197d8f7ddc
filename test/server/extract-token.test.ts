import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, extractToken } from '../../src/server/index.js';

const TOKEN = 'aaa.bbb.ccc';
// Values String() throws for.
const noString = Object.create(null) as object;
const throwing = () => {
  throw new Error('no string form');
};

function expectInvalidRequest(run: () => unknown): void {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InvalidRequestError);
  expect(error).toMatchObject({ code: 'INVALID_REQUEST' });
  expect((error as Error).message).not.toContain(TOKEN);
}

describe('extractToken', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])(
    'reads the %s scheme case-insensitively',
    (scheme) => {
      expect(extractToken({ headers: { authorization: `${scheme} ${TOKEN}` } })).toBe(TOKEN);
    },
  );

  it('tolerates surrounding and separating whitespace', () => {
    expect(extractToken({ headers: { authorization: `  Bearer \t ${TOKEN}  ` } })).toBe(TOKEN);
  });

  it('matches header names case-insensitively in plain objects', () => {
    expect(extractToken({ headers: { Authorization: `Bearer ${TOKEN}` } })).toBe(TOKEN);
  });

  it.each([
    ['a token', `Bearer ${TOKEN}`],
    ['no credentials', 'Bearer'],
  ])(
    'refuses a fetch Request whose repeated Authorization starts with another scheme (Bearer with %s)',
    (_name, bearer) => {
      const request = new Request('https://api.example.com/points', {
        headers: [
          ['Authorization', 'Basic dXNlcjpwdw=='],
          ['Authorization', bearer],
        ],
      });
      expectInvalidRequest(() => extractToken(request));
      // As when the same two values come as an array.
      const headers = { authorization: ['Basic dXNlcjpwdw==', bearer] };
      expectInvalidRequest(() => extractToken({ headers }));
    },
  );

  it.each([
    [
      'commas inside another scheme (Digest)',
      ['Digest username="shopper", realm="api", nonce="n"'],
    ],
    [
      'a scheme that only starts with Bearer after another',
      ['Basic dXNlcjpwdw==', `Bearerx ${TOKEN}`],
    ],
  ])(
    'reads a fetch Request whose Authorization has %s as no token, never as a repeat',
    (_name, values) => {
      const headers = values.map((value): [string, string] => ['Authorization', value]);
      const request = new Request('https://api.example.com/points?token=' + TOKEN, { headers });
      expect(extractToken(request)).toBeUndefined();
      // Another scheme in the header: the query token is the request's one token.
      expect(extractToken(request, { allowQueryToken: true })).toBe(TOKEN);
    },
  );

  it('reads a header named "get" as a header: only a get() function makes headers Headers-like', () => {
    const headers = { get: 'x', authorization: `Bearer ${TOKEN}` };
    expect(extractToken({ headers })).toBe(TOKEN);
  });

  it('reads fetch Headers objects', () => {
    expect(extractToken({ headers: new Headers({ Authorization: `Bearer ${TOKEN}` }) })).toBe(
      TOKEN,
    );
  });

  it.each([
    ['no header', {}],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
    ['a scheme that only starts with Bearer', { authorization: `Bearerx ${TOKEN}` }],
    ['an empty header', { authorization: '' }],
  ])('returns undefined for %s', (_name, headers) => {
    expect(extractToken({ headers })).toBeUndefined();
  });

  it.each([
    ['Bearer without credentials', { authorization: 'Bearer' }],
    ['Bearer with blank credentials', { authorization: 'Bearer   ' }],
    ['two credentials', { authorization: `Bearer ${TOKEN} ${TOKEN}` }],
    ['comma-joined duplicates', { authorization: `Bearer ${TOKEN}, Bearer ${TOKEN}` }],
    [
      'a Bearer value joined after another scheme’s (a proxy merged two headers)',
      { authorization: `Basic dXNlcjpwdw==, Bearer ${TOKEN}` },
    ],
    ['a bare Bearer joined before another value', { authorization: 'Bearer, Basic dXNlcjpwdw==' }],
    ['an array of two values', { authorization: [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`] }],
    [
      'the header under two spellings',
      { authorization: `Bearer ${TOKEN}`, Authorization: `Bearer ${TOKEN}` },
    ],
  ])('throws invalid_request for %s', (_name, headers) => {
    expectInvalidRequest(() => extractToken({ headers }));
  });

  it('sees duplicates in rawHeaders that Node dropped from headers', () => {
    const request = {
      headers: { authorization: `Bearer ${TOKEN}` },
      rawHeaders: [
        'Host',
        'x',
        'Authorization',
        `Bearer ${TOKEN}`,
        'authorization',
        'Bearer other',
      ],
    };
    expectInvalidRequest(() => extractToken(request));
  });

  it("sees duplicates in Bun's node:http request, whose rawHeaders is a prototype getter", () => {
    // Bun 1.4's IncomingMessage keeps rawHeaders as a getter on its prototype, not an own
    // property, and its headers keep only the first Authorization value, as Node's do.
    class BunIncomingMessage {
      headers = { authorization: `Bearer ${TOKEN}` };
      get rawHeaders(): string[] {
        return ['Host', 'x', 'Authorization', `Bearer ${TOKEN}`, 'Authorization', 'Bearer other'];
      }
    }
    expectInvalidRequest(() => extractToken(new BunIncomingMessage()));
    class BunBasicThenBearer extends BunIncomingMessage {
      override headers = { authorization: 'Basic dXNlcjpwdw==' };
      override get rawHeaders(): string[] {
        return ['Authorization', 'Basic dXNlcjpwdw==', 'authorization', `Bearer ${TOKEN}`];
      }
    }
    expectInvalidRequest(() => extractToken(new BunBasicThenBearer()));
  });

  it('reads headers when rawHeaders has no Authorization (adapters such as serverless-http)', () => {
    // IncomingMessage starts with rawHeaders = []; adapters then assign headers only.
    const adapted = new IncomingMessage(new Socket());
    Object.assign(adapted, {
      method: 'GET',
      url: '/points',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(adapted.rawHeaders).toStrictEqual([]);
    expect(extractToken(adapted)).toBe(TOKEN);
    // A middleware that rewrote the header after parsing is read the same way.
    const rewritten = { headers: { authorization: `Bearer ${TOKEN}` }, rawHeaders: ['Host', 'x'] };
    expect(extractToken(rewritten)).toBe(TOKEN);
  });

  it('ignores the query parameter unless allowed', () => {
    expect(extractToken({ headers: {}, url: `/live?token=${TOKEN}` })).toBeUndefined();
    expect(
      extractToken({ headers: {}, url: `/live?token=${TOKEN}` }, { allowQueryToken: true }),
    ).toBe(TOKEN);
  });

  it('ignores the query parameter when allowQueryToken is undefined', () => {
    const request = { headers: {}, url: `/live?token=${TOKEN}` };
    expect(extractToken(request, { allowQueryToken: undefined })).toBeUndefined();
  });

  it('prefers Express originalUrl and decodes the parameter', () => {
    const request = {
      headers: {},
      url: '/',
      originalUrl: `/api/live?x=1&token=${encodeURIComponent(TOKEN)}#frag`,
    };
    expect(extractToken(request, { allowQueryToken: true })).toBe(TOKEN);
  });

  // A `?` after the `#` is part of the fragment (WHATWG URL); Node passes such a request target
  // through as `url`, and a fetch Request keeps its fragment.
  it.each([`/live#x?token=${TOKEN}`, `/live#?token=${TOKEN}`, `/live?x=1#?token=${TOKEN}`])(
    'reads no query token from the fragment of %s',
    (url) => {
      expect(new URL(url, 'http://h').searchParams.get('token')).toBeNull();
      expect(extractToken({ headers: {}, url }, { allowQueryToken: true })).toBeUndefined();
      const request = new Request(`http://127.0.0.1${url}`);
      expect(extractToken(request, { allowQueryToken: true })).toBeUndefined();
      // Nor does it make a header token "sent both ways".
      const both = { headers: { authorization: `Bearer ${TOKEN}` }, url };
      expect(extractToken(both, { allowQueryToken: true })).toBe(TOKEN);
    },
  );

  it.each([
    ['header and query', { authorization: `Bearer ${TOKEN}` }, `/live?token=${TOKEN}`],
    ['a repeated parameter', {}, `/live?token=${TOKEN}&token=${TOKEN}`],
    ['an empty parameter', {}, '/live?token='],
  ])('throws invalid_request for %s', (_name, headers, url) => {
    expectInvalidRequest(() => extractToken({ headers, url }, { allowQueryToken: true }));
  });

  it('uses the query token when the header carries another scheme', () => {
    const request = {
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
      url: `/live?token=${TOKEN}`,
    };
    expect(extractToken(request, { allowQueryToken: true })).toBe(TOKEN);
  });

  it('treats a null Authorization value, or get() answering undefined, as no header', () => {
    // A raw TypeError ("value is not iterable") here used to surface as a 500 from requireCustomer.
    expect(extractToken({ headers: { authorization: null } })).toBeUndefined();
    expect(extractToken({ headers: new Map<string, string>() })).toBeUndefined();
    // A Map fits HeadersLike as it is: no cast.
    const headers = new Map([['authorization', `Bearer ${TOKEN}`]]);
    expect(extractToken({ headers })).toBe(TOKEN);
  });

  it.each([
    ['a number', { authorization: 5 }],
    ['an array holding a number', { authorization: [5] }],
    ['an object', { authorization: { scheme: 'Bearer', token: TOKEN } }],
    ['a Map holding a number', new Map([['authorization', 5]])],
    // Objects that have no string form: String() throws for each.
    ['an object without a prototype', { authorization: Object.create(null) as object }],
    ['an object whose toString is no function', { authorization: { toString: 1 } }],
    ['an array holding one whose toString throws', { authorization: [{ toString: throwing }] }],
    ['a Map holding an object without a prototype', new Map([['authorization', noString]])],
  ])('reads an Authorization value that is %s as another scheme, not a crash', (_kind, headers) => {
    // No HTTP request carries one; a framework's own request shape might.
    expect(extractToken({ headers: headers as never })).toBeUndefined();
  });

  it('reads a rawHeaders value that has no string form as another scheme, not a crash', () => {
    const rawHeaders = ['Authorization', noString] as never;
    expect(extractToken({ headers: { authorization: `Bearer ${TOKEN}` }, rawHeaders })).toBe(
      undefined,
    );
  });

  it('counts a non-string value beside a Bearer one as a repeated header', () => {
    expectInvalidRequest(() =>
      extractToken({ headers: { authorization: [`Bearer ${TOKEN}`, 5] as never } }),
    );
  });

  it.each([5, null, { path: `/live?token=${TOKEN}` }])(
    'reads a url that is not a string (%o) as one without a query',
    (url) => {
      expect(extractToken({ headers: {}, url: url as never }, { allowQueryToken: true })).toBe(
        undefined,
      );
    },
  );

  it('throws the package’s TypeError for null options', () => {
    expect(() => extractToken({ headers: {} }, null as never)).toThrow(
      new TypeError('bc-customer-auth: extractToken options must be an object'),
    );
  });

  it('throws a TypeError for something that is not a request', () => {
    expect(() => extractToken(undefined as never)).toThrow(TypeError);
    expect(() => extractToken({} as never)).toThrow(TypeError);
  });

  it('throws the same TypeError for headers that are not an object, rawHeaders or not', () => {
    const message = 'bc-customer-auth: extractToken needs a request with headers';
    expect(() => extractToken({ headers: 'authorization' as never })).toThrow(
      new TypeError(message),
    );
    const rawOnly = { rawHeaders: ['Authorization', `Bearer ${TOKEN}`] };
    expect(() => extractToken(rawOnly as never)).toThrow(new TypeError(message));
  });

  it('refuses two credentials separated by a tab as ambiguous', () => {
    expectInvalidRequest(() => extractToken({ headers: { authorization: 'Bearer aaa\tbbb' } }));
  });

  it('takes only a space or a tab after "Bearer", not a no-break space (another scheme)', () => {
    expect(extractToken({ headers: { authorization: `Bearer\u00a0${TOKEN}` } })).toBeUndefined();
  });

  it('steps over rawHeaders in name and value pairs: a value reading "authorization" is no name', () => {
    const request = {
      headers: { 'x-echo': 'authorization', authorization: `Bearer ${TOKEN}` },
      rawHeaders: ['X-Echo', 'authorization', 'Authorization', `Bearer ${TOKEN}`],
    };
    expect(extractToken(request)).toBe(TOKEN);
  });

  it.each(['false', 1, 'true'])(
    'reads the query only for allowQueryToken: true, not %o',
    (value) => {
      const request = { headers: {}, url: `/live?token=${TOKEN}` };
      expect(extractToken(request, { allowQueryToken: value as never })).toBeUndefined();
    },
  );
});
