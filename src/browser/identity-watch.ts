import { listen } from './listen.js';
import type { ResolvedOptions } from './options.js';

/** A signal seen in this page. @internal */
export type LocalSignal = 'logout' | 'pagehide' | 'pageshow';

interface NavigateEventLike extends Event {
  readonly destination: { readonly url: string; readonly sameDocument: boolean };
}

/**
 * Connects to the other tabs: a `BroadcastChannel` named after the client ID, or `storage` events
 * where it is missing. Returns `post`; a destroyed client posts nothing.
 */
function connectTabs(
  options: ResolvedOptions,
  signal: AbortSignal,
  onNotice: (notice: string) => void,
): (notice: string) => void {
  const key = 'bc-customer-auth:' + options.appClientId;
  const Channel =
    options.BroadcastChannel === undefined ? globalThis.BroadcastChannel : options.BroadcastChannel;
  let channel: BroadcastChannel | undefined;
  // A storage-event notice carries a random nonce after a space, so a repeated notice still fires.
  const receive = (notice: unknown) => {
    if (typeof notice == 'string') onNotice(notice.replace(/ .*/, ''));
  };
  if (Channel) {
    // Closed while the page is hidden: Chromium evicts a cached page whose channel gets a message.
    const open = () => {
      channel = new Channel(key);
      listen(channel, 'message', signal, (event: MessageEvent) => {
        receive(event.data);
      });
    };
    open();
    listen(window, 'pagehide', signal, () => {
      channel?.close();
    });
    listen(window, 'pageshow', signal, (event: PageTransitionEvent) => {
      if (event.persisted) open();
    });
    listen(signal, 'abort', undefined, () => {
      channel?.close();
    });
  } else {
    listen(window, 'storage', signal, (event: StorageEvent) => {
      if (event.key == key) receive(event.newValue);
    });
  }
  return (notice) => {
    try {
      signal.throwIfAborted();
      if (Channel) {
        channel?.postMessage(notice);
      } else {
        // Written and removed at once: the other tabs get a storage event, nothing stays behind.
        localStorage.setItem(key, notice + ' ' + String(Math.random()));
        localStorage.removeItem(key);
      }
    } catch {
      // Destroyed, or storage is disabled: no cross-tab notice.
    }
  };
}

/**
 * Watches clicks and navigations to the logout URL (they count as the page goes), the page
 * lifecycle and (see `connectTabs`) the other tabs until `signal` aborts. Returns `post`, which tells the other tabs `'i'` (drop tokens) or
 * `'c' + customerId` (the current shopper; `'c'` alone for a guest) — never a token. @internal
 */
export function watchIdentity(
  options: ResolvedOptions,
  signal: AbortSignal,
  onSignal: (local: LocalSignal) => void,
  onNotice: (notice: string) => void,
): (notice: string) => void {
  const logoutUrl = new URL(options.logoutPath, options.storefrontUrl ?? location.href).href;
  const isLogout = (href: unknown) => String(href).split('#')[0] == logoutUrl;
  // The last navigation toward the logout URL: a Navigation API `navigate` event, or a link click
  // where that API is missing. It signs out when the page goes, unless the page cancelled it (a
  // "Sign out?" confirm, a router), and a "Leave site?" prompt answered with "Stay" keeps the page
  // and the shopper. Another page navigated to, or link clicked, replaces it; a same-document
  // navigation (`replaceState`, a menu toggle) leaves the pending one going, so it does not.
  let leaving: Event | undefined;
  let navigated: Event | undefined;
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  listen(navigation, 'navigate', signal, (event: NavigateEventLike) => {
    navigated = event;
    const { url, sameDocument } = event.destination;
    if (!sameDocument) leaving = isLogout(url) ? event : undefined;
  });
  listen(document, 'click', signal, (event: MouseEvent) => {
    const href = (event.target as Partial<Element> | null)?.closest?.('a')?.href;
    if (!navigation) {
      if (href) leaving = isLogout(href) ? event : undefined;
    } else if (isLogout(href)) {
      // A logout click that was not cancelled yet navigated nothing here opened the logout in
      // another tab (Ctrl+click, `target="_blank"`): this page stays, so it signs out a task later.
      const before = navigated;
      setTimeout(() => {
        if (navigated == before && !event.defaultPrevented && !signal.aborted) onSignal('logout');
      });
    }
  });
  // Otherwise in a task: the page's own `pagehide` handlers may still send with the cached token
  // (a `keepalive` save as the shopper leaves). An unloading page never runs it, and a restored
  // one drops the token on `pageshow` instead.
  let hidden: ReturnType<typeof setTimeout> | undefined;
  listen(window, 'pagehide', signal, () => {
    if (leaving && !leaving.defaultPrevented) onSignal('logout');
    else hidden = setTimeout(onSignal, 0, 'pagehide');
    leaving = undefined;
  });
  listen(window, 'pageshow', signal, (event: PageTransitionEvent) => {
    clearTimeout(hidden);
    if (event.persisted) onSignal('pageshow');
  });
  return connectTabs(options, signal, onNotice);
}
