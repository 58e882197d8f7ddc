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
    // Closed from `pagehide` to a restore: Chromium evicts a cached page that hears a message.
    const open = () => {
      channel = new Channel(key);
      listen(channel, 'message', signal, (event: MessageEvent) => {
        receive(event.data);
      });
    };
    open();
    listen(window, 'pagehide', signal, () => {
      channel?.close();
      channel = undefined;
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
    // WebKit fires `storage` events only in a page that has used its `localStorage`.
    try {
      localStorage.getItem(key);
    } catch {
      // Storage is disabled: no cross-tab notice.
    }
  }
  return (notice) => {
    try {
      signal.throwIfAborted();
      if (Channel) {
        // After `pagehide`: a channel of its own, closed at once, so the page hears nothing.
        const sender = channel ?? new Channel(key);
        sender.postMessage(notice);
        if (!channel) sender.close();
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
 * Signs out for a click or navigation to the logout URL as the page goes (`pagehide`), or two tasks
 * later for a logout link this page did not follow (opened in another tab); drops the token a task
 * after any other `pagehide`, and on a restore from the back/forward cache.
 */
function watchPage(
  logoutUrl: string,
  signal: AbortSignal,
  onSignal: (local: LocalSignal) => void,
): void {
  const isLogout = (href: unknown) => String(href).split('#')[0] == logoutUrl;
  // The pending cross-document navigation if it goes to the logout URL: a `navigate` event, or the
  // last link click where the Navigation API is missing. It counts unless cancelled (a "Sign out?"
  // confirm, a router) or, with the Navigation API, stopped. Another page replaces it; with the
  // Navigation API a same-document navigation (`replaceState`, `#` toggle) does not.
  let pendingLogout: Event | undefined;
  let lastNavigate: Event | undefined;
  // The task a `pagehide` that is no logout starts (see below); a restore clears it.
  let hideTask: ReturnType<typeof setTimeout> | undefined;
  // Without the Navigation API, `window.navigation` names the page's element with that id (or an
  // iframe's window): only an event target that is not a node is the API.
  const found = (globalThis as { navigation?: unknown }).navigation;
  const navigation = found instanceof EventTarget && !(found instanceof Node) ? found : undefined;
  listen(navigation, 'navigate', signal, (event: NavigateEventLike) => {
    lastNavigate = event;
    const { url, sameDocument } = event.destination;
    if (!sameDocument) pendingLogout = isLogout(url) ? event : undefined;
  });
  // Stopped ("Stay" at a "Leave site?" prompt, Stop) unless another navigation follows at once:
  // Chromium fails a pending navigation as a same-document one starts, yet lets it go on.
  listen(navigation, 'navigateerror', signal, () => {
    const failed = lastNavigate;
    setTimeout(() => {
      if (lastNavigate == failed) pendingLogout = undefined;
    });
  });
  // On `window`, the first stop of the capture phase: a page's own capture listener on `window`
  // that stops propagation cannot hide the click, and page markup cannot shadow the listener
  // methods, as `<img name="addEventListener">` does `document`'s.
  listen(window, 'click', signal, (event: MouseEvent) => {
    // The link from the composed path: one in a shadow root (a web-component header) is retargeted
    // to its host by the time the click reaches the window. Found without calling a method on the
    // clicked element: a form's control named `closest` (page markup) shadows the form's own.
    const href = event
      .composedPath()
      .find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement)?.href;
    if (!navigation) {
      if (href) pendingLogout = isLogout(href) ? event : undefined;
    } else if (isLogout(href)) {
      // Neither cancelled nor followed by a `navigate` here: opened in a new tab; this page stays.
      // Two tasks later: Chromium and WebKit fire the link's `navigate` during the click, Firefox
      // in a task the click's default action queues, after this listener's first one.
      const before = lastNavigate;
      setTimeout(() =>
        setTimeout(() => {
          if (lastNavigate == before && !event.defaultPrevented && !signal.aborted) {
            onSignal('logout');
          }
        }),
      );
    }
  });
  // A task later otherwise, so the page's own `pagehide` handlers can still send with the token (a
  // `keepalive` save); an unloading page never runs it, a restored one clears it on `pageshow`.
  listen(window, 'pagehide', signal, () => {
    if (pendingLogout && !pendingLogout.defaultPrevented) onSignal('logout');
    else hideTask = setTimeout(onSignal, 0, 'pagehide');
    pendingLogout = undefined;
  });
  listen(window, 'pageshow', signal, (event: PageTransitionEvent) => {
    clearTimeout(hideTask);
    if (event.persisted) onSignal('pageshow');
  });
}

/**
 * Watches the logout URL and the page lifecycle (see `watchPage`) and the other tabs (see
 * `connectTabs`) until `signal` aborts. Returns `post`, which tells the other tabs `'i'` (drop
 * tokens) or `'c' + customerId` (the current shopper; `'c'` alone for a guest) — never a token.
 * @internal
 */
export function watchIdentity(
  options: ResolvedOptions,
  signal: AbortSignal,
  onSignal: (local: LocalSignal) => void,
  onNotice: (notice: string) => void,
): (notice: string) => void {
  const logoutUrl = new URL(options.logoutPath, options.storefrontUrl ?? location.href).href;
  // Before `connectTabs`, which closes the channel on `pagehide`: the logout notice goes out first.
  watchPage(logoutUrl, signal, onSignal);
  return connectTabs(options, signal, onNotice);
}
