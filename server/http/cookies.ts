/**
 * Just enough cookie handling for the session cookie (no dependency: express pulls in `cookie`
 * transitively, but a transitive package is not ours to import).
 */

/** Longest Cookie header read; the rest is ignored. */
const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * The cookies of a `Cookie` request header, name → value (the first of a repeated name, as
 * browsers send the most specific first). Values in double quotes lose them; %-escapes are decoded
 * where valid.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const pair of header.slice(0, MAX_COOKIE_HEADER).split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    if (name === '' || cookies.has(name)) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    cookies.set(name, decode(value));
  }
  return cookies;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface SetCookieOptions {
  /** Seconds; 0 deletes the cookie. */
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
  readonly httpOnly?: boolean;
  readonly sameSite?: 'Lax' | 'Strict';
  readonly path?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[!#-+\--:<-[\]-~]*$/; // cookie-octet: no space, quote, comma, semicolon or backslash

/** A `Set-Cookie` header value. */
export function serializeCookie(name: string, value: string, options: SetCookieOptions): string {
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name ${JSON.stringify(name)}`);
  if (!VALUE.test(value)) throw new TypeError('invalid cookie value');
  const parts = [`${name}=${value}`];
  if (options.httpOnly ?? true) parts.push('HttpOnly');
  parts.push(`SameSite=${options.sameSite ?? 'Lax'}`);
  parts.push(`Path=${options.path ?? '/'}`);
  parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
