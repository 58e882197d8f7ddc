// Shared by every test tree: what a JWT says, read without verifying it.

/** Payload of a JWT, decoded without verification (to see whose token a request carried). */
export function decodeJwtPayload(
  jwt: string,
): { customer: { id: number } } & Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
    customer: { id: number };
  };
}
