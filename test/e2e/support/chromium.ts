import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe, it } from 'vitest';

/** Flags for Debian's Chromium in containers and CI: headless, no sandbox, no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where Debian's `chromium` package installs the browser. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const INSTALL_HINT =
  'Install it with `apt-get install chromium` (Debian/Ubuntu) or set CHROME_PATH to a Chromium or Chrome binary.';

function onPath(name: string): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Where Chromium is: `CHROME_PATH` when set (an error if it names nothing), else
 * `/usr/bin/chromium`, else `chromium` or `chromium-browser` on the PATH.
 */
export function findChromium(
  env: Record<string, string | undefined> = process.env,
  fileExists: (path: string) => boolean = existsSync,
): string | undefined {
  const configured = env['CHROME_PATH'];
  if (configured) {
    if (!fileExists(configured))
      throw new Error(`CHROME_PATH is set to ${configured}, which does not exist`);
    return configured;
  }
  if (fileExists(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  return onPath('chromium') ?? onPath('chromium-browser');
}

/**
 * What the end-to-end suite does: `run` with Chromium; without it `skip` (loudly), or `fail` when
 * `CI` is set, so a CI run never passes without the browser.
 */
export function planSuite(
  browserPath: string | undefined,
  env: Record<string, string | undefined> = process.env,
): 'run' | 'skip' | 'fail' {
  if (browserPath !== undefined) return 'run';
  return env['CI'] ? 'fail' : 'skip';
}

/** The Chromium binary the end-to-end suite uses, or undefined when there is none. */
export const chromiumPath = findChromium();

let warned = false;

/** `describe` for a suite that needs Chromium; see {@link planSuite}. */
export function describeInChromium(name: string, body: () => void): void {
  const plan = planSuite(chromiumPath);
  const message = `No Chromium found for the end-to-end tests. ${INSTALL_HINT}`;
  if (plan === 'run') {
    describe(name, body);
  } else if (plan === 'fail') {
    describe(name, () => {
      it('finds Chromium (required when CI is set)', () => {
        throw new Error(message);
      });
    });
  } else {
    if (!warned) {
      warned = true;
      const rule = '!'.repeat(78);
      console.warn(`\n${rule}\n!! SKIPPING the end-to-end suite. ${message}\n${rule}\n`);
    }
    describe.skip(name, body);
  }
}

/**
 * Launches Chromium with {@link CHROMIUM_ARGS}; every test then works in a fresh context (a fresh
 * profile). Playwright turns the back/forward cache off by default; `backForwardCache` keeps it on.
 */
export function launchChromium(options: { backForwardCache?: boolean } = {}): Promise<Browser> {
  if (chromiumPath === undefined) throw new Error(`No Chromium found. ${INSTALL_HINT}`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
    ...(options.backForwardCache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
  });
}
