// The one place size goals and budgets live: `npm test` fails when a bundle outgrows its budget
// (test/package/size-budget.test.ts), and `npm run bench` prints each size next to it.

/** The goal for the whole script-tag build, jwt-decode included: 3 KB min+gzip. */
export const IIFE_GOAL_BYTES = 3072;

/**
 * Budgets in bytes, min+gzip (level 9), by bundle id (see MEASURED_BUNDLES in bundle-size.js).
 * Where a bundle is not yet at its goal, its budget is its size when set, rounded up to the next
 * 64 bytes. A budget grows only with a correctness or security fix, never with a feature (the last
 * rises: `invalidate()` from an `invalidate` listener no longer recurses or echoes between tabs;
 * both halves refuse unknown options, the verifier checks `nbf`; store pages stay in the
 * back/forward cache, a restored page checks its open sockets' shopper, and a logout counts as the
 * page goes, decided by the Navigation API where it exists, and one stopped or taken back at a
 * "Leave site?" prompt stays undone; a logout link inside a shadow root counts, and the script tag
 * ignores a clobbered `document.currentScript`; options come only from the caller's own
 * properties or the script tag's attributes, never from a polluted `Object.prototype`; the first
 * 401's body is released when its retry fails too; a logout link is found without calling a
 * method of the clicked element, which a form control named `closest` can shadow, and listener
 * options have no prototype, where a polluted `once` let each listener hear one event only; a
 * token that arrived across an identity event is no longer sent by `fetch` or returned by
 * `getToken`, when two token answers settle together; a tab notice sent between `pagehide` and a
 * restore from the back/forward cache reaches the other tabs; a socket's URL keeps the caller's
 * query as written instead of serializing it anew, which altered or lost parameters; a JSON token
 * answer is read from its own `token` only, never from a polluted `Object.prototype`; relative URLs
 * resolve against the page's base URL read through `Document.prototype`, which page markup such as
 * `<img name="baseURI">` cannot shadow; a `keepalive` call outlives the page in Firefox, which
 * honours the flag only in an init given to `fetch`; a blank `data-max-token-age-ms` is reported
 * instead of read as 0; `createVerifier` names an option the caller set, with the numbers, when the
 * margins reach the token lifetime; the server entry loads where `process.getBuiltinModule`
 * throws, as in Next.js's Edge runtime; a page that Back or Forward loads from the network decides
 * on its beacon once parsed, since Firefox and WebKit report its `transferSize` only then; the
 * server reads a plain headers record as a record when a polluted `Object.prototype.get` exists;
 * open sockets are checked for their shopper after `invalidate()` here or in another tab, which
 * left them open after a sign-out, with a request outside the cache that raises no `token` event,
 * so a `token` listener that calls `invalidate()` cannot make it ask without end, and whose
 * answer is ignored after a newer token, which it would otherwise overrule; a token over
 * 4,096 characters is refused before decoding, which held the page for seconds; a call gives up
 * when a listener's `invalidate()` a microtask after each token would make it ask without end, and
 * a 404 or another shopper's token asked for before a page rendered for the same shopper is not
 * applied, where such a 404 signed every tab out).
 */
export const SIZE_BUDGETS = {
  iife: 4928,
  esmFetchOnly: 384,
  esmConfigureAndFetch: 4672,
  esmEverything: 4800,
  server: 6144,
};
