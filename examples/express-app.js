// An Express API for a storefront: every /api route knows which shopper is calling.
// Run: BC_CLIENT_ID=… BC_CLIENT_SECRET=… BC_STORE_HASHES=abc123 \
//      STOREFRONT_ORIGIN=https://shop.example.com node examples/express-app.js
import { pathToFileURL } from 'node:url';
import express from 'express';
import { requireCustomer } from 'bc-customer-auth/server';
import { verifierFromEnv } from './verifier.js';

const storefrontOrigin = process.env.STOREFRONT_ORIGIN ?? 'http://localhost:3000';

export const app = express();

// CORS first: browsers send the preflight without the token.
app.use('/api', (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', storefrontOrigin);
  res.setHeader('Vary', 'Origin');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.sendStatus(204);
});
app.use('/api', requireCustomer(verifierFromEnv()));

// Key your data by (storeHash, customerId), never by email alone.
app.get('/api/me', (req, res) => {
  const { storeHash, customerId, email } = req.customer;
  res.json({ storeHash, customerId, email });
});

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  app.listen(Number(process.env.PORT ?? 3001), () => console.log('listening'));
}
