// The smallest browser a client needs in Node (window, document, Document, location,
// BroadcastChannel), with every event listener counted so a benchmark can show that none is left
// behind.
//
// The stubs keep their own listener lists instead of extending Node's EventTarget: Node can lose
// the `{ signal }` removal of a listener after a garbage collection (nodejs/node#63954), which
// would show up here as a leak that no browser has.

/** An event target that counts its listeners and honours `capture` and `signal`. */
class CountedTarget {
  /** @type {Array<{ type: string, listener: unknown, capture: boolean }>} */
  entries = [];

  /**
   * @param {string} type
   * @param {unknown} listener
   * @param {boolean | { capture?: boolean, signal?: AbortSignal }} [options]
   */
  addEventListener(type, listener, options) {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const signal = typeof options === 'object' ? options.signal : undefined;
    if (!listener || signal?.aborted || this.find(type, listener, capture) >= 0) return;
    this.entries.push({ type, listener, capture });
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener, capture), {
      once: true,
    });
  }

  /**
   * @param {string} type
   * @param {unknown} listener
   * @param {boolean | { capture?: boolean }} [options]
   */
  removeEventListener(type, listener, options) {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const index = this.find(type, listener, capture);
    if (index >= 0) this.entries.splice(index, 1);
  }

  /** @param {Event} event */
  dispatchEvent(event) {
    for (const { type, listener } of [...this.entries]) {
      if (type !== event.type) continue;
      if (typeof listener === 'function') listener(event);
      else /** @type {EventListenerObject} */ (listener).handleEvent(event);
    }
    return true;
  }

  /**
   * @param {string} type
   * @param {unknown} listener
   * @param {boolean} capture
   */
  find(type, listener, capture) {
    return this.entries.findIndex(
      (entry) => entry.type === type && entry.listener === listener && entry.capture === capture,
    );
  }
}

/**
 * Installs `window`, `document` and `location` on `globalThis` for a page at `pageUrl`, and returns
 * a `BroadcastChannel` stand-in (pass it as the client's `BroadcastChannel` option) plus counters.
 *
 * @param {string} pageUrl e.g. `http://localhost:3000/`
 */
export function installPageStubs(pageUrl) {
  const window = new CountedTarget();
  const document = new CountedTarget();
  /** @type {Set<CountedTarget>} */
  const channels = new Set();

  class BroadcastChannelStub extends CountedTarget {
    /** @param {string} name */
    constructor(name) {
      super();
      this.name = name;
      channels.add(this);
    }

    postMessage() {}

    close() {
      channels.delete(this);
    }
  }

  // The SDK reads the page's base URL through `Document.prototype`'s own `baseURI` getter.
  class DocumentStub {
    get baseURI() {
      return pageUrl;
    }
  }
  Object.assign(globalThis, {
    window,
    document,
    Document: DocumentStub,
    location: new URL(pageUrl),
  });
  return {
    BroadcastChannel: /** @type {typeof BroadcastChannel} */ (
      /** @type {unknown} */ (BroadcastChannelStub)
    ),
    /** Listeners on window, document and every channel ever opened and not closed. */
    listenerCount: () =>
      [window, document, ...channels].reduce((sum, target) => sum + target.entries.length, 0),
    openChannels: () => channels.size,
  };
}
