import { configure } from './default-client.js';
import type { CustomerAuthOptions } from './options.js';

/**
 * Configures the default client from the running script tag's `data-*` attributes (named like the
 * options: `data-app-client-id` is `appClientId`), or else from the first
 * `script[data-app-client-id]` (when `currentScript` is unavailable). Without
 * `data-app-client-id`, the page calls `configure()` itself. @internal
 */
export function configureFromScriptTag(): void {
  const script = document.currentScript ?? document.querySelector('script[data-app-client-id]');
  const data: Record<string, string> = {};
  // Read from the attributes rather than `dataset`, whose enumeration some DOMs get wrong for
  // empty values such as a guest's data-customer-id="".
  for (const { name, value } of script?.attributes ?? []) {
    if (name.startsWith('data-')) {
      data[name.slice(5).replace(/-(.)/g, (_, letter: string) => letter.toUpperCase())] = value;
    }
  }
  const { appClientId, allowedOrigins, maxTokenAgeMs } = data;
  if (appClientId === undefined) return;
  configure({
    ...data,
    allowedOrigins: (allowedOrigins ?? '').split(/[\s,]+/).filter(Boolean),
    maxTokenAgeMs: maxTokenAgeMs && +maxTokenAgeMs,
  } as unknown as CustomerAuthOptions);
}
