// Tells TypeScript (and `// @ts-check` JavaScript) that requireCustomer sets `req.customer`.
import type { VerifiedCustomer } from 'bc-customer-auth/server';

declare global {
  namespace Express {
    interface Request {
      customer?: VerifiedCustomer;
    }
  }
}
