// @ts-check
// An Express API for a storefront: every /api route knows which shopper is calling.
// Run: BC_CLIENT_ID=… BC_CLIENT_SECRET=… BC_STORE_HASHES=abc123 \
//      STOREFRONT_ORIGIN=https://shop.example.com node examples/express-app.js
import { pathToFileURL } from 'node:url';
import express from 'express';
import { requireCustomer } from 'bc-customer-auth/server';
import { verifierFromEnv } from './verifier.js';

const { STOREFRONT_ORIGIN = 'http://localhost:3000', PORT = '3001' } = process.env;

export const app = express();

// CORS first: browsers send the preflight without the token.
app.use('/api', (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', STOREFRONT_ORIGIN);
  res.setHeader('Vary', 'Origin');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.sendStatus(204);
});
app.use('/api', requireCustomer(verifierFromEnv()));

// Key your data by (storeHash, customerId), never by email alone.
app.get('/api/me', (req, res) => {
  // Always set here: requireCustomer answered every request without a valid token.
  const { storeHash, customerId, email } =
    /** @type {import('bc-customer-auth/server').VerifiedCustomer} */ (req.customer);
  res.json({ storeHash, customerId, email });
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  app.listen(Number(PORT), () => console.log('listening'));
}
