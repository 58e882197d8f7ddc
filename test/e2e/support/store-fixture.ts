import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Demo, StartDemoOptions } from '../../../demo/start-demo.js';
import { launchChromium } from './chromium.js';
import { startDemoServers } from './demo-servers.js';

/** What a suite works with; filled in by the hooks {@link useStoreInChromium} registers. */
export interface StoreFixture {
  browser: Browser;
  demo: Demo;
  /** A fresh browser context (fresh profile: no cookies, no storage) for every test. */
  context: BrowserContext;
}

/**
 * Registers hooks that start Chromium and both demo servers once per file, and open a fresh
 * browser context for every test. Call it inside `describeInChromium`.
 */
export function useStoreInChromium(
  options: {
    /** Demo server options, or a function giving them once earlier `beforeAll` hooks have run. */
    demo?: Partial<StartDemoOptions> | (() => Partial<StartDemoOptions>);
    backForwardCache?: boolean;
  } = {},
): StoreFixture {
  const fixture = {} as StoreFixture;
  beforeAll(async () => {
    const launch = { backForwardCache: options.backForwardCache ?? false };
    [fixture.browser, fixture.demo] = await Promise.all([
      launchChromium(launch),
      startDemoServers(typeof options.demo === 'function' ? options.demo() : options.demo),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fixture.browser?.close(), fixture.demo?.close()]);
  });
  beforeEach(async () => {
    fixture.context = await fixture.browser.newContext();
  });
  afterEach(async () => {
    await fixture.context?.close();
  });
  return fixture;
}
