import { configure } from './default-client.js';
import { OPTIONS, type CustomerAuthOptions } from './options.js';

/**
 * Configures the default client from the running script tag's `data-*` attributes (named like the
 * options: `data-app-client-id` is `appClientId`). Without `data-app-client-id`, or without a
 * running tag (a `type="module"` tag, one in a shadow root), the page calls `configure()` itself.
 * @internal
 */
export function configureFromScriptTag(): void {
  // Read through Document's own getter: page markup can shadow `document.currentScript` (`<img
  // name="currentScript">`, DOM clobbering). Never looked up by selector either (where there is no
  // running tag): that would find a `<script>` element of the markup's own, which a nonce-based CSP
  // never runs, with its own allowed origins.
  const script: Element | null = Reflect.get(Document.prototype, 'currentScript', document);
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
    // A blank value stays a string, reported like an empty one; `+` would read it as 0.
    maxTokenAgeMs: maxTokenAgeMs?.trim() && +maxTokenAgeMs,
  } as unknown as CustomerAuthOptions);
}
