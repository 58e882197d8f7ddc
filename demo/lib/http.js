// Small response and body helpers shared by the demo servers.

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * Thrown by {@link readBody} when the body cannot be read within the limit.
 */
export class BodyReadError extends Error {
  /**
   * @param {413 | 400} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'BodyReadError';
    this.status = status;
  }
}

/**
 * Reads a request body as UTF-8 text, refusing bodies over `limitBytes`.
 *
 * @param {IncomingMessage} req
 * @param {number} limitBytes
 * @returns {Promise<string>}
 */
export function readBody(req, limitBytes) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyReadError(413, `request body is larger than ${limitBytes} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => reject(new BodyReadError(400, 'request body could not be read')));
  });
}

/**
 * Answers with a JSON body.
 *
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

/**
 * Answers with a body of the given content type.
 *
 * @param {ServerResponse} res
 * @param {number} status
 * @param {string} contentType
 * @param {string | Buffer} body
 * @param {Record<string, string>} [headers]
 */
export function send(res, status, contentType, body, headers = {}) {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/**
 * Answers `303 See Other`, the redirect a browser follows with a GET after a form post.
 *
 * @param {ServerResponse} res
 * @param {string} location
 * @param {Record<string, string | string[]>} [headers]
 */
export function redirect(res, location, headers = {}) {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end();
}

/**
 * Answers `405 Method Not Allowed` with an `Allow` header.
 *
 * @param {ServerResponse} res
 * @param {string[]} allowed
 * @param {Record<string, string>} [headers] more headers, such as `Cache-Control`
 */
export function sendMethodNotAllowed(res, allowed, headers = {}) {
  sendJson(
    res,
    405,
    { error: 'method_not_allowed', message: `use ${allowed.join(' or ')}` },
    { Allow: allowed.join(', '), ...headers },
  );
}
