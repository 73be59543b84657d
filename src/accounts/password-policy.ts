import { COMMON_PASSWORDS } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Why a password is refused, or undefined when it is acceptable. Length is what matters most
 * (NIST SP 800-63B); the other rules catch the guesses attackers try first.
 */
export function passwordProblem(password: string, username: string): string | undefined {
  // Characters as people count them: an accented letter or an emoji is one.
  const length = [...GRAPHEMES.segment(password)].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `it must have at least ${PASSWORD_MIN_LENGTH} characters`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `it must have at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  if (new Set(password).size === 1) {
    return 'it repeats a single character';
  }
  if (onlyOneClass(password) && new Set(password.toLowerCase()).size <= 3) {
    return 'it repeats too few different characters';
  }
  const lower = password.toLowerCase();
  const name = username.trim().toLowerCase();
  if (name.length > 0 && lower.includes(name)) {
    return 'it must not contain the username';
  }
  const folded = lower.replace(/[^a-z0-9]/g, '');
  // "Password2024!" is "password" with the digits and symbols people append.
  const base = folded.replace(/^[0-9]+|[0-9]+$/g, '');
  if (
    COMMON_PASSWORDS.has(lower) ||
    COMMON_PASSWORDS.has(folded) ||
    COMMON_PASSWORDS.has(base) ||
    isSequence(folded)
  ) {
    return 'it is one of the most common passwords';
  }
  return undefined;
}

function onlyOneClass(password: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) => pattern.test(password));
  return classes.length === 1;
}

/** abcdefghijkl, 123456789012, qwertyuiop...: a run along the alphabet, the digits or the keyboard. */
function isSequence(text: string): boolean {
  if (text.length < PASSWORD_MIN_LENGTH) {
    return false;
  }
  const runs = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiopasdfghjklzxcvbnm', '1234567890'];
  return runs.some((run) => {
    const twice = run.repeat(Math.ceil(text.length / run.length) + 1);
    const reversed = twice.split('').reverse().join('');
    return twice.includes(text) || reversed.includes(text);
  });
}
