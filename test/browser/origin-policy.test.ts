import { describe, expect, it } from 'vitest';
import { OriginNotAllowedError } from '../../src/browser/index.js';
import { allowUrl, toOrigin } from '../../src/browser/origin-policy.js';
import { setPageUrl } from './helpers/page.js';

const allowed = ['https://api.example.com', 'http://localhost:3001'];

const refusedOrigin = (input: string, socket?: boolean) => {
  try {
    allowUrl(allowed, input, socket);
  } catch (error) {
    expect(error).toBeInstanceOf(OriginNotAllowedError);
    return (error as OriginNotAllowedError).origin;
  }
  return undefined;
};

describe('origin policy', () => {
  it.each([
    ['https://api.example.com/points', undefined],
    ['https://API.EXAMPLE.COM:443/points', undefined],
    ['http://localhost:3001/points', undefined],
    ['https://api.example.com.evil.test/points', 'https://api.example.com.evil.test'],
    ['https://api.example.com@evil.test/points', 'https://evil.test'],
    ['https://evil.test/https://api.example.com', 'https://evil.test'],
    ['http://api.example.com/points', 'http://api.example.com'],
    ['https://api.example.com:8443/points', 'https://api.example.com:8443'],
    ['https://sub.api.example.com/points', 'https://sub.api.example.com'],
    ['http://localhost:3002/points', 'http://localhost:3002'],
    ['javascript:alert(1)', 'javascript://'],
    ['blob:https://api.example.com/uuid', 'blob://'],
    ['data:text/plain,x', 'data://'],
  ])('%s → refused origin %s', (input, refused) => {
    expect(refusedOrigin(input)).toBe(refused);
  });

  it('resolves relative URLs against the page', () => {
    setPageUrl('http://localhost:3001/shop/');
    expect(allowUrl(allowed, 'points').href).toBe('http://localhost:3001/shop/points');
    setPageUrl('https://store.example.com/');
    expect(refusedOrigin('/points')).toBe('https://store.example.com');
  });

  it('resolves relative URLs against the page although markup shadows document.baseURI', () => {
    setPageUrl('http://localhost:3001/shop/');
    // Scriptless markup such as `<img name="baseURI">` shadows document.baseURI (DOM clobbering).
    Object.defineProperty(document, 'baseURI', {
      value: document.createElement('img'),
      configurable: true,
    });
    try {
      expect(allowUrl(allowed, 'points').href).toBe('http://localhost:3001/shop/points');
      expect(allowUrl(allowed, '/live', true).href).toBe('http://localhost:3001/live');
    } finally {
      Reflect.deleteProperty(document, 'baseURI');
    }
  });

  it('maps ws: to http: and wss: to https: for sockets only', () => {
    expect(refusedOrigin('wss://api.example.com/live', true)).toBeUndefined();
    expect(refusedOrigin('ws://localhost:3001/live', true)).toBeUndefined();
    expect(refusedOrigin('ws://api.example.com/live', true)).toBe('http://api.example.com');
    expect(refusedOrigin('wss://api.example.com/live')).toBe('wss://api.example.com');
  });

  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://api.example.com/', 'https://api.example.com'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]', 'http://[::1]'],
    ['http://localhost.evil.test', undefined],
    ['https://*.example.com', undefined],
    ['http://api.example.com', undefined],
    ['https://api.example.com/v1', undefined],
    ['https://api.example.com#x', undefined],
    ['https://u:p@api.example.com', undefined],
    ['api.example.com', undefined],
    [42, undefined],
  ])('toOrigin(%j) is %j', (value, origin) => {
    expect(toOrigin(value)).toBe(origin);
  });
});
