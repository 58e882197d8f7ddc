import { describe, expect, it } from 'vitest';
import { DEMO_DEFAULTS, DemoConfigError, readDemoConfig } from '../../demo/demo-config.js';

describe('readDemoConfig', () => {
  it('falls back to the printed defaults, counting empty values as unset', () => {
    expect(readDemoConfig({ STOREFRONT_PORT: '', BC_CLIENT_SECRET: '' })).toEqual({
      storefrontPort: 3000,
      apiPort: 3001,
      clientId: DEMO_DEFAULTS.clientId,
      clientSecret: DEMO_DEFAULTS.clientSecret,
      storeHash: 'abc123',
      customSecret: false,
    });
  });

  it('reads every variable', () => {
    expect(
      readDemoConfig({
        STOREFRONT_PORT: '8080',
        API_PORT: '8081',
        BC_CLIENT_ID: 'abc_DEF-123',
        BC_CLIENT_SECRET: 's3cr3t',
        BC_STORE_HASH: 'zz9',
      }),
    ).toEqual({
      storefrontPort: 8080,
      apiPort: 8081,
      clientId: 'abc_DEF-123',
      clientSecret: 's3cr3t',
      storeHash: 'zz9',
      customSecret: true,
    });
  });

  it.each([
    [{ STOREFRONT_PORT: '65536' }, /STOREFRONT_PORT must be a port number/],
    [{ API_PORT: '-1' }, /API_PORT must be a port number/],
    [{ API_PORT: '3e3' }, /API_PORT must be a port number/],
    [{ STOREFRONT_PORT: '4000', API_PORT: '4000' }, /must differ/],
    [{ BC_CLIENT_ID: 'has space' }, /BC_CLIENT_ID has an unusable value/],
    [{ BC_STORE_HASH: 'a/b' }, /BC_STORE_HASH has an unusable value/],
  ])('refuses %o with a DemoConfigError naming the variable', (env, message) => {
    expect(() => readDemoConfig(env)).toThrow(DemoConfigError);
    expect(() => readDemoConfig(env)).toThrow(message);
  });

  it('never echoes the secret when refusing it', () => {
    expect(() => readDemoConfig({ BC_CLIENT_SECRET: 'top secret' })).toThrow(
      /^BC_CLIENT_SECRET has an unusable value$/,
    );
  });
});
