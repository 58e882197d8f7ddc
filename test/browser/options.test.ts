import { describe, expect, it, vi } from 'vitest';
import { createCustomerAuth, type CustomerAuthOptions } from '../../src/browser/index.js';
import { resolveOptions } from '../../src/browser/options.js';
import { otherTab, setPageUrl, until } from './helpers/page.js';
import { whilePolluted } from '../support/polluted-prototype.js';

const valid = { appClientId: 'abc123', allowedOrigins: ['https://api.example.com'] };

const createWith = (options: unknown) => () => createCustomerAuth(options as CustomerAuthOptions);

describe('options', () => {
  it.each([
    ['appClientId', 'no options at all', undefined],
    ['appClientId', 'missing', { appClientId: undefined }],
    ['appClientId', 'empty', { appClientId: '' }],
    ['appClientId', 'with a space', { appClientId: 'a b' }],
    ['allowedOrigins', 'missing', { allowedOrigins: undefined }],
    ['allowedOrigins', 'a string', { allowedOrigins: 'https://api.example.com' }],
    ['allowedOrigins', 'with a path', { allowedOrigins: ['https://api.example.com/v1'] }],
    ['allowedOrigins', 'with a query', { allowedOrigins: ['https://api.example.com?x=1'] }],
    ['allowedOrigins', 'with credentials', { allowedOrigins: ['https://user@api.example.com'] }],
    ['allowedOrigins', 'http on a public host', { allowedOrigins: ['http://api.example.com'] }],
    ['allowedOrigins', 'a wildcard', { allowedOrigins: ['https://*.example.com'] }],
    ['allowedOrigins', 'ws:', { allowedOrigins: ['wss://api.example.com'] }],
    [
      'allowedOrigins',
      'one bad among good ones',
      { allowedOrigins: ['https://api.example.com', 'http://api.example.com'] },
    ],
    ['storefrontUrl', 'with a path', { storefrontUrl: 'https://store.example.com/shop' }],
    ['storefrontUrl', 'http on a public host', { storefrontUrl: 'http://store.example.com' }],
    ['maxTokenAgeMs', 'negative', { maxTokenAgeMs: -1 }],
    ['maxTokenAgeMs', 'NaN', { maxTokenAgeMs: NaN }],
    ['maxTokenAgeMs', 'a string', { maxTokenAgeMs: '5000' }],
    ['customerId', 'negative', { customerId: -1 }],
    ['customerId', 'a word', { customerId: 'guest' }],
    ['customerId', 'a fraction', { customerId: 1.5 }],
    ['logoutPath', 'not a path', { logoutPath: 'login.php?action=logout' }],
    ['authHeaderName', 'empty', { authHeaderName: '' }],
    ['authHeaderName', 'with a colon', { authHeaderName: 'X-Token:' }],
    ['authScheme', 'with a space', { authScheme: 'Bearer x' }],
    ['tokenQueryParam', 'empty', { tokenQueryParam: '' }],
    ['getToken', 'a string', { getToken: 'token' }],
    ['fetch', 'not a function', { fetch: {} }],
    ['WebSocket', 'not a function', { WebSocket: 'ws' }],
    ['EventSource', 'not a function', { EventSource: 1 }],
    ['BroadcastChannel', 'not a function', { BroadcastChannel: 'x' }],
    ['now', 'not a function', { now: 0 }],
    ['monotonicNow', 'not a function', { monotonicNow: 0 }],
    ['customerID', 'a misspelling of customerId', { customerID: '42' }],
    ['logoutUrl', 'a misspelling of logoutPath', { logoutUrl: '/account/sign-out' }],
    ['toString', 'an own property named like an inherited one', { toString: (): string => '' }],
  ])('throws a TypeError naming %s when it is %s', (name, _case, change) => {
    const options = change === undefined ? undefined : { ...valid, ...change };
    expect(createWith(options)).toThrow(TypeError);
    expect(createWith(options)).toThrow('bc-customer-auth: invalid option ' + name);
  });

  it('accepts http only on loopback hosts, and normalises origins', () => {
    const o = resolveOptions({
      appClientId: 'abc',
      allowedOrigins: [
        'http://localhost:3001',
        'http://127.0.0.1:8080/',
        'http://[::1]:9000',
        'HTTPS://API.Example.com:443',
      ],
    });
    expect(o.allowedOrigins).toEqual([
      'http://localhost:3001',
      'http://127.0.0.1:8080',
      'http://[::1]:9000',
      'https://api.example.com',
    ]);
  });

  it('applies the documented defaults', () => {
    const o = resolveOptions(valid);
    expect(o).toMatchObject({
      maxTokenAgeMs: 5000,
      logoutPath: '/login.php?action=logout',
      authHeaderName: 'Authorization',
      authScheme: 'Bearer',
      tokenQueryParam: 'token',
    });
    expect(o.customerId).toBeUndefined();
    try {
      // Read at each call: a fake clock installed after creation applies.
      vi.useFakeTimers({ now: 1_234_567, toFake: ['Date'] });
      expect(o.now()).toBe(1_234_567);
    } finally {
      vi.useRealTimers();
    }
    expect(typeof o.fetch).toBe('function');
    expect(typeof o.monotonicNow()).toBe('number');
  });

  it('accepts any maxTokenAgeMs from 0 up, Infinity included (the token cache caps it at 60000)', () => {
    for (const maxTokenAgeMs of [0, 1e9, Infinity]) {
      expect(resolveOptions({ ...valid, maxTokenAgeMs }).maxTokenAgeMs).toBe(maxTokenAgeMs);
    }
  });

  it.each([
    [42, 'c42'],
    ['7', 'c7'],
    ['', 'c'],
    [null, 'c'],
  ])('announces customerId %j to the other tabs as %j', async (customerId, notice) => {
    const { notices, channel: spy } = otherTab(valid.appClientId);
    try {
      setPageUrl('http://localhost:3000/');
      const client = createCustomerAuth({ ...valid, customerId });
      await until(() => notices.length == 1);
      client.destroy();
      expect(notices).toEqual([notice]);
    } finally {
      spy.close();
    }
  });

  it('keeps BroadcastChannel: null (the storage fallback) and does not mutate the caller’s object', () => {
    const input = { ...valid, BroadcastChannel: null, authScheme: null as unknown as string };
    const o = resolveOptions(input);
    expect(o.BroadcastChannel).toBeNull();
    expect(o.authScheme).toBe('Bearer');
    expect(input.authScheme).toBeNull();
  });

  it('takes no option from a polluted Object.prototype, and is not broken by one', async () => {
    const polluted = {
      storefrontUrl: 'https://evil.example',
      authHeaderName: 'X-Evil',
      polluted: true,
    };
    const resolved = await whilePolluted(polluted, () => resolveOptions(valid));
    expect(resolved.storefrontUrl).toBeUndefined();
    expect(resolved.authHeaderName).toBe('Authorization');
  });
});
