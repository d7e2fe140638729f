import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode } from '../../src/security/recovery-codes';

describe('recovery codes', () => {
  it('ten distinct codes of four groups of four, from an alphabet without look-alikes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) {
      expect(c).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){3}$/);
    }
  });

  it('normalises case and optional dashes; refuses anything else', () => {
    const [c] = newRecoveryCodes(1);
    const plain = c.replace(/-/g, '');
    expect(normaliseRecoveryCode(c)).toBe(plain);
    expect(normaliseRecoveryCode(c.toUpperCase())).toBe(plain);
    expect(normaliseRecoveryCode(plain)).toBe(plain);
    for (const bad of [` ${c}`, `${c}-`, c.replace(/-/g, ' '), '123456', '', 'o000-0000-0000-0000', `${plain}2`]) {
      expect(normaliseRecoveryCode(bad)).toBeNull();
    }
  });

  it('stores a SHA-256 hex hash, not the code', () => {
    const [c] = newRecoveryCodes(1);
    const h = hashRecoveryCode(normaliseRecoveryCode(c)!);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain(c.replace(/-/g, ''));
  });
});
