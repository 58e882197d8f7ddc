import type { ResolvedOptions } from './options.js';

/** A signal seen in this page. @internal */
export type LocalSignal = 'logout' | 'pagehide' | 'pageshow';

interface NavigateEventLike extends Event {
  readonly destination: { readonly url: string };
}

/**
 * Watches clicks and navigations to the logout URL, the page lifecycle and the other tabs (a
 * `BroadcastChannel` named after the client ID, or `storage` events where it is missing) until
 * `signal` aborts. Returns `post`, which tells the other tabs `'i'` (drop tokens) or
 * `'c' + customerId` (the current shopper; `'c'` alone for a guest) — never a token. @internal
 */
export function watchIdentity(
  o: ResolvedOptions,
  signal: AbortSignal,
  onSignal: (local: LocalSignal) => void,
  onNotice: (notice: string) => void,
): (notice: string) => void {
  const key = 'bc-customer-auth:' + o.appClientId;
  const logoutUrl = new URL(o.logoutPath, o.storefrontUrl ?? location.href).href;
  const listen = (target: EventTarget, type: string, listener: (event: never) => void) => {
    target.addEventListener(type, listener as EventListener, { capture: true, signal });
  };
  const checkLogout = (href: unknown) => {
    if (String(href).split('#')[0] == logoutUrl) onSignal('logout');
  };
  listen(document, 'click', (event: MouseEvent) => {
    checkLogout((event.target as Partial<Element> | null)?.closest?.('a')?.href);
  });
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  if (navigation) {
    listen(navigation, 'navigate', (event: NavigateEventLike) => {
      checkLogout(event.destination.url);
    });
  }
  listen(window, 'pagehide', () => {
    onSignal('pagehide');
  });
  listen(window, 'pageshow', (event: PageTransitionEvent) => {
    if (event.persisted) onSignal('pageshow');
  });

  const Channel =
    o.BroadcastChannel === undefined ? globalThis.BroadcastChannel : o.BroadcastChannel;
  if (Channel) {
    const channel = new Channel(key);
    listen(channel, 'message', (event: MessageEvent) => {
      if (typeof event.data == 'string') onNotice(event.data);
    });
    signal.addEventListener('abort', () => {
      channel.close();
    });
    return (notice) => {
      if (!signal.aborted) channel.postMessage(notice);
    };
  }
  // Fallback: a storage event in the other tabs. The value is the notice and a random nonce (so a
  // repeated notice still fires), removed at once.
  listen(window, 'storage', (event: StorageEvent) => {
    if (event.key == key && event.newValue) onNotice(event.newValue.replace(/ .*/, ''));
  });
  return (notice) => {
    try {
      localStorage.setItem(key, notice + ' ' + String(Math.random()));
      localStorage.removeItem(key);
    } catch {
      // Storage disabled: no cross-tab notices.
    }
  };
}
