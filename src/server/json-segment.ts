import { decodeBase64url } from './base64url.js';
import { TokenVerificationError, type TokenVerificationErrorOptions } from './errors.js';

/** A JSON object decoded from a token segment. */
export type JsonObject = Record<string, unknown>;

// ignoreBOM keeps a byte-order mark in the text, where JSON.parse then rejects it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(
  label: string,
  detail: string,
  options?: TokenVerificationErrorOptions,
): TokenVerificationError {
  return new TokenVerificationError('MALFORMED', `token ${label} ${detail}`, options);
}

/** Tells whether `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes a base64url segment holding a JSON object: canonical base64url, strict UTF-8 (no
 * replacement characters, no byte-order mark), strict JSON, a top-level object, and no own
 * `__proto__` key at the top level.
 *
 * @throws TokenVerificationError with code `MALFORMED`.
 */
export function decodeJsonSegment(segment: string, label: 'header' | 'payload'): JsonObject {
  const bytes = decodeBase64url(segment);
  if (bytes === undefined) throw malformed(label, 'is not canonical base64url');
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch (cause) {
    throw malformed(label, 'is not valid UTF-8 JSON', { cause });
  }
  if (!isJsonObject(value)) throw malformed(label, 'is not a JSON object');
  if (Object.hasOwn(value, '__proto__')) throw malformed(label, 'has a "__proto__" member');
  return value;
}
