// The HTML frame every storefront page shares, with the script-tag build in its footer.

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param {string | number} value
 */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The script tag a Stencil theme would render from Script Manager: the IIFE build configured by
 * its `data-*` attributes, `data-customer-id` written as `{{customer.id}}` would be.
 *
 * @param {import('./storefront-context.js').StorefrontContext} context
 * @param {import('./shoppers.js').Shopper | undefined} shopper
 * @param {string} nonce
 */
function sdkScriptTag(context, shopper, nonce) {
  const attributes = {
    nonce,
    src: '/assets/bc-customer-auth.iife.js',
    'data-app-client-id': context.clientId,
    'data-allowed-origins': context.apiOrigin(),
    'data-customer-id': shopper === undefined ? '' : String(shopper.id),
    ...(context.maxTokenAgeMs === undefined
      ? {}
      : { 'data-max-token-age-ms': String(context.maxTokenAgeMs) }),
  };
  const rendered = Object.entries(attributes)
    .map(([name, value]) => `${name}="${escapeHtml(value)}"`)
    .join(' ');
  return `<script ${rendered}></script>`;
}

/** @param {import('./shoppers.js').Shopper | undefined} shopper */
function accountNav(shopper) {
  if (shopper === undefined) {
    return '<span class="who" id="who">Browsing as a guest</span> <a class="button" href="/login.php">Sign in</a>';
  }
  return `<span class="who" id="who" data-customer-id="${shopper.id}">Signed in as <strong>${escapeHtml(shopper.name)}</strong> · ${escapeHtml(shopper.email)} · customer ${shopper.id}</span>
    <a class="button secondary" id="logout-link" href="/login.php?action=logout">Sign out</a>`;
}

/**
 * Renders a full page.
 *
 * @param {object} page
 * @param {string} page.title
 * @param {string} page.main Inner HTML of `<main>`.
 * @param {string} page.nonce
 * @param {import('./storefront-context.js').StorefrontContext} page.context
 * @param {import('./shoppers.js').Shopper | undefined} page.shopper
 * @param {string} [page.pageScript] Inline script, run after the script-tag build.
 */
export function renderPage({ title, main, nonce, context, shopper, pageScript }) {
  const inline =
    pageScript === undefined ? '' : `\n<script nonce="${nonce}">${pageScript}</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo Store</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/store.css">
</head>
<body data-api-origin="${escapeHtml(context.apiOrigin())}" data-customer-id="${shopper === undefined ? '' : shopper.id}">
<header class="site-header">
  <a class="brand" href="/">Demo Store <small>${escapeHtml(context.storeHash)}</small></a>
  <nav>${accountNav(shopper)}</nav>
</header>
<main>
${main}
</main>
<footer class="site-footer">A local stand-in for a BigCommerce Stencil storefront · bc-customer-auth demo</footer>
${sdkScriptTag(context, shopper, nonce)}${inline}
</body>
</html>
`;
}
