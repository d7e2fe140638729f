import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/**
 * TOTP (RFC 6238) as Google Authenticator and `oathtool --totp -b SECRET` compute it: HMAC-SHA-1,
 * 6 digits, 30-second steps from the Unix epoch. Pure functions over otplib; the clock is always
 * passed in (milliseconds), so tests can freeze it and the service decides what "now" is.
 */
const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
const TOTP_ISSUER = 'Gatehouse';
/** RFC 4226 §4 asks for at least 128 bits; 160 bits is the SHA-1 block the RFC recommends. */
const TOTP_SECRET_BYTES = 20;

/** Exactly six ASCII digits: no spaces, no letters, no full-width digits (which \d would not match anyway). */
const CODE_FORMAT = /^[0-9]{6}$/;

/** True when `code` has the shape of a TOTP code. A malformed code is still a failed attempt. */
export function isWellFormedTotpCode(code: string): boolean {
  return typeof code === 'string' && CODE_FORMAT.test(code);
}

/** A fresh secret: 20 bytes from the platform CSPRNG, base32 (RFC 4648, no padding). */
export function newTotpSecret(): string {
  return generateSecret({ length: TOTP_SECRET_BYTES });
}

/** RFC 6238 §4.2: T = floor((unixSeconds - T0) / X) with T0 = 0 and X = 30. */
export function timeStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The key URI authenticator apps scan: otpauth://totp/Gatehouse:<email>?secret=...&issuer=Gatehouse. */
export function otpauthUri(accountEmail: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountEmail, secret });
}

/** The key URI as a PNG QR code, as a data: URL an <img> can show directly. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

/** The code for the step containing `atMs` (tests, the demo, and oathtool cross-checks). */
export function totpCodeAt(secret: string | Uint8Array, atMs: number, digits: 6 | 7 | 8 = TOTP_DIGITS): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000), digits, period: TOTP_PERIOD_SECONDS, algorithm: 'sha1' });
}

/**
 * Checks a code against the current step and the one before it (a code typed just as it rolled
 * over still works; codes from the future never do). Returns the matched time step, which the
 * caller must record so that the same code cannot be accepted twice (RFC 6238 §5.2), or null.
 * Malformed input is simply no match.
 */
export async function matchTotp(secret: string, code: string, nowMs: number): Promise<number | null> {
  if (!isWellFormedTotpCode(code)) {
    return null;
  }
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    // [past, future] in seconds: exactly one step back, none ahead.
    epochTolerance: [TOTP_PERIOD_SECONDS, 0],
  });
  // The TOTP branch of otplib's result carries the matched step; the HOTP branch never occurs here.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
