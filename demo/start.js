// `npm start`: builds (via the npm script), then runs the storefront and the loyalty API.
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { readDemoConfig } from './demo-config.js';
import { ListenError } from './lib/listen.js';
import { DEMO_SHOPPERS } from './storefront/shoppers.js';

const BUILT_FILES = ['dist/server.js', 'dist/bc-customer-auth.iife.js'];
const PORT_VARIABLES = { storefront: 'STOREFRONT_PORT', 'loyalty API': 'API_PORT' };

async function assertBuilt() {
  for (const file of BUILT_FILES) {
    try {
      await access(fileURLToPath(new URL(`../${file}`, import.meta.url)));
    } catch {
      throw new Error(`${file} is missing: run "npm start" (it builds first) or "npm run build"`);
    }
  }
}

/**
 * @param {import('./demo-config.js').DemoConfig} config
 * @param {import('./start-demo.js').Demo} demo
 */
function printBanner(config, demo) {
  const shoppers = DEMO_SHOPPERS.map(
    (shopper) => `${shopper.email} / ${shopper.password}  (customer ${shopper.id})`,
  );
  const secret = config.customSecret ? 'from BC_CLIENT_SECRET' : 'demo default';
  console.log(`
bc-customer-auth demo

  Storefront   ${demo.storefront.url}
  Loyalty API  ${demo.api.origin}
  Client id    ${config.clientId}   (secret: ${secret})
  Store hash   ${config.storeHash}
  Shoppers     ${shoppers.join('\n               ')}

Open the storefront, sign in, redeem points; then try two tabs. Ctrl-C stops both servers.
`);
}

/** @param {import('./start-demo.js').Demo} demo */
function stopOnSignals(demo) {
  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping the demo servers…`);
    demo.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** @param {unknown} error */
function describeFailure(error) {
  if (error instanceof ListenError) {
    const variable = PORT_VARIABLES[/** @type {keyof typeof PORT_VARIABLES} */ (error.label)];
    return `${error.message}; set ${variable} to use another port`;
  }
  return error instanceof Error ? error.message : String(error);
}

try {
  const config = readDemoConfig(process.env);
  await assertBuilt();
  // Imported only now: the loyalty API loads bc-customer-auth/server from dist/.
  const { startDemo } = await import('./start-demo.js');
  const demo = await startDemo(config);
  printBanner(config, demo);
  stopOnSignals(demo);
} catch (error) {
  console.error(`demo: ${describeFailure(error)}`);
  process.exitCode = 1;
}
