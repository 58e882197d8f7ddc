// Imports a TypeScript module of this repository from a plain Node script (see typescript-hooks.js).
import { register } from 'node:module';

let registered = false;

/**
 * Imports `url` (a `.ts` file), registering the TypeScript hooks on first use.
 *
 * @param {URL} url
 * @returns {Promise<any>}
 */
export async function importTypeScript(url) {
  if (!registered) {
    register(new URL('./typescript-hooks.js', import.meta.url));
    registered = true;
  }
  return import(url.href);
}
