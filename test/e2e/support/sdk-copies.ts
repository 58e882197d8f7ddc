import { nodeResolve } from '@rollup/plugin-node-resolve';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { rollup } from 'rollup';
import { CLIENT_ID } from './demo-servers.js';

/** The script-tag build, to run as a second copy of the tag. */
export const IIFE = readFileSync(
  fileURLToPath(new URL('../../../dist/bc-customer-auth.iife.js', import.meta.url)),
  'utf8',
);

/** `dist/index.js` bundled with jwt-decode as a theme's own bundle would, as global `ThemeSdk`. */
export async function bundleEsmCopy(): Promise<string> {
  const entry = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));
  const build = await rollup({
    input: 'theme-entry',
    plugins: [
      {
        name: 'theme-entry',
        resolveId: (id) => (id === 'theme-entry' ? id : null),
        load: (id) => (id === 'theme-entry' ? `export * from ${JSON.stringify(entry)};` : null),
      },
      nodeResolve({ browser: true }),
    ],
  });
  const { output } = await build.generate({ format: 'iife', name: 'ThemeSdk' });
  await build.close();
  return output[0].code;
}

/**
 * Runs `code` in an inline script (the page's nonce) placed just before the page's own SDK tag,
 * carrying that tag's `data-*` attributes changed by `attributes` (`null` removes one): a first
 * copy of the tag, as a theme template adds it before Script Manager's.
 */
export async function addEarlierCopy(
  context: BrowserContext,
  code: string,
  attributes: Record<string, string | null> = {},
): Promise<void> {
  await context.addInitScript(
    ([code, attributes]) => {
      new MutationObserver((records, observer) => {
        for (const record of records) {
          for (const node of record.addedNodes) {
            if (!(node instanceof HTMLScriptElement) || !node.dataset['appClientId']) continue;
            observer.disconnect();
            const copy = document.createElement('script');
            for (const { name, value } of node.attributes) {
              if (name.startsWith('data-')) copy.setAttribute(name, value);
            }
            for (const [name, value] of Object.entries(attributes)) {
              if (value === null) copy.removeAttribute(name);
              else copy.setAttribute(name, value);
            }
            copy.nonce = node.nonce;
            copy.textContent = code;
            node.before(copy);
          }
        }
      }).observe(document, { childList: true, subtree: true });
    },
    [code, attributes] as const,
  );
}

/** Records every identity notice on the SDK's channel, from this tab's copies too. */
export async function recordNotices(page: Page): Promise<void> {
  await page.addInitScript((name) => {
    const notices: string[] = [];
    Object.assign(window, { __notices: notices });
    new BroadcastChannel(name).onmessage = (event) => notices.push(String(event.data));
  }, `bc-customer-auth:${CLIENT_ID}`);
}

/** The notices {@link recordNotices} has recorded in the page, oldest first. */
export function notices(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __notices: string[] }).__notices);
}
