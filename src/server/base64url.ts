import { loadNodeBuffer } from './node-builtins.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEXTETS = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1)
  SEXTETS[ALPHABET.charCodeAt(index)] = index;

function sextet(input: string, index: number): number {
  const code = input.charCodeAt(index);
  return code < 128 ? (SEXTETS[code] ?? -1) : -1;
}

/**
 * Portable strict decoder (runtimes without `Buffer`): the alphabet of RFC 4648 §5 only, no
 * padding or whitespace, and zero bits in the unused tail of the last character.
 */
export function decodeBase64urlPortable(input: string): Uint8Array | undefined {
  const tail = input.length % 4;
  if (tail === 1) return undefined;
  const bytes = new Uint8Array((input.length * 3) >> 2);
  const whole = input.length - tail;
  let offset = 0;
  for (let index = 0; index < whole; index += 4) {
    const a = sextet(input, index);
    const b = sextet(input, index + 1);
    const c = sextet(input, index + 2);
    const d = sextet(input, index + 3);
    if ((a | b | c | d) < 0) return undefined;
    const group = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[offset] = group >> 16;
    bytes[offset + 1] = (group >> 8) & 255;
    bytes[offset + 2] = group & 255;
    offset += 3;
  }
  if (tail === 0) return bytes;
  const a = sextet(input, whole);
  const b = sextet(input, whole + 1);
  if ((a | b) < 0) return undefined;
  bytes[offset] = (a << 2) | (b >> 4);
  if (tail === 2) return (b & 15) === 0 ? bytes : undefined;
  const c = sextet(input, whole + 2);
  if (c < 0 || (c & 3) !== 0) return undefined;
  bytes[offset + 1] = ((b & 15) << 4) | (c >> 2);
  return bytes;
}

const NodeBuffer = loadNodeBuffer();

/** Native strict decoder: Buffer's decoder is lenient, so only a lossless round trip counts. */
function decodeBase64urlNative(input: string): Uint8Array | undefined {
  const bytes = (NodeBuffer as NonNullable<typeof NodeBuffer>).from(input, 'base64url');
  return bytes.toString('base64url') === input ? bytes : undefined;
}

/**
 * Decodes unpadded base64url, accepting only its canonical spelling. Canonical input matters
 * because the signature covers the text: two spellings of one byte string must not both verify.
 *
 * @returns the bytes, or `undefined` when the input is not canonical base64url.
 */
export const decodeBase64url: (input: string) => Uint8Array | undefined =
  NodeBuffer === undefined ? decodeBase64urlPortable : decodeBase64urlNative;
