/**
 * The account rules as the server checks them (server/accounts/accountService.ts), checked in the
 * browser first so a form says what is wrong before it is sent.
 */
export const NAME_MIN_LENGTH = 3;
export const NAME_MAX_LENGTH = 24;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
/** ClientApp.setGuestNickname keeps at most this many characters. */
export const NICKNAME_MAX_LENGTH = 24;

export interface FieldErrors {
  name?: string;
  password?: string;
  confirm?: string;
}

export function checkAccountName(name: string): string | undefined {
  if (name.length < NAME_MIN_LENGTH) return `A name has at least ${NAME_MIN_LENGTH} characters.`;
  if (name.length > NAME_MAX_LENGTH) return `A name has at most ${NAME_MAX_LENGTH} characters.`;
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return 'A name has only letters, digits, _ and -.';
  return undefined;
}

export function checkRegistration(name: string, password: string, confirm: string): FieldErrors {
  const errors: FieldErrors = {};
  const nameError = checkAccountName(name);
  if (nameError !== undefined) errors.name = nameError;
  if (password.length < PASSWORD_MIN_LENGTH) {
    errors.password = `A password has at least ${PASSWORD_MIN_LENGTH} characters.`;
  } else if (password.length > PASSWORD_MAX_LENGTH) {
    errors.password = `A password has at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  if (confirm !== password) errors.confirm = 'The two passwords differ.';
  return errors;
}

export function checkLogin(name: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (name.trim() === '') errors.name = 'Enter your name.';
  if (password === '') errors.password = 'Enter your password.';
  return errors;
}

export function checkNickname(nickname: string): string | undefined {
  const trimmed = nickname.trim();
  if (trimmed === '') return 'Enter a nickname.';
  if (trimmed.length > NICKNAME_MAX_LENGTH) return `A nickname has at most ${NICKNAME_MAX_LENGTH} characters.`;
  return undefined;
}

/** Where to go after logging in: a same-site path from `?next=`, else the lobby. */
export function safeNextPath(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/register')) return '/';
  return next;
}

/** A server message as a sentence: first letter up, full stop at the end. */
export function asSentence(message: string): string {
  const text = message.trim();
  if (text === '') return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
