// A signed-in shopper on the demo store in real Chromium, built from the end-to-end suite's own
// helpers (test/e2e/support) so the benchmarks drive exactly what the tests drive.
import { importTypeScript } from '../lib/import-typescript.js';

const SUPPORT = new URL('../../test/e2e/support/', import.meta.url);

/**
 * @typedef {object} StoreSession
 * @property {import('playwright-core').Page} page The store page, shopper 1 signed in.
 * @property {import('../../demo/start-demo.js').Demo} demo Both demo servers, recording requests.
 * @property {string} appClientId The demo app's client ID.
 * @property {string} jwtPath The page-relative Current Customer JWT URL.
 * @property {string} pointsUrl The loyalty API's `GET /points`.
 * @property {(requests: import('../../demo/lib/request-recorder.js').RecordedRequest[]) => number} lastSeq
 * @property {string} browserVersion Chromium's version.
 * @property {() => Promise<void>} close Closes the browser and both servers.
 */

/**
 * Starts both demo servers (tokens reused for up to 60 s) and Chromium, and signs shopper 1 in
 * through the store's login form. Resolves to `{ skipped }` when no Chromium is installed.
 *
 * @returns {Promise<StoreSession | { skipped: string }>}
 */
export async function openStoreSession() {
  const load = (name) => importTypeScript(new URL(name, SUPPORT));
  const chromium = await load('chromium.ts');
  if (chromium.chromiumPath === undefined)
    return { skipped: `no Chromium. ${chromium.INSTALL_HINT}` };
  const { startDemoServers, SHOPPER_1, CLIENT_ID } = await load('demo-servers.ts');
  const { signInThroughForm } = await load('store-page.ts');
  const { lastSeq } = await load('page-calls.ts');
  const browser = await chromium.launchChromium();
  /** @type {import('../../demo/start-demo.js').Demo | undefined} */
  let demo;
  const close = async () => {
    await Promise.all([browser.close(), demo?.close()]);
  };
  try {
    demo = await startDemoServers({ maxTokenAgeMs: 60_000 });
    const page = await (await browser.newContext()).newPage();
    const { origin } = demo.storefront;
    await signInThroughForm(page, origin, SHOPPER_1.email, SHOPPER_1.password);
    const jwtPath = `/customer/current.jwt?app_client_id=${CLIENT_ID}`;
    const pointsUrl = `${demo.api.origin}/points`;
    return {
      page,
      demo,
      appClientId: CLIENT_ID,
      jwtPath,
      pointsUrl,
      lastSeq,
      browserVersion: browser.version(),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
