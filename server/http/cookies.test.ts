import { describe, expect, it } from 'vitest';
import { parseCookies, serializeCookie } from './cookies.ts';

describe('parseCookies', () => {
  it('reads name=value pairs, trimming, unquoting and decoding', () => {
    const c = parseCookies(' a=1; arena_session=abc_-XYZ ;b="quoted"; enc=h%C3%A9; bad=%zz; flag; =novalue');
    expect(Object.fromEntries(c)).toEqual({ a: '1', arena_session: 'abc_-XYZ', b: 'quoted', enc: 'hé', bad: '%zz' });
  });

  it('keeps the first of a repeated name and copes with nothing', () => {
    expect(parseCookies('x=1; x=2').get('x')).toBe('1');
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('').size).toBe(0);
  });
});

describe('serializeCookie', () => {
  it('writes the session cookie attributes', () => {
    expect(serializeCookie('arena_session', 'tok', { maxAgeSeconds: 60.9, secure: false })).toBe(
      'arena_session=tok; HttpOnly; SameSite=Lax; Path=/; Max-Age=60',
    );
    expect(serializeCookie('arena_session', '', { maxAgeSeconds: 0, secure: true })).toBe(
      'arena_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure',
    );
  });

  it('refuses names and values that would break the header', () => {
    expect(() => serializeCookie('a b', 'x', { maxAgeSeconds: 1, secure: false })).toThrow(TypeError);
    expect(() => serializeCookie('a', 'x; Domain=evil', { maxAgeSeconds: 1, secure: false })).toThrow(TypeError);
    expect(() => serializeCookie('a', 'x\r\nSet-Cookie: y', { maxAgeSeconds: 1, secure: false })).toThrow(TypeError);
  });
});
