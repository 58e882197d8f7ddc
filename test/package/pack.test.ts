import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCurrentCustomerJwt } from '../../demo/storefront/current-customer-jwt.js';
import { describeInChromium, launchChromium } from '../e2e/support/chromium.js';
import { packAndInstall, REPO_ROOT, run, type InstalledPackage } from './support/packed-package.js';
import { serveScriptTagPage } from './support/script-tag-page.js';
import { writeTypeScriptConsumer } from './support/typescript-consumer.js';

const ALLOWED_IN_TARBALL =
  /^(dist\/.+|examples\/[\w-]+\.(js|d\.ts)|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/;
const REQUIRED_IN_TARBALL = [
  'package.json',
  'LICENSE',
  'dist/index.js',
  'dist/server.js',
  'dist/bc-customer-auth.iife.js',
  'dist/types/browser/index.d.ts',
  'dist/types/server/index.d.ts',
  // The README tells readers to copy these.
  'examples/authenticate.js',
  'examples/fetch-handler.js',
  'examples/installed-stores.js',
  'examples/verifier.js',
];
const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

// Runs in the consuming project: resolves and imports both entries, and verifies a token with
// the installed server half.
const IMPORT_BOTH_ENTRIES = `
const browser = await import('bc-customer-auth');
const server = await import('bc-customer-auth/server');
const verifier = server.createVerifier({ clientId: 'app', clientSecret: 'secret', storeHashes: ['abc123'] });
const claims = await verifier.verify(process.env.TOKEN);
console.log(JSON.stringify({
  resolved: [import.meta.resolve('bc-customer-auth'), import.meta.resolve('bc-customer-auth/server')],
  browser: Object.keys(browser).sort(),
  server: Object.keys(server).sort(),
  customerId: claims.customerId,
}));
`;

/** A token for customer `id` that the consumer scripts' verifier (`app`, `secret`, `abc123`) accepts. */
const tokenFor = (id: number) =>
  signCurrentCustomerJwt({
    customer: { id, email: `shopper${id}@example.com`, groupId: '0' },
    clientId: 'app',
    clientSecret: 'secret',
    storeHash: 'abc123',
    nowMs: Date.now(),
  });

let installed: InstalledPackage;

beforeAll(async () => {
  installed = await packAndInstall();
});

afterAll(async () => {
  await installed?.remove();
});

describe('the npm tarball', () => {
  it('holds only dist/, examples/, README.md, LICENSE, CHANGELOG.md and package.json', () => {
    expect(installed.files.filter((file) => !ALLOWED_IN_TARBALL.test(file))).toEqual([]);
    expect(REQUIRED_IN_TARBALL.filter((file) => !installed.files.includes(file))).toEqual([]);
  });

  it('ships the README and the CHANGELOG', () => {
    expect(['README.md', 'CHANGELOG.md'].filter((file) => !installed.files.includes(file))).toEqual(
      [],
    );
  });

  it('installs, and both entries import as ESM in Node from the installed copy', async () => {
    const token = tokenFor(7);
    const args = ['--input-type=module', '-e', IMPORT_BOTH_ENTRIES];
    const output = await run(process.execPath, args, installed.projectDir, { TOKEN: token });
    const result = JSON.parse(output) as {
      resolved: string[];
      browser: string[];
      server: string[];
      customerId: number;
    };
    for (const url of result.resolved)
      expect(url).toContain('/consumer/node_modules/bc-customer-auth/dist/');
    expect(result.browser).toEqual(
      expect.arrayContaining(['bcAuthFetch', 'configure', 'createCustomerAuth']),
    );
    expect(result.server).toEqual(
      expect.arrayContaining(['createVerifier', 'requireCustomer', 'createApiGatewayAuthorizer']),
    );
    expect(result.customerId).toBe(7);
  });

  it('its examples/authenticate.js, copied into the project, verifies with the installed package', async () => {
    await copyFile(
      join(installed.packageDir, 'examples', 'authenticate.js'),
      join(installed.projectDir, 'authenticate.js'),
    );
    const token = tokenFor(9);
    const script = `
import { createVerifier } from 'bc-customer-auth/server';
import { authenticate } from './authenticate.js';
const verifier = createVerifier({ clientId: 'app', clientSecret: 'secret', storeHashes: ['abc123'] });
const request = (authorization) => new Request('https://api.example.com/points', { headers: { authorization } });
const signedIn = await authenticate(verifier, request('Bearer ' + process.env.TOKEN));
const forged = await authenticate(verifier, request('Bearer ' + process.env.TOKEN + 'x'));
console.log(JSON.stringify([signedIn.customer.customerId, forged.status, forged.body]));
`;
    const output = await run(
      process.execPath,
      ['--input-type=module', '-e', script],
      installed.projectDir,
      { TOKEN: token },
    );
    expect(JSON.parse(output)).toEqual([9, 401, { error: 'invalid_token', code: 'MALFORMED' }]);
  });

  it('both entries load with require() on Node ≥ 20.19 (require(esm)), for CommonJS users', async () => {
    const script = `console.log(JSON.stringify([require('bc-customer-auth'), require('bc-customer-auth/server')].map((m) => typeof (m.createCustomerAuth ?? m.createVerifier))))`;
    const output = await run(
      process.execPath,
      ['--input-type=commonjs', '-e', script],
      installed.projectDir,
    );
    expect(JSON.parse(output)).toEqual(['function', 'function']);
  });

  for (const moduleResolution of ['nodenext', 'bundler'] as const) {
    it(`type-checks a TypeScript consumer with moduleResolution "${moduleResolution}"`, async () => {
      const tsconfig = await writeTypeScriptConsumer(installed.projectDir, moduleResolution);
      // tsc prints every error it finds, and exits non-zero (which `run` turns into a rejection).
      expect(await run(process.execPath, [TSC, '-p', tsconfig], installed.projectDir)).toBe('');
    });
  }
});

describeInChromium("the tarball's IIFE in Chromium", () => {
  let browser: Browser;
  let page: { origin: string; close(): Promise<void> };

  beforeAll(async () => {
    page = await serveScriptTagPage(join(installed.packageDir, 'dist', 'bc-customer-auth.iife.js'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), page?.close()]);
  });

  it('defines window.bcAuthFetch, configured from the script tag, with no page error', async () => {
    const tab = await browser.newPage();
    const pageErrors: string[] = [];
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    await tab.goto(`${page.origin}/`);
    const result = await tab.evaluate(async () => {
      const sdk = window as unknown as {
        bcAuthFetch?: typeof fetch;
        BcCustomerAuth: { getDefaultClient(): unknown };
      };
      const refused = await sdk
        .bcAuthFetch?.('https://evil.test/')
        .catch((error: { code?: string }) => error.code);
      return {
        bcAuthFetch: typeof sdk.bcAuthFetch,
        configured: typeof sdk.BcCustomerAuth.getDefaultClient(),
        refused,
      };
    });
    expect(result).toEqual({
      bcAuthFetch: 'function',
      configured: 'object',
      refused: 'ORIGIN_NOT_ALLOWED',
    });
    expect(pageErrors).toEqual([]);
  });
});
