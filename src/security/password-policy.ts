import { BadUserInputError } from '../errors';

const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 256;

/**
 * Common passwords of 12+ characters (and the patterns they are built from). A breached-password
 * API is out of reach here; this list catches the worst choices without one.
 */
const COMMON = new Set(
  [
    '123456789012',
    '1234567890123',
    '12345678901234',
    '123456789123',
    '111111111111',
    '000000000000',
    'password1234',
    'password12345',
    'password123456',
    'passwordpassword',
    'password!234',
    'p@ssw0rd1234',
    'qwertyuiop12',
    'qwertyuiopas',
    'qwerty123456',
    'qwertyqwerty',
    'qwerty1234567',
    '1q2w3e4r5t6y',
    'iloveyou1234',
    'letmein12345',
    'welcome12345',
    'welcome123456',
    'admin1234567',
    'administrator',
    'abcdefghijkl',
    'abc123456789',
    'abcd12345678',
    'aaaaaaaaaaaa',
    'changeme1234',
    'trustno1trustno1',
    'football1234',
    'baseball1234',
    'monkey123456',
    'dragon123456',
    'sunshine1234',
    'princess1234',
    'superman1234',
    'starwars1234',
    'whatever1234',
    'computer1234',
    'internet1234',
    'zaq12wsxcde3',
    '1qaz2wsx3edc',
    'asdfghjkl123',
    'zxcvbnm12345',
    'correcthorsebatterystaple',
    'mypassword123',
    'gatehouse123',
    'gatehouse1234',
    'summer2024!!',
    'winter2024!!',
    'spring2025!!',
    'autumn2025!!',
  ].map((p) => p.toLowerCase()),
);

/** docs/product.md §3: at least 12 characters, not the email (or its local part), not a common password. */
export function assertPasswordAcceptable(password: string, email: string, field = 'password'): void {
  if (typeof password !== 'string' || [...password].length < PASSWORD_MIN_LENGTH) {
    throw new BadUserInputError(`The password must have at least ${PASSWORD_MIN_LENGTH} characters.`, field);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new BadUserInputError(`The password must have at most ${PASSWORD_MAX_LENGTH} characters.`, field);
  }
  const lower = password.toLowerCase();
  const e = email.trim().toLowerCase();
  const local = e.split('@')[0];
  if (lower === e || (local.length >= 4 && lower.includes(local))) {
    throw new BadUserInputError('The password must not be or contain your email address.', field);
  }
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) {
    throw new BadUserInputError('This password is too common; choose another.', field);
  }
}
