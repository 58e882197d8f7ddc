import { configure } from './default-client.js';
import { OPTIONS, type CustomerAuthOptions } from './options.js';

/**
 * Configures the default client from the running script tag's `data-*` attributes (named like the
 * options: `data-app-client-id` is `appClientId`), or else from the first
 * `script[data-app-client-id]` (when the SDK does not run from its own tag). Without
 * `data-app-client-id`, the page calls `configure()` itself. @internal
 */
export function configureFromScriptTag(): void {
  // Read through Document's own getter: page markup can shadow `document.currentScript` (`<img
  // name="currentScript">`, DOM clobbering) to send the lookup elsewhere, such as to a `<script>`
  // element of its own that a nonce-based CSP never runs, with its own allowed origins.
  const current: Element | null = Reflect.get(Document.prototype, 'currentScript', document);
  const script = current ?? document.querySelector('script[data-app-client-id]');
  // No prototype, and attributes read as attributes (not through `dataset`, where a missing one
  // falls through to a polluted Object.prototype). Each option by name, so that an empty value (a
  // guest's data-customer-id="") is read as such.
  const data = Object.create(null) as Record<string, string | undefined>;
  for (const name in OPTIONS) {
    const value = script?.getAttribute('data-' + name.replace(/[A-Z]/g, '-$&').toLowerCase());
    if (value != null) data[name] = value;
  }
  const { appClientId, allowedOrigins, maxTokenAgeMs } = data;
  if (appClientId === undefined) return;
  configure({
    ...data,
    allowedOrigins: allowedOrigins?.match(/[^\s,]+/g) ?? [],
    maxTokenAgeMs: maxTokenAgeMs && +maxTokenAgeMs,
  } as unknown as CustomerAuthOptions);
}
