import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IIFE_FILE, measureBundles } from '../../bench/lib/bundle-size.js';
import { SIZE_BUDGETS } from '../../bench/lib/size-budgets.js';

// Server code that must never reach a browser bundle, and code a strict CSP refuses.
const FORBIDDEN_IN_BROWSER_BUNDLES = [
  /\bnode:/,
  /\bcreateHmac\b/,
  /\btimingSafeEqual\b/,
  /\bcreateVerifier\b/,
  /\brequireCustomer/,
  /\bcreateApiGatewayAuthorizer\b/,
  /\bclientSecret\b/,
  /\bsubtle\b/,
  /\beval\(/,
  /\bnew Function\b/,
  /\bFunction\(/,
];

// What a self-contained script tag must not do: load more code or need a module system.
const FORBIDDEN_IN_IIFE = [
  /\bimport\(/,
  /\brequire\(/,
  /import\.meta/,
  /createElement\(["']script/,
];

const BROWSER_BUNDLES = { 'dist/index.js': 'dist/index.js', 'the IIFE': IIFE_FILE };

describe('size budgets (min+gzip, gzip level 9)', async () => {
  const bundles = await measureBundles();

  it('measures every budgeted bundle, and budgets every measured one', () => {
    expect(bundles.map((bundle) => bundle.id).sort()).toEqual(Object.keys(SIZE_BUDGETS).sort());
  });

  for (const { id, label, gzipBytes, brotliBytes, minBytes } of bundles) {
    const budget = SIZE_BUDGETS[id as keyof typeof SIZE_BUDGETS];
    it(`${label}: within ${budget} bytes`, () => {
      console.info(`${label}: ${minBytes} B min, ${gzipBytes} B gzip, ${brotliBytes} B brotli`);
      expect(gzipBytes).toBeLessThanOrEqual(budget);
    });
  }

  it('tree-shaking works (sideEffects: false): bcAuthFetch alone leaves the client out', () => {
    const fetchOnly = bundles.find((bundle) => bundle.id === 'esmFetchOnly');
    const withConfigure = bundles.find((bundle) => bundle.id === 'esmConfigureAndFetch');
    expect(fetchOnly?.code).not.toContain('current.jwt');
    expect(withConfigure?.code).toContain('current.jwt');
  });
});

describe('what the browser bundles contain', () => {
  for (const [name, file] of Object.entries(BROWSER_BUNDLES)) {
    it(`${name} carries no server code, no eval and no new Function`, () => {
      const code = readFileSync(file, 'utf8');
      expect(FORBIDDEN_IN_BROWSER_BUNDLES.filter((pattern) => pattern.test(code))).toEqual([]);
    });
  }

  it('the IIFE is one self-contained script defining BcCustomerAuth', () => {
    const code = readFileSync(IIFE_FILE, 'utf8');
    expect(code.startsWith('var BcCustomerAuth=function')).toBe(true);
    expect(FORBIDDEN_IN_IIFE.filter((pattern) => pattern.test(code))).toEqual([]);
  });
});
