// The script-tag (IIFE) entry: everything the ESM entry exports becomes `window.BcCustomerAuth`.
import { bcAuthEventSource, bcAuthFetch, bcAuthWebSocket } from './default-client.js';
import * as namespace from './index.js';
import { configureFromScriptTag } from './script-config.js';

Object.assign(window, { bcAuthFetch, bcAuthWebSocket, bcAuthEventSource });
try {
  configureFromScriptTag();
} catch (error) {
  // Reported like an uncaught error, while window.BcCustomerAuth still comes to be: the page can
  // call BcCustomerAuth.configure() itself.
  reportError(error);
}

export default namespace;
