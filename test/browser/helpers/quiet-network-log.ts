// happy-dom reports each non-2xx answer its fetch gets as a browser console does
// ("GET http://127.0.0.1:…/customer/current.jwt?… 404 (Not Found)"), straight to Node's own
// console, past vitest's. The tests ask for those answers on purpose (a guest's 404, an API's 401)
// and count them at their servers, so such lines for the loopback test servers are not printed.
// Everything else, and the SDK's own console use (tests spy on the global console), is untouched.
import nodeConsole from 'node:console';

const NETWORK_LINE = /^[A-Z]+ http:\/\/127\.0\.0\.1:\d+\/\S* \d{3} \([^)]*\)$/;
const { error } = nodeConsole;

nodeConsole.error = (...args: unknown[]) => {
  if (args.length === 1 && typeof args[0] === 'string' && NETWORK_LINE.test(args[0])) return;
  error.apply(nodeConsole, args);
};
