import { describe, expect, it } from 'vitest';
import { asSentence, checkLogin, checkNickname, checkRegistration, safeNextPath } from './accountRules.ts';

describe('checkRegistration', () => {
  it('accepts a good name and matching passwords', () => {
    expect(checkRegistration('alice_2', 'correct horse', 'correct horse')).toEqual({});
  });

  it('says what is wrong with each field', () => {
    expect(checkRegistration('al', 'short', 'other')).toEqual({
      name: 'A name has at least 3 characters.',
      password: 'A password has at least 8 characters.',
      confirm: 'The two passwords differ.',
    });
    expect(checkRegistration('bad name!', 'long enough', 'long enough').name).toBe(
      'A name has only letters, digits, _ and -.',
    );
    expect(checkRegistration('x'.repeat(25), 'long enough', 'long enough').name).toBe(
      'A name has at most 24 characters.',
    );
  });
});

describe('checkLogin and checkNickname', () => {
  it('asks for what is missing', () => {
    expect(checkLogin('', '')).toEqual({ name: 'Enter your name.', password: 'Enter your password.' });
    expect(checkLogin('bob', 'pw')).toEqual({});
    expect(checkNickname('  ')).toBe('Enter a nickname.');
    expect(checkNickname('x'.repeat(30))).toBe('A nickname has at most 24 characters.');
    expect(checkNickname('Speedy')).toBeUndefined();
  });
});

describe('safeNextPath', () => {
  it('only follows same-site paths', () => {
    expect(safeNextPath('/upload')).toBe('/upload');
    expect(safeNextPath('/agents/x?y=1')).toBe('/agents/x?y=1');
    expect(safeNextPath('//evil.example')).toBe('/');
    expect(safeNextPath('https://evil.example')).toBe('/');
    expect(safeNextPath('/login')).toBe('/');
    expect(safeNextPath(null)).toBe('/');
  });
});

describe('asSentence', () => {
  it('capitalises and ends with a full stop', () => {
    expect(asSentence('wrong name or password')).toBe('Wrong name or password.');
    expect(asSentence('Done!')).toBe('Done!');
  });
});
