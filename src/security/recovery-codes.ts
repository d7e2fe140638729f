import { randomInt } from 'node:crypto';
import { hashToken } from './tokens';

/**
 * MFA recovery codes: 16 characters from a 31-symbol alphabet without look-alikes (no 0/o, 1/l/i),
 * shown as four groups of four (`k7mq-3xhp-w9ta-e2rn`), about 79 bits each: far beyond offline
 * guessing, so a plain SHA-256 is enough to store them (like session tokens).
 */
const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const LENGTH = 16;
const NORMALISED = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);

function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < LENGTH; i++) {
    s += ALPHABET[randomInt(ALPHABET.length)];
  }
  return s.match(/.{4}/g)!.join('-');
}

export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, newRecoveryCode);
}

/**
 * The canonical form of what a user typed (case and the dashes between groups do not matter),
 * or null when it cannot be a recovery code.
 */
export function normaliseRecoveryCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > 19) {
    return null;
  }
  const groups = /^([^-]{4})-?([^-]{4})-?([^-]{4})-?([^-]{4})$/.exec(input.toLowerCase());
  const s = groups ? groups.slice(1).join('') : '';
  return NORMALISED.test(s) ? s : null;
}

/** What is stored: SHA-256 of the canonical form, domain-separated from session tokens. */
export function hashRecoveryCode(normalised: string): string {
  return hashToken('mfa-recovery:' + normalised);
}
