// Imports a TypeScript module of this repository from a plain Node script (see typescript-hooks.js).
import * as nodeModule from 'node:module';

let registered = false;

/**
 * Imports `url` (a `.ts` file), registering the TypeScript hooks on first use: in this thread where
 * Node has `registerHooks` (22.15 and later; `register` is deprecated from Node 26), else on
 * Node's hooks thread.
 *
 * @param {URL} url
 * @returns {Promise<any>}
 */
export async function importTypeScript(url) {
  if (!registered) {
    const hooksUrl = new URL('./typescript-hooks.js', import.meta.url);
    if ('registerHooks' in nodeModule) nodeModule.registerHooks(await import(hooksUrl.href));
    else nodeModule.register(hooksUrl);
    registered = true;
  }
  return import(url.href);
}
