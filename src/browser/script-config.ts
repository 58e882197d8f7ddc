import { configure } from './default-client.js';
import { OPTIONS, type CustomerAuthOptions } from './options.js';

/**
 * Configures the default client from the running script tag's `data-*` attributes (named like the
 * options: `data-app-client-id` is `appClientId`), or else from the first
 * `script[data-app-client-id]` (when `currentScript` is unavailable or not a script element).
 * Without `data-app-client-id`, the page calls `configure()` itself. @internal
 */
export function configureFromScriptTag(): void {
  const current = document.currentScript;
  // Markup can shadow document.currentScript (`<img name="currentScript" data-…>`, DOM
  // clobbering) to swap in its own allowed origins: only a script element is this tag.
  const script =
    current instanceof HTMLScriptElement
      ? current
      : document.querySelector<HTMLElement>('script[data-app-client-id]');
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
