import { describe, expect, it } from 'vitest';

describe('importing the browser entry during server-side rendering', () => {
  it('does not throw or touch window, and every call gives UNSUPPORTED_ENVIRONMENT', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const sdk = await import('../../src/browser/index.js');
    await expect(sdk.bcAuthFetch('https://api.example.com/points')).rejects.toMatchObject({
      name: 'CustomerAuthError',
      code: 'UNSUPPORTED_ENVIRONMENT',
      // Not "call configure() first": configure() throws here as well.
      message: 'bc-customer-auth: unsupported environment',
    });
    await expect(sdk.bcAuthWebSocket('wss://api.example.com/live')).rejects.toMatchObject({
      code: 'UNSUPPORTED_ENVIRONMENT',
    });
    await expect(sdk.bcAuthEventSource('https://api.example.com/s')).rejects.toMatchObject({
      code: 'UNSUPPORTED_ENVIRONMENT',
    });
    const options = { appClientId: 'abc', allowedOrigins: ['https://api.example.com'] };
    for (const create of [sdk.createCustomerAuth, sdk.configure]) {
      let error: unknown;
      try {
        create(options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(sdk.CustomerAuthError);
      expect(sdk.isCustomerAuthError(error, 'UNSUPPORTED_ENVIRONMENT')).toBe(true);
    }
    expect(() => sdk.getDefaultClient()).toThrow(sdk.CustomerAuthError);
  });

  it('the built ESM bundle imports cleanly in Node too', async () => {
    const bundle = '../../dist/index.js';
    const built = (await import(bundle)) as typeof import('../../src/browser/index.js');
    expect(typeof built.createCustomerAuth).toBe('function');
    await expect(built.bcAuthFetch('https://api.example.com/')).rejects.toMatchObject({
      code: 'UNSUPPORTED_ENVIRONMENT',
    });
  });
});
