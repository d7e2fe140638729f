import { execFileSync } from 'node:child_process';
import { requireTool } from '../support/tools';
import { isWellFormedTotpCode, matchTotp, newTotpSecret, otpauthUri, qrCodeDataUrl, timeStepAt, totpCodeAt } from '../../src/security/totp';

/** RFC 6238 Appendix B uses the 20-byte ASCII key "12345678901234567890" for SHA-1, 8 digits. */
const RFC_KEY = new TextEncoder().encode('12345678901234567890');
const RFC_SHA1_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

/** The same key in base32, as oathtool takes it. */
const FIXED_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const T = Date.UTC(2026, 10, 28, 12, 0, 10); // 12:00:10 UTC: 10 s into a step

function oathtool(secret: string, atMs: number): string {
  const at = new Date(atMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return execFileSync(requireTool('oathtool'), ['--totp', '-b', secret, '--now', at], { encoding: 'utf8' }).trim();
}

describe('TOTP (RFC 6238, SHA-1, 30 s)', () => {
  it.each(RFC_SHA1_VECTORS)('RFC 6238 Appendix B: t=%s -> %s', async (t, expected) => {
    expect(await totpCodeAt(RFC_KEY, t * 1000, 8)).toBe(expected);
  });

  it('the base32 form of the RFC key gives the same codes (6-digit truncation of the same HOTP value)', async () => {
    expect(await totpCodeAt(FIXED_SECRET, 59_000, 8)).toBe('94287082');
    expect(await totpCodeAt(FIXED_SECRET, 59_000)).toBe('287082');
  });

  it('agrees with `oathtool --totp -b` for our 6-digit form', async () => {
    const secret = newTotpSecret();
    for (const at of [T, T + 30_000, T + 3_600_000, Date.UTC(2030, 0, 1, 0, 0, 0)]) {
      expect(await totpCodeAt(secret, at)).toBe(oathtool(secret, at));
      expect(await totpCodeAt(FIXED_SECRET, at)).toBe(oathtool(FIXED_SECRET, at));
    }
  });

  it('secrets are 160 random bits in base32, all different', () => {
    const secrets = new Set(Array.from({ length: 50 }, newTotpSecret));
    expect(secrets.size).toBe(50);
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 chars = 20 bytes
    }
  });

  it('accepts the current step and returns it', async () => {
    const code = await totpCodeAt(FIXED_SECRET, T);
    expect(await matchTotp(FIXED_SECRET, code, T)).toBe(timeStepAt(T));
  });

  it('accepts the previous step (and says which step matched)', async () => {
    const code = await totpCodeAt(FIXED_SECRET, T - 30_000);
    expect(await matchTotp(FIXED_SECRET, code, T)).toBe(timeStepAt(T) - 1);
  });

  it('refuses two steps back and the next step', async () => {
    expect(await matchTotp(FIXED_SECRET, await totpCodeAt(FIXED_SECRET, T - 60_000), T)).toBeNull();
    expect(await matchTotp(FIXED_SECRET, await totpCodeAt(FIXED_SECRET, T + 30_000), T)).toBeNull();
  });

  it('the window follows step boundaries, not a 30 s sliding range', async () => {
    const start = Math.floor(T / 30_000) * 30_000; // first millisecond of the current step
    const prev = await totpCodeAt(FIXED_SECRET, start - 1);
    expect(await matchTotp(FIXED_SECRET, prev, start + 29_999)).toBe(timeStepAt(start) - 1);
    expect(await matchTotp(FIXED_SECRET, prev, start + 30_000)).toBeNull();
  });

  it.each([' 123456', '123 456', '12345a', '１２３４５６', '1234567', '12345', '', '123456\n', '-12345', '12345.'])(
    'rejects malformed code %j without throwing',
    async (code) => {
      expect(isWellFormedTotpCode(code)).toBe(false);
      expect(await matchTotp(FIXED_SECRET, code, T)).toBeNull();
    },
  );

  it('a malformed variant of the right code is still refused', async () => {
    const code = await totpCodeAt(FIXED_SECRET, T);
    const fullWidth = [...code].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    for (const variant of [` ${code}`, `${code.slice(0, 3)} ${code.slice(3)}`, fullWidth, `${code}0`]) {
      expect(await matchTotp(FIXED_SECRET, variant, T)).toBeNull();
    }
  });

  it('builds the otpauth URI and a PNG QR code', async () => {
    const uri = otpauthUri('ada+mfa@example.test', FIXED_SECRET);
    expect(uri).toBe(`otpauth://totp/Gatehouse:ada%2Bmfa%40example.test?secret=${FIXED_SECRET}&issuer=Gatehouse`);
    const png = await qrCodeDataUrl(uri);
    expect(png).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(png.split(',')[1], 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});
